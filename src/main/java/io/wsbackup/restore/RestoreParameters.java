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

	/**
	 * The parameters of the restore (or the drill) that created this workspace, with the
	 * timeout it was asked for (else {@code defaultTimeoutMinutes}); {@code null} for a
	 * workspace no restore created.
	 */
	static org.springframework.batch.core.job.parameters.JobParameters of(io.wsbackup.workspace.Workspace restored,
			io.wsbackup.workspace.WorkspaceRepository workspaces, int defaultTimeoutMinutes) {
		if (restored.restoredFromBackupCrn() == null) {
			return null;
		}
		Integer timeout = workspaces.restoreRecord(restored.crn()).timeoutMinutes();
		return of(restored.restoredFromBackupCrn(), restored.crn(), timeout == null ? defaultTimeoutMinutes : timeout);
	}

	/** The parameters of a restore (or a drill) of a backup into a workspace. */
	static org.springframework.batch.core.job.parameters.JobParameters of(String backupCrn,
			io.wsbackup.workspace.Crn workspaceCrn, int timeoutMinutes) {
		return new org.springframework.batch.core.job.parameters.JobParametersBuilder().addString(BACKUP_CRN, backupCrn)
			.addString(WORKSPACE_CRN, workspaceCrn.toString())
			.addLong(TIMEOUT_MINUTES, (long) timeoutMinutes, false)
			.toJobParameters();
	}

}
