package io.wsbackup.restore;

/**
 * The {@code drillBackup} job's own execution-context keys, beside the restore's
 * ({@link RestoreContextKeys}).
 */
final class DrillContextKeys {

	/** {@code true} once every restored resource was checked and found sound. */
	static final String DATA_VERIFIED = "verifyRestoredData.dataVerified";

	/** When the readiness check gives up (ISO-8601), set at its first look. */
	static final String READY_BY = "verifyRestoredData.readyBy";

	/** {@code true} once the drill's outcome is on the backup (verified or failed). */
	static final String RECORDED = "drill.recorded";

	/** The last wait between two looks (readiness, restores still running). */
	static final String POLL_INTERVAL_MILLIS = "drill.pollIntervalMillis";

	private DrillContextKeys() {
	}

}
