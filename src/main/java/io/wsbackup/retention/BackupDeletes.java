package io.wsbackup.retention;

/**
 * How the retention sweep deletes a backup: by starting its {@code deleteBackup} job
 * (implemented over the launcher, which the retention wing does not depend on).
 */
public interface BackupDeletes {

	/**
	 * Starts the backup's delete.
	 * @return the delete's workflow id (its job execution id)
	 * @throws io.wsbackup.system.WsbackupException when the delete is refused (a restore
	 * reads from the backup, for instance)
	 */
	long deleteBackup(String backupCrn);

}
