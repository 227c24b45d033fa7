package io.wsbackup.deletion;

/**
 * Published (as a Spring application event, in the job's thread) when a
 * {@code deleteBackup} execution on this runner has ended.
 *
 * @param backupCrn the backup being deleted
 * @param deleted whether it is gone, with its recovery points; otherwise it stays
 * {@code deleting}, and deleting it again resumes
 * @param failureReason why it failed, or {@code null}
 */
public record DeleteEnded(String backupCrn, boolean deleted, String failureReason) {
}
