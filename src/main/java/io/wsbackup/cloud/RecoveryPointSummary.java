package io.wsbackup.cloud;

import java.time.Instant;
import java.util.Map;

import io.wsbackup.workspace.ProtectedResource;

/**
 * A recovery point as the vault lists it.
 *
 * @param recoveryPointId its id (an ARN on AWS)
 * @param vaultName the vault it is in
 * @param resource the resource it protects
 * @param createdAt when it was completed
 * @param sizeBytes its size
 * @param tags its tags (workspace CRN, backup CRN, backup name)
 */
public record RecoveryPointSummary(String recoveryPointId, String vaultName, ProtectedResource resource,
		Instant createdAt, long sizeBytes, Map<String, String> tags) {

	public RecoveryPointSummary {
		tags = Map.copyOf(tags);
	}

}
