package io.wsbackup.backup;

/**
 * Published (as a Spring application event, in the job's thread) when a
 * {@code backupWorkspace} execution on this runner has ended, after the catalog entry
 * took its outcome: a schedule waiting at its cap of concurrent backups starts its next
 * ones at once rather than at its next re-check.
 *
 * @param backupCrn the backup whose execution ended
 * @param workspaceCrn its workspace
 */
public record BackupEnded(String backupCrn, String workspaceCrn) {
}
