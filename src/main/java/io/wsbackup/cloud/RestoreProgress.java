package io.wsbackup.cloud;

/**
 * Where one restore job stands.
 *
 * @param jobId the cloud restore job id
 * @param state the job's state
 * @param percentDone 0 to 100
 * @param createdResourceId the resource the restore created, once it completed, else
 * {@code null}
 * @param message the cloud's status message (the reason when it failed), or {@code null}
 */
public record RestoreProgress(String jobId, CloudJobState state, int percentDone, String createdResourceId,
		String message) {

}
