package io.wsbackup.launcher;

import io.wsbackup.deletion.DeleteLauncher;
import io.wsbackup.retention.BackupDeletes;

import org.springframework.stereotype.Component;

/**
 * The retention sweep's deletes, started by the deletion wing like every other delete
 * (durable, idempotent, refused while a restore reads from the backup). It lives here,
 * above both wings, so that neither job reaches into the other.
 */
@Component
class LauncherBackupDeletes implements BackupDeletes {

	private final DeleteLauncher deletes;

	LauncherBackupDeletes(DeleteLauncher deletes) {
		this.deletes = deletes;
	}

	@Override
	public long deleteBackup(String backupCrn) {
		return deletes.deleteBackup(backupCrn);
	}

}
