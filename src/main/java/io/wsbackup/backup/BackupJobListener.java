package io.wsbackup.backup;

import io.wsbackup.execution.JobFailures;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.events.EventLog;
import io.wsbackup.metrics.WsbackupMetrics;
import io.wsbackup.metrics.WsbackupMetrics.JobKind;
import io.wsbackup.metrics.WsbackupMetrics.Outcome;
import io.wsbackup.workspace.Crn;

import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Around every {@code backupWorkspace} execution: puts the backup and workspace CRNs in
 * the logging MDC, points the catalog entry at this execution, and when the execution
 * ends without completing, moves a still-running backup to {@code failed} with its reason
 * (or {@code cancelled} when it was stopped); counts the execution, by how it ended, in
 * the metrics; and publishes {@link BackupEnded}.
 */
class BackupJobListener implements JobExecutionListener {

	private final BackupRepository backups;

	private final EventLog events;

	private final Compensation compensation;

	private final JobRepository jobRepository;

	private final WsbackupMetrics metrics;

	private final ApplicationEventPublisher publisher;

	BackupJobListener(BackupRepository backups, EventLog events, Compensation compensation, JobRepository jobRepository,
			WsbackupMetrics metrics, ApplicationEventPublisher publisher) {
		this.backups = backups;
		this.events = events;
		this.compensation = compensation;
		this.jobRepository = jobRepository;
		this.metrics = metrics;
		this.publisher = publisher;
	}

	@Override
	public void beforeJob(JobExecution execution) {
		String backupCrn = execution.getJobParameters().getString(BackupParameters.BACKUP_CRN);
		String workspaceCrn = execution.getJobParameters().getString(BackupParameters.WORKSPACE_CRN);
		metrics.jobStarted(JobKind.BACKUP, workspaceCrn);
		MDC.put("backupCrn", backupCrn);
		MDC.put("workspaceCrn", workspaceCrn);
		backups.setJobExecutionId(Crn.parse(backupCrn), execution.getId());
		events.info(workspaceCrn, backupCrn, BackupParameters.JOB_NAME,
				"backup job execution " + execution.getId() + " started");
	}

	@Override
	public void afterJob(JobExecution execution) {
		String workspaceCrn = execution.getJobParameters().getString(BackupParameters.WORKSPACE_CRN);
		Outcome outcome = Outcome.of(execution.getStatus());
		BackupStatus ended = null;
		try {
			Crn backupCrn = Crn.parse(execution.getJobParameters().getString(BackupParameters.BACKUP_CRN));
			BatchStatus status = execution.getStatus();
			if (status == BatchStatus.COMPLETED) {
				ended = BackupStatus.SUCCEEDED;
				metrics.backedUp(workspaceCrn,
						backups.recoveryPoints(backupCrn)
							.stream()
							.mapToLong((rp) -> rp.sizeBytes() == null ? 0 : rp.sizeBytes())
							.sum());
				events.info(workspaceCrn, backupCrn.toString(), BackupParameters.JOB_NAME,
						"backup job execution " + execution.getId() + " completed");
				return;
			}
			BackupStatus backupStatus = backups.find(backupCrn).map((b) -> b.status()).orElse(null);
			ended = backupStatus;
			if (status == BatchStatus.STOPPED) {
				if (backupStatus == BackupStatus.RUNNING || backupStatus == BackupStatus.CANCELLING) {
					stoppedFromOutside(execution, backupStatus);
					ended = BackupStatus.CANCELLED;
				}
				return;
			}
			String reason = JobFailures.reason(execution);
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
		}
		finally {
			metrics.jobEnded(JobKind.BACKUP, execution, workspaceCrn, outcome);
			publish(new BackupEnded(execution.getJobParameters().getString(BackupParameters.BACKUP_CRN), workspaceCrn,
					ended));
			MDC.remove("backupCrn");
			MDC.remove("workspaceCrn");
		}
	}

	/**
	 * Tells the listeners of {@link BackupEnded}, after the catalog took the outcome (its
	 * writes here commit on their own); none of them can fail the job.
	 */
	private void publish(BackupEnded ended) {
		try {
			publisher.publishEvent(ended);
		}
		catch (RuntimeException ex) {
			LoggerFactory.getLogger(BackupJobListener.class)
				.warn("a listener of the end of backup {} failed: {}", ended.backupCrn(), ex.toString());
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
					io.wsbackup.workspace.WorkspaceStatus.BACKUP_FAILED);
			compensation.keepCompletedRecoveryPoints(run, RestartWorkspaceTasklet.COMPENSATION_STEP);
			backups.moveStatus(run.backupCrn, backupStatus, BackupStatus.CANCELLED, null);
			events.warning(ws, bk, RestartWorkspaceTasklet.COMPENSATION_STEP,
					"backup cancelled during step " + JobFailures.stoppedStep(execution) + ": " + stopped
							+ " cloud snapshot job(s) stopped; the workspace is " + status);
		}
		catch (RuntimeException ex) {
			events.error(ws, bk, RestartWorkspaceTasklet.COMPENSATION_STEP,
					"backup cancelled, but the workspace could not be put back: " + ex.getMessage()
							+ "; restart the backup job to try again");
			throw ex;
		}
	}

}
