package io.wsbackup.verification;

import java.util.List;

import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.Verification;
import io.wsbackup.events.EventLog;
import io.wsbackup.execution.JobEndPublisher;
import io.wsbackup.execution.JobFailures;
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
 * Around every {@code verifyBackup} execution: puts the backup's CRN in the logging MDC
 * and marks the backup {@code verifying} (a restart too); when the execution ends without
 * completing, records the verification {@code failed} with the reason and writes an ERROR
 * event saying how to go on; counts the execution in the metrics; and publishes
 * {@link VerifyEnded}.
 */
class VerifyJobListener implements JobExecutionListener {

	private final BackupRepository backups;

	private final EventLog events;

	private final WsbackupMetrics metrics;

	private final JobEndPublisher publisher;

	VerifyJobListener(BackupRepository backups, EventLog events, WsbackupMetrics metrics,
			ApplicationEventPublisher publisher) {
		this.backups = backups;
		this.events = events;
		this.metrics = metrics;
		this.publisher = new JobEndPublisher(publisher);
	}

	@Override
	public void beforeJob(JobExecution execution) {
		metrics.jobStarted(JobKind.VERIFY, null);
		String crn = execution.getJobParameters().getString(VerifyParameters.BACKUP_CRN);
		MDC.put("backupCrn", crn);
		backups.verificationStarted(Crn.parse(crn));
	}

	@Override
	public void afterJob(JobExecution execution) {
		Crn crn = Crn.parse(execution.getJobParameters().getString(VerifyParameters.BACKUP_CRN));
		try {
			if (execution.getStatus() != BatchStatus.COMPLETED) {
				String reason = "the verification could not finish: " + JobFailures.reason(execution)
						+ "; restart job execution " + execution.getId() + " to go on where it stopped";
				backups.find(crn).ifPresent((b) -> {
					backups.verificationEnded(crn, List.of(reason));
					events.error(b.workspaceCrn().toString(), crn.toString(), VerifyParameters.JOB_NAME,
							"verification of backup " + b.name() + " failed: " + reason);
				});
			}
		}
		finally {
			MDC.remove("backupCrn");
			metrics.jobEnded(JobKind.VERIFY, execution, null, Outcome.of(execution.getStatus()));
			Verification verification = backups.verification(crn);
			publisher.publish(new VerifyEnded(crn.toString(), verification.status() == Verification.Status.VERIFIED,
					verification.failure()));
		}
	}

}
