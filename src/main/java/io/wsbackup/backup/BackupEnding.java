package io.wsbackup.backup;

import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.events.EventLog;
import io.wsbackup.execution.JobFailures;
import io.wsbackup.metrics.WsbackupMetrics.Outcome;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;

/**
 * How a backup ends, in one place: {@code succeeded}, {@code failed} (a timeout is a
 * failure whose reason says so) or {@code cancelled}, with the workspace put back and the
 * events that say what happened. The compensation step
 * ({@link RestartWorkspaceAfterFailureTasklet}) ends a backup whose step failed or was
 * cancelled; the job listener ({@link BackupJobListener}) ends what the flow could not
 * reach: a job stopped from outside, a cancel accepted while the job was already failing,
 * a failure of the compensation itself.
 */
final class BackupEnding {

	private final WorkspaceRepository workspaces;

	private final BackupRepository backups;

	private final EventLog events;

	private final Compensation compensation;

	private final JobRepository jobRepository;

	BackupEnding(WorkspaceRepository workspaces, BackupRepository backups, EventLog events, Compensation compensation,
			JobRepository jobRepository) {
		this.workspaces = workspaces;
		this.backups = backups;
		this.events = events;
		this.compensation = compensation;
		this.jobRepository = jobRepository;
	}

	/** How an execution left its backup: its status and the outcome the metrics count. */
	record End(BackupStatus status, Outcome outcome) {
	}

	/**
	 * After a step failed or was cancelled (the compensation step): stops the cloud
	 * snapshots of a cancelled backup, starts the workloads again and moves the workspace
	 * back through {@code backup:failed}, keeps the completed recovery points in the
	 * catalog for a restart, and ends a cancelled backup {@code cancelled}. A failed
	 * backup is ended {@code failed} by the listener once the job's failure is known.
	 * @return {@code CANCELLED} for a cancelled backup (the flow ends the job STOPPED),
	 * else {@code COMPLETED} (the flow ends the job FAILED)
	 */
	ExitStatus afterFailure(BackupRun run) {
		Workspace workspace = run.workspace(workspaces);
		String ws = workspace.crn().toString();
		String bk = run.backupCrn.toString();
		BackupStatus backupStatus = run.backup(backups).status();
		boolean cancelled = backupStatus == BackupStatus.CANCELLING;
		// the backup itself may have succeeded, and only starting the workloads again
		// failed
		boolean recorded = backupStatus == BackupStatus.SUCCEEDED;
		String failedStep = JobFailures.failedStep(run.jobExecution());
		// a validation failure stopped nothing, unless this backup already holds the
		// workspace (after a crash)
		boolean stopAttempted = run.has(BackupContextKeys.WORKLOADS_STOPPED)
				|| !ValidateWorkspaceTasklet.STEP.equals(failedStep);
		int snapshotsStopped = cancelled ? compensation.stopRunningSnapshots(run) : 0;
		WorkspaceStatus revertTo = compensation.bringBack(run, workspace, stopAttempted,
				recorded ? WorkspaceStatus.BACKUP_FINISHED : WorkspaceStatus.BACKUP_FAILED);
		if (!recorded) {
			compensation.keepCompletedRecoveryPoints(run, RestartWorkspaceAfterFailureTasklet.STEP);
			if (!cancelled) {
				compensation.followUnfinishedSnapshots(run, RestartWorkspaceAfterFailureTasklet.STEP);
			}
		}
		if (cancelled) {
			// a cancel is its own outcome, not a failure: no failure reason
			backups.moveStatus(run.backupCrn, BackupStatus.CANCELLING, BackupStatus.CANCELLED, null);
			events.warning(ws, bk, RestartWorkspaceAfterFailureTasklet.STEP,
					"backup cancelled during step " + failedStep + ": " + snapshotsStopped
							+ " cloud snapshot job(s) stopped; workspace " + workspace.name() + " is " + revertTo
							+ ". The backup can be restarted; its stopped snapshots start again");
			return new ExitStatus(CancelledExitStatus.CANCELLED);
		}
		if (recorded) {
			events.warning(ws, bk, RestartWorkspaceAfterFailureTasklet.STEP,
					"backup " + run.backup(backups).name()
							+ " succeeded, but starting the workloads again failed in step " + failedStep + ": "
							+ JobFailures.reason(run.jobExecution()) + ". The compensation started them; workspace "
							+ workspace.name() + " is " + revertTo);
		}
		else {
			events.error(ws, bk, RestartWorkspaceAfterFailureTasklet.STEP,
					"backup failed in step " + failedStep + ": " + JobFailures.reason(run.jobExecution())
							+ (stopAttempted ? ". The workloads were started again and workspace "
									: ". Nothing had been stopped; workspace ")
							+ workspace.name() + " is " + revertTo + "; fix the cause and restart the backup");
		}
		return ExitStatus.COMPLETED;
	}

	/**
	 * When an execution has ended (the job listener): a completed one leaves its backup
	 * {@code succeeded}; a stopped one whose backup is still running or cancelling was
	 * stopped from outside, and is compensated and cancelled here; a failed one ends its
	 * backup {@code failed} with the failure's reason, or {@code cancelled} when a cancel
	 * was accepted while the job was already failing.
	 */
	End ended(JobExecution execution) {
		BatchStatus status = execution.getStatus();
		Outcome outcome = Outcome.of(status);
		Crn backupCrn = Crn.parse(execution.getJobParameters().getString(BackupParameters.BACKUP_CRN));
		String workspaceCrn = execution.getJobParameters().getString(BackupParameters.WORKSPACE_CRN);
		if (status == BatchStatus.COMPLETED) {
			events.info(workspaceCrn, backupCrn.toString(), BackupParameters.JOB_NAME,
					"backup job execution " + execution.getId() + " completed");
			return new End(BackupStatus.SUCCEEDED, outcome);
		}
		BackupStatus backupStatus = backups.find(backupCrn).map((b) -> b.status()).orElse(null);
		if (status == BatchStatus.STOPPED) {
			if (backupStatus == BackupStatus.RUNNING || backupStatus == BackupStatus.CANCELLING) {
				stoppedFromOutside(execution, backupStatus);
				return new End(BackupStatus.CANCELLED, outcome);
			}
			return new End(backupStatus, outcome);
		}
		String reason = JobFailures.reason(execution);
		BackupStatus ended = backupStatus;
		if (backupStatus == BackupStatus.CANCELLING) {
			// a cancel accepted while the job was already failing: honour it
			outcome = Outcome.CANCELLED;
			compensation.stopRunningSnapshots(BackupRun.of(execution, jobRepository));
			backups.moveStatus(backupCrn, backupStatus, BackupStatus.CANCELLED,
					"cancelled; the job had also failed: " + reason);
			ended = BackupStatus.CANCELLED;
		}
		else if (backupStatus == BackupStatus.RUNNING) {
			backups.moveStatus(backupCrn, backupStatus, BackupStatus.FAILED, reason);
			ended = BackupStatus.FAILED;
		}
		events.error(workspaceCrn, backupCrn.toString(), BackupParameters.JOB_NAME,
				"backup job execution " + execution.getId() + " ended " + status + " in step "
						+ JobFailures.failedStep(execution) + ": " + reason);
		if (status == BatchStatus.FAILED && !compensationRan(execution)) {
			BackupRun run = BackupRun.of(execution, jobRepository);
			if (run.has(BackupContextKeys.WORKLOADS_STOPPED)) {
				bringBackAfterFlowFailure(run, ended);
			}
		}
		return new End(ended, outcome);
	}

	/** Whether the compensation step ran in this execution (whatever its end). */
	private static boolean compensationRan(JobExecution execution) {
		return execution.getStepExecutions()
			.stream()
			.anyMatch((step) -> RestartWorkspaceAfterFailureTasklet.STEP.equals(step.getStepName()));
	}

	/**
	 * A job can fail outside its steps, where the flow never reaches the compensation:
	 * for instance when the store cannot give a connection to create the next step's
	 * execution (seen in bench 9 with 2,000 backups on a pool of 30, between
	 * {@code recordCatalog} and {@code restartWorkspace}). The workspace must not stay
	 * stopped: it is put back here, as the compensation would have (its workloads started
	 * again, its status back through {@code backup:finished} or {@code backup:failed}).
	 * Only a backup whose own stop step ran puts them back (a validation that failed
	 * because another backup holds the workspace leaves it alone). The job stays
	 * restartable.
	 */
	private void bringBackAfterFlowFailure(BackupRun run, BackupStatus ended) {
		String ws = run.workspaceCrn.toString();
		String bk = run.backupCrn.toString();
		try {
			WorkspaceStatus status = compensation.bringBack(run, false,
					ended == BackupStatus.SUCCEEDED ? WorkspaceStatus.BACKUP_FINISHED : WorkspaceStatus.BACKUP_FAILED);
			if (ended != BackupStatus.SUCCEEDED) {
				compensation.keepCompletedRecoveryPoints(run, RestartWorkspaceAfterFailureTasklet.STEP);
			}
			events.warning(ws, bk, RestartWorkspaceAfterFailureTasklet.STEP,
					"the job failed outside its steps, before its compensation could run; the workloads were started "
							+ "again here and the workspace is " + status);
		}
		catch (RuntimeException ex) {
			events.error(ws, bk, RestartWorkspaceAfterFailureTasklet.STEP,
					"the job failed outside its steps and the workspace could not be put back: " + ex.getMessage()
							+ "; restart the backup job to try again");
		}
	}

	/**
	 * A cancel ends the job through the compensation step. A stop from outside
	 * (JobOperator.stop, e.g. the actuator endpoint) interrupts the flow before any
	 * compensation step can be reached, so the compensation runs here: the cloud
	 * snapshots still running are stopped and the workspace is put back as it was.
	 */
	private void stoppedFromOutside(JobExecution execution, BackupStatus backupStatus) {
		BackupRun run = BackupRun.of(execution, jobRepository);
		String ws = run.workspaceCrn.toString();
		String bk = run.backupCrn.toString();
		try {
			int stopped = compensation.stopRunningSnapshots(run);
			var status = compensation.bringBack(run, run.has(BackupContextKeys.WORKLOADS_STOPPED),
					WorkspaceStatus.BACKUP_FAILED);
			compensation.keepCompletedRecoveryPoints(run, RestartWorkspaceAfterFailureTasklet.STEP);
			backups.moveStatus(run.backupCrn, backupStatus, BackupStatus.CANCELLED, null);
			events.warning(ws, bk, RestartWorkspaceAfterFailureTasklet.STEP,
					"backup cancelled during step " + JobFailures.stoppedStep(execution) + ": " + stopped
							+ " cloud snapshot job(s) stopped; the workspace is " + status);
		}
		catch (RuntimeException ex) {
			events.error(ws, bk, RestartWorkspaceAfterFailureTasklet.STEP,
					"backup cancelled, but the workspace could not be put back: " + ex.getMessage()
							+ "; restart the backup job to try again");
			throw ex;
		}
	}

}
