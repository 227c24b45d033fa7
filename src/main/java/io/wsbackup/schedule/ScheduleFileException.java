package io.wsbackup.schedule;

/**
 * A schedule file that cannot be used: the message names the file, the line and the
 * problem ({@code schedules/nightly.yaml:4: cron '0 0 25 * * ?' is not ...}). Thrown at
 * startup, it stops the runner.
 */
public class ScheduleFileException extends RuntimeException {

	public ScheduleFileException(String message) {
		super(message);
	}

}
