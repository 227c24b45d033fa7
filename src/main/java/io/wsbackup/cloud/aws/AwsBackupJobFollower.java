package io.wsbackup.cloud.aws;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.backup.BackupClient;
import software.amazon.awssdk.services.backup.model.BackupJob;
import software.amazon.awssdk.services.backup.model.DescribeBackupJobResponse;

import io.wsbackup.cloud.CloudJobState;

/**
 * Follows the backup jobs of the {@code aws} cloud until they end, and removes the
 * protection tag of a job's disk when the job is first seen ended: by the backup's polls
 * or, once nobody polls it (its backup failed), by a background follower that asks about
 * every job the adapter started until it ends. The tag stays while another backup job on
 * the disk has not ended.
 */
final class AwsBackupJobFollower implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(AwsBackupJobFollower.class);

	private static final ScheduledExecutorService FOLLOWERS = Executors.newSingleThreadScheduledExecutor((r) -> {
		Thread thread = new Thread(r, "aws-backup-job-follower");
		thread.setDaemon(true);
		return thread;
	});

	private final BackupClient backup;

	private final AwsResources resources;

	private final AwsCloud.Settings settings;

	private final Clock clock;

	private final Set<String> untagged = ConcurrentHashMap.newKeySet();

	private final Map<String, Instant> followed = new ConcurrentHashMap<>();

	private final Map<String, Integer> followFailures = new ConcurrentHashMap<>();

	private ScheduledFuture<?> follower;

	private boolean closed;

	AwsBackupJobFollower(BackupClient backup, AwsResources resources, AwsCloud.Settings settings, Clock clock) {
		this.backup = backup;
		this.resources = resources;
		this.settings = settings;
		this.clock = clock;
	}

	/** A job was just started: it is followed until it ends. */
	void started(String jobId) {
		follow(jobId, false);
	}

	/**
	 * A poll saw a job in this state: an ended job's disk loses its protection tag (the
	 * first time only); a job still running is not asked again within the follow
	 * interval.
	 */
	void seen(String jobId, CloudJobState state, String resourceArn) {
		if (state.isTerminal()) {
			ended(jobId, resourceArn);
		}
		else {
			follow(jobId, true);
		}
	}

	/**
	 * Follows a backup job in the background until it ends, then removes its disk's
	 * protection tag: the backup that started it may have failed (another resource's job
	 * failed, the timeout passed) and stopped polling it. A job polled through
	 * {@link #seen} within the follow interval is not asked again.
	 */
	private void follow(String jobId, boolean seenNow) {
		if (seenNow) {
			followed.put(jobId, clock.instant());
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
		Instant recent = clock.instant().minus(settings.followInterval());
		for (Map.Entry<String, Instant> entry : followed.entrySet()) {
			String jobId = entry.getKey();
			if (entry.getValue().isAfter(recent)) {
				continue;
			}
			try {
				DescribeBackupJobResponse job = backup.describeBackupJob((r) -> r.backupJobId(jobId));
				followFailures.remove(jobId);
				if (AwsJobStates.backupState(job.state()).isTerminal() && ended(jobId, job.resourceArn())) {
					log.info("backup job {} ended {}: protection tag removed from {}", jobId, job.stateAsString(),
							AwsResources.resourceIdOf(job.resourceArn()));
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
	 * Stops following an ended job and, the first time it is seen ended, removes its
	 * disk's protection tag unless another job uses the disk.
	 * @return whether this call was the first to see the job ended
	 */
	private boolean ended(String jobId, String resourceArn) {
		followed.remove(jobId);
		if (!untagged.add(jobId)) {
			return false;
		}
		unprotectUnlessInUse(resourceArn, jobId);
		return true;
	}

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
				if (!other.backupJobId().equals(endedJobId) && !AwsJobStates.backupState(other.state()).isTerminal()) {
					log.info("backup job {} ended; {} keeps tag {} for backup job {}", endedJobId,
							AwsResources.resourceIdOf(resourceArn), settings.protectionTagKey(), other.backupJobId());
					return;
				}
			}
		}
		catch (SdkException ex) {
			log.warn("backup job {} ended; {} keeps tag {}: the jobs on it could not be listed: {}", endedJobId,
					AwsResources.resourceIdOf(resourceArn), settings.protectionTagKey(), ex.getMessage());
			return;
		}
		resources.unprotect(resourceArn);
	}

	/**
	 * Follows, in the background, every backup job into a workspace vault
	 * ({@code mlx-...}) that AWS Backup reports not ended ({@code CREATED},
	 * {@code PENDING}, {@code RUNNING}): the sweep after a runner restart, so that the
	 * disks of jobs a previous runner started lose their protection tag when the jobs
	 * end, though no backup polls them any more. Once, asynchronously; a failure is
	 * logged.
	 */
	void followRunningJobs() {
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

	/** The ids of the backup jobs followed until they end. */
	Set<String> followedJobs() {
		return Set.copyOf(followed.keySet());
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

}
