package io.wsbackup.cloud;

/**
 * The state of a cloud-side backup or restore job, as AWS Backup reports it.
 * {@code PENDING}: accepted, waiting in its start window (AWS Backup starts it within the
 * window, or expires it). {@code PARTIAL}: completed with issues, with a usable recovery
 * point (an adapter reports a partial job without one as {@code FAILED}).
 */
public enum CloudJobState {

	CREATED, PENDING, RUNNING, COMPLETED, PARTIAL, FAILED, ABORTED, EXPIRED;

	/** The job will not change any more. */
	public boolean isTerminal() {
		return this == COMPLETED || this == PARTIAL || this == FAILED || this == ABORTED || this == EXPIRED;
	}

	/** The job ended without producing its result (failed, aborted or expired). */
	public boolean isUnsuccessful() {
		return isTerminal() && !hasRecoveryPoint();
	}

	/** The job ended with a usable result: completed, or completed with issues. */
	public boolean hasRecoveryPoint() {
		return this == COMPLETED || this == PARTIAL;
	}

}
