package io.wsbackup.cloud.aws;

import java.util.Set;
import java.util.function.Supplier;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import io.wsbackup.cloud.CloudException;

/**
 * The one place where AWS SDK exceptions become {@link CloudException}s. Throttling, 5xx
 * and lost connections are retryable (the SDK has already retried them with backoff);
 * access denied, validation and not-found errors are not, and keep the AWS message and
 * error code.
 */
final class AwsErrors {

	private static final Set<String> RETRYABLE_CODES = Set.of("ThrottlingException", "Throttling",
			"RequestLimitExceeded", "TooManyRequestsException", "ServiceUnavailableException", "ServiceUnavailable",
			"InternalFailure", "InternalError", "RequestTimeout");

	private static final Set<String> NOT_FOUND_CODES = Set.of("ResourceNotFoundException", "InvalidVolume.NotFound",
			"FileSystemNotFound", "NotFoundException");

	private AwsErrors() {
	}

	/** Translates an SDK failure of {@code what} (e.g. "StartBackupJob of vol-1"). */
	static CloudException translate(String what, SdkException ex) {
		if (ex instanceof AwsServiceException aws) {
			String code = errorCode(aws);
			int status = aws.statusCode();
			boolean retryable = aws.isThrottlingException() || status >= 500 || RETRYABLE_CODES.contains(code);
			String message = aws.awsErrorDetails() != null && aws.awsErrorDetails().errorMessage() != null
					? aws.awsErrorDetails().errorMessage() : aws.getMessage();
			String hint = hint(code, status);
			return new CloudException(what + " failed: " + message + " (AWS " + (code.isEmpty() ? "error" : code)
					+ ", HTTP " + status + ")" + hint, retryable, ex);
		}
		if (ex instanceof SdkClientException) {
			return new CloudException(what + " failed: AWS could not be reached: " + ex.getMessage(), true, ex);
		}
		return new CloudException(what + " failed: " + ex.getMessage(), false, ex);
	}

	/** Runs an SDK call of {@code what}, translating its failure. */
	static <T> T call(String what, Supplier<T> call) {
		try {
			return call.get();
		}
		catch (SdkException ex) {
			throw translate(what, ex);
		}
	}

	/** The AWS error code, or an empty string when the response had none. */
	static String errorCode(AwsServiceException ex) {
		return ex.awsErrorDetails() == null || ex.awsErrorDetails().errorCode() == null ? ""
				: ex.awsErrorDetails().errorCode();
	}

	/** Whether the error says the thing asked about does not exist. */
	static boolean isNotFound(SdkException ex) {
		return ex instanceof AwsServiceException aws
				&& (NOT_FOUND_CODES.contains(errorCode(aws)) || aws.statusCode() == 404);
	}

	private static String hint(String code, int status) {
		if (code.contains("AccessDenied") || code.contains("UnauthorizedOperation") || status == 403) {
			return "; the runner's role lacks this permission: grant it (see docs/aws/runner-policy.json)";
		}
		return "";
	}

}
