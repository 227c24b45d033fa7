package io.wsbackup.cloud.local;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.workspace.ResourceKind;

/**
 * The persisted state of one local snapshot or restore job, kept as
 * {@code <vault>/.jobs/<jobId>.json} so that a re-created {@link LocalCloud} can report
 * it and resume it.
 *
 * @param jobId the job id
 * @param type snapshot or restore
 * @param vaultName the vault the job works in
 * @param idempotencyToken the token it was started with
 * @param resourceKind the kind of the resource snapshotted, or restored into
 * @param resourceId the directory snapshotted (snapshot jobs only)
 * @param recoveryPointId the recovery point the snapshot creates (chosen at start, so
 * that a restart after the final rename can tell that the work is done), or the one a
 * restore reads
 * @param targetPath the directory a restore creates (restore jobs only)
 * @param tags the request's tags
 * @param completionWindowSeconds how long the job may run before it expires; 0 for no
 * limit
 * @param state the state
 * @param totalBytes bytes to process, known once the tree was walked, else 0
 * @param bytesDone bytes processed so far (copied, linked or verified)
 * @param createdAt when the job was accepted
 * @param startedAt when the current attempt started to run, or {@code null}
 * @param endedAt when it reached a terminal state, or {@code null}
 * @param message why it failed, or {@code null}
 */
record JobRecord(String jobId, JobType type, String vaultName, String idempotencyToken, ResourceKind resourceKind,
		String resourceId, String recoveryPointId, String targetPath, Map<String, String> tags,
		long completionWindowSeconds, CloudJobState state, long totalBytes, long bytesDone, Instant createdAt,
		Instant startedAt, Instant endedAt, String message) {

	enum JobType {

		SNAPSHOT, RESTORE

	}

	JobRecord {
		tags = (tags != null) ? Map.copyOf(tags) : Map.of();
	}

	JobRecord running(Instant now, long total) {
		return new JobRecord(jobId, type, vaultName, idempotencyToken, resourceKind, resourceId, recoveryPointId,
				targetPath, tags, completionWindowSeconds, CloudJobState.RUNNING, total, 0, createdAt, now, null, null);
	}

	JobRecord restarted(Instant now) {
		return new JobRecord(jobId, type, vaultName, idempotencyToken, resourceKind, resourceId, recoveryPointId,
				targetPath, tags, completionWindowSeconds, CloudJobState.CREATED, 0, 0, createdAt, now, null, null);
	}

	JobRecord withBytesDone(long bytes) {
		return new JobRecord(jobId, type, vaultName, idempotencyToken, resourceKind, resourceId, recoveryPointId,
				targetPath, tags, completionWindowSeconds, state, totalBytes, bytes, createdAt, startedAt, endedAt,
				message);
	}

	JobRecord ended(CloudJobState endState, Instant now, long bytes, String why) {
		return new JobRecord(jobId, type, vaultName, idempotencyToken, resourceKind, resourceId, recoveryPointId,
				targetPath, tags, completionWindowSeconds, endState, totalBytes, bytes, createdAt, startedAt, now, why);
	}

	/** 0 to 100; 100 only once completed. */
	int percentDone() {
		if (state == CloudJobState.COMPLETED) {
			return 100;
		}
		if (totalBytes <= 0) {
			return 0;
		}
		return (int) Math.min(99, bytesDone * 100 / totalBytes);
	}

	/**
	 * Extrapolates the end from the time elapsed and the bytes done; {@code null} before
	 * any progress or once the job ended.
	 */
	Instant expectedCompletion(Instant now) {
		if (state != CloudJobState.RUNNING || startedAt == null || bytesDone <= 0 || totalBytes <= 0) {
			return null;
		}
		long elapsedMillis = Math.max(0, Duration.between(startedAt, now).toMillis());
		double totalMillis = elapsedMillis * ((double) Math.max(totalBytes, bytesDone) / bytesDone);
		return startedAt.plusMillis((long) totalMillis);
	}

}
