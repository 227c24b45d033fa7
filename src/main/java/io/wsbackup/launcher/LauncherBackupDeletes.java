package io.wsbackup.launcher;

import io.wsbackup.retention.BackupDeletes;

import org.springframework.stereotype.Component;

/**
 * The retention sweep's deletes, started through the {@link Launcher} like every other
 * delete (durable, idempotent, refused while a restore reads from the backup).
 */
@Component
class LauncherBackupDeletes implements BackupDeletes {

	private final Launcher launcher;

	LauncherBackupDeletes(Launcher launcher) {
		this.launcher = launcher;
	}

	@Override
	public long deleteBackup(String backupCrn) {
		return launcher.deleteBackup(backupCrn);
	}

}
