package io.wsbackup.cloud.aws;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Volume;

import io.wsbackup.cloud.CloudException;
import io.wsbackup.cloud.RestoreRequest;
import io.wsbackup.workspace.ResourceKind;

/**
 * The {@code Metadata} of a {@code StartRestoreJob}, from the recovery point's restore
 * metadata ({@code GetRecoveryPointRestoreMetadata}).
 *
 * <p>
 * EBS: {@code availabilityZone}, {@code volumeSize}, {@code volumeType},
 * {@code encrypted} and {@code kmsKeyId} as the recovery point recorded them; only what
 * it lacks is read from the original volume ({@code DescribeVolumes}), which may be gone:
 * that is the case a restore is for, so a gone volume fails the restore only when the
 * zone is missing too.
 *
 * <p>
 * EFS: a new file system ({@code newFileSystem=true}, the request's token as
 * {@code CreationToken}); with {@code file-system-kms-key-arn} set it is encrypted with
 * that key ({@code Encrypted=true} and {@code KmsKeyId}: EFS refuses a key with
 * {@code Encrypted=false}); otherwise it keeps the source's encryption as the metadata
 * says.
 */
final class AwsRestoreMetadata {

	private static final Logger log = LoggerFactory.getLogger(AwsRestoreMetadata.class);

	private final Ec2Client ec2;

	private final AwsCloud.Settings settings;

	AwsRestoreMetadata(Ec2Client ec2, AwsCloud.Settings settings) {
		this.ec2 = ec2;
		this.settings = settings;
	}

	/** The metadata to restore with, from what the recovery point recorded. */
	Map<String, String> forRestore(RestoreRequest request, Map<String, String> recorded) {
		Map<String, String> metadata = new HashMap<>(recorded);
		if (request.kind() == ResourceKind.VOLUME) {
			List<String> wanted = List.of("availabilityZone", "volumeSize", "volumeType", "encrypted");
			if (wanted.stream().anyMatch((k) -> blank(metadata.get(k)))) {
				Volume original = originalVolume(metadata.get("volumeId"), request.recoveryPointId(),
						blank(metadata.get("availabilityZone")));
				if (original != null) {
					putIfBlank(metadata, "availabilityZone", original.availabilityZone());
					putIfBlank(metadata, "volumeSize",
							original.size() == null ? null : String.valueOf(original.size()));
					putIfBlank(metadata, "volumeType", original.volumeTypeAsString());
					putIfBlank(metadata, "encrypted",
							original.encrypted() == null ? null : String.valueOf(original.encrypted()));
					if (Boolean.TRUE.equals(original.encrypted())) {
						putIfBlank(metadata, "kmsKeyId", original.kmsKeyId());
					}
				}
			}
			metadata.values().removeIf(AwsRestoreMetadata::blank);
			return metadata;
		}
		metadata.put("newFileSystem", "true");
		metadata.put("CreationToken", request.idempotencyToken());
		metadata.putIfAbsent("PerformanceMode", "generalPurpose");
		if (settings.fileSystemKmsKeyArn() != null) {
			metadata.put("Encrypted", "true");
			metadata.put("KmsKeyId", settings.fileSystemKmsKeyArn());
		}
		else {
			metadata.putIfAbsent("Encrypted", "false");
			if (!"true".equalsIgnoreCase(metadata.get("Encrypted"))) {
				metadata.remove("KmsKeyId");
			}
		}
		metadata.values().removeIf(AwsRestoreMetadata::blank);
		return metadata;
	}

	private static boolean blank(String value) {
		return value == null || value.isBlank();
	}

	private static void putIfBlank(Map<String, String> metadata, String key, String value) {
		if (blank(metadata.get(key)) && !blank(value)) {
			metadata.put(key, value);
		}
	}

	/**
	 * The original volume, or null when it is gone and the zone is known; fails when the
	 * zone is not known and the volume cannot tell it.
	 */
	private Volume originalVolume(String volumeId, String recoveryPointId, boolean zoneNeeded) {
		if (volumeId == null) {
			if (zoneNeeded) {
				throw new CloudException(
						"recovery point " + recoveryPointId
								+ " names no availability zone nor original volume; cannot place the restored volume",
						false);
			}
			return null;
		}
		List<Volume> volumes;
		try {
			volumes = ec2.describeVolumes((r) -> r.volumeIds(volumeId)).volumes();
		}
		catch (SdkException ex) {
			if (!AwsErrors.isNotFound(ex)) {
				throw AwsErrors.translate("DescribeVolumes " + volumeId, ex);
			}
			volumes = List.of();
		}
		if (volumes.isEmpty()) {
			if (zoneNeeded) {
				throw new CloudException("the original volume " + volumeId + " of recovery point " + recoveryPointId
						+ " is gone and the restore metadata names no availability zone", false);
			}
			log.info("original volume {} of {} is gone; restoring from the recovery point's metadata alone", volumeId,
					recoveryPointId);
			return null;
		}
		return volumes.get(0);
	}

}
