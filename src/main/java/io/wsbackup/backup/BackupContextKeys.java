package io.wsbackup.backup;

/**
 * The facts the {@code backupWorkspace} job keeps in its job execution context
 * ({@code BATCH_JOB_EXECUTION_CONTEXT}, readable JSON). Each key is
 * {@code <step that writes it>.<fact>}; values are strings, numbers or maps of strings. A
 * restart starts with the previous execution's context, so these are what make a restart
 * resume exactly.
 */
public final class BackupContextKeys {

	/**
	 * The workspace status to go back to after the backup, e.g.
	 * {@code installation:finished}.
	 */
	public static final String STATUS_TO_REVERT_TO = "validateWorkspace.statusToRevertTo";

	/** {@code "true"} while the workloads are stopped by this backup. */
	public static final String WORKLOADS_STOPPED = "stopWorkloads.stopped";

	/**
	 * What stopping the workloads changed: object → state to restore (a map of strings).
	 */
	public static final String WORKLOAD_CHANGES = "stopWorkloads.changes";

	/**
	 * The resources protected, in order: resource key ({@code volume:<id>}) → attempt
	 * number (a map of strings).
	 */
	public static final String RESOURCES = "snapshotStorage.resources";

	/**
	 * The cloud snapshot job of each resource: resource key → cloud job id (a map of
	 * strings).
	 */
	public static final String SNAPSHOT_JOBS = "snapshotStorage.jobIds";

	/**
	 * When the backup times out, an ISO-8601 instant: its timeout counted from the first
	 * run of {@code validateWorkspace}, when its job first began (not from its request,
	 * so that a backup waiting for a job thread loses none of its time). Stored once; a
	 * restart does not extend it.
	 */
	public static final String DEADLINE = "awaitRecoveryPoints.deadline";

	/**
	 * The recovery point each completed job made: resource key → recovery point id (a map
	 * of strings).
	 */
	public static final String RECOVERY_POINTS = "awaitRecoveryPoints.recoveryPoints";

	/**
	 * The bytes each snapshot job has transferred so far: resource key → bytes (a map of
	 * strings).
	 */
	public static final String BYTES_TRANSFERRED = "awaitRecoveryPoints.bytesTransferred";

	/**
	 * The total bytes of each snapshot job, as the cloud last told them: resource key →
	 * bytes (a map of strings; absent for a cloud that does not tell).
	 */
	public static final String TOTAL_BYTES = "awaitRecoveryPoints.totalBytes";

	/**
	 * What the progress estimate keeps between polls (unit, work done, when, smoothed
	 * rate): see {@link io.wsbackup.events.ProgressEstimator.State} (a map of strings).
	 */
	public static final String ESTIMATE = "awaitRecoveryPoints.estimate";

	/**
	 * The estimated completion in the last progress line, an ISO-8601 instant, or empty.
	 */
	public static final String LAST_ETA = "awaitRecoveryPoints.lastEta";

	/** The last progress written to the event log: percent done. */
	public static final String LAST_PERCENT = "awaitRecoveryPoints.lastPercent";

	/** When the last progress line was written, an ISO-8601 instant. */
	public static final String LAST_PROGRESS_AT = "awaitRecoveryPoints.lastProgressAt";

	/**
	 * The snapshot jobs last seen waiting in their start window: resource key → cloud job
	 * id (a map of strings), so that the wait is said once per job.
	 */
	public static final String PENDING_JOBS = "awaitRecoveryPoints.pendingJobs";

	/** The current wait between two polls, in milliseconds. */
	/**
	 * When the estimated completion was first seen after the deadline: the warning (event
	 * and notification {@code backup-will-miss-timeout}) is given once per backup.
	 */
	public static final String WILL_MISS_TIMEOUT = "awaitRecoveryPoints.willMissTimeout";

	public static final String POLL_INTERVAL_MILLIS = "awaitRecoveryPoints.pollIntervalMillis";

	private BackupContextKeys() {
	}

}
