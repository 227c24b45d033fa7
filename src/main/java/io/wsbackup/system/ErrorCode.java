package io.wsbackup.system;

/** The API's error codes, with the HTTP status each maps to. */
public enum ErrorCode {

	INVALID_ARGUMENT(400), UNAUTHENTICATED(401), FORBIDDEN(403), NOT_FOUND(404), ALREADY_EXISTS(409),
	FAILED_PRECONDITION(409), INTERNAL(500);

	private final int httpStatus;

	ErrorCode(int httpStatus) {
		this.httpStatus = httpStatus;
	}

	public int httpStatus() {
		return httpStatus;
	}

}
