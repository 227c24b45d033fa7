package io.wsbackup.backup;

import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.events.EventLog;
import io.wsbackup.workspace.Crn;

import org.slf4j.MDC;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;

/**
 * Around every {@code backupWorkspace} execution: puts the backup and workspace CRNs in
 * the logging MDC, points the catalog entry at this execution, and when the execution
 * ends without completing, moves a still-running backup to {@code failed} with its reason
 * (or {@code cancelled} when it was stopped).
 */
class BackupJobListener implements JobExecutionListener {

	private final BackupRepository backups;

	private final EventLog events;

	BackupJobListener(BackupRepository backups, EventLog events) {
		this.backups = backups;
		this.events = events;
	}

	@Override
	public void beforeJob(JobExecution execution) {
		String backupCrn = execution.getJobParameters().getString(BackupParameters.BACKUP_CRN);
		String workspaceCrn = execution.getJobParameters().getString(BackupParameters.WORKSPACE_CRN);
		MDC.put("backupCrn", backupCrn);
		MDC.put("workspaceCrn", workspaceCrn);
		backups.setJobExecutionId(Crn.parse(backupCrn), execution.getId());
		events.info(workspaceCrn, backupCrn, BackupParameters.JOB_NAME,
				"backup job execution " + execution.getId() + " started");
	}

	@Override
	public void afterJob(JobExecution execution) {
		try {
			Crn backupCrn = Crn.parse(execution.getJobParameters().getString(BackupParameters.BACKUP_CRN));
			String workspaceCrn = execution.getJobParameters().getString(BackupParameters.WORKSPACE_CRN);
			BatchStatus status = execution.getStatus();
			if (status == BatchStatus.COMPLETED) {
				events.info(workspaceCrn, backupCrn.toString(), BackupParameters.JOB_NAME,
						"backup job execution " + execution.getId() + " completed");
				return;
			}
			String reason = BackupFailures.reason(execution);
			BackupStatus to = status == BatchStatus.STOPPED ? BackupStatus.CANCELLED : BackupStatus.FAILED;
			backups.moveStatus(backupCrn, BackupStatus.RUNNING, to,
					to == BackupStatus.CANCELLED ? "cancelled" : reason);
			events.error(workspaceCrn, backupCrn.toString(), BackupParameters.JOB_NAME,
					"backup job execution " + execution.getId() + " ended " + status + " in step "
							+ BackupFailures.failedStep(execution) + ": " + reason);
		}
		finally {
			MDC.remove("backupCrn");
			MDC.remove("workspaceCrn");
		}
	}

}
