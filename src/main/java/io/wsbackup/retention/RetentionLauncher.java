package io.wsbackup.retention;

import io.wsbackup.execution.Runner;
import io.wsbackup.execution.RunnerRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.launch.JobRestartException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;

/**
 * Starts {@code enforceRetention} jobs, in the background like every job. Idempotent per
 * sweep: starting a sweep whose job another runner or thread has started (or completed)
 * adopts that execution, and starting one whose job failed restarts it where it stopped.
 * The execution is owned by this runner, so that the recovery scan finds it should the
 * runner die.
 */
@Service
public class RetentionLauncher {

	private static final Logger log = LoggerFactory.getLogger(RetentionLauncher.class);

	private final JobOperator jobOperator;

	private final JobRepository jobRepository;

	private final Job enforceRetentionJob;

	private final Runner runner;

	private final RunnerRegistry runners;

	public RetentionLauncher(JobOperator jobOperator, JobRepository jobRepository,
			@Qualifier("enforceRetentionJob") Job enforceRetentionJob, Runner runner, RunnerRegistry runners) {
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.enforceRetentionJob = enforceRetentionJob;
		this.runner = runner;
		this.runners = runners;
	}

	/**
	 * Starts the sweep's job, or adopts or restarts it.
	 * @return its job execution's id
	 */
	public long start(RetentionSweep sweep) {
		JobParameters parameters = sweep.toJobParameters();
		try {
			JobExecution execution = jobOperator.start(enforceRetentionJob, parameters);
			own(execution.getId());
			return execution.getId();
		}
		catch (JobExecutionAlreadyRunningException | JobInstanceAlreadyCompleteException
				| DataIntegrityViolationException raced) {
			JobExecution last = jobRepository.getLastJobExecution(RetentionParameters.JOB_NAME, parameters);
			if (last == null) {
				throw new IllegalStateException(raced.getMessage(), raced);
			}
			log.info("the retention sweep {} of schedule {} was started already as job execution {} ({}); adopted",
					sweep.runId(), sweep.schedule(), last.getId(), last.getStatus());
			return last.getId();
		}
		catch (JobRestartException | InvalidJobParametersException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
	}

	private void own(long executionId) {
		try {
			runners.own(executionId, runner.id());
		}
		catch (RuntimeException ex) {
			// the step records it when it begins
			log.warn("the owner of job execution {} could not be recorded yet: {}", executionId, ex.getMessage());
		}
		runner.launched(executionId);
	}

}
