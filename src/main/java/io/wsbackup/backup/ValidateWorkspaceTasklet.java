package io.wsbackup.backup;

import java.time.Clock;
import java.time.Duration;

import io.wsbackup.execution.StepFailedException;

import java.util.Comparator;
import java.util.List;

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
 * Step 1, {@code validateWorkspace}: the workspace exists and is
 * {@code installation:finished} (or stopped by this very backup, after a crash); no other
 * backup of it is running; the cloud's prerequisites hold. Records the status to go back
 * to. Changes nothing else, so a failure here needs no compensation.
 *
 * <p>
 * On restart it runs again (the world may have changed meanwhile) and keeps the status
 * recorded the first time.
 */
class ValidateWorkspaceTasklet implements Tasklet {

	static final String STEP = "validateWorkspace";

	private static final Comparator<Backup> OLDEST_FIRST = Comparator.comparing(Backup::createdAt)
		.thenComparing((b) -> b.crn().toString());

	private final WorkspaceRepository workspaces;

	private final BackupRepository backups;

	private final CloudPort cloud;

	private final EventLog events;

	private final JobRepository jobRepository;

	private final Clock clock;

	ValidateWorkspaceTasklet(WorkspaceRepository workspaces, BackupRepository backups, CloudPort cloud, EventLog events,
			JobRepository jobRepository, Clock clock) {
		this.clock = clock;
		this.workspaces = workspaces;
		this.backups = backups;
		this.cloud = cloud;
		this.events = events;
		this.jobRepository = jobRepository;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		BackupRun run = BackupRun.of(chunkContext, jobRepository);
		BackupRepository.WithWorkspace read = run.stopIfCancelledWithWorkspace(backups, STEP);
		Backup backup = read.backup();
		if (backup.status() != BackupStatus.RUNNING && backup.status() != BackupStatus.SUCCEEDED) {
			throw new StepFailedException("backup " + backup.name() + " is " + backup.status() + ", not running");
		}
		Workspace workspace = run.registered(read.workspace());
		String recorded = run.getString(BackupContextKeys.STATUS_TO_REVERT_TO);
		boolean stoppedByThisBackup = recorded != null && workspace.status() == WorkspaceStatus.BACKUP_STARTED;
		if (workspace.status() != WorkspaceStatus.INSTALLATION_FINISHED && !stoppedByThisBackup) {
			throw new StepFailedException("workspace " + workspace.name() + " is " + workspace.status()
					+ "; a backup needs it in " + WorkspaceStatus.INSTALLATION_FINISHED);
		}
		// Two launches racing past the launcher's check: the older backup goes on, the
		// newer one fails here.
		List<String> others = backups.activeFor(workspace.crn())
			.stream()
			.filter((b) -> !b.crn().equals(backup.crn()))
			.filter((b) -> OLDEST_FIRST.compare(b, backup) < 0)
			.map(Backup::name)
			.toList();
		if (!others.isEmpty()) {
			throw new StepFailedException(
					"workspace " + workspace.name() + " has another backup or delete running: " + others);
		}
		List<String> missing = cloud.missingPrerequisites(workspace);
		if (!missing.isEmpty()) {
			throw new StepFailedException("cloud prerequisites missing: " + String.join("; ", missing));
		}
		if (workspace.storage().externalNfs()) {
			String warning = "the workspace mounts an external NFS share, which is not backed up";
			backups.addWarning(backup.crn(), warning);
			events.warning(workspace.crn().toString(), backup.crn().toString(), STEP, warning);
		}
		if (recorded == null) {
			run.put(BackupContextKeys.STATUS_TO_REVERT_TO, workspace.status().text());
			if (!run.has(BackupContextKeys.DEADLINE)) {
				// the timeout counts from here, the job's first run, not from the request
				run.put(BackupContextKeys.DEADLINE,
						clock.instant().plus(Duration.ofMinutes(backup.timeoutMinutes())).toString());
			}
			run.save();
		}
		events.info(workspace.crn().toString(), backup.crn().toString(), STEP,
				"workspace " + workspace.name() + " validated for backup " + backup.name() + "; it will return to "
						+ run.getString(BackupContextKeys.STATUS_TO_REVERT_TO));
		return RepeatStatus.FINISHED;
	}

}
