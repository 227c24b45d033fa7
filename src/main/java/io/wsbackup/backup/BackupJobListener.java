package io.wsbackup.backup;

import io.wsbackup.execution.JobEndPublisher;

import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.events.EventLog;
import io.wsbackup.metrics.WsbackupMetrics;
import io.wsbackup.metrics.WsbackupMetrics.JobKind;
import io.wsbackup.metrics.WsbackupMetrics.Outcome;
import io.wsbackup.workspace.Crn;

import org.slf4j.MDC;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Around every {@code backupWorkspace} execution: puts the backup and workspace CRNs in
 * the logging MDC (the launcher has pointed the catalog entry at this execution), and
 * when the execution ends, lets {@link BackupEnding} give the backup its outcome; counts
 * the execution, by how it ended, in the metrics; and publishes {@link BackupEnded}.
 */
class BackupJobListener implements JobExecutionListener {

	private final BackupRepository backups;

	private final EventLog events;

	private final BackupEnding ending;

	private final WsbackupMetrics metrics;

	private final JobEndPublisher publisher;

	BackupJobListener(BackupRepository backups, EventLog events, BackupEnding ending, WsbackupMetrics metrics,
			ApplicationEventPublisher publisher) {
		this.backups = backups;
		this.events = events;
		this.ending = ending;
		this.metrics = metrics;
		this.publisher = new JobEndPublisher(publisher);
	}

	@Override
	public void beforeJob(JobExecution execution) {
		String backupCrn = execution.getJobParameters().getString(BackupParameters.BACKUP_CRN);
		String workspaceCrn = execution.getJobParameters().getString(BackupParameters.WORKSPACE_CRN);
		metrics.jobStarted(JobKind.BACKUP, workspaceCrn);
		MDC.put("backupCrn", backupCrn);
		MDC.put("workspaceCrn", workspaceCrn);
		events.info(workspaceCrn, backupCrn, BackupParameters.JOB_NAME,
				"backup job execution " + execution.getId() + " started");
	}

	@Override
	public void afterJob(JobExecution execution) {
		String backupCrn = execution.getJobParameters().getString(BackupParameters.BACKUP_CRN);
		String workspaceCrn = execution.getJobParameters().getString(BackupParameters.WORKSPACE_CRN);
		Outcome outcome = Outcome.of(execution.getStatus());
		BackupStatus ended = null;
		try {
			BackupEnding.End end = ending.ended(execution);
			outcome = end.outcome();
			ended = end.status();
			if (ended == BackupStatus.SUCCEEDED) {
				metrics.backedUp(workspaceCrn,
						backups.recoveryPoints(Crn.parse(backupCrn))
							.stream()
							.mapToLong((rp) -> rp.sizeBytes() == null ? 0 : rp.sizeBytes())
							.sum());
			}
		}
		finally {
			metrics.jobEnded(JobKind.BACKUP, execution, workspaceCrn, outcome);
			publisher.publish(new BackupEnded(backupCrn, workspaceCrn, ended));
			MDC.remove("backupCrn");
			MDC.remove("workspaceCrn");
		}
	}

}
