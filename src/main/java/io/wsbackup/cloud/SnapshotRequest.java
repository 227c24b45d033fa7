package io.wsbackup.cloud;

import java.time.Duration;
import java.util.Map;

import io.wsbackup.workspace.ProtectedResource;

/**
 * Asks the cloud to snapshot one resource into a vault.
 *
 * @param vaultName the vault, {@code mlx-<workspace uuid>}
 * @param resource what to snapshot
 * @param idempotencyToken derived from the backup and the resource: the same token
 * returns the same job
 * @param tags tags for the recovery point (workspace CRN, backup CRN, backup name)
 * @param completionWindow how long the cloud may take before it expires the job
 */
public record SnapshotRequest(String vaultName, ProtectedResource resource, String idempotencyToken,
		Map<String, String> tags, Duration completionWindow) {

	public SnapshotRequest {
		tags = Map.copyOf(tags);
	}

}
