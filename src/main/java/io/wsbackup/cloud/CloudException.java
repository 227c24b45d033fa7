package io.wsbackup.cloud;

/**
 * The cloud could not be asked, or refused the request. A cloud job that <em>ran</em> and
 * failed is not an exception but a {@link CloudJobState#FAILED} result. Adapters
 * translate their SDK's errors into this once.
 */
public class CloudException extends RuntimeException {

	private final boolean retryable;

	public CloudException(String message, boolean retryable) {
		super(message);
		this.retryable = retryable;
	}

	public CloudException(String message, boolean retryable, Throwable cause) {
		super(message, cause);
		this.retryable = retryable;
	}

	/** Asking again later may succeed (throttling, a 5xx, a lost connection). */
	public boolean isRetryable() {
		return retryable;
	}

}
