package io.wsbackup.system;

/** The API's error codes, with the HTTP status each maps to. */
public enum ErrorCode {

	INVALID_ARGUMENT(400), UNAUTHENTICATED(401), FORBIDDEN(403), NOT_FOUND(404), METHOD_NOT_ALLOWED(405),
	ALREADY_EXISTS(409), FAILED_PRECONDITION(409), PAYLOAD_TOO_LARGE(413), UNSUPPORTED_MEDIA_TYPE(415), INTERNAL(500);

	private final int httpStatus;

	ErrorCode(int httpStatus) {
		this.httpStatus = httpStatus;
	}

	public int httpStatus() {
		return httpStatus;
	}

}
