package io.wsbackup.restore;

/**
 * Published (as a Spring application event, in the job's thread) when a
 * {@code restoreWorkspace} execution on this runner has ended, after the new workspace
 * took its outcome.
 *
 * @param workspaceCrn the new workspace
 * @param backupCrn the backup it was restored from
 * @param succeeded whether the workspace is restored ({@code installation:finished});
 * otherwise it is {@code restore:failed}
 * @param failureReason why it failed, or {@code null}
 */
public record RestoreEnded(String workspaceCrn, String backupCrn, boolean succeeded, String failureReason) {
}
