package io.wsbackup.restore;

/** The {@code restoreWorkspace} job's parameters. */
public final class RestoreParameters {

	public static final String JOB_NAME = "restoreWorkspace";

	/** The backup restored (identifying). */
	public static final String BACKUP_CRN = "backupCrn";

	/**
	 * The new workspace, minted by the launcher (identifying): one job instance per
	 * restore.
	 */
	public static final String WORKSPACE_CRN = "workspaceCrn";

	/**
	 * How long the cloud restores may take, counted from the request (not identifying).
	 */
	public static final String TIMEOUT_MINUTES = "restoreJobTimeoutMinutes";

	private RestoreParameters() {
	}

}
