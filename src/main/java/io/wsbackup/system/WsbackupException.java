package io.wsbackup.system;

/**
 * A request refused for a reason the caller can act on; the API shows it as {@code {code,
 * message}}.
 */
public class WsbackupException extends RuntimeException {

	private final ErrorCode code;

	public WsbackupException(ErrorCode code, String message) {
		super(message);
		this.code = code;
	}

	public ErrorCode code() {
		return code;
	}

	public static WsbackupException invalid(String message) {
		return new WsbackupException(ErrorCode.INVALID_ARGUMENT, message);
	}

	public static WsbackupException notFound(String message) {
		return new WsbackupException(ErrorCode.NOT_FOUND, message);
	}

	public static WsbackupException alreadyExists(String message) {
		return new WsbackupException(ErrorCode.ALREADY_EXISTS, message);
	}

	public static WsbackupException failedPrecondition(String message) {
		return new WsbackupException(ErrorCode.FAILED_PRECONDITION, message);
	}

}
