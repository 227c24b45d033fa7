package io.wsbackup.deletion;

/** The {@code deleteBackup} job's parameters: one job instance per backup deleted. */
public final class DeleteParameters {

	public static final String JOB_NAME = "deleteBackup";

	/** The backup deleted (identifying). */
	public static final String BACKUP_CRN = "backupCrn";

	/** The facts the job keeps in its execution context. */
	static final String TARGETS = "deleteRecoveryPoints.targets";

	private DeleteParameters() {
	}

}
