package io.wsbackup.restore;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.cloud.RestoreRequest;
import io.wsbackup.events.EventLog;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Step 3 of {@code restoreWorkspace}, {@code restoreStorage}: one cloud restore job per
 * recovery point, one per transaction ({@code CONTINUABLE}), each job id saved in the job
 * context before the step returns, with an idempotency token derived from the new
 * workspace, the recovery point and the attempt: a restart, or a crash between the cloud
 * call and the commit, never starts a second restore of a recovery point. On restart it
 * runs again: recorded jobs are kept; one that ended failed, aborted or expired gets a
 * new job under attempt + 1.
 */
class RestoreStorageTasklet implements Tasklet {

	static final String STEP = "restoreStorage";

	private final BackupRepository backups;

	private final CloudPort cloud;

	private final EventLog events;

	private final JobRepository jobRepository;

	RestoreStorageTasklet(BackupRepository backups, CloudPort cloud, EventLog events, JobRepository jobRepository) {
		this.backups = backups;
		this.cloud = cloud;
		this.events = events;
		this.jobRepository = jobRepository;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		RestoreRun run = RestoreRun.of(chunkContext, jobRepository);
		Backup backup = run.backup(backups);
		Map<String, String> jobs = run.getMap(RestoreContextKeys.RESTORE_JOBS);
		Map<String, String> attempts = run.getMap(RestoreContextKeys.ATTEMPTS);
		var stepExecution = chunkContext.getStepContext().getStepExecution();
		var stepContext = stepExecution.getExecutionContext();
		// a restart copies the failed execution's step context: what that execution
		// checked does not count
		String checkedKey = STEP + ".checkedInThisExecution." + stepExecution.getId();
		String checked = stepContext.getString(checkedKey, "");
		for (RecoveryPoint rp : run.recoveryPoints(backups)) {
			String id = rp.recoveryPointId();
			if (checked.contains("\n" + id + "\n")) {
				continue;
			}
			int attempt = Integer.parseInt(attempts.getOrDefault(id, "1"));
			String jobId = jobs.get(id);
			if (jobId != null) {
				CloudJobState state = cloud.restoreProgress(jobId).state();
				if (!state.isUnsuccessful()) {
					checked = checked + "\n" + id + "\n";
					stepContext.putString(checkedKey, checked);
					continue;
				}
				attempt++;
				events.warning(run.workspaceCrn.toString(), backup.crn().toString(), STEP, "restore job " + jobId
						+ " of recovery point " + id + " ended " + state + "; starting attempt " + attempt);
			}
			String token = UUID
				.nameUUIDFromBytes((run.workspaceCrn + "|" + id + "|" + attempt).getBytes(StandardCharsets.UTF_8))
				.toString();
			Map<String, String> tags = new java.util.HashMap<>(Map.of("workspaceCrn", run.workspaceCrn.toString(),
					"backupCrn", backup.crn().toString(), "restoredFrom", id));
			if (DrillParameters.JOB_NAME.equals(run.jobExecution().getJobInstance().getJobName())) {
				// what a drill restores is thrown away: only a restore so tagged is ever
				// deleted
				tags.put(RestoreRequest.DRILL_TAG, backup.crn().toString());
			}
			String newJob = cloud
				.startRestore(new RestoreRequest(backup.vaultName(), id, rp.resource().kind(), token, tags));
			jobs.put(id, newJob);
			attempts.put(id, String.valueOf(attempt));
			run.put(RestoreContextKeys.RESTORE_JOBS, jobs);
			run.put(RestoreContextKeys.ATTEMPTS, attempts);
			run.save();
			stepContext.putString(checkedKey, checked + "\n" + id + "\n");
			events.info(run.workspaceCrn.toString(), backup.crn().toString(), STEP, "restore of recovery point " + id
					+ " (" + rp.resource().key() + ") started as cloud job " + newJob);
			return RepeatStatus.CONTINUABLE;
		}
		return RepeatStatus.FINISHED;
	}

}
