package io.wsbackup.restore;

import io.wsbackup.execution.JobEndPublisher;

import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.execution.JobFailures;
import io.wsbackup.metrics.WsbackupMetrics;
import io.wsbackup.metrics.WsbackupMetrics.JobKind;
import io.wsbackup.metrics.WsbackupMetrics.Outcome;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;

import org.slf4j.MDC;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Around every {@code restoreWorkspace} execution: puts the new workspace's CRN in the
 * logging MDC and points it at this execution; when the execution ends without
 * completing, never leaves a workspace claiming to be restored by a job that no longer
 * runs ({@code restore:started} becomes {@code restore:failed}); counts the execution in
 * the metrics, under the workspace the backup was taken of; and publishes
 * {@link RestoreEnded}.
 */
class RestoreJobListener implements JobExecutionListener {

	private final BackupRepository backups;

	private final WorkspaceRepository workspaces;

	private final WsbackupMetrics metrics;

	private final JobEndPublisher publisher;

	RestoreJobListener(BackupRepository backups, WorkspaceRepository workspaces, WsbackupMetrics metrics,
			ApplicationEventPublisher publisher) {
		this.backups = backups;
		this.workspaces = workspaces;
		this.metrics = metrics;
		this.publisher = new JobEndPublisher(publisher);
	}

	@Override
	public void beforeJob(JobExecution execution) {
		metrics.jobStarted(JobKind.RESTORE, sourceWorkspace(execution));
		String crn = execution.getJobParameters().getString(RestoreParameters.WORKSPACE_CRN);
		MDC.put("workspaceCrn", crn);
		workspaces.setRestoreJobExecutionId(Crn.parse(crn), execution.getId());
	}

	@Override
	public void afterJob(JobExecution execution) {
		String crn = execution.getJobParameters().getString(RestoreParameters.WORKSPACE_CRN);
		boolean succeeded = execution.getStatus() == BatchStatus.COMPLETED;
		try {
			if (!succeeded) {
				workspaces.find(Crn.parse(crn))
					.filter((w) -> w.status() == WorkspaceStatus.RESTORE_STARTED)
					.ifPresent((w) -> workspaces.moveStatus(w.crn(), WorkspaceStatus.RESTORE_STARTED,
							WorkspaceStatus.RESTORE_FAILED, JobFailures.reason(execution)));
			}
		}
		finally {
			metrics.jobEnded(JobKind.RESTORE, execution, sourceWorkspace(execution), Outcome.of(execution.getStatus()));
			publisher
				.publish(new RestoreEnded(crn, execution.getJobParameters().getString(RestoreParameters.BACKUP_CRN),
						succeeded, succeeded ? null : JobFailures.reason(execution)));
			MDC.remove("workspaceCrn");
		}
	}

	/**
	 * The workspace the restored backup was taken of (the metrics' {@code workspace});
	 * the new workspace when the backup has left the catalog.
	 */
	private String sourceWorkspace(JobExecution execution) {
		String target = execution.getJobParameters().getString(RestoreParameters.WORKSPACE_CRN);
		try {
			String backupCrn = execution.getJobParameters().getString(RestoreParameters.BACKUP_CRN);
			return backups.find(Crn.parse(backupCrn)).map((b) -> b.workspaceCrn().toString()).orElse(target);
		}
		catch (RuntimeException storeAway) {
			return target;
		}
	}

}
