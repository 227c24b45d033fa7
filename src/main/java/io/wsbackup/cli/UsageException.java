package io.wsbackup.cli;

/** Bad usage found past parsing: exit 2 with the message and where to find help. */
final class UsageException extends RuntimeException {

	UsageException(String message) {
		super(message);
	}

}
