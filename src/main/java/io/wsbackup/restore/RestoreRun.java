package io.wsbackup.restore;

import java.util.List;

import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.execution.BackupJobRun;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;

/**
 * One running restore as a step sees it: the backup, the new workspace, and the job's
 * facts.
 */
final class RestoreRun extends BackupJobRun {

	private RestoreRun(JobExecution jobExecution, JobRepository jobRepository) {
		super(jobExecution, jobRepository, RestoreParameters.BACKUP_CRN, RestoreParameters.WORKSPACE_CRN);
	}

	static RestoreRun of(ChunkContext chunkContext, JobRepository jobRepository) {
		return new RestoreRun(chunkContext.getStepContext().getStepExecution().getJobExecution(), jobRepository);
	}

	static RestoreRun of(JobExecution jobExecution, JobRepository jobRepository) {
		return new RestoreRun(jobExecution, jobRepository);
	}

	List<RecoveryPoint> recoveryPoints(BackupRepository backups) {
		return backups.recoveryPoints(backupCrn);
	}

	/** Appends sentences to a newline-separated list fact. */
	void append(String key, List<String> sentences) {
		String before = getString(key);
		StringBuilder all = new StringBuilder(before == null ? "" : before);
		for (String sentence : sentences) {
			if (!all.toString().contains(sentence)) {
				all.append(all.length() == 0 ? "" : "\n").append(sentence);
			}
		}
		put(key, all.toString());
	}

	/**
	 * The wait before the next look of a waiting step, backing off from the last one kept
	 * under {@code key}, never past {@code until}; the wait is kept for the next look
	 * (saved with the next {@link #save}).
	 */
	java.time.Duration nextWait(String key, io.wsbackup.execution.PollSchedule schedule, java.time.Instant now,
			java.time.Instant until) {
		String last = getString(key);
		java.time.Duration wait = schedule.next(last == null ? null : java.time.Duration.ofMillis(Long.parseLong(last)),
				null, now, until);
		put(key, String.valueOf(wait.toMillis()));
		return wait;
	}

}
