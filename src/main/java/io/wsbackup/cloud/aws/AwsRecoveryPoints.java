package io.wsbackup.cloud.aws;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.backup.BackupClient;
import software.amazon.awssdk.services.backup.model.DescribeRecoveryPointResponse;
import software.amazon.awssdk.services.backup.model.ListRecoveryPointsByBackupVaultResponse;
import software.amazon.awssdk.services.backup.model.RecoveryPointByBackupVault;
import software.amazon.awssdk.services.backup.model.RecoveryPointStatus;

import io.wsbackup.cloud.CloudException;
import io.wsbackup.cloud.RecoveryPointSummary;

/**
 * The recovery points in a workspace's vault on AWS Backup: listing the usable ones with
 * their tags, and deleting one, following the delete until AWS Backup no longer has the
 * point.
 */
final class AwsRecoveryPoints {

	private static final Logger log = LoggerFactory.getLogger(AwsRecoveryPoints.class);

	private final BackupClient backup;

	private final AwsCloud.Settings settings;

	private final Clock clock;

	AwsRecoveryPoints(BackupClient backup, AwsCloud.Settings settings, Clock clock) {
		this.backup = backup;
		this.settings = settings;
		this.clock = clock;
	}

	/**
	 * {@code DeleteRecoveryPoint}, then {@code DescribeRecoveryPoint} until the point is
	 * gone ({@code ResourceNotFoundException}). AWS answers the delete with success even
	 * when it cannot delete: without {@code iam:CreateServiceLinkedRole} the point ends
	 * {@code EXPIRED} and stays (and is billed); that fails here, non-retryable, naming
	 * the permission. A point still {@code DELETING} after {@code deleteWait} fails
	 * retryable: deleting the backup again follows it further.
	 */
	void delete(String vaultName, String recoveryPointId) {
		try {
			backup.deleteRecoveryPoint((r) -> r.backupVaultName(vaultName).recoveryPointArn(recoveryPointId));
		}
		catch (SdkException ex) {
			if (AwsErrors.isNotFound(ex)) {
				return;
			}
			CloudException translated = AwsErrors.translate("DeleteRecoveryPoint " + recoveryPointId, ex);
			if (translated.isRetryable() || !isDeleting(vaultName, recoveryPointId)) {
				throw translated;
			}
			// deleted before (a delete that gave up waiting): follow it on
		}
		Instant until = clock.instant().plus(settings.deleteWait());
		long waitMillis = 100;
		String status;
		do {
			DescribeRecoveryPointResponse point;
			try {
				point = backup
					.describeRecoveryPoint((r) -> r.backupVaultName(vaultName).recoveryPointArn(recoveryPointId));
			}
			catch (SdkException ex) {
				if (AwsErrors.isNotFound(ex)) {
					log.info("recovery point {} deleted from {}", recoveryPointId, vaultName);
					return;
				}
				throw AwsErrors.translate("DescribeRecoveryPoint " + recoveryPointId, ex);
			}
			status = point.statusAsString();
			if (point.status() == RecoveryPointStatus.EXPIRED) {
				throw new CloudException("recovery point " + recoveryPointId + " in vault " + vaultName
						+ " was not deleted: AWS Backup accepted the delete but left it EXPIRED"
						+ (point.statusMessage() == null ? "" : " (" + point.statusMessage() + ")")
						+ ". AWS Backup does so when the caller may not create its service-linked role: grant the"
						+ " runner iam:CreateServiceLinkedRole with the condition iam:AWSServiceName"
						+ " = backup.amazonaws.com (docs/aws/runner-policy.json), then delete the backup again", false);
			}
			try {
				Thread.sleep(waitMillis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new CloudException("interrupted while following the deletion of " + recoveryPointId, true, ex);
			}
			waitMillis = Math.min(waitMillis * 2, 5_000);
		}
		while (clock.instant().isBefore(until));
		throw new CloudException("recovery point " + recoveryPointId + " in vault " + vaultName + " is still " + status
				+ " " + settings.deleteWait().toSeconds() + " s after DeleteRecoveryPoint; delete the backup again"
				+ " later to follow it until it is gone", true);
	}

	/**
	 * Whether AWS Backup reports this point {@code DELETING}; false when it cannot tell.
	 */
	private boolean isDeleting(String vaultName, String recoveryPointId) {
		try {
			return backup.describeRecoveryPoint((r) -> r.backupVaultName(vaultName).recoveryPointArn(recoveryPointId))
				.status() == RecoveryPointStatus.DELETING;
		}
		catch (SdkException ex) {
			return false;
		}
	}

	/**
	 * Checks one recovery point where it lies: {@code DescribeRecoveryPoint} says it
	 * exists, {@code COMPLETED} (not {@code EXPIRED}) with its size recorded, and
	 * {@code GetRecoveryPointRestoreMetadata} answers.
	 * @return one sentence per problem, naming the recovery point; empty when it is sound
	 */
	List<String> verify(String vaultName, String recoveryPointId) {
		String point = "recovery point " + recoveryPointId + " of vault " + vaultName;
		DescribeRecoveryPointResponse described;
		try {
			described = backup
				.describeRecoveryPoint((r) -> r.backupVaultName(vaultName).recoveryPointArn(recoveryPointId));
		}
		catch (SdkException ex) {
			if (AwsErrors.isNotFound(ex)) {
				return List.of(point + ": AWS Backup does not have it");
			}
			throw AwsErrors.translate("DescribeRecoveryPoint " + recoveryPointId, ex);
		}
		List<String> problems = new ArrayList<>();
		if (described.status() != RecoveryPointStatus.COMPLETED
				&& described.status() != RecoveryPointStatus.AVAILABLE) {
			problems.add(point + ": " + described.statusAsString()
					+ (described.statusMessage() == null ? "" : " (" + described.statusMessage() + ")")
					+ ", not COMPLETED");
		}
		if (described.backupSizeInBytes() == null) {
			problems.add(point + ": AWS Backup records no size for it");
		}
		try {
			backup
				.getRecoveryPointRestoreMetadata((r) -> r.backupVaultName(vaultName).recoveryPointArn(recoveryPointId));
		}
		catch (SdkException ex) {
			CloudException translated = AwsErrors.translate("GetRecoveryPointRestoreMetadata " + recoveryPointId, ex);
			if (translated.isRetryable()) {
				throw translated;
			}
			problems.add(point + ": its restore metadata cannot be read (" + translated.getMessage() + ")");
		}
		return problems;
	}

	/** The usable recovery points of a vault, oldest first; an absent vault has none. */
	List<RecoveryPointSummary> list(String vaultName) {
		List<RecoveryPointByBackupVault> points = new ArrayList<>();
		String next = null;
		do {
			String token = next;
			ListRecoveryPointsByBackupVaultResponse page;
			try {
				page = backup.listRecoveryPointsByBackupVault((r) -> r.backupVaultName(vaultName).nextToken(token));
			}
			catch (SdkException ex) {
				if (AwsErrors.isNotFound(ex)) {
					return List.of();
				}
				throw AwsErrors.translate("ListRecoveryPointsByBackupVault " + vaultName, ex);
			}
			points.addAll(page.recoveryPoints());
			next = page.nextToken();
		}
		while (next != null);
		List<RecoveryPointSummary> summaries = new ArrayList<>();
		for (RecoveryPointByBackupVault point : points) {
			if (point.status() != RecoveryPointStatus.COMPLETED && point.status() != RecoveryPointStatus.AVAILABLE) {
				continue;
			}
			Map<String, String> tags = AwsErrors
				.call("ListTags " + point.recoveryPointArn(),
						() -> backup.listTags((r) -> r.resourceArn(point.recoveryPointArn())))
				.tags();
			Instant createdAt = point.completionDate() != null ? point.completionDate() : point.creationDate();
			summaries.add(new RecoveryPointSummary(point.recoveryPointArn(), vaultName,
					AwsResources.resourceOf(point.resourceArn()), createdAt,
					point.backupSizeInBytes() == null ? 0 : point.backupSizeInBytes(), tags));
		}
		summaries.sort(Comparator.comparing(RecoveryPointSummary::createdAt));
		return summaries;
	}

}
