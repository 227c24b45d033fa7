package io.wsbackup.retention;

import java.util.Map;

import io.wsbackup.execution.JobStarter;
import io.wsbackup.execution.LaunchableJob;
import io.wsbackup.system.WsbackupException;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/**
 * Starts {@code enforceRetention} jobs, in the background like every job. Idempotent per
 * sweep: starting a sweep whose job another runner or thread has started (or completed)
 * adopts that execution, and starting one whose job failed restarts it where it stopped.
 * The execution is owned by this runner, so that the recovery scan finds it should the
 * runner die, and restarts it. A sweep answers no operator and changes nothing before it
 * starts, so it leaves no launch record: a sweep lost to a crash before its job began is
 * the next sweep's work.
 */
@Service
public class RetentionLauncher implements LaunchableJob {

	private final Job enforceRetentionJob;

	private final JobStarter starter;

	public RetentionLauncher(@Qualifier("enforceRetentionJob") Job enforceRetentionJob, JobStarter starter) {
		this.enforceRetentionJob = enforceRetentionJob;
		this.starter = starter;
	}

	@Override
	public String jobName() {
		return RetentionParameters.JOB_NAME;
	}

	/**
	 * Starts the sweep's job, or adopts or restarts it.
	 * @return its job execution's id
	 */
	public long start(RetentionSweep sweep) {
		return starter.startOrAdopt(enforceRetentionJob, sweep.toJobParameters()).getId();
	}

	/** A sweep is started by its schedule, which knows what the schedule keeps. */
	@Override
	public long launch(Map<String, String> parameters, String creatorCrn) {
		throw WsbackupException.invalid("the " + RetentionParameters.JOB_NAME
				+ " job is started by a schedule's retention, after each scheduled backup and every hour;"
				+ " POST /api/v1/ml/triggerSchedule runs a schedule now");
	}

	@Override
	public long restart(JobParameters parameters) {
		return start(RetentionSweep.of(parameters));
	}

	@Override
	public void stop(JobExecution execution) {
		starter.stop(execution);
	}

	@Override
	public long restartRecovered(JobParameters parameters) {
		return start(RetentionSweep.of(parameters));
	}

	@Override
	public Resumed resumeLaunch(String subjectCrn) {
		return new Resumed(new JobParameters(),
				"a retention sweep leaves no launch record; the next sweep does what " + subjectCrn + " left");
	}

}
