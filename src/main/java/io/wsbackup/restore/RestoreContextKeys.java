package io.wsbackup.restore;

/**
 * The facts the {@code restoreWorkspace} job keeps in its job execution context,
 * {@code <step>.<fact>}, plain strings and maps of strings.
 */
public final class RestoreContextKeys {

	/** What {@code provisionWorkspace} created (sentences, one per line). */
	public static final String PROVISIONED = "provisionWorkspace.created";

	/**
	 * The attempt of each recovery point's restore: recovery point id → attempt number.
	 */
	public static final String ATTEMPTS = "restoreStorage.attempts";

	/**
	 * The cloud restore job of each recovery point: recovery point id → cloud restore job
	 * id.
	 */
	public static final String RESTORE_JOBS = "restoreStorage.jobIds";

	/**
	 * When the restore times out, ISO-8601: its timeout counted from the first run of
	 * {@code validateRestore}, when its job first began (not from the request). Stored
	 * once; a restart does not extend it.
	 */
	public static final String DEADLINE = "awaitRestores.deadline";

	/**
	 * The resource each completed restore created: recovery point id → created resource
	 * id.
	 */
	public static final String RESTORED = "awaitRestores.restored";

	/** The last percent written to the event log. */
	public static final String LAST_PERCENT = "awaitRestores.lastPercent";

	/** The current wait between two polls, in milliseconds. */
	public static final String POLL_INTERVAL_MILLIS = "awaitRestores.pollIntervalMillis";

	/** What {@code attachStorage} created (sentences, one per line). */
	public static final String ATTACHED = "attachStorage.created";

	private RestoreContextKeys() {
	}

}
