package io.wsbackup.restore;

import java.util.List;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.Verification;
import io.wsbackup.events.EventLog;
import io.wsbackup.execution.JobEndPublisher;
import io.wsbackup.execution.JobFailures;
import io.wsbackup.metrics.WsbackupMetrics;
import io.wsbackup.metrics.WsbackupMetrics.JobKind;
import io.wsbackup.metrics.WsbackupMetrics.Outcome;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.WorkspaceRepository;
import org.slf4j.MDC;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The {@code drillBackup} job's listener: counts the execution in the metrics; when the
 * job ends without its outcome on the backup (stopped, or its compensation failed too),
 * records the verification {@code failed} with the reason; when it ends with its scratch
 * workspace still there, says so in an ERROR event with how to finish the removal; and
 * publishes {@link DrillEnded}.
 */
class DrillJobListener implements JobExecutionListener {

	private final BackupRepository backups;

	private final WorkspaceRepository workspaces;

	private final EventLog events;

	private final WsbackupMetrics metrics;

	private final JobEndPublisher publisher;

	DrillJobListener(BackupRepository backups, WorkspaceRepository workspaces, EventLog events, WsbackupMetrics metrics,
			ApplicationEventPublisher publisher) {
		this.backups = backups;
		this.workspaces = workspaces;
		this.events = events;
		this.metrics = metrics;
		this.publisher = new JobEndPublisher(publisher);
	}

	@Override
	public void beforeJob(JobExecution execution) {
		metrics.jobStarted(JobKind.DRILL, null);
		MDC.put("backupCrn", execution.getJobParameters().getString(RestoreParameters.BACKUP_CRN));
	}

	@Override
	public void afterJob(JobExecution execution) {
		Crn backupCrn = Crn.parse(execution.getJobParameters().getString(RestoreParameters.BACKUP_CRN));
		Crn scratchCrn = Crn.parse(execution.getJobParameters().getString(RestoreParameters.WORKSPACE_CRN));
		Backup backup = backups.find(backupCrn).orElse(null);
		try {
			if (backup != null && execution.getStatus() != BatchStatus.COMPLETED) {
				String ws = backup.workspaceCrn().toString();
				if (backups.verification(backupCrn).status() == Verification.Status.VERIFYING) {
					backups.verificationEnded(backupCrn,
							List.of("the drill could not finish: " + JobFailures.reason(execution)), Verification.DRILL,
							null);
				}
				workspaces.find(scratchCrn)
					.ifPresent((scratch) -> events.error(ws, backupCrn.toString(), DrillParameters.JOB_NAME,
							"the drill of backup " + backup.name() + " ended " + execution.getStatus()
									+ " with its scratch workspace " + scratch.name() + " (" + scratch.crn()
									+ ") still there: restart job execution " + execution.getId()
									+ " to remove it and what its restore created"));
			}
		}
		finally {
			MDC.remove("backupCrn");
			metrics.jobEnded(JobKind.DRILL, execution, null, Outcome.of(execution.getStatus()));
			Verification verification = backups.verification(backupCrn);
			publisher
				.publish(
						new DrillEnded(backupCrn.toString(), backup == null ? null : backup.workspaceCrn().toString(),
								execution.getStatus() == BatchStatus.COMPLETED
										&& verification.status() == Verification.Status.VERIFIED,
								verification.failure()));
		}
	}

}
