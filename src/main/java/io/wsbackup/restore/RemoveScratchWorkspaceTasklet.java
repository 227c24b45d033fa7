package io.wsbackup.restore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.Verification;
import io.wsbackup.events.EventLog;
import io.wsbackup.execution.JobFailures;
import io.wsbackup.execution.PollSchedule;
import io.wsbackup.execution.StepFailedException;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Removes a drill's scratch workspace and everything its restore created
 * ({@link ScratchWorkspace}), waiting first for cloud restore jobs still running. Two
 * steps of {@code drillBackup} run it:
 * <ul>
 * <li>{@code removeScratchWorkspace}, the last step of a drill that verified its
 * backup;</li>
 * <li>{@code drillFailed}, the compensation of any failed step: it first records the
 * backup's verification {@code failed} with the failed step and its reason (unless the
 * backup was already recorded verified and only the removal failed), then removes. The
 * job then ends FAILED.</li>
 * </ul>
 * Holds no store connection while it waits; gives up, naming what is left behind, when
 * restores still run an hour after the restore's deadline.
 */
class RemoveScratchWorkspaceTasklet implements Tasklet {

	static final String STEP = "removeScratchWorkspace";

	static final String COMPENSATION = "drillFailed";

	private final boolean afterFailure;

	private final BackupRepository backups;

	private final WorkspaceRepository workspaces;

	private final ScratchWorkspace scratch;

	private final EventLog events;

	private final JobRepository jobRepository;

	private final Clock clock;

	private final PollSchedule schedule;

	private final AwaitRestoresTasklet.Pause pause;

	RemoveScratchWorkspaceTasklet(boolean afterFailure, BackupRepository backups, WorkspaceRepository workspaces,
			ScratchWorkspace scratch, EventLog events, JobRepository jobRepository, Clock clock, PollSchedule schedule,
			AwaitRestoresTasklet.Pause pause) {
		this.afterFailure = afterFailure;
		this.backups = backups;
		this.workspaces = workspaces;
		this.scratch = scratch;
		this.events = events;
		this.jobRepository = jobRepository;
		this.clock = clock;
		this.schedule = schedule;
		this.pause = pause;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws InterruptedException {
		RestoreRun run = RestoreRun.of(chunkContext, jobRepository);
		Backup backup = backups.find(run.backupCrn).orElse(null);
		String ws = backup == null ? run.workspaceCrn.toString() : backup.workspaceCrn().toString();
		String bk = run.backupCrn.toString();
		String name = backup == null ? bk : backup.name();
		String step = afterFailure ? COMPENSATION : STEP;
		String failure = null;
		if (afterFailure) {
			failure = "the drill failed in step " + JobFailures.failedStep(run.jobExecution()) + ": "
					+ JobFailures.reason(run.jobExecution());
			if (!"true".equals(run.getString(DrillContextKeys.RECORDED)) && backup != null) {
				Workspace workspace = workspaces.find(run.workspaceCrn).orElse(null);
				Duration took = workspace == null ? null : Duration.between(workspace.createdAt(), clock.instant());
				backups.verificationEnded(backup.crn(), List.of(failure), Verification.DRILL, took);
				run.put(DrillContextKeys.RECORDED, "true");
				run.save();
				events.error(ws, bk, step, "drill of backup " + name + " failed: " + failure
						+ "; the backup's verification is failed. Removing the scratch workspace");
			}
		}
		ScratchWorkspace.Removal removal = scratch.remove(run);
		if (!removal.removed().isEmpty()) {
			events.info(ws, bk, step, "drill of backup " + name + ": " + String.join("; ", removal.removed()));
		}
		if (!removal.complete() && removal.waitingFor().isEmpty()) {
			return RepeatStatus.CONTINUABLE;
		}
		if (!removal.complete()) {
			Instant now = clock.instant();
			Instant giveUp = run.has(RestoreContextKeys.DEADLINE)
					? Instant.parse(run.getString(RestoreContextKeys.DEADLINE)).plus(Duration.ofHours(1))
					: now.plus(Duration.ofHours(1));
			if (now.isAfter(giveUp)) {
				throw new StepFailedException(
						"the scratch workspace of the drill of backup " + name + " is left behind: "
								+ String.join("; ", removal.waitingFor()) + " did not end; restart job execution "
								+ run.jobExecution().getId() + " once they have to remove it and what they created");
			}
			Duration wait = run.nextWait(DrillContextKeys.POLL_INTERVAL_MILLIS, schedule, now, giveUp);
			run.save();
			pause.sleep(wait);
			return RepeatStatus.CONTINUABLE;
		}
		events.info(ws, bk, step, "drill of backup " + name + ": its scratch workspace and everything its restore"
				+ " created are removed");
		return RepeatStatus.FINISHED;
	}

}
