package io.wsbackup.backup;

/**
 * The {@code backupWorkspace} job's parameters; both are identifying: one job instance
 * per backup.
 */
public final class BackupParameters {

	public static final String JOB_NAME = "backupWorkspace";

	/** The workspace backed up, a workspace CRN. */
	public static final String WORKSPACE_CRN = "workspaceCrn";

	/**
	 * The backup, a backup CRN minted by the launcher; its catalog entry holds the name
	 * and the timeout.
	 */
	public static final String BACKUP_CRN = "backupCrn";

	private BackupParameters() {
	}

}
