package io.wsbackup.launcher;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.wsbackup.backup.BackupLauncher;
import io.wsbackup.catalog.Backup;
import io.wsbackup.deletion.DeleteLauncher;
import io.wsbackup.execution.JobStarter;
import io.wsbackup.execution.LaunchQueue;
import io.wsbackup.execution.LaunchableJob;
import io.wsbackup.execution.LaunchableJob.Resumed;
import io.wsbackup.execution.Launches;
import io.wsbackup.restore.RestoreInput;
import io.wsbackup.restore.RestoreLauncher;
import io.wsbackup.restore.RestoreStarted;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.workspace.Crn;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.stereotype.Service;

/**
 * The one door jobs are started through (REST, CLI, actuator, schedules, crash recovery):
 * routes each operation, and each execution by its job's name, to its job's wing
 * ({@link LaunchableJob}), which checks it and launches durably through
 * {@link JobStarter}.
 */
@Service
public class Launcher {

	private final BackupLauncher backups;

	private final RestoreLauncher restores;

	private final DeleteLauncher deletes;

	private final Map<String, LaunchableJob> jobs;

	private final JobStarter starter;

	private final Launches launches;

	public Launcher(BackupLauncher backups, RestoreLauncher restores, DeleteLauncher deletes, List<LaunchableJob> jobs,
			JobStarter starter, Launches launches) {
		this.backups = backups;
		this.restores = restores;
		this.deletes = deletes;
		// a HashMap: a name that is no job's, null too, finds no wing
		this.jobs = jobs.stream()
			.collect(Collectors.toMap(LaunchableJob::jobName, Function.identity(), (a, b) -> a, HashMap::new));
		this.starter = starter;
		this.launches = launches;
	}

	public Backup backupWorkspace(String workspaceCrn, String backupName, Integer timeoutMinutes, String creatorCrn) {
		return backups.backupWorkspace(workspaceCrn, backupName, timeoutMinutes, creatorCrn,
				LaunchQueue.Placement.HERE_IF_ROOM);
	}

	/** A backup that any runner of the cluster may run (a schedule's start). */
	public Backup backupWorkspaceOnAnyRunner(String workspaceCrn, String backupName, Integer timeoutMinutes,
			String creatorCrn) {
		return backups.backupWorkspace(workspaceCrn, backupName, timeoutMinutes, creatorCrn,
				LaunchQueue.Placement.ANY_RUNNER);
	}

	/** When a backup's launch was queued, while it waits for a runner with room. */
	public Optional<Instant> backupQueuedSince(Crn backupCrn) {
		return backups.queuedSince(backupCrn);
	}

	public Backup cancelBackup(String backupCrn) {
		return backups.cancelBackup(backupCrn);
	}

	public long deleteBackup(String backupCrn) {
		return deletes.deleteBackup(backupCrn);
	}

	public RestoreStarted restoreWorkspace(RestoreInput input) {
		return restores.restoreWorkspace(input);
	}

	/**
	 * Starts a job by name for the actuator endpoint, with the API's checks; returns the
	 * execution's id. {@code INVALID_ARGUMENT} for a missing or unknown job.
	 */
	public long launch(String jobName, Map<String, String> parameters, String creatorCrn) {
		LaunchableJob job = jobs.get(jobName);
		if (job == null) {
			throw WsbackupException
				.invalid(((jobName == null) ? "jobName is required" : "unknown job '" + jobName + "'")
						+ "; the jobs are: " + String.join(", ", new TreeSet<>(jobs.keySet())));
		}
		return job.launch(parameters == null ? Map.of() : parameters, creatorCrn);
	}

	/**
	 * Restarts a failed (or stopped) job execution where it stopped, through its wing.
	 */
	public long restartExecution(long executionId) {
		JobExecution execution = starter.execution(executionId);
		String job = execution.getJobInstance().getJobName();
		return wing(job, "job " + job + " cannot be restarted here").restart(execution.getJobParameters());
	}

	/** Stops a running job execution the way its job stops (a backup is cancelled). */
	public void stopExecution(long executionId) {
		JobExecution execution = starter.execution(executionId);
		if (!execution.isRunning()) {
			throw WsbackupException.failedPrecondition("job execution " + executionId + " is " + execution.getStatus()
					+ "; only a running one can be stopped");
		}
		String job = execution.getJobInstance().getJobName();
		wing(job, "job execution " + executionId + " cannot be stopped: job " + job + " is not one of wsbackup's")
			.stop(execution);
	}

	/**
	 * Restarts an execution recovered from a dead runner (FAILED now) when its job was
	 * still under way; else {@code FAILED_PRECONDITION} saying why not.
	 */
	public long restartRecovered(JobExecution recovered) {
		String job = recovered.getJobInstance().getJobName();
		return wing(job, "job " + job + " is not one of wsbackup's; it is not restarted")
			.restartRecovered(recovered.getJobParameters());
	}

	/**
	 * Completes a launch whose runner died before its job's execution existed (the
	 * recovery scan holds it), or a queued one a runner took (the launch dispatcher). The
	 * launch record is done once the job's wing answered (launched, or nothing left to
	 * launch). When it failed instead (the store could not be reached, the pool stayed
	 * starved), the record stays with {@code claimedBy}, which no longer launches it, so
	 * that the recovery scan completes it: removing it then would leave an acknowledged
	 * backup {@code running} with no job and nobody to start one (seen in benchmark 9).
	 * @param claimedBy the runner that claimed the launch
	 */
	public Resumed resumeLaunch(String jobName, String subjectCrn, String claimedBy) {
		synchronized (starter.lock(subjectCrn)) {
			LaunchableJob job = jobs.get(jobName);
			Resumed resumed = job == null
					? new Resumed(new JobParameters(), "job " + jobName + " is not one of wsbackup's")
					: job.resumeLaunch(subjectCrn);
			launches.done(jobName, subjectCrn, claimedBy);
			return resumed;
		}
	}

	/** Each job reruns what its ended executions left behind (a drill: its scratch). */
	public List<String> finishLeftBehind(java.time.Instant endedBefore) {
		return jobs.values().stream().flatMap((job) -> job.finishLeftBehind(endedBefore).stream()).toList();
	}

	private LaunchableJob wing(String jobName, String refusal) {
		return java.util.Optional.ofNullable(jobs.get(jobName))
			.orElseThrow(() -> WsbackupException.failedPrecondition(refusal));
	}

}
