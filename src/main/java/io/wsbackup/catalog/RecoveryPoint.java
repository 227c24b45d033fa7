package io.wsbackup.catalog;

import java.time.Instant;

import io.wsbackup.workspace.ProtectedResource;

/**
 * The recovery point one backup made of one resource.
 *
 * @param backupCrn the backup
 * @param resource the resource protected
 * @param cloudJobId the cloud job that made it
 * @param recoveryPointId its id in the vault (an ARN on AWS)
 * @param sizeBytes its size as the cloud reported it, or {@code null}
 * @param createdAt when it was recorded
 */
public record RecoveryPoint(String backupCrn, ProtectedResource resource, String cloudJobId, String recoveryPointId,
		Long sizeBytes, Instant createdAt) {

}
