package io.wsbackup.backup;

import io.wsbackup.catalog.Backup;
import io.wsbackup.execution.JobContext;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;

/**
 * One running backup as a step sees it: its parameters, its catalog entry and workspace,
 * and the job execution context where the job keeps its facts
 * ({@link BackupContextKeys}). {@link #save()} writes the context in the step's
 * transaction, so a fact recorded before a step returns survives a crash.
 */
final class BackupRun extends JobContext {

	final Crn backupCrn;

	final Crn workspaceCrn;

	private BackupRun(JobExecution jobExecution, JobRepository jobRepository) {
		super(jobExecution, jobRepository);
		this.backupCrn = Crn.parse(parameter(BackupParameters.BACKUP_CRN));
		this.workspaceCrn = Crn.parse(parameter(BackupParameters.WORKSPACE_CRN));
	}

	static BackupRun of(ChunkContext chunkContext, JobRepository jobRepository) {
		return new BackupRun(chunkContext.getStepContext().getStepExecution().getJobExecution(), jobRepository);
	}

	static BackupRun of(JobExecution jobExecution, JobRepository jobRepository) {
		return new BackupRun(jobExecution, jobRepository);
	}

	Backup backup(BackupRepository backups) {
		return backups.find(backupCrn)
			.orElseThrow(() -> new IllegalStateException("backup " + backupCrn + " is not in the catalog"));
	}

	Workspace workspace(WorkspaceRepository workspaces) {
		return workspaces.find(workspaceCrn)
			.orElseThrow(() -> new IllegalStateException("workspace " + workspaceCrn + " is not registered"));
	}

	/**
	 * Stops the step when the backup was asked to cancel.
	 * @return the catalog entry just read, so that the step need not read it again
	 * @throws BackupCancelledException when the backup is {@code cancelling}
	 */
	Backup stopIfCancelled(BackupRepository backups, String step) {
		Backup backup = backup(backups);
		if (backup.status() == io.wsbackup.catalog.BackupStatus.CANCELLING) {
			throw new BackupCancelledException(step);
		}
		return backup;
	}

}
