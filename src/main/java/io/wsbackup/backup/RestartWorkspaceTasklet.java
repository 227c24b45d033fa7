package io.wsbackup.backup;

import io.wsbackup.execution.JobFailures;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.events.EventLog;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Step 6, {@code restartWorkspace} (and, under the name
 * {@code restartWorkspaceAfterFailure}, the compensation): starts the workloads exactly
 * as {@code stopWorkloads} found them and moves the workspace back to the status it had
 * when the backup began, through {@code backup:finished} (or {@code backup:failed} after
 * a failure). Idempotent: starting what is already started changes nothing.
 */
class RestartWorkspaceTasklet implements Tasklet {

	static final String STEP = "restartWorkspace";

	static final String COMPENSATION_STEP = "restartWorkspaceAfterFailure";

	private final WorkspaceRepository workspaces;

	private final Compensation compensation;

	private final EventLog events;

	private final JobRepository jobRepository;

	private final BackupRepository backups;

	private final boolean afterFailure;

	RestartWorkspaceTasklet(WorkspaceRepository workspaces, Compensation compensation, EventLog events,
			JobRepository jobRepository, BackupRepository backups, boolean afterFailure) {
		this.workspaces = workspaces;
		this.compensation = compensation;
		this.events = events;
		this.jobRepository = jobRepository;
		this.backups = backups;
		this.afterFailure = afterFailure;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		BackupRun run = BackupRun.of(chunkContext, jobRepository);
		Workspace workspace = run.workspace(workspaces);
		String ws = workspace.crn().toString();
		String bk = run.backupCrn.toString();
		BackupStatus backupStatus = run.backup(backups).status();
		boolean cancelled = afterFailure && backupStatus == BackupStatus.CANCELLING;
		// the backup itself may have succeeded, and only starting the workloads again
		// failed
		boolean recorded = backupStatus == BackupStatus.SUCCEEDED;
		String failedStep = JobFailures.failedStep(run.jobExecution());
		// a validation failure stopped nothing, unless this backup already holds the
		// workspace (after a crash)
		boolean stopAttempted = run.has(BackupContextKeys.WORKLOADS_STOPPED)
				|| !ValidateWorkspaceTasklet.STEP.equals(failedStep);
		int snapshotsStopped = cancelled ? compensation.stopRunningSnapshots(run) : 0;
		WorkspaceStatus revertTo = compensation.bringBack(run, afterFailure && stopAttempted,
				afterFailure && !recorded ? WorkspaceStatus.BACKUP_FAILED : WorkspaceStatus.BACKUP_FINISHED);
		if (afterFailure && !recorded) {
			compensation.keepCompletedRecoveryPoints(run, COMPENSATION_STEP);
			if (!cancelled) {
				compensation.followUnfinishedSnapshots(run, COMPENSATION_STEP);
			}
		}
		if (cancelled) {
			// a cancel is its own outcome, not a failure: no failure reason
			backups.moveStatus(run.backupCrn, BackupStatus.CANCELLING, BackupStatus.CANCELLED, null);
			events.warning(ws, bk, COMPENSATION_STEP,
					"backup cancelled during step " + JobFailures.failedStep(run.jobExecution()) + ": "
							+ snapshotsStopped + " cloud snapshot job(s) stopped; workspace " + workspace.name()
							+ " is " + revertTo + ". The backup can be restarted; its stopped snapshots start again");
			contribution.setExitStatus(new ExitStatus(CancelledExitStatus.CANCELLED));
		}
		else if (afterFailure && recorded) {
			events.warning(ws, bk, COMPENSATION_STEP,
					"backup " + run.backup(backups).name()
							+ " succeeded, but starting the workloads again failed in step " + failedStep + ": "
							+ JobFailures.reason(run.jobExecution()) + ". The compensation started them; workspace "
							+ workspace.name() + " is " + revertTo);
		}
		else if (afterFailure) {
			events.error(ws, bk, COMPENSATION_STEP,
					"backup failed in step " + JobFailures.failedStep(run.jobExecution()) + ": "
							+ JobFailures.reason(run.jobExecution())
							+ (stopAttempted ? ". The workloads were started again and workspace "
									: ". Nothing had been stopped; workspace ")
							+ workspace.name() + " is " + revertTo + "; fix the cause and restart the backup");
		}
		else {
			events.info(ws, bk, STEP, "workloads started; workspace " + workspace.name() + " is " + revertTo);
		}
		return RepeatStatus.FINISHED;
	}

}
