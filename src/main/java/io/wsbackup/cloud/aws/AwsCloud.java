package io.wsbackup.cloud.aws;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.backup.BackupClient;
import software.amazon.awssdk.services.backup.model.BackupJob;
import software.amazon.awssdk.services.backup.model.BackupJobState;
import software.amazon.awssdk.services.backup.model.DescribeBackupJobResponse;
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
 * garbage-collection protection tag; the tag is removed when the job is first seen ended.
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
 * Restores: EBS into a new volume in the original volume's availability zone (from the
 * restore metadata, else from {@code DescribeVolumes} of the original); EFS into a
 * <em>new</em> file system ({@code newFileSystem=true}, the request's token as
 * {@code CreationToken}). AWS Backup puts an EFS restore's files under
 * {@code aws-backup-restore_<timestamp>/} at the root of the new file system; this
 * adapter leaves them there and reports the new file system's id: attaching the restored
 * storage (the workload side) must mount that directory, not the root.
 *
 * <p>
 * On restart: the adapter keeps no state of its own (beyond which jobs it already
 * untagged), so a re-created adapter reports the same jobs, and the same token gives the
 * same job because AWS Backup honours idempotency tokens.
 */
public class AwsCloud implements CloudPort {

	private static final Logger log = LoggerFactory.getLogger(AwsCloud.class);

	static final String MANAGED_BY = "managedBy";

	private final BackupClient backup;

	private final Ec2Client ec2;

	private final EfsClient efs;

	private final StsClient sts;

	private final IamClient iam;

	private final Settings settings;

	private final Set<String> untagged = ConcurrentHashMap.newKeySet();

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
	 */
	public record Settings(String region, String iamRoleArn, String kmsKeyArn, String protectionTagKey,
			String protectionTagValue) {

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

	@Override
	public SnapshotProgress snapshotProgress(String jobId) {
		DescribeBackupJobResponse job = call("DescribeBackupJob " + jobId,
				() -> backup.describeBackupJob((r) -> r.backupJobId(jobId)));
		CloudJobState state = backupState(job.state());
		if (state.isTerminal() && untagged.add(jobId)) {
			unprotect(job.resourceArn());
		}
		int percent = state == CloudJobState.COMPLETED ? 100 : percent(job.percentDone());
		long bytes = job.bytesTransferred() != null ? job.bytesTransferred()
				: job.backupSizeInBytes() != null ? job.backupSizeInBytes() : 0L;
		String message = job.statusMessage();
		if (job.state() == BackupJobState.PARTIAL && message == null) {
			message = "the backup job ended PARTIAL";
		}
		return new SnapshotProgress(jobId, state, percent, bytes, job.expectedCompletionDate(), message,
				state == CloudJobState.COMPLETED ? job.recoveryPointArn() : null);
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
		Map<String, String> metadata = new HashMap<>(found.restoreMetadata());
		String resourceType;
		if (request.kind() == ResourceKind.VOLUME) {
			resourceType = "EBS";
			if (metadata.get("availabilityZone") == null) {
				Volume original = originalVolume(metadata.get("volumeId"), request.recoveryPointId());
				metadata.put("availabilityZone", original.availabilityZone());
				metadata.putIfAbsent("volumeSize", String.valueOf(original.size()));
			}
		}
		else {
			resourceType = "EFS";
			metadata.put("newFileSystem", "true");
			metadata.put("CreationToken", request.idempotencyToken());
			metadata.putIfAbsent("Encrypted", String.valueOf(settings.kmsKeyArn() != null));
			metadata.putIfAbsent("PerformanceMode", "generalPurpose");
			if (settings.kmsKeyArn() != null) {
				metadata.putIfAbsent("KmsKeyId", settings.kmsKeyArn());
			}
		}
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

	@Override
	public void deleteRecoveryPoint(String vaultName, String recoveryPointId) {
		try {
			backup.deleteRecoveryPoint((r) -> r.backupVaultName(vaultName).recoveryPointArn(recoveryPointId));
			log.info("recovery point {} deleted from {}", recoveryPointId, vaultName);
		}
		catch (SdkException ex) {
			if (!AwsErrors.isNotFound(ex)) {
				throw AwsErrors.translate("DeleteRecoveryPoint " + recoveryPointId, ex);
			}
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

	private Volume originalVolume(String volumeId, String recoveryPointId) {
		if (volumeId == null) {
			throw new CloudException(
					"recovery point " + recoveryPointId
							+ " names no availability zone nor original volume; cannot place the restored volume",
					false);
		}
		List<Volume> volumes = call("DescribeVolumes " + volumeId,
				() -> ec2.describeVolumes((r) -> r.volumeIds(volumeId)).volumes());
		if (volumes.isEmpty()) {
			throw new CloudException("the original volume " + volumeId + " of recovery point " + recoveryPointId
					+ " is gone and the restore metadata names no availability zone", false);
		}
		return volumes.get(0);
	}

	/** Tags a disk so that garbage collection leaves it alone while a job uses it. */
	private void protect(ProtectedResource resource) {
		tag(resource, Map.of(settings.protectionTagKey(), settings.protectionTagValue()));
	}

	/** Removes the protection tag; a failure is logged, not thrown (the job did end). */
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
			case RUNNING, ABORTING -> CloudJobState.RUNNING;
			case COMPLETED -> CloudJobState.COMPLETED;
			case ABORTED -> CloudJobState.ABORTED;
			case EXPIRED -> CloudJobState.EXPIRED;
			case FAILED, PARTIAL -> CloudJobState.FAILED;
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
