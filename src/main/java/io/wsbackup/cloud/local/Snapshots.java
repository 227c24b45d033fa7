package io.wsbackup.cloud.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wsbackup.cloud.CloudException;
import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.cloud.SnapshotProgress;
import io.wsbackup.cloud.SnapshotRequest;
import io.wsbackup.workspace.ProtectedResource;

/**
 * The snapshot jobs of the local cloud as the port sees them: started once per token and
 * one at a time per resource, reported and cancelled. A {@link SnapshotJob} does the
 * work.
 */
final class Snapshots {

	private static final Logger log = LoggerFactory.getLogger(Snapshots.class);

	private final Vaults vaults;

	private final LocalJobs jobs;

	Snapshots(Vaults vaults, LocalJobs jobs) {
		this.vaults = vaults;
		this.jobs = jobs;
	}

	/** @see io.wsbackup.cloud.CloudPort#startSnapshot */
	String start(SnapshotRequest request) {
		jobs.checkOpen();
		Path vault = vaults.existing(request.vaultName());
		ProtectedResource resource = request.resource();
		String token = LocalJobs.requireToken(request.idempotencyToken());
		return jobs.starting(() -> {
			Optional<String> existing = jobs.jobForToken(request.vaultName(), JobRecord.JobType.SNAPSHOT, token);
			if (existing.isPresent()) {
				log.debug("Snapshot of {} with token {} already started as job {}", resource.id(), token,
						existing.get());
				return existing.get();
			}
			Optional<String> running = jobs.runningSnapshot(resource);
			if (running.isPresent()) {
				throw new CloudException(
						"a snapshot of " + resource.id() + " is already running as job " + running.get(), false);
			}
			Path source = Path.of(resource.id());
			if (!source.isAbsolute() || !Files.isDirectory(source)) {
				throw new CloudException("cannot snapshot " + resource.id()
						+ ": it is not an existing directory given by its absolute path", false);
			}
			Instant now = jobs.now();
			String jobId = LocalJobs.newJobId(JobRecord.JobType.SNAPSHOT);
			String recoveryPointId = RecoveryPoints.newId(now);
			long window = (request.completionWindow() != null) ? request.completionWindow().toSeconds() : 0;
			JobRecord record = new JobRecord(jobId, JobRecord.JobType.SNAPSHOT, request.vaultName(), token,
					resource.kind(), resource.id(), recoveryPointId, null, request.tags(), Math.max(0, window),
					CloudJobState.CREATED, 0, 0, now, null, null, null);
			jobs.accept(record);
			log.info("Snapshot job {} of {} into vault {} ({}) accepted", jobId, resource.id(), vault, recoveryPointId);
			return jobId;
		});
	}

	/** @see io.wsbackup.cloud.CloudPort#snapshotProgress */
	SnapshotProgress progress(String jobId) {
		JobRecord record = jobs.job(jobId, JobRecord.JobType.SNAPSHOT);
		Instant now = jobs.now();
		return new SnapshotProgress(record.jobId(), record.state(), record.percentDone(), record.bytesDone(),
				record.expectedCompletion(now), record.message(),
				record.state() == CloudJobState.COMPLETED ? record.recoveryPointId() : null,
				record.totalBytes() > 0 ? Long.valueOf(record.totalBytes()) : null);
	}

	/** @see io.wsbackup.cloud.CloudPort#cancelSnapshot */
	void cancel(String jobId) {
		JobRecord record = jobs.job(jobId, JobRecord.JobType.SNAPSHOT);
		if (record.state().isTerminal()) {
			log.debug("Snapshot job {} already ended {}; nothing to cancel", jobId, record.state());
			return;
		}
		ActiveJob active = jobs.active(jobId)
			.orElseThrow(() -> new CloudException("snapshot job " + jobId + " is " + record.state()
					+ " but not run by this local cloud; it cannot be cancelled from here", true));
		log.info("Cancelling snapshot job {} of {}", jobId, record.resourceId());
		if (active.requestStop(ActiveJob.StopReason.CANCELLED)) {
			jobs.left(active);
		}
	}

}
