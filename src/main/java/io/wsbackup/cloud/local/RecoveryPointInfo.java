package io.wsbackup.cloud.local;

import java.time.Instant;
import java.util.Map;

import io.wsbackup.cloud.RecoveryPointSummary;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ResourceKind;

/**
 * The content of a recovery point's {@code recovery-point.json}.
 *
 * @param recoveryPointId the recovery point id, also its directory's name
 * @param vaultName the vault it is in
 * @param resourceKind the kind of the resource snapshotted
 * @param resourceId the directory snapshotted
 * @param createdAt when the snapshot completed
 * @param sizeBytes the bytes of all its regular files
 * @param copiedBytes the bytes copied by this snapshot (the rest is hard-linked to the
 * previous recovery point)
 * @param fileCount the number of regular files
 * @param linkedFileCount how many of them are hard links to the previous recovery point
 * @param previousRecoveryPointId the recovery point unchanged files were linked to, or
 * {@code null}
 * @param jobId the snapshot job that created it
 * @param tags its tags
 */
record RecoveryPointInfo(String recoveryPointId, String vaultName, ResourceKind resourceKind, String resourceId,
		Instant createdAt, long sizeBytes, long copiedBytes, long fileCount, long linkedFileCount,
		String previousRecoveryPointId, String jobId, Map<String, String> tags) {

	static final String FILE = "recovery-point.json";

	RecoveryPointInfo {
		tags = (tags != null) ? Map.copyOf(tags) : Map.of();
	}

	ProtectedResource resource() {
		return new ProtectedResource(resourceKind, resourceId);
	}

	RecoveryPointSummary summary() {
		return new RecoveryPointSummary(recoveryPointId, vaultName, resource(), createdAt, sizeBytes, tags);
	}

}
