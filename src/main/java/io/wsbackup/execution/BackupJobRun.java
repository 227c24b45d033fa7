package io.wsbackup.execution;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;

/**
 * One running job about a backup and a workspace, as its steps see it: a backup (the
 * backup being taken, or the one being restored) and a workspace (the one backed up, or
 * the new one), both named by the job's parameters, and the job's facts.
 */
public abstract class BackupJobRun extends JobContext {

	public final Crn backupCrn;

	public final Crn workspaceCrn;

	protected BackupJobRun(JobExecution jobExecution, JobRepository jobRepository, String backupParameter,
			String workspaceParameter) {
		super(jobExecution, jobRepository);
		this.backupCrn = Crn.parse(parameter(backupParameter));
		this.workspaceCrn = Crn.parse(parameter(workspaceParameter));
	}

	/**
	 * The backup's catalog entry.
	 * @throws StepFailedException when it is no longer in the catalog
	 */
	public Backup backup(BackupRepository backups) {
		return backups.find(backupCrn)
			.orElseThrow(() -> new StepFailedException("backup " + backupCrn + " is no longer in the catalog"));
	}

	/**
	 * The backup's catalog entry and the workspace, read in one statement.
	 * @return both, the workspace {@code null} when it is not registered (see
	 * {@link #registered})
	 * @throws StepFailedException when the backup is no longer in the catalog
	 */
	public BackupRepository.WithWorkspace backupAndWorkspace(BackupRepository backups) {
		return backups.findWithWorkspace(backupCrn, workspaceCrn)
			.orElseThrow(() -> new StepFailedException("backup " + backupCrn + " is no longer in the catalog"));
	}

	/**
	 * The workspace read with {@link #backupAndWorkspace}.
	 * @throws StepFailedException when it is not registered
	 */
	public Workspace registered(Workspace workspace) {
		if (workspace == null) {
			throw new StepFailedException("workspace " + workspaceCrn + " is not registered");
		}
		return workspace;
	}

	/**
	 * The workspace.
	 * @throws StepFailedException when it is not registered
	 */
	public Workspace workspace(WorkspaceRepository workspaces) {
		return workspaces.find(workspaceCrn)
			.orElseThrow(() -> new StepFailedException("workspace " + workspaceCrn + " is not registered"));
	}

}
