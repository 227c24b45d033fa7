package io.wsbackup.backup;

import io.wsbackup.catalog.BackupStatus;

/**
 * Published (as a Spring application event, in the job's thread) when a
 * {@code backupWorkspace} execution on this runner has ended, after the catalog entry
 * took its outcome: a schedule waiting at its cap of concurrent backups starts its next
 * ones at once rather than at its next re-check; notifications and other listeners hear
 * how it ended without being called by the job.
 *
 * @param backupCrn the backup whose execution ended
 * @param workspaceCrn its workspace
 * @param outcome the backup's status as the execution left it: {@code SUCCEEDED},
 * {@code FAILED} (a timeout too: its failure reason says so), {@code CANCELLED}; or
 * {@code null} when the catalog could not be read
 */
public record BackupEnded(String backupCrn, String workspaceCrn, BackupStatus outcome) {

	/** Whether the backup protects its workspace now. */
	public boolean succeeded() {
		return this.outcome == BackupStatus.SUCCEEDED;
	}

}
