package io.wsbackup.cloud.aws;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.backup.BackupClient;
import software.amazon.awssdk.services.backup.model.BackupJob;
import software.amazon.awssdk.services.backup.model.BackupJobState;
import software.amazon.awssdk.services.backup.model.DescribeBackupJobResponse;
import software.amazon.awssdk.services.backup.model.RecoveryPointStatus;
import software.amazon.awssdk.services.backup.model.StartBackupJobResponse;

import io.wsbackup.cloud.CloudException;
import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.cloud.SnapshotProgress;
import io.wsbackup.cloud.SnapshotRequest;
import io.wsbackup.workspace.ProtectedResource;

/**
 * The snapshots of the {@code aws} cloud: AWS Backup jobs of one volume or file system
 * each. A snapshot tags its disk with the protection tag, then is one
 * {@code StartBackupJob} with the request's token as its {@code IdempotencyToken}, the
 * request's tags as recovery point tags, a start window of 60 minutes (the AWS minimum)
 * and a completion window of the request's completion window (at least 120 minutes);
 * {@link AwsBackupJobFollower} follows the job until it ends.
 */
final class AwsSnapshots {

	private static final Logger log = LoggerFactory.getLogger(AwsSnapshots.class);

	private final BackupClient backup;

	private final AwsResources resources;

	private final AwsBackupJobFollower follower;

	private final AwsCloud.Settings settings;

	AwsSnapshots(BackupClient backup, AwsResources resources, AwsBackupJobFollower follower,
			AwsCloud.Settings settings) {
		this.backup = backup;
		this.resources = resources;
		this.follower = follower;
		this.settings = settings;
	}

	String startSnapshot(SnapshotRequest request) {
		ProtectedResource resource = request.resource();
		String arn = resources.resourceArn(resource, request.tags());
		resources.protect(resource);
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
			follower.started(started.backupJobId());
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
	SnapshotProgress snapshotProgress(String jobId) {
		DescribeBackupJobResponse job = AwsErrors.call("DescribeBackupJob " + jobId,
				() -> backup.describeBackupJob((r) -> r.backupJobId(jobId)));
		CloudJobState state = AwsJobStates.backupState(job.state());
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
		follower.seen(jobId, state, job.resourceArn());
		int percent = state.hasRecoveryPoint() ? 100 : AwsJobStates.percent(job.percentDone());
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

	void cancelSnapshot(String jobId) {
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

}
