package io.wsbackup.backup;

import java.time.Duration;
import java.time.Instant;

import io.wsbackup.catalog.Backup;
import io.wsbackup.execution.BackupJobRun;
import io.wsbackup.catalog.BackupRepository;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;

/**
 * One running backup as a step sees it: its parameters, its catalog entry and workspace,
 * and the job execution context where the job keeps its facts
 * ({@link BackupContextKeys}). {@link #save()} writes the context in the step's
 * transaction, so a fact recorded before a step returns survives a crash.
 */
final class BackupRun extends BackupJobRun {

	private BackupRun(JobExecution jobExecution, JobRepository jobRepository) {
		super(jobExecution, jobRepository, BackupParameters.BACKUP_CRN, BackupParameters.WORKSPACE_CRN);
	}

	static BackupRun of(ChunkContext chunkContext, JobRepository jobRepository) {
		return new BackupRun(chunkContext.getStepContext().getStepExecution().getJobExecution(), jobRepository);
	}

	static BackupRun of(JobExecution jobExecution, JobRepository jobRepository) {
		return new BackupRun(jobExecution, jobRepository);
	}

	/**
	 * When the backup times out ({@link BackupContextKeys#DEADLINE}); for a job that
	 * began before the deadline was kept, its creation plus its timeout.
	 */
	Instant deadline(Backup backup) {
		String stored = getString(BackupContextKeys.DEADLINE);
		return (stored != null) ? Instant.parse(stored)
				: backup.createdAt().plus(Duration.ofMinutes(backup.timeoutMinutes()));
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

	/**
	 * Stops the step when the backup was asked to cancel, reading the backup and its
	 * workspace in one statement.
	 * @return the catalog entry and the workspace just read (check the workspace with
	 * {@link #registered})
	 * @throws BackupCancelledException when the backup is {@code cancelling}
	 */
	BackupRepository.WithWorkspace stopIfCancelledWithWorkspace(BackupRepository backups, String step) {
		BackupRepository.WithWorkspace both = backupAndWorkspace(backups);
		if (both.backup().status() == io.wsbackup.catalog.BackupStatus.CANCELLING) {
			throw new BackupCancelledException(step);
		}
		return both;
	}

}
