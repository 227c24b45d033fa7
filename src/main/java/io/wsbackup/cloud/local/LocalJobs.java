package io.wsbackup.cloud.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wsbackup.cloud.CloudException;
import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.workspace.ProtectedResource;

/**
 * The snapshot and restore jobs of one local cloud: their records and idempotency tokens
 * in the {@link JobStore}, the jobs this instance runs (each on one task of the executor,
 * holding the job's lock), the snapshot running on each resource, and the jobs taken over
 * from a local cloud that is gone, at start-up or when one of them is asked about.
 */
final class LocalJobs {

	private static final Logger log = LoggerFactory.getLogger(LocalJobs.class);

	private static final Pattern JOB_ID = Pattern.compile("(snapshot|restore)-[0-9a-f]{32}");

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

	private final Path vaultsRoot;

	private final Path restoresRoot;

	private final JobStore store;

	private final RecoveryPoints recoveryPoints;

	private final long maxBytesPerSecond;

	private final Executor executor;

	private final Clock clock;

	/** Serializes the check-then-create of jobs (tokens, one snapshot per resource). */
	private final Object startLock = new Object();

	private final Map<String, ActiveJob> activeJobs = new ConcurrentHashMap<>();

	/**
	 * Resource key to the id of the snapshot job running on it; guarded by
	 * {@link #startLock}.
	 */
	private final Map<String, String> runningSnapshots = new ConcurrentHashMap<>();

	private volatile Consumer<String> snapshotFileHook = (path) -> {
	};

	private volatile boolean closed;

	LocalJobs(Path vaultsRoot, Path restoresRoot, JobStore store, RecoveryPoints recoveryPoints, long maxBytesPerSecond,
			Executor executor, Clock clock) {
		this.vaultsRoot = vaultsRoot;
		this.restoresRoot = restoresRoot;
		this.store = store;
		this.recoveryPoints = recoveryPoints;
		this.maxBytesPerSecond = maxBytesPerSecond;
		this.executor = executor;
		this.clock = clock;
	}

	/**
	 * Restarts, in the background, the jobs a previous local cloud left running and whose
	 * lock nobody holds, and removes the partial directories of the jobs nobody runs and
	 * the recovery points half deleted.
	 */
	void resumeInterrupted() {
		List<JobRecord> records;
		try {
			records = store.all();
		}
		catch (RuntimeException ex) {
			log.warn("Cannot read the job records under {}: {}", vaultsRoot, ex.getMessage());
			return;
		}
		Set<String> resumed = new HashSet<>();
		records.stream()
			.filter((record) -> !record.state().isTerminal())
			.sorted(Comparator.comparing(JobRecord::createdAt))
			.forEach((record) -> {
				Optional<JobStore.JobLock> lock = store.tryLock(record.vaultName(), record.jobId());
				if (lock.isEmpty()) {
					log.info("{} job {} is {}, run by another local cloud on these directories", record.type(),
							record.jobId(), record.state());
					resumed.add(record.jobId());
					return;
				}
				log.info("Restarting {} job {} left {} by a previous run", record.type(), record.jobId(),
						record.state());
				restart(record, lock.get());
				resumed.add(record.jobId());
			});
		removeLeftovers(resumed);
	}

	/**
	 * Runs the check-then-create of a new job, serialized with those of the other jobs
	 * (tokens, one snapshot per resource).
	 */
	<T> T starting(Supplier<T> start) {
		synchronized (startLock) {
			return start.get();
		}
	}

	/** The job already started with this token, if it still exists. */
	Optional<String> jobForToken(String vaultName, JobRecord.JobType type, String token) {
		return store.jobIdForToken(vaultName, type, token)
			.filter((jobId) -> activeJobs.containsKey(jobId) || store.find(jobId).isPresent());
	}

	/** The snapshot job running on this resource, if any; to be asked while starting. */
	Optional<String> runningSnapshot(ProtectedResource resource) {
		String running = runningSnapshots.get(resource.key());
		if (running != null && job(running, JobRecord.JobType.SNAPSHOT).state().isTerminal()) {
			// ended (as snapshotProgress reports it) but its worker has not left yet
			runningSnapshots.remove(resource.key(), running);
			running = null;
		}
		return Optional.ofNullable(running);
	}

	/** Records a new job and its token, and runs it; to be called while starting. */
	void accept(JobRecord record) {
		JobStore.JobLock lock = store.tryLock(record.vaultName(), record.jobId())
			.orElseThrow(() -> new CloudException("cannot lock the new job " + record.jobId(), true));
		// the token first: a crash between the two leaves a token without a job, which
		// is ignored, never a job without its token, which a retry would start twice
		store.saveToken(record.vaultName(), record.type(), record.idempotencyToken(), record.jobId());
		store.save(record);
		countAsRunning(record);
		submit(record, lock);
	}

	/**
	 * The current record of a job: live when this instance runs it, else read from disk,
	 * taking the job over when the local cloud that ran it is gone.
	 * @throws CloudException (non-retryable) for an unknown job
	 */
	JobRecord job(String jobId, JobRecord.JobType type) {
		if (jobId == null || !JOB_ID.matcher(jobId).matches() || !jobId.startsWith(type.name().toLowerCase() + "-")) {
			throw new CloudException("unknown " + type.name().toLowerCase() + " job " + jobId, false);
		}
		ActiveJob active = activeJobs.get(jobId);
		if (active != null) {
			return active.snapshot();
		}
		try {
			return adoptIfOrphaned(store.find(jobId)
				.orElseThrow(
						() -> new CloudException("unknown " + type.name().toLowerCase() + " job " + jobId, false)));
		}
		catch (UncheckedIOException ex) {
			throw new CloudException("cannot read job " + jobId + ": " + ex.getMessage(), true, ex);
		}
	}

	/** The job, when this instance runs it. */
	Optional<ActiveJob> active(String jobId) {
		return Optional.ofNullable(activeJobs.get(jobId));
	}

	/** A worker leaves its job: the job no longer counts as running here. */
	void left(ActiveJob job) {
		JobRecord record = job.record();
		if (record.type() == JobRecord.JobType.SNAPSHOT) {
			synchronized (startLock) {
				runningSnapshots.remove(resourceKey(record), record.jobId());
			}
		}
		activeJobs.remove(record.jobId(), job);
		job.left();
	}

	/** Runs the jobs and the helper tasks they copy with. */
	Executor executor() {
		return executor;
	}

	Instant now() {
		return clock.instant();
	}

	/**
	 * Called before each regular file a snapshot copies or links; tests use it to hold a
	 * snapshot.
	 */
	void onSnapshotFile(Consumer<String> hook) {
		this.snapshotFileHook = (hook != null) ? hook : (path) -> {
		};
	}

	void beforeSnapshotFile(String relativePath) {
		snapshotFileHook.accept(relativePath);
	}

	/**
	 * @throws CloudException (non-retryable) when this local cloud is closed
	 */
	void checkOpen() {
		if (closed) {
			throw new CloudException("the local cloud on " + vaultsRoot + " is closed", false);
		}
	}

	/**
	 * Stops the jobs this instance runs and waits (up to 30 s) for their workers to
	 * leave; they stay non-terminal on disk. New jobs are refused afterwards.
	 */
	void close() {
		closed = true;
		List<ActiveJob> jobs = new ArrayList<>(activeJobs.values());
		jobs.forEach((job) -> job.requestStop(ActiveJob.StopReason.SHUTDOWN));
		for (ActiveJob job : jobs) {
			if (!job.started()) {
				continue;
			}
			try {
				if (!job.awaitLeft(CLOSE_TIMEOUT)) {
					log.warn("Job {} did not stop within {}", job.jobId(), CLOSE_TIMEOUT);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/** A new job id: its type and a random UUID. */
	static String newJobId(JobRecord.JobType type) {
		return type.name().toLowerCase() + "-" + UUID.randomUUID().toString().replace("-", "");
	}

	/**
	 * @throws CloudException (non-retryable) when the token is missing
	 */
	static String requireToken(String token) {
		if (token == null || token.isBlank()) {
			throw new CloudException("an idempotency token is required", false);
		}
		return token;
	}

	private void submit(JobRecord record, JobStore.JobLock lock) {
		ActiveJob active = new ActiveJob(record, store, clock, maxBytesPerSecond, lock);
		activeJobs.put(record.jobId(), active);
		Runnable worker = (record.type() == JobRecord.JobType.SNAPSHOT) ? new SnapshotJob(this, recoveryPoints, active)
				: new RestoreJob(this, recoveryPoints, active);
		try {
			executor.execute(worker);
		}
		catch (RejectedExecutionException ex) {
			active.end(CloudJobState.FAILED, "the local cloud could not schedule the job: " + ex.getMessage(), null);
			left(active);
		}
	}

	/** A snapshot job counts as the one running on its resource until it leaves. */
	private void countAsRunning(JobRecord record) {
		if (record.type() == JobRecord.JobType.SNAPSHOT) {
			runningSnapshots.put(resourceKey(record), record.jobId());
		}
	}

	private static String resourceKey(JobRecord record) {
		return new ProtectedResource(record.resourceKind(), record.resourceId()).key();
	}

	/** Runs a job left by a local cloud that is gone again from scratch, here. */
	private JobRecord restart(JobRecord record, JobStore.JobLock lock) {
		JobRecord restarted = record.restarted(now());
		store.save(restarted);
		countAsRunning(restarted);
		submit(restarted, lock);
		return restarted;
	}

	/**
	 * A job that is not terminal, not run here, and whose lock nobody holds was left by a
	 * local cloud that is gone (its runner was killed): this one takes it over.
	 */
	private JobRecord adoptIfOrphaned(JobRecord record) {
		if (record.state().isTerminal() || closed || activeJobs.containsKey(record.jobId())) {
			return record;
		}
		synchronized (startLock) {
			ActiveJob active = activeJobs.get(record.jobId());
			if (active != null) {
				return active.snapshot();
			}
			Optional<JobStore.JobLock> lock = store.tryLock(record.vaultName(), record.jobId());
			if (lock.isEmpty()) {
				return record;
			}
			JobRecord current = store.find(record.jobId()).orElse(record);
			if (current.state().isTerminal()) {
				lock.get().close();
				return current;
			}
			log.warn("{} job {} was left {} by a local cloud that is gone; it starts again here", current.type(),
					current.jobId(), current.state());
			return restart(current, lock.get());
		}
	}

	/**
	 * Removes partial directories of jobs that are not running and recovery points half
	 * deleted.
	 */
	private void removeLeftovers(Set<String> resumed) {
		List<Path> dirs = new ArrayList<>(Vaults.subdirectories(vaultsRoot, "*"));
		dirs.add(restoresRoot);
		for (Path dir : dirs) {
			for (Path leftover : Vaults.subdirectories(dir,
					"{" + LocalJob.PARTIAL_PREFIX + "*," + RecoveryPoints.DELETING_PREFIX + "*}")) {
				String name = leftover.getFileName().toString();
				if (name.startsWith(LocalJob.PARTIAL_PREFIX)
						&& resumed.contains(name.substring(LocalJob.PARTIAL_PREFIX.length()))) {
					continue;
				}
				try {
					FileTrees.deleteTree(leftover);
					log.info("Removed the leftover {}", leftover);
				}
				catch (IOException ex) {
					log.warn("Cannot remove the leftover {}: {}", leftover, ex.toString());
				}
			}
		}
	}

}
