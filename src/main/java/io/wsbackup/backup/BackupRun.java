package io.wsbackup.backup;

import java.util.LinkedHashMap;
import java.util.Map;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * One running backup as a step sees it: its parameters, its catalog entry and workspace,
 * and the job execution context where the job keeps its facts
 * ({@link BackupContextKeys}). {@link #save()} writes the context in the step's
 * transaction, so a fact recorded before a step returns survives a crash.
 */
final class BackupRun {

	private final JobExecution jobExecution;

	private final JobRepository jobRepository;

	final Crn backupCrn;

	final Crn workspaceCrn;

	private BackupRun(JobExecution jobExecution, JobRepository jobRepository) {
		this.jobExecution = jobExecution;
		this.jobRepository = jobRepository;
		var params = jobExecution.getJobParameters();
		this.backupCrn = Crn.parse(params.getString(BackupParameters.BACKUP_CRN));
		this.workspaceCrn = Crn.parse(params.getString(BackupParameters.WORKSPACE_CRN));
	}

	static BackupRun of(ChunkContext chunkContext, JobRepository jobRepository) {
		return new BackupRun(chunkContext.getStepContext().getStepExecution().getJobExecution(), jobRepository);
	}

	static BackupRun of(JobExecution jobExecution, JobRepository jobRepository) {
		return new BackupRun(jobExecution, jobRepository);
	}

	JobExecution jobExecution() {
		return jobExecution;
	}

	Backup backup(BackupRepository backups) {
		return backups.find(backupCrn)
			.orElseThrow(() -> new IllegalStateException("backup " + backupCrn + " is not in the catalog"));
	}

	Workspace workspace(WorkspaceRepository workspaces) {
		return workspaces.find(workspaceCrn)
			.orElseThrow(() -> new IllegalStateException("workspace " + workspaceCrn + " is not registered"));
	}

	private ExecutionContext context() {
		return jobExecution.getExecutionContext();
	}

	String getString(String key) {
		return context().containsKey(key) ? context().getString(key) : null;
	}

	void put(String key, Object value) {
		context().put(key, value);
	}

	boolean has(String key) {
		return context().containsKey(key);
	}

	/**
	 * A map-of-strings fact, copied (empty when absent); change it and {@link #put} it
	 * back.
	 */
	@SuppressWarnings("unchecked")
	Map<String, String> getMap(String key) {
		Object value = context().get(key);
		Map<String, String> copy = new LinkedHashMap<>();
		if (value instanceof Map<?, ?> map) {
			map.forEach((k, v) -> copy.put(String.valueOf(k), String.valueOf(v)));
		}
		return copy;
	}

	/**
	 * Stops the step when the backup was asked to cancel.
	 * @throws BackupCancelledException when the backup is {@code cancelling}
	 */
	void stopIfCancelled(BackupRepository backups, String step) {
		if (backup(backups).status() == io.wsbackup.catalog.BackupStatus.CANCELLING) {
			throw new BackupCancelledException(step);
		}
	}

	/** Writes the job execution context now, in the step's transaction. */
	void save() {
		jobRepository.updateExecutionContext(jobExecution);
	}

}
