package io.wsbackup.restore;

import io.wsbackup.execution.StepFailedException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.wsbackup.cloud.CloudException;
import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.cloud.RestoreProgress;
import io.wsbackup.events.EventLog;
import io.wsbackup.execution.PollSchedule;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Step 4 of {@code restoreWorkspace}, {@code awaitRestores}: polls the cloud restore
 * jobs, one poll per iteration ({@code CONTINUABLE}; no database transaction is held
 * while it sleeps), writing progress to the event log when it changes; records the
 * resource each completed job created. Fails on a failed, aborted or expired job (the
 * cloud's message is the reason), or when the deadline (the restore's timeout counted
 * from when its job first began, stored by {@code validateRestore}; the request's time
 * for a job that began before) passes. A retryable cloud error skips one poll.
 */
class AwaitRestoresTasklet implements Tasklet {

	static final String STEP = "awaitRestores";

	private final WorkspaceRepository workspaces;

	private final CloudPort cloud;

	private final EventLog events;

	private final JobRepository jobRepository;

	private final Clock clock;

	private final PollSchedule schedule;

	private final Pause pause;

	/** How the step sleeps between polls: returns early when the runner shuts down. */
	interface Pause {

		void sleep(java.time.Duration duration) throws InterruptedException;

	}

	AwaitRestoresTasklet(WorkspaceRepository workspaces, CloudPort cloud, EventLog events, JobRepository jobRepository,
			Clock clock, PollSchedule schedule, Pause pause) {
		this.pause = pause;
		this.workspaces = workspaces;
		this.cloud = cloud;
		this.events = events;
		this.jobRepository = jobRepository;
		this.clock = clock;
		this.schedule = schedule;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws InterruptedException {
		RestoreRun run = RestoreRun.of(chunkContext, jobRepository);
		Workspace workspace = run.workspace(workspaces);
		String ws = workspace.crn().toString();
		String bk = run.backupCrn.toString();
		if (!run.has(RestoreContextKeys.DEADLINE)) {
			long minutes = run.longParameter(RestoreParameters.TIMEOUT_MINUTES, 720);
			run.put(RestoreContextKeys.DEADLINE, workspace.createdAt().plus(Duration.ofMinutes(minutes)).toString());
		}
		Instant deadline = Instant.parse(run.getString(RestoreContextKeys.DEADLINE));
		Map<String, String> jobs = run.getMap(RestoreContextKeys.RESTORE_JOBS);
		Map<String, String> restored = run.getMap(RestoreContextKeys.RESTORED);
		int percentSum = 0;
		boolean unanswered = false;
		for (Map.Entry<String, String> job : jobs.entrySet()) {
			if (restored.containsKey(job.getKey())) {
				percentSum += 100;
				continue;
			}
			RestoreProgress progress;
			try {
				progress = cloud.restoreProgress(job.getValue());
			}
			catch (CloudException ex) {
				if (!ex.isRetryable()) {
					throw ex;
				}
				unanswered = true;
				continue;
			}
			if (progress.state() == CloudJobState.COMPLETED) {
				restored.put(job.getKey(), progress.createdResourceId());
				percentSum += 100;
				events.info(ws, bk, STEP,
						"recovery point " + job.getKey() + " restored into " + progress.createdResourceId());
			}
			else if (progress.state().isUnsuccessful()) {
				throw new StepFailedException("the restore of recovery point " + job.getKey() + " (cloud job "
						+ job.getValue() + ") ended " + progress.state() + ": "
						+ (progress.message() == null ? "the cloud gave no reason" : progress.message()));
			}
			else {
				percentSum += progress.percentDone();
			}
		}
		run.put(RestoreContextKeys.RESTORED, restored);
		if (!unanswered && restored.size() == jobs.size()) {
			run.save();
			events.progress(ws, bk, STEP, "all " + jobs.size() + " restore(s) completed", 100, null, null);
			return RepeatStatus.FINISHED;
		}
		Instant now = clock.instant();
		if (now.isAfter(deadline)) {
			run.save();
			throw new StepFailedException("the restore timed out at " + deadline + " with "
					+ (jobs.size() - restored.size()) + " restore(s) still running in the cloud");
		}
		int percent = Math.min(99, percentSum / Math.max(1, jobs.size()));
		if (!String.valueOf(percent).equals(run.getString(RestoreContextKeys.LAST_PERCENT))) {
			events.progress(ws, bk, STEP,
					restored.size() + " of " + jobs.size() + " restore(s) completed, " + percent + "% done", percent,
					null, null);
			run.put(RestoreContextKeys.LAST_PERCENT, String.valueOf(percent));
		}
		Duration wait = run.nextWait(RestoreContextKeys.POLL_INTERVAL_MILLIS, schedule, now, deadline);
		run.save();
		pause.sleep(wait);
		return RepeatStatus.CONTINUABLE;
	}

}
