package io.wsbackup.cloud.aws;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.backup.BackupClient;
import software.amazon.awssdk.services.backup.model.BackupJob;
import software.amazon.awssdk.services.backup.model.BackupJobState;
import software.amazon.awssdk.services.backup.model.DescribeBackupJobResponse;
import software.amazon.awssdk.services.backup.model.DescribeRecoveryPointResponse;
import software.amazon.awssdk.services.backup.model.DescribeRestoreJobResponse;
import software.amazon.awssdk.services.backup.model.GetRecoveryPointRestoreMetadataResponse;
import software.amazon.awssdk.services.backup.model.ListRecoveryPointsByBackupVaultResponse;
import software.amazon.awssdk.services.backup.model.RecoveryPointByBackupVault;
import software.amazon.awssdk.services.backup.model.RecoveryPointStatus;
import software.amazon.awssdk.services.backup.model.StartBackupJobResponse;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.efs.EfsClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;

import io.wsbackup.cloud.CloudException;
import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.cloud.RecoveryPointSummary;
import io.wsbackup.cloud.RestoreProgress;
import io.wsbackup.cloud.RestoreRequest;
import io.wsbackup.cloud.SnapshotProgress;
import io.wsbackup.cloud.SnapshotRequest;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ResourceKind;
import io.wsbackup.workspace.Workspace;

/**
 * The {@code aws} cloud: a workspace's EBS volumes ({@code vol-...}) and EFS file system
 * ({@code fs-...}) are backed up by AWS Backup into the vault {@code mlx-<uuid>} and
 * restored from it into new resources, through the AWS SDK for Java v2 (clients for
 * backup, ec2, efs and sts, and iam to read the backup role).
 *
 * <p>
 * Resource ARNs are built from the workspace's account and region, read from the
 * {@code workspaceCrn} tag of the request (else the caller's account and the client's
 * region). A snapshot is one {@code StartBackupJob} with the request's token as its
 * {@code IdempotencyToken}, the request's tags as recovery point tags, a start window of
 * 60 minutes (the AWS minimum) and a completion window of the request's completion window
 * (at least 120 minutes). While a backup job runs, its disk carries the
 * garbage-collection protection tag; the tag is removed when the job is first seen ended,
 * by the backup's polls or, once nobody polls it (its backup failed), by a background
 * follower that asks about every job this adapter started until it ends.
 *
 * <p>
 * Restored resources: {@code StartRestoreJob} cannot tag what it creates, so once
 * {@code DescribeRestoreJob} reports the created resource ({@code CreatedResourceArn},
 * which AWS may report while the job still runs or only once it completed), it is tagged
 * with the request's tags (the new workspace's CRN, the backup's) and, while the job
 * runs, the protection tag; the protection tag is removed when the job is first seen
 * ended. The request's tags are remembered in memory by job id: a runner restarted while
 * a restore runs tags the created resource with what the recovery point's tags and the
 * job say ({@code backupCrn}, {@code restoredFrom}) but not the new workspace's CRN.
 *
 * <p>
 * Restores: EBS into a new volume placed and sized as the recovery point's restore
 * metadata says ({@code availabilityZone}, {@code volumeSize}, {@code volumeType},
 * {@code encrypted}, {@code kmsKeyId}), the original volume only filling what it lacks
 * (it may be gone); EFS into a <em>new</em> file system ({@code newFileSystem=true}, the
 * request's token as {@code CreationToken}), encrypted with
 * {@link Settings#fileSystemKmsKeyArn()} when set. AWS Backup puts an EFS restore's files
 * under {@code aws-backup-restore_<timestamp>/} at the root of the new file system; this
 * adapter leaves them there and reports the new file system's id: attaching the restored
 * storage (the workload side) must mount that directory, not the root.
 *
 * <p>
 * On restart: the adapter keeps no state of its own (beyond which jobs it already
 * untagged), so a re-created adapter reports the same jobs, and the same token gives the
 * same job because AWS Backup honours idempotency tokens.
 */
public class AwsCloud implements CloudPort, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(AwsCloud.class);

	static final String MANAGED_BY = "managedBy";

	private final BackupClient backup;

	private final Ec2Client ec2;

	private final EfsClient efs;

	private final StsClient sts;

	private final IamClient iam;

	private final Settings settings;

	private static final ScheduledExecutorService FOLLOWERS = Executors.newSingleThreadScheduledExecutor((r) -> {
		Thread thread = new Thread(r, "aws-backup-job-follower");
		thread.setDaemon(true);
		return thread;
	});

	private final Set<String> untagged = ConcurrentHashMap.newKeySet();

	private final Map<String, Instant> followed = new ConcurrentHashMap<>();

	private final Map<String, Integer> followFailures = new ConcurrentHashMap<>();

	private ScheduledFuture<?> follower;

	private boolean closed;

	private final Map<String, Map<String, String>> restoreTags = new ConcurrentHashMap<>();

	private final Set<String> restoreTagged = ConcurrentHashMap.newKeySet();

	private volatile String callerAccount;

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

	public AwsCloud(BackupClient backup, Ec2Client ec2, EfsClient efs, StsClient sts, IamClient iam,
			Settings settings) {
		this.backup = backup;
		this.ec2 = ec2;
		this.efs = efs;
		this.sts = sts;
		this.iam = iam;
		this.settings = settings;
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
		vaultTags.putIfAbsent(MANAGED_BY, "wsbackup");
		call("CreateBackupVault " + vaultName, () -> backup.createBackupVault((r) -> {
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
		ProtectedResource resource = request.resource();
		String arn = resourceArn(resource, request.tags());
		protect(resource);
		long completeMinutes = Math.max(120, (request.completionWindow().toSeconds() + 59) / 60);
		try {
			StartBackupJobResponse started = backup.startBackupJob((r) -> r.backupVaultName(request.vaultName())
				.resourceArn(arn)
				.iamRoleArn(settings.iamRoleArn())
				.idempotencyToken(request.idempotencyToken())
				.startWindowMinutes(60L)
				.completeWindowMinutes(completeMinutes)
				.recoveryPointTags(request.tags()));
			log.info("backup job {} started for {} into {}", started.backupJobId(), arn, request.vaultName());
			follow(started.backupJobId(), false);
			return started.backupJobId();
		}
		catch (SdkException ex) {
			CloudException translated = AwsErrors.translate("StartBackupJob of " + resource.key(), ex);
			if (!translated.isRetryable()) {
				String running = activeJobOf(arn);
				if (running != null) {
					throw new CloudException(
							"snapshot of " + resource.key() + " refused: a snapshot is already running as job "
									+ running + " (AWS Backup runs one backup job per resource at a time)",
							false, ex);
				}
			}
			throw translated;
		}
	}

	/**
	 * {@code DescribeBackupJob}. {@code PENDING} (waiting in the start window) is
	 * reported as such; {@code PARTIAL} (completed with issues) is reported
	 * {@code PARTIAL} with AWS's message when its recovery point is usable
	 * ({@code DescribeRecoveryPoint} says {@code COMPLETED} or {@code AVAILABLE}), else
	 * {@code FAILED}; {@code EXPIRED} without a message says which window AWS enforces.
	 * The disk's protection tag is removed when the job is first seen ended.
	 */
	@Override
	public SnapshotProgress snapshotProgress(String jobId) {
		DescribeBackupJobResponse job = call("DescribeBackupJob " + jobId,
				() -> backup.describeBackupJob((r) -> r.backupJobId(jobId)));
		CloudJobState state = backupState(job.state());
		String message = job.statusMessage();
		if (job.state() == BackupJobState.PARTIAL) {
			String usable = usableRecoveryPoint(job);
			if (usable == null) {
				state = CloudJobState.FAILED;
				message = "the backup job completed with issues (PARTIAL) and its recovery point "
						+ (job.recoveryPointArn() == null ? "was not made" : job.recoveryPointArn() + " is not usable")
						+ (message == null ? "" : ": " + message);
			}
			else if (message == null) {
				message = "AWS Backup gave no details";
			}
		}
		else if (job.state() == BackupJobState.EXPIRED && message == null) {
			message = "AWS Backup expired the job: it did not start within its start window of "
					+ (job.startBy() == null ? "60 minutes" : "60 minutes (start by " + job.startBy() + ")")
					+ " or did not complete within its completion window";
		}
		if (state.isTerminal()) {
			followed.remove(jobId);
			if (untagged.add(jobId)) {
				unprotectUnlessInUse(job.resourceArn(), jobId);
			}
		}
		else {
			follow(jobId, true);
		}
		int percent = state.hasRecoveryPoint() ? 100 : percent(job.percentDone());
		long bytes = job.bytesTransferred() != null ? job.bytesTransferred()
				: job.backupSizeInBytes() != null ? job.backupSizeInBytes() : 0L;
		return new SnapshotProgress(jobId, state, percent, bytes, job.expectedCompletionDate(), message,
				state.hasRecoveryPoint() ? job.recoveryPointArn() : null);
	}

	/**
	 * The recovery point of a PARTIAL job when AWS Backup says it is usable, else null.
	 */
	private String usableRecoveryPoint(DescribeBackupJobResponse job) {
		if (job.recoveryPointArn() == null || job.backupVaultName() == null) {
			return null;
		}
		try {
			RecoveryPointStatus status = backup
				.describeRecoveryPoint(
						(r) -> r.backupVaultName(job.backupVaultName()).recoveryPointArn(job.recoveryPointArn()))
				.status();
			return status == RecoveryPointStatus.COMPLETED || status == RecoveryPointStatus.AVAILABLE
					? job.recoveryPointArn() : null;
		}
		catch (SdkException ex) {
			if (AwsErrors.isNotFound(ex)) {
				return null;
			}
			throw AwsErrors.translate("DescribeRecoveryPoint " + job.recoveryPointArn(), ex);
		}
	}

	/**
	 * Follows a backup job in the background until it ends, then removes its disk's
	 * protection tag: the backup that started it may have failed (another resource's job
	 * failed, the timeout passed) and stopped polling it. A job polled through
	 * {@link #snapshotProgress} within the follow interval is not asked again.
	 */
	private void follow(String jobId, boolean seenNow) {
		if (seenNow) {
			followed.put(jobId, Instant.now());
		}
		else {
			followed.putIfAbsent(jobId, Instant.EPOCH);
		}
		synchronized (followed) {
			if (follower == null && !closed) {
				long every = Math.max(10, settings.followInterval().toMillis());
				follower = FOLLOWERS.scheduleWithFixedDelay(this::followJobs, every, every, TimeUnit.MILLISECONDS);
			}
		}
	}

	private void followJobs() {
		Instant recent = Instant.now().minus(settings.followInterval());
		for (Map.Entry<String, Instant> entry : followed.entrySet()) {
			String jobId = entry.getKey();
			if (entry.getValue().isAfter(recent)) {
				continue;
			}
			try {
				DescribeBackupJobResponse job = backup.describeBackupJob((r) -> r.backupJobId(jobId));
				followFailures.remove(jobId);
				if (backupState(job.state()).isTerminal()) {
					followed.remove(jobId);
					if (untagged.add(jobId)) {
						unprotectUnlessInUse(job.resourceArn(), jobId);
						log.info("backup job {} ended {}: protection tag removed from {}", jobId, job.stateAsString(),
								resourceIdOf(job.resourceArn()));
					}
				}
			}
			catch (SdkException ex) {
				if (AwsErrors.isNotFound(ex)) {
					followed.remove(jobId);
				}
				else if (followFailures.merge(jobId, 1, Integer::sum) >= 20) {
					followed.remove(jobId);
					followFailures.remove(jobId);
					log.warn("backup job {} could not be asked 20 times; no longer followed (its disk may keep tag {}):"
							+ " {}", jobId, settings.protectionTagKey(), ex.getMessage());
				}
				else {
					log.warn("backup job {} could not be followed this time: {}", jobId, ex.getMessage());
				}
			}
			catch (RuntimeException ex) {
				log.warn("backup job {} could not be followed this time: {}", jobId, ex.getMessage());
			}
		}
	}

	/**
	 * Follows, in the background, every backup job into a workspace vault
	 * ({@code mlx-...}) that AWS Backup reports not ended ({@code CREATED},
	 * {@code PENDING}, {@code RUNNING}): the sweep after a runner restart, so that the
	 * disks of jobs a previous runner started lose their protection tag when the jobs
	 * end, though no backup polls them any more. Once, asynchronously; a failure is
	 * logged.
	 */
	public void followRunningJobs() {
		FOLLOWERS.execute(() -> {
			int found = 0;
			try {
				for (String state : List.of("CREATED", "PENDING", "RUNNING")) {
					for (BackupJob job : backup.listBackupJobsPaginator((r) -> r.byState(state)).backupJobs()) {
						if (job.backupVaultName() != null && job.backupVaultName().startsWith("mlx-")) {
							follow(job.backupJobId(), false);
							found++;
						}
					}
				}
				log.info("following {} backup job(s) that had not ended when this runner started", found);
			}
			catch (RuntimeException ex) {
				log.warn("the backup jobs still running could not be listed; their disks lose the protection tag"
						+ " only when a backup polls them: {}", ex.getMessage());
			}
		});
	}

	/** Stops following jobs (the runner shuts down). */
	@Override
	public void close() {
		synchronized (followed) {
			closed = true;
			if (follower != null) {
				follower.cancel(false);
				follower = null;
			}
		}
	}

	/** The ids of the backup jobs followed until they end. */
	Set<String> followedJobs() {
		return Set.copyOf(followed.keySet());
	}

	@Override
	public void cancelSnapshot(String jobId) {
		if (snapshotProgress(jobId).state().isTerminal()) {
			return;
		}
		try {
			backup.stopBackupJob((r) -> r.backupJobId(jobId));
			log.info("backup job {} asked to stop", jobId);
		}
		catch (SdkException ex) {
			if (snapshotProgress(jobId).state().isTerminal()) {
				return;
			}
			throw AwsErrors.translate("StopBackupJob " + jobId, ex);
		}
	}

	@Override
	public String startRestore(RestoreRequest request) {
		GetRecoveryPointRestoreMetadataResponse found = call(
				"GetRecoveryPointRestoreMetadata " + request.recoveryPointId(),
				() -> backup.getRecoveryPointRestoreMetadata(
						(r) -> r.backupVaultName(request.vaultName()).recoveryPointArn(request.recoveryPointId())));
		Map<String, String> metadata = restoreMetadata(request, found.restoreMetadata());
		String resourceType = request.kind() == ResourceKind.VOLUME ? "EBS" : "EFS";
		String jobId = call("StartRestoreJob of " + request.recoveryPointId(),
				() -> backup.startRestoreJob((r) -> r.recoveryPointArn(request.recoveryPointId())
					.metadata(metadata)
					.iamRoleArn(settings.iamRoleArn())
					.idempotencyToken(request.idempotencyToken())
					.resourceType(resourceType)))
			.restoreJobId();
		restoreTags.put(jobId, request.tags());
		log.info("restore job {} started from {}", jobId, request.recoveryPointId());
		return jobId;
	}

	@Override
	public RestoreProgress restoreProgress(String jobId) {
		DescribeRestoreJobResponse job = call("DescribeRestoreJob " + jobId,
				() -> backup.describeRestoreJob((r) -> r.restoreJobId(jobId)));
		CloudJobState state = switch (job.statusAsString() == null ? "" : job.statusAsString()) {
			case "RUNNING" -> CloudJobState.RUNNING;
			case "COMPLETED" -> CloudJobState.COMPLETED;
			case "ABORTED" -> CloudJobState.ABORTED;
			case "FAILED" -> CloudJobState.FAILED;
			default -> CloudJobState.CREATED;
		};
		if (job.createdResourceArn() != null) {
			tagRestored(jobId, job, state);
		}
		String created = state == CloudJobState.COMPLETED ? resourceIdOf(job.createdResourceArn()) : null;
		return new RestoreProgress(jobId, state, state == CloudJobState.COMPLETED ? 100 : percent(job.percentDone()),
				created, job.statusMessage());
	}

	/**
	 * {@code DeleteRecoveryPoint}, then {@code DescribeRecoveryPoint} until the point is
	 * gone ({@code ResourceNotFoundException}). AWS answers the delete with success even
	 * when it cannot delete: without {@code iam:CreateServiceLinkedRole} the point ends
	 * {@code EXPIRED} and stays (and is billed); that fails here, non-retryable, naming
	 * the permission. A point still {@code DELETING} after {@code deleteWait} fails
	 * retryable: deleting the backup again follows it further.
	 */
	@Override
	public void deleteRecoveryPoint(String vaultName, String recoveryPointId) {
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
		Instant until = Instant.now().plus(settings.deleteWait());
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
		while (Instant.now().isBefore(until));
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

	@Override
	public List<RecoveryPointSummary> listRecoveryPoints(String vaultName) {
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
			Map<String, String> tags = call("ListTags " + point.recoveryPointArn(),
					() -> backup.listTags((r) -> r.resourceArn(point.recoveryPointArn())))
				.tags();
			Instant createdAt = point.completionDate() != null ? point.completionDate() : point.creationDate();
			summaries.add(new RecoveryPointSummary(point.recoveryPointArn(), vaultName, resourceOf(point.resourceArn()),
					createdAt, point.backupSizeInBytes() == null ? 0 : point.backupSizeInBytes(), tags));
		}
		summaries.sort(Comparator.comparing(RecoveryPointSummary::createdAt));
		return summaries;
	}

	/**
	 * EBS volume ids ({@code vol-} and 8 or 17 hex digits) and an EFS file system id
	 * ({@code fs-} likewise), each protected by one workspace only: AWS Backup runs one
	 * backup job per resource at a time. Whether they exist is checked by
	 * {@code checkPrerequisites} and before each backup.
	 */
	@Override
	public io.wsbackup.workspace.StorageAdmission.Admitted admitStorage(io.wsbackup.workspace.WorkspaceStorage storage,
			List<Workspace> registered) {
		List<String> problems = new ArrayList<>();
		java.util.Map<String, Workspace> taken = new java.util.HashMap<>();
		registered.forEach((w) -> w.storage().protectedResources().forEach((r) -> taken.put(r.id(), w)));
		java.util.Set<String> seen = new java.util.HashSet<>();
		for (int i = 0; i < storage.volumes().size(); i++) {
			admit(storage.volumes().get(i), "volumes[" + i + "]", VOLUME_ID,
					"an EBS volume id such as vol-0123456789abcdef0", taken, seen, problems);
		}
		if (storage.sharedFileSystem() != null && !storage.sharedFileSystem().isBlank()) {
			admit(storage.sharedFileSystem(), "sharedFileSystem", FILE_SYSTEM_ID,
					"an EFS file system id such as fs-0123456789abcdef0", taken, seen, problems);
		}
		return new io.wsbackup.workspace.StorageAdmission.Admitted(storage, List.of(), problems);
	}

	private static final java.util.regex.Pattern VOLUME_ID = java.util.regex.Pattern
		.compile("vol-([0-9a-f]{8}|[0-9a-f]{17})");

	private static final java.util.regex.Pattern FILE_SYSTEM_ID = java.util.regex.Pattern
		.compile("fs-([0-9a-f]{8}|[0-9a-f]{17})");

	private static void admit(String id, String field, java.util.regex.Pattern syntax, String expected,
			java.util.Map<String, Workspace> taken, java.util.Set<String> seen, List<String> problems) {
		if (!syntax.matcher(id).matches()) {
			problems.add(field + " '" + id + "' is not " + expected);
		}
		else if (taken.containsKey(id)) {
			Workspace other = taken.get(id);
			problems.add(field + " " + id + " is already protected by workspace " + other.name() + " ("
					+ other.environmentName() + ")");
		}
		else if (!seen.add(id)) {
			problems.add(field + " " + id + " is given twice");
		}
	}

	@Override
	public List<String> missingPrerequisites(Workspace workspace) {
		return new AwsPrerequisites(backup, ec2, efs, sts, iam, settings).missing(workspace);
	}

	/**
	 * Tags the resource a restore job created: once with the request's tags (and the
	 * protection tag while the job runs), and removes the protection tag once the job is
	 * seen ended. Failures are retried on the next poll while the job runs, logged after.
	 */
	private void tagRestored(String jobId, DescribeRestoreJobResponse job, CloudJobState state) {
		String arn = job.createdResourceArn();
		if (!restoreTagged.contains(jobId)) {
			Map<String, String> tags = new LinkedHashMap<>();
			Map<String, String> requested = restoreTags.get(jobId);
			if (requested == null) {
				requested = recoveredRestoreTags(jobId, job);
			}
			tags.putAll(requested);
			tags.putIfAbsent(MANAGED_BY, "wsbackup");
			if (!state.isTerminal()) {
				tags.put(settings.protectionTagKey(), settings.protectionTagValue());
			}
			try {
				tag(resourceOf(arn), tags);
				restoreTagged.add(jobId);
				log.info("restore job {}: {} tagged {}", jobId, resourceIdOf(arn), tags.keySet());
			}
			catch (CloudException ex) {
				if (!state.isTerminal()) {
					throw ex;
				}
				log.warn("restore job {} ended; could not tag {}: {}", jobId, resourceIdOf(arn), ex.getMessage());
				restoreTagged.add(jobId);
			}
		}
		if (state.isTerminal() && untagged.add("restore:" + jobId)) {
			unprotect(arn);
			restoreTags.remove(jobId);
		}
	}

	/**
	 * The tags of a restore whose request this adapter did not see (it was restarted):
	 * the recovery point's backup CRN and the recovery point itself.
	 */
	private Map<String, String> recoveredRestoreTags(String jobId, DescribeRestoreJobResponse job) {
		Map<String, String> tags = new LinkedHashMap<>();
		if (job.recoveryPointArn() != null) {
			tags.put("restoredFrom", job.recoveryPointArn());
			try {
				String backupCrn = backup.listTags((r) -> r.resourceArn(job.recoveryPointArn()))
					.tags()
					.get("backupCrn");
				if (backupCrn != null) {
					tags.put("backupCrn", backupCrn);
				}
			}
			catch (SdkException ex) {
				log.warn("restore job {}: the tags of {} cannot be read: {}", jobId, job.recoveryPointArn(),
						ex.getMessage());
			}
		}
		log.warn("restore job {} was started before this runner started: its resource is tagged {} only"
				+ " (the new workspace's CRN is not known here)", jobId, tags.keySet());
		return tags;
	}

	/** Adds tags to a volume or file system. */
	private void tag(ProtectedResource resource, Map<String, String> tags) {
		if (tags.isEmpty()) {
			return;
		}
		if (resource.kind() == ResourceKind.VOLUME) {
			call("CreateTags " + resource.id(),
					() -> ec2.createTags((r) -> r.resources(resource.id())
						.tags(tags.entrySet()
							.stream()
							.map((e) -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
							.toList())));
		}
		else {
			call("TagResource " + resource.id(),
					() -> efs.tagResource((r) -> r.resourceId(resource.id())
						.tags(tags.entrySet()
							.stream()
							.map((e) -> software.amazon.awssdk.services.efs.model.Tag.builder()
								.key(e.getKey())
								.value(e.getValue())
								.build())
							.toList())));
		}
	}

	/** The ARN AWS Backup knows a resource by. */
	String resourceArn(ProtectedResource resource, Map<String, String> tags) {
		String account = null;
		String region = null;
		String crn = tags.getOrDefault("workspaceCrn", tags.get("workspace-crn"));
		if (crn != null) {
			try {
				Crn parsed = Crn.parse(crn);
				account = parsed.accountId();
				region = parsed.region();
			}
			catch (IllegalArgumentException ex) {
				log.warn("tag workspaceCrn '{}' is not a CRN; using the caller's account and region", crn);
			}
		}
		if (account == null) {
			account = callerAccount();
			region = settings.region();
		}
		return resourceArn(resource, region, account);
	}

	static String resourceArn(ProtectedResource resource, String region, String account) {
		if (resource.kind() == ResourceKind.VOLUME) {
			if (!resource.id().startsWith("vol-")) {
				throw new CloudException("'" + resource.id() + "' is not an EBS volume id (vol-...)", false);
			}
			return "arn:aws:ec2:" + region + ":" + account + ":volume/" + resource.id();
		}
		if (!resource.id().startsWith("fs-")) {
			throw new CloudException("'" + resource.id() + "' is not an EFS file system id (fs-...)", false);
		}
		return "arn:aws:elasticfilesystem:" + region + ":" + account + ":file-system/" + resource.id();
	}

	/** The resource an ARN of a volume or file system names. */
	static ProtectedResource resourceOf(String arn) {
		String id = resourceIdOf(arn);
		return new ProtectedResource(arn.contains(":file-system/") ? ResourceKind.FILE_SYSTEM : ResourceKind.VOLUME,
				id);
	}

	static String resourceIdOf(String arn) {
		if (arn == null) {
			return null;
		}
		return arn.substring(arn.lastIndexOf('/') + 1);
	}

	private String callerAccount() {
		if (callerAccount == null) {
			callerAccount = call("GetCallerIdentity", () -> sts.getCallerIdentity()).account();
		}
		return callerAccount;
	}

	private String activeJobOf(String resourceArn) {
		try {
			for (String state : List.of("RUNNING", "CREATED", "PENDING")) {
				List<BackupJob> jobs = backup.listBackupJobs((r) -> r.byResourceArn(resourceArn).byState(state))
					.backupJobs();
				if (!jobs.isEmpty()) {
					return jobs.get(0).backupJobId();
				}
			}
		}
		catch (SdkException ex) {
			log.warn("could not list the backup jobs of {}: {}", resourceArn, ex.getMessage());
		}
		return null;
	}

	/**
	 * The {@code Metadata} of a {@code StartRestoreJob}, from the recovery point's
	 * restore metadata ({@code GetRecoveryPointRestoreMetadata}).
	 *
	 * <p>
	 * EBS: {@code availabilityZone}, {@code volumeSize}, {@code volumeType},
	 * {@code encrypted} and {@code kmsKeyId} as the recovery point recorded them; only
	 * what it lacks is read from the original volume ({@code DescribeVolumes}), which may
	 * be gone: that is the case a restore is for, so a gone volume fails the restore only
	 * when the zone is missing too.
	 *
	 * <p>
	 * EFS: a new file system ({@code newFileSystem=true}, the request's token as
	 * {@code CreationToken}); with {@code file-system-kms-key-arn} set it is encrypted
	 * with that key ({@code Encrypted=true} and {@code KmsKeyId}: EFS refuses a key with
	 * {@code Encrypted=false}); otherwise it keeps the source's encryption as the
	 * metadata says.
	 */
	Map<String, String> restoreMetadata(RestoreRequest request, Map<String, String> recorded) {
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
			metadata.values().removeIf(AwsCloud::blank);
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
		metadata.values().removeIf(AwsCloud::blank);
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

	/** Tags a disk so that garbage collection leaves it alone while a job uses it. */
	private void protect(ProtectedResource resource) {
		tag(resource, Map.of(settings.protectionTagKey(), settings.protectionTagValue()));
	}

	/** Removes the protection tag; a failure is logged, not thrown (the job did end). */
	/**
	 * Removes the protection tag of a disk whose backup job ended, unless another backup
	 * job on it has not ended: a later backup of the same workspace may have tagged it
	 * and started its own job meanwhile (by another runner, too), and the tag must stay
	 * until that one ends. When AWS Backup cannot say, the tag stays (a tag left is the
	 * safe side; the job that does end later removes it).
	 */
	private void unprotectUnlessInUse(String resourceArn, String endedJobId) {
		if (resourceArn == null) {
			return;
		}
		try {
			for (BackupJob other : backup.listBackupJobsPaginator((r) -> r.byResourceArn(resourceArn)).backupJobs()) {
				if (!other.backupJobId().equals(endedJobId) && !backupState(other.state()).isTerminal()) {
					log.info("backup job {} ended; {} keeps tag {} for backup job {}", endedJobId,
							resourceIdOf(resourceArn), settings.protectionTagKey(), other.backupJobId());
					return;
				}
			}
		}
		catch (SdkException ex) {
			log.warn("backup job {} ended; {} keeps tag {}: the jobs on it could not be listed: {}", endedJobId,
					resourceIdOf(resourceArn), settings.protectionTagKey(), ex.getMessage());
			return;
		}
		unprotect(resourceArn);
	}

	private void unprotect(String resourceArn) {
		if (resourceArn == null) {
			return;
		}
		ProtectedResource resource = resourceOf(resourceArn);
		try {
			if (resource.kind() == ResourceKind.VOLUME) {
				ec2.deleteTags(
						(r) -> r.resources(resource.id()).tags(Tag.builder().key(settings.protectionTagKey()).build()));
			}
			else {
				efs.untagResource((r) -> r.resourceId(resource.id()).tagKeys(settings.protectionTagKey()));
			}
		}
		catch (SdkException ex) {
			log.warn("could not remove tag {} from {}: {}", settings.protectionTagKey(), resource.id(),
					ex.getMessage());
		}
	}

	private static CloudJobState backupState(BackupJobState state) {
		if (state == null) {
			return CloudJobState.CREATED;
		}
		return switch (state) {
			case PENDING -> CloudJobState.PENDING;
			case RUNNING, ABORTING -> CloudJobState.RUNNING;
			case COMPLETED -> CloudJobState.COMPLETED;
			case PARTIAL -> CloudJobState.PARTIAL;
			case ABORTED -> CloudJobState.ABORTED;
			case EXPIRED -> CloudJobState.EXPIRED;
			case FAILED -> CloudJobState.FAILED;
			default -> CloudJobState.CREATED;
		};
	}

	private static int percent(String percentDone) {
		if (percentDone == null || percentDone.isBlank()) {
			return 0;
		}
		try {
			return (int) Math.max(0,
					Math.min(100, Math.floor(Double.parseDouble(percentDone.replace("%", "").trim()))));
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	static <T> T call(String what, Supplier<T> call) {
		try {
			return call.get();
		}
		catch (SdkException ex) {
			throw AwsErrors.translate(what, ex);
		}
	}

}
