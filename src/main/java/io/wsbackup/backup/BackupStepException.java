package io.wsbackup.backup;

/** A backup step cannot go on; its message becomes the backup's failure reason. */
class BackupStepException extends RuntimeException {

	BackupStepException(String message) {
		super(message);
	}

	BackupStepException(String message, Throwable cause) {
		super(message, cause);
	}

}
