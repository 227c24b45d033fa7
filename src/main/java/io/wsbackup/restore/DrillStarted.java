package io.wsbackup.restore;

/**
 * What starting a drill answers.
 *
 * @param backupCrn the backup being drilled
 * @param scratchWorkspaceCrn the scratch workspace it is restored into (removed when the
 * drill ends)
 * @param jobExecutionId the {@code drillBackup} job execution
 */
public record DrillStarted(String backupCrn, String scratchWorkspaceCrn, long jobExecutionId) {

}
