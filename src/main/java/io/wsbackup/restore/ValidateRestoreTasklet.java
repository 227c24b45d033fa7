package io.wsbackup.restore;

import java.time.Clock;
import java.time.Duration;

import io.wsbackup.execution.StepFailedException;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.events.EventLog;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Step 1 of {@code restoreWorkspace}, {@code validateRestore}: the backup is still
 * {@code succeeded} with its recovery points, and the new workspace (written by the
 * launcher) is {@code restore:started}. On restart it runs again and moves a
 * {@code restore:failed} workspace back to {@code restore:started}.
 */
class ValidateRestoreTasklet implements Tasklet {

	static final String STEP = "validateRestore";

	private final BackupRepository backups;

	private final WorkspaceRepository workspaces;

	private final CloudPort cloud;

	private final EventLog events;

	private final JobRepository jobRepository;

	private final Clock clock;

	ValidateRestoreTasklet(BackupRepository backups, WorkspaceRepository workspaces, CloudPort cloud, EventLog events,
			JobRepository jobRepository, Clock clock) {
		this.clock = clock;
		this.backups = backups;
		this.workspaces = workspaces;
		this.cloud = cloud;
		this.events = events;
		this.jobRepository = jobRepository;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		RestoreRun run = RestoreRun.of(chunkContext, jobRepository);
		Backup backup = run.backup(backups);
		if (backup.status() != BackupStatus.SUCCEEDED) {
			throw new StepFailedException(
					"backup " + backup.name() + " is " + backup.status() + "; only a succeeded backup can be restored");
		}
		var recoveryPoints = run.recoveryPoints(backups);
		int points = recoveryPoints.size();
		if (points == 0) {
			throw new StepFailedException("backup " + backup.name() + " has no recovery points to restore");
		}
		var inVault = cloud.listRecoveryPoints(backup.vaultName())
			.stream()
			.map((rp) -> rp.recoveryPointId())
			.collect(java.util.stream.Collectors.toSet());
		for (var rp : recoveryPoints) {
			if (!inVault.contains(rp.recoveryPointId())) {
				throw new StepFailedException("recovery point " + rp.recoveryPointId() + " of backup " + backup.name()
						+ " is no longer in vault " + backup.vaultName());
			}
		}
		Workspace workspace = run.workspace(workspaces);
		if (workspace.status() == WorkspaceStatus.RESTORE_FAILED) {
			workspaces.moveStatus(workspace.crn(), WorkspaceStatus.RESTORE_FAILED, WorkspaceStatus.RESTORE_STARTED);
		}
		else if (workspace.status() != WorkspaceStatus.RESTORE_STARTED
				&& !(workspace.status() == WorkspaceStatus.INSTALLATION_FINISHED
						&& workspaces.drillOf(workspace.crn()).isPresent())) {
			// a drill's scratch workspace taken back from a dead runner after it started
			// goes on to the drill's checks
			throw new StepFailedException(
					"workspace " + workspace.name() + " is " + workspace.status() + ", not being restored");
		}
		if (!run.has(RestoreContextKeys.DEADLINE)) {
			// the timeout counts from here, the job's first run, not from the request
			long minutes = run.longParameter(RestoreParameters.TIMEOUT_MINUTES, 720);
			run.put(RestoreContextKeys.DEADLINE, clock.instant().plus(Duration.ofMinutes(minutes)).toString());
			run.save();
		}
		events.info(workspace.crn().toString(), backup.crn().toString(), STEP, "restoring backup " + backup.name()
				+ " (" + points + " recovery point(s)) into new workspace " + workspace.name());
		return RepeatStatus.FINISHED;
	}

}
