package io.wsbackup.cloud;

import java.time.Instant;

/**
 * Where one snapshot job stands.
 *
 * @param jobId the cloud job id
 * @param state the job's state
 * @param percentDone 0 to 100
 * @param bytesTransferred bytes read so far
 * @param expectedCompletion when the cloud expects the job to end, or {@code null} when
 * it cannot tell yet
 * @param message the cloud's status message (the reason when the job failed), or
 * {@code null}
 * @param recoveryPointId the recovery point, once the job completed, else {@code null}
 * @param totalBytes the bytes the job has to transfer in all, or {@code null} when the
 * cloud does not tell (the waiting step then derives it from bytes and percent, or weighs
 * the resources by percent)
 */
public record SnapshotProgress(String jobId, CloudJobState state, int percentDone, long bytesTransferred,
		Instant expectedCompletion, String message, String recoveryPointId, Long totalBytes) {

	/** Where a job stands, from a cloud that does not tell its total size. */
	public SnapshotProgress(String jobId, CloudJobState state, int percentDone, long bytesTransferred,
			Instant expectedCompletion, String message, String recoveryPointId) {
		this(jobId, state, percentDone, bytesTransferred, expectedCompletion, message, recoveryPointId, null);
	}

}
