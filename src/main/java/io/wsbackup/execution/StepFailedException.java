package io.wsbackup.execution;

/**
 * A step of any job cannot go on: its message, written for an operator, becomes the
 * operation's failure reason ({@link JobFailures#reason}). The step stays FAILED and runs
 * again when the job is restarted.
 */
public class StepFailedException extends RuntimeException {

	public StepFailedException(String message) {
		super(message);
	}

	public StepFailedException(String message, Throwable cause) {
		super(message, cause);
	}

}
