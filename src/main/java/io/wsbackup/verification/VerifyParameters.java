package io.wsbackup.verification;

/**
 * The {@code verifyBackup} job's parameters: one job instance per verification (a backup
 * is verified again and again).
 */
public final class VerifyParameters {

	public static final String JOB_NAME = "verifyBackup";

	/** The backup verified (identifying). */
	public static final String BACKUP_CRN = "backupCrn";

	/**
	 * A fresh id per verification (identifying), so that each is its own job instance.
	 */
	public static final String RUN_ID = "runId";

	/**
	 * The facts the job keeps in its execution context: recovery point id → the problems
	 * found in it, one per line, empty when it is sound.
	 */
	static final String CHECKED = "verifyRecoveryPoints.checked";

	private VerifyParameters() {
	}

}
