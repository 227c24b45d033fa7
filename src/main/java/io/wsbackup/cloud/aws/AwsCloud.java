package io.wsbackup.cloud.aws;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.backup.BackupClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.efs.EfsClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;

import io.wsbackup.cloud.CloudPort;
import io.wsbackup.cloud.RecoveryPointSummary;
import io.wsbackup.cloud.RestoreProgress;
import io.wsbackup.cloud.RestoreRequest;
import io.wsbackup.cloud.SnapshotProgress;
import io.wsbackup.cloud.SnapshotRequest;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.StorageAdmission;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceStorage;

/**
 * The {@code aws} cloud: a workspace's EBS volumes ({@code vol-...}) and EFS file system
 * ({@code fs-...}) are backed up by AWS Backup into the vault {@code mlx-<uuid>} and
 * restored from it into new resources, through the AWS SDK for Java v2 (clients for
 * backup, ec2, efs and sts, and iam to read the backup role). It creates vaults and hands
 * the rest to the parts it is made of:
 * <ul>
 * <li>{@link AwsResources}: the resources' ARNs, built from the workspace's account and
 * region (read from the {@code workspaceCrn} tag of the request, else the caller's
 * account and the client's region), and their tags;</li>
 * <li>{@link AwsSnapshots}: one {@code StartBackupJob} per snapshot, with the request's
 * token as its {@code IdempotencyToken}; while a backup job runs, its disk carries the
 * garbage-collection protection tag;</li>
 * <li>{@link AwsBackupJobFollower}: removes that tag when the job is first seen ended, by
 * the backup's polls or, once nobody polls it (its backup failed), in the
 * background;</li>
 * <li>{@link AwsRestores} and {@link AwsRestoreMetadata}: restores into a new volume
 * placed and sized as the recovery point's restore metadata says, or into a <em>new</em>
 * file system encrypted with {@link Settings#fileSystemKmsKeyArn()} when set, and the
 * tags of what they create. AWS Backup puts an EFS restore's files under
 * {@code aws-backup-restore_<timestamp>/} at the root of the new file system; this
 * adapter leaves them there and reports the new file system's id: attaching the restored
 * storage (the workload side) must mount that directory, not the root;</li>
 * <li>{@link AwsRecoveryPoints}: listing and deleting the recovery points of a
 * vault;</li>
 * <li>{@link AwsStorageAdmission} and {@link AwsPrerequisites}: what a workspace's
 * storage must be, and what a backup of it needs;</li>
 * <li>{@link AwsRestoredResources}: the drill side, checking and deleting what a restore
 * created (only when it carries a restore's tags).</li>
 * </ul>
 *
 * <p>
 * On restart: the adapter keeps no state of its own (beyond which jobs it already
 * untagged and the tags of the restores it started), so a re-created adapter reports the
 * same jobs, and the same token gives the same job because AWS Backup honours idempotency
 * tokens.
 */
public class AwsCloud implements CloudPort, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(AwsCloud.class);

	private final BackupClient backup;

	private final Settings settings;

	private final AwsBackupJobFollower follower;

	private final AwsSnapshots snapshots;

	private final AwsRestoreMetadata restoreMetadata;

	private final AwsRestores restores;

	private final AwsRecoveryPoints recoveryPoints;

	private final AwsPrerequisites prerequisites;

	private final AwsRestoredResources restoredResources;

	/**
	 * What the adapter needs besides its clients.
	 *
	 * @param region the clients' region
	 * @param iamRoleArn the role AWS Backup assumes
	 * @param kmsKeyArn the KMS key of vaults it creates, or {@code null}
	 * @param protectionTagKey the garbage-collection protection tag
	 * @param protectionTagValue its value
	 * @param fileSystemKmsKeyArn the KMS key of the file systems EFS restores create, or
	 * {@code null} to keep the source's encryption (a vault's key is not a file system's
	 * key)
	 * @param deleteWait how long a deleted recovery point is followed while AWS Backup
	 * reports it {@code DELETING} before the delete is reported unfinished
	 * @param followInterval how often a backup job that nobody polls any more (its backup
	 * failed) is asked whether it ended, to remove its disk's protection tag
	 */
	public record Settings(String region, String iamRoleArn, String kmsKeyArn, String protectionTagKey,
			String protectionTagValue, String fileSystemKmsKeyArn, Duration deleteWait, Duration followInterval) {

		public Settings {
			deleteWait = deleteWait == null ? Duration.ofMinutes(5) : deleteWait;
			followInterval = followInterval == null ? Duration.ofSeconds(30) : followInterval;
		}

		/** The defaults: no file system key, 5 minutes of delete wait, 30 s follow. */
		public Settings(String region, String iamRoleArn, String kmsKeyArn, String protectionTagKey,
				String protectionTagValue) {
			this(region, iamRoleArn, kmsKeyArn, protectionTagKey, protectionTagValue, null, null, null);
		}

	}

	/** An adapter on the system clock. */
	public AwsCloud(BackupClient backup, Ec2Client ec2, EfsClient efs, StsClient sts, IamClient iam,
			Settings settings) {
		this(backup, ec2, efs, sts, iam, settings, Clock.systemUTC());
	}

	/**
	 * An adapter whose clock times the follow interval and the wait for deleted recovery
	 * points.
	 */
	public AwsCloud(BackupClient backup, Ec2Client ec2, EfsClient efs, StsClient sts, IamClient iam, Settings settings,
			Clock clock) {
		this.backup = backup;
		this.settings = settings;
		AwsResources resources = new AwsResources(ec2, efs, sts, settings);
		this.follower = new AwsBackupJobFollower(backup, resources, settings, clock);
		this.snapshots = new AwsSnapshots(backup, resources, this.follower, settings);
		this.restoreMetadata = new AwsRestoreMetadata(ec2, settings);
		this.restores = new AwsRestores(backup, resources, this.restoreMetadata, settings);
		this.recoveryPoints = new AwsRecoveryPoints(backup, settings, clock);
		this.prerequisites = new AwsPrerequisites(backup, ec2, efs, sts, iam, settings);
		this.restoredResources = new AwsRestoredResources(ec2, efs, settings, clock);
	}

	@Override
	public String ensureVault(String vaultName, Map<String, String> tags) {
		try {
			backup.describeBackupVault((r) -> r.backupVaultName(vaultName));
			return vaultName;
		}
		catch (SdkException ex) {
			if (!AwsErrors.isNotFound(ex)) {
				throw AwsErrors.translate("DescribeBackupVault " + vaultName, ex);
			}
		}
		Map<String, String> vaultTags = new LinkedHashMap<>(tags);
		vaultTags.putIfAbsent(AwsResources.MANAGED_BY, "wsbackup");
		AwsErrors.call("CreateBackupVault " + vaultName, () -> backup.createBackupVault((r) -> {
			r.backupVaultName(vaultName).backupVaultTags(vaultTags).creatorRequestId(vaultName);
			if (settings.kmsKeyArn() != null) {
				r.encryptionKeyArn(settings.kmsKeyArn());
			}
		}));
		log.info("created backup vault {} tagged {}", vaultName, vaultTags);
		return vaultName;
	}

	@Override
	public String startSnapshot(SnapshotRequest request) {
		return snapshots.startSnapshot(request);
	}

	@Override
	public SnapshotProgress snapshotProgress(String jobId) {
		return snapshots.snapshotProgress(jobId);
	}

	@Override
	public void cancelSnapshot(String jobId) {
		snapshots.cancelSnapshot(jobId);
	}

	/**
	 * Follows, in the background, the backup jobs a previous runner started, so that
	 * their disks lose the protection tag when they end (see
	 * {@link AwsBackupJobFollower#followRunningJobs}).
	 */
	public void followRunningJobs() {
		follower.followRunningJobs();
	}

	/** Stops following jobs (the runner shuts down). */
	@Override
	public void close() {
		follower.close();
	}

	/** The ids of the backup jobs followed until they end. */
	Set<String> followedJobs() {
		return follower.followedJobs();
	}

	@Override
	public String startRestore(RestoreRequest request) {
		return restores.startRestore(request);
	}

	@Override
	public RestoreProgress restoreProgress(String jobId) {
		return restores.restoreProgress(jobId);
	}

	/** The {@code Metadata} a restore starts with (see {@link AwsRestoreMetadata}). */
	Map<String, String> restoreMetadata(RestoreRequest request, Map<String, String> recorded) {
		return restoreMetadata.forRestore(request, recorded);
	}

	@Override
	public void deleteRecoveryPoint(String vaultName, String recoveryPointId) {
		recoveryPoints.delete(vaultName, recoveryPointId);
	}

	@Override
	public List<RecoveryPointSummary> listRecoveryPoints(String vaultName) {
		return recoveryPoints.list(vaultName);
	}

	@Override
	public List<String> verifyRecoveryPoint(String vaultName, String recoveryPointId) {
		return recoveryPoints.verify(vaultName, recoveryPointId);
	}

	@Override
	public StorageAdmission.Admitted admitStorage(WorkspaceStorage storage, List<Workspace> registered) {
		return AwsStorageAdmission.admit(storage, registered);
	}

	@Override
	public List<String> missingPrerequisites(Workspace workspace) {
		return prerequisites.missing(workspace);
	}

	/**
	 * Checks the volume ({@code DescribeVolumes}) or file system
	 * ({@code DescribeFileSystems}) a restore created: it exists, is available, and a
	 * volume holds the recorded size (see {@link AwsRestoredResources}).
	 */
	@Override
	public List<String> verifyRestored(ProtectedResource restored, String vaultName, String recoveryPointId,
			Long recordedSizeBytes) {
		return restoredResources.verify(restored, vaultName, recoveryPointId, recordedSizeBytes);
	}

	/**
	 * Deletes a volume or file system a restore created, refusing one without the tags a
	 * restore puts on it (see {@link AwsRestoredResources}).
	 */
	@Override
	public void deleteRestored(ProtectedResource restored) {
		restoredResources.delete(restored);
	}

}
