package io.wsbackup.deletion;

import io.wsbackup.execution.JobEndPublisher;

import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.events.EventLog;
import io.wsbackup.notification.NotificationEvent;
import io.wsbackup.metrics.WsbackupMetrics;
import io.wsbackup.metrics.WsbackupMetrics.JobKind;
import io.wsbackup.metrics.WsbackupMetrics.Outcome;
import io.wsbackup.workspace.Crn;

import org.slf4j.MDC;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Around every {@code deleteBackup} execution: puts the backup's CRN in the logging MDC
 * and points the catalog entry at this execution; when the execution ends without
 * completing, writes an ERROR event saying the backup stays {@code deleting} and how to
 * resume; counts the execution in the metrics; and publishes {@link DeleteEnded}.
 */
class DeleteJobListener implements JobExecutionListener {

	private final BackupRepository backups;

	private final EventLog events;

	private final WsbackupMetrics metrics;

	private final JobEndPublisher publisher;

	DeleteJobListener(BackupRepository backups, EventLog events, WsbackupMetrics metrics,
			ApplicationEventPublisher publisher) {
		this.backups = backups;
		this.events = events;
		this.metrics = metrics;
		this.publisher = new JobEndPublisher(publisher);
	}

	@Override
	public void beforeJob(JobExecution execution) {
		metrics.jobStarted(JobKind.DELETE, null);
		String crn = execution.getJobParameters().getString(DeleteParameters.BACKUP_CRN);
		MDC.put("backupCrn", crn);
		backups.find(Crn.parse(crn)).ifPresent((b) -> backups.setJobExecutionId(b.crn(), execution.getId()));
	}

	@Override
	public void afterJob(JobExecution execution) {
		String crn = execution.getJobParameters().getString(DeleteParameters.BACKUP_CRN);
		boolean deleted = execution.getStatus() == BatchStatus.COMPLETED;
		String reason = deleted ? null
				: execution.getAllFailureExceptions()
					.stream()
					.findFirst()
					.map(Throwable::getMessage)
					.orElse("the job did not complete");
		try {
			if (!deleted) {
				backups.find(Crn.parse(crn)).ifPresent((b) -> {
					String message = "deleting backup " + b.name() + " failed: " + reason
							+ "; it stays deleting, delete it again to resume";
					events.error(b.workspaceCrn().toString(), crn, DeleteParameters.JOB_NAME, message);
					backups.tell(NotificationEvent.DELETE_FAILED, b, message);
				});
			}
		}
		finally {
			MDC.remove("backupCrn");
			metrics.jobEnded(JobKind.DELETE, execution, null, Outcome.of(execution.getStatus()));
			publisher.publish(new DeleteEnded(crn, deleted, reason));
		}
	}

}
