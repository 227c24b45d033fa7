package io.wsbackup.restore;

/**
 * The {@code drillBackup} job's name and parameters. A drill runs the restore's steps, so
 * it carries the restore's parameters ({@link RestoreParameters#BACKUP_CRN},
 * {@link RestoreParameters#WORKSPACE_CRN} of the scratch workspace,
 * {@link RestoreParameters#TIMEOUT_MINUTES}); the scratch workspace's CRN makes each
 * drill a job instance of its own.
 */
public final class DrillParameters {

	public static final String JOB_NAME = "drillBackup";

	/**
	 * The actuator's launch parameter naming the workspace whose newest backup is
	 * drilled.
	 */
	public static final String SOURCE_WORKSPACE_CRN = "sourceWorkspaceCrn";

	private DrillParameters() {
	}

}
