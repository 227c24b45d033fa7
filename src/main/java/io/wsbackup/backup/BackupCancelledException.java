package io.wsbackup.backup;

/**
 * The backup was asked to cancel: the step stops where it is and the flow goes to the
 * compensation, which ends the job STOPPED. Its step ends with exit status
 * {@code CANCELLED} (see {@link CancelledExitStatus}).
 */
class BackupCancelledException extends RuntimeException {

	BackupCancelledException(String step) {
		super("cancelled by request during step " + step);
	}

}
