package io.wsbackup.backup;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The compensation, {@code restartWorkspaceAfterFailure}: every step after
 * {@code validateWorkspace} fails (or is cancelled) into it. It puts the workspace back
 * as {@code stopWorkloads} found it and ends the backup through {@link BackupEnding}:
 * cancelled (exit status {@code CANCELLED}, the job ends STOPPED) or failed (the job ends
 * FAILED, restartable at the failed step). Idempotent.
 */
class RestartWorkspaceAfterFailureTasklet implements Tasklet {

	static final String STEP = "restartWorkspaceAfterFailure";

	private final BackupEnding ending;

	private final JobRepository jobRepository;

	RestartWorkspaceAfterFailureTasklet(BackupEnding ending, JobRepository jobRepository) {
		this.ending = ending;
		this.jobRepository = jobRepository;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		contribution.setExitStatus(ending.afterFailure(BackupRun.of(chunkContext, jobRepository)));
		return RepeatStatus.FINISHED;
	}

}
