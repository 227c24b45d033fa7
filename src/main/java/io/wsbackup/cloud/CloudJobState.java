package io.wsbackup.cloud;

/** The state of a cloud-side backup or restore job, as AWS Backup reports it. */
public enum CloudJobState {

	CREATED, RUNNING, COMPLETED, FAILED, ABORTED, EXPIRED;

	/** The job will not change any more. */
	public boolean isTerminal() {
		return this == COMPLETED || this == FAILED || this == ABORTED || this == EXPIRED;
	}

	/** The job ended without producing its result (failed, aborted or expired). */
	public boolean isUnsuccessful() {
		return isTerminal() && this != COMPLETED;
	}

}
