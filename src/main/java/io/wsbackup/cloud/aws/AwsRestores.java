package io.wsbackup.cloud.aws;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.backup.BackupClient;
import software.amazon.awssdk.services.backup.model.DescribeRestoreJobResponse;
import software.amazon.awssdk.services.backup.model.GetRecoveryPointRestoreMetadataResponse;

import io.wsbackup.cloud.CloudException;
import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.cloud.RestoreProgress;
import io.wsbackup.cloud.RestoreRequest;
import io.wsbackup.workspace.ResourceKind;

/**
 * The restores of the {@code aws} cloud: AWS Backup restore jobs of one recovery point
 * into a new volume or file system, with the {@code Metadata} {@link AwsRestoreMetadata}
 * works out.
 *
 * <p>
 * {@code StartRestoreJob} cannot tag what it creates, so once {@code DescribeRestoreJob}
 * reports the created resource ({@code CreatedResourceArn}, which AWS may report while
 * the job still runs or only once it completed), it is tagged with the request's tags,
 * {@code managedBy=wsbackup}, {@code restoredFrom} (the recovery point, unless the
 * request names it already: the tags a drill's delete requires, see
 * {@link AwsRestoredResources}) and, while the job runs, the protection tag; the
 * protection tag is removed when the job is first seen ended. The request's tags are
 * remembered in memory by job id: a runner restarted while a restore runs tags the
 * created resource with what the recovery point's tags and the job say
 * ({@code backupCrn}, {@code restoredFrom}).
 */
final class AwsRestores {

	private static final Logger log = LoggerFactory.getLogger(AwsRestores.class);

	private final BackupClient backup;

	private final AwsResources resources;

	private final AwsRestoreMetadata metadata;

	private final AwsCloud.Settings settings;

	private final Map<String, Map<String, String>> restoreTags = new ConcurrentHashMap<>();

	private final Set<String> restoreTagged = ConcurrentHashMap.newKeySet();

	private final Set<String> untagged = ConcurrentHashMap.newKeySet();

	AwsRestores(BackupClient backup, AwsResources resources, AwsRestoreMetadata metadata, AwsCloud.Settings settings) {
		this.backup = backup;
		this.resources = resources;
		this.metadata = metadata;
		this.settings = settings;
	}

	String startRestore(RestoreRequest request) {
		GetRecoveryPointRestoreMetadataResponse found = AwsErrors.call(
				"GetRecoveryPointRestoreMetadata " + request.recoveryPointId(),
				() -> backup.getRecoveryPointRestoreMetadata(
						(r) -> r.backupVaultName(request.vaultName()).recoveryPointArn(request.recoveryPointId())));
		Map<String, String> restoreMetadata = metadata.forRestore(request, found.restoreMetadata());
		String resourceType = request.kind() == ResourceKind.VOLUME ? "EBS" : "EFS";
		String jobId = AwsErrors.call("StartRestoreJob of " + request.recoveryPointId(),
				() -> backup.startRestoreJob((r) -> r.recoveryPointArn(request.recoveryPointId())
					.metadata(restoreMetadata)
					.iamRoleArn(settings.iamRoleArn())
					.idempotencyToken(request.idempotencyToken())
					.resourceType(resourceType)))
			.restoreJobId();
		restoreTags.put(jobId, request.tags());
		log.info("restore job {} started from {}", jobId, request.recoveryPointId());
		return jobId;
	}

	RestoreProgress restoreProgress(String jobId) {
		DescribeRestoreJobResponse job = AwsErrors.call("DescribeRestoreJob " + jobId,
				() -> backup.describeRestoreJob((r) -> r.restoreJobId(jobId)));
		CloudJobState state = AwsJobStates.restoreState(job.statusAsString());
		if (job.createdResourceArn() != null) {
			tagRestored(jobId, job, state);
		}
		String created = state == CloudJobState.COMPLETED ? AwsResources.resourceIdOf(job.createdResourceArn()) : null;
		return new RestoreProgress(jobId, state,
				state == CloudJobState.COMPLETED ? 100 : AwsJobStates.percent(job.percentDone()), created,
				job.statusMessage());
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
			tags.put(AwsResources.MANAGED_BY, "wsbackup");
			if (job.recoveryPointArn() != null) {
				tags.putIfAbsent(AwsRestoredResources.RESTORED_FROM, job.recoveryPointArn());
			}
			if (!state.isTerminal()) {
				tags.put(settings.protectionTagKey(), settings.protectionTagValue());
			}
			try {
				resources.tag(AwsResources.resourceOf(arn), tags);
				restoreTagged.add(jobId);
				log.info("restore job {}: {} tagged {}", jobId, AwsResources.resourceIdOf(arn), tags.keySet());
			}
			catch (CloudException ex) {
				if (!state.isTerminal()) {
					throw ex;
				}
				log.warn("restore job {} ended; could not tag {}: {}", jobId, AwsResources.resourceIdOf(arn),
						ex.getMessage());
				restoreTagged.add(jobId);
			}
		}
		if (state.isTerminal() && untagged.add(jobId)) {
			resources.unprotect(arn);
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
			tags.put(AwsRestoredResources.RESTORED_FROM, job.recoveryPointArn());
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

}
