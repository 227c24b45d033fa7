package io.wsbackup.cloud.local;

import java.nio.file.Path;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.cloud.RestoreProgress;
import io.wsbackup.cloud.RestoreRequest;

/**
 * The restore jobs of the local cloud as the port sees them: started once per token, each
 * into a new directory {@code <restoresRoot>/<recoveryPointId>-<hex>}, and reported. A
 * {@link RestoreJob} does the work.
 */
final class Restores {

	private static final Logger log = LoggerFactory.getLogger(Restores.class);

	private final Path restoresRoot;

	private final Vaults vaults;

	private final RecoveryPoints recoveryPoints;

	private final LocalJobs jobs;

	Restores(Path restoresRoot, Vaults vaults, RecoveryPoints recoveryPoints, LocalJobs jobs) {
		this.restoresRoot = restoresRoot;
		this.vaults = vaults;
		this.recoveryPoints = recoveryPoints;
		this.jobs = jobs;
	}

	/** @see io.wsbackup.cloud.CloudPort#startRestore */
	String start(RestoreRequest request) {
		jobs.checkOpen();
		vaults.existing(request.vaultName());
		String token = LocalJobs.requireToken(request.idempotencyToken());
		return jobs.starting(() -> {
			Optional<String> existing = jobs.jobForToken(request.vaultName(), JobRecord.JobType.RESTORE, token);
			if (existing.isPresent()) {
				return existing.get();
			}
			RecoveryPointInfo recoveryPoint = recoveryPoints.get(request.vaultName(), request.recoveryPointId());
			String jobId = LocalJobs.newJobId(JobRecord.JobType.RESTORE);
			// a drill's restores go to a directory of their own, the only one
			// deleteRestored
			// deletes in
			Path target = (request.forDrill() ? restoresRoot.resolve(RestoredDirectories.DRILLS) : restoresRoot)
				.resolve(recoveryPoint.recoveryPointId() + "-" + jobId.substring(8, 16));
			JobRecord record = new JobRecord(jobId, JobRecord.JobType.RESTORE, request.vaultName(), token,
					request.kind(), null, recoveryPoint.recoveryPointId(), target.toString(), request.tags(), 0,
					CloudJobState.CREATED, 0, 0, jobs.now(), null, null, null);
			jobs.accept(record);
			log.info("Restore job {} of recovery point {} into {} accepted", jobId, recoveryPoint.recoveryPointId(),
					target);
			return jobId;
		});
	}

	/** @see io.wsbackup.cloud.CloudPort#restoreProgress */
	RestoreProgress progress(String jobId) {
		JobRecord record = jobs.job(jobId, JobRecord.JobType.RESTORE);
		return new RestoreProgress(record.jobId(), record.state(), record.percentDone(),
				record.state() == CloudJobState.COMPLETED ? record.targetPath() : null, record.message());
	}

}
