package io.wsbackup.execution;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;

/**
 * What every job wing offers to the launcher's router and to crash recovery: how its job
 * is started by name, restarted where it stopped, stopped, taken back after a dead
 * runner, and how a launch cut short by a crash is completed. Each wing ({@code backup},
 * {@code restore}, {@code deletion}) implements it once, with the checks of its own
 * operation.
 */
public interface LaunchableJob {

	/** The Spring Batch job's name, e.g. {@code backupWorkspace}. */
	String jobName();

	/**
	 * Starts the job from the actuator endpoint's name/value parameters, with the same
	 * checks as the API.
	 * @return the job execution's id
	 */
	long launch(Map<String, String> parameters, String creatorCrn);

	/**
	 * Runs a failed or stopped execution of this job again where it stopped.
	 * @param parameters the parameters of that execution
	 * @return the new job execution's id
	 */
	long restart(JobParameters parameters);

	/** Stops a running execution of this job. */
	void stop(JobExecution execution);

	/**
	 * Restarts an execution the recovery scan took from a dead runner, when its operation
	 * was still under way.
	 * @return the new job execution's id
	 * @throws io.wsbackup.system.WsbackupException {@code FAILED_PRECONDITION} saying why
	 * it is not restarted
	 */
	long restartRecovered(JobParameters parameters);

	/**
	 * Completes a launch whose runner died between the acknowledged catalog change and
	 * the job's execution: starts, restarts or adopts the job, or says why there is
	 * nothing to launch. The caller holds the subject's lock and ends the launch record.
	 */
	Resumed resumeLaunch(String subjectCrn);

	/**
	 * Runs again the executions of this job that ended before {@code endedBefore} and
	 * left something behind that their job must still clean up (a drill's scratch
	 * workspace); none for most jobs.
	 * @return one sentence per execution restarted
	 */
	default List<String> finishLeftBehind(Instant endedBefore) {
		return List.of();
	}

	/**
	 * What completing a launch did: the parameters of its job (for the event log) and a
	 * sentence.
	 */
	record Resumed(JobParameters parameters, String outcome) {
	}

}
