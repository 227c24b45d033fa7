package io.wsbackup.execution;

import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/**
 * Put on a compensation step: before it runs, the step it compensates for goes back from
 * ABANDONED to FAILED (see {@link JobFailures#keepFailedStepRestartable}). It runs
 * outside the compensation's own transaction, so a compensation that fails cannot roll it
 * back and leave the failed step never to be run again.
 */
public class KeepFailedStepRestartable implements StepExecutionListener {

	private final JobRepository jobRepository;

	public KeepFailedStepRestartable(JobRepository jobRepository) {
		this.jobRepository = jobRepository;
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		JobFailures.keepFailedStepRestartable(stepExecution.getJobExecution(), jobRepository);
	}

}
