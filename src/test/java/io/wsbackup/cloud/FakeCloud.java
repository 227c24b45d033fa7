package io.wsbackup.cloud;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.Workspace;

/**
 * A scriptable, call-recording {@link CloudPort} for tests. Thread-safe: every method is
 * synchronized.
 *
 * <p>
 * Behaviour: a snapshot job is RUNNING from its start and advances by
 * {@link #setPercentPerPoll percentPerPoll} (default 50) on every
 * {@link #snapshotProgress} call, reporting bytes transferred and an expected completion
 * while it runs, and is COMPLETED with a recovery point {@code rp-<n>} once it reaches
 * 100. Restores advance the same way and create {@code restored-<recoveryPointId>}. The
 * same idempotency token returns the same job; a second snapshot of a resource whose
 * snapshot is still running is refused. Vaults need not be ensured first.
 *
 * <p>
 * Scripting: {@link #holdSnapshots()}/{@link #releaseSnapshots()},
 * {@link #failNextStartSnapshot}, {@link #failStartSnapshotFor},
 * {@link #failNextProgress}, {@link #failJobOf}, {@link #failRestoreOf},
 * {@link #missingPrerequisite}/{@link #clearPrerequisites()}, {@link #reset()}.
 */
public class FakeCloud implements CloudPort {

	/** Bytes a fake snapshot reports per percent done. */
	public static final long BYTES_PER_PERCENT = 1024 * 1024;

	private static final int DEFAULT_PERCENT_PER_POLL = 50;

	private final Clock clock;

	private final List<SnapshotRequest> startedSnapshots = new ArrayList<>();

	private final List<String> cancelledJobs = new ArrayList<>();

	private final List<String> deletedRecoveryPoints = new ArrayList<>();

	private final List<RestoreRequest> startedRestores = new ArrayList<>();

	private final List<String> ensuredVaults = new ArrayList<>();

	private final List<String> missingPrerequisites = new ArrayList<>();

	private final Map<String, SnapshotJob> snapshots = new LinkedHashMap<>();

	private final Map<String, RestoreJob> restores = new LinkedHashMap<>();

	private final Map<String, String> snapshotTokens = new HashMap<>();

	/** Resource id → {size in bytes, percent per poll}, for {@link #sizeOf}. */
	private final Map<String, long[]> scriptedSizes = new HashMap<>();

	private final Map<String, String> restoreTokens = new HashMap<>();

	private final Map<String, String> startFailuresByResource = new HashMap<>();

	private final Map<String, String> jobFailuresByResource = new HashMap<>();

	private final Map<String, String> completionMessagesByResource = new HashMap<>();

	private final Map<String, String> restoreFailuresByRecoveryPoint = new HashMap<>();

	private final List<RecoveryPointSummary> recoveryPoints = new ArrayList<>();

	private int startSnapshotCalls;

	private int percentPerPoll = DEFAULT_PERCENT_PER_POLL;

	private boolean snapshotsHeld;

	private String nextStartFailure;

	private CloudException nextProgressFailure;

	private int jobCounter;

	private int recoveryPointCounter;

	private String failNextList;

	/**
	 * Scripted failures by operation name: the next call throws a non-retryable
	 * CloudException (once).
	 */
	private final Map<String, String> failNext = new HashMap<>();

	/**
	 * The next call of {@code operation} ({@code startRestore}, {@code restoreProgress})
	 * throws once.
	 */
	public synchronized void failNext(String operation, String message) {
		failNext.put(operation, message);
	}

	private void throwScripted(String operation) {
		String message = failNext.remove(operation);
		if (message != null) {
			throw new CloudException(message, false);
		}
	}

	private String failNextDelete;

	private final java.util.Set<String> restoredResources = new java.util.LinkedHashSet<>();

	private final List<String> deletedRestored = new ArrayList<>();

	private final Map<String, String> restoredUnsound = new HashMap<>();

	private final Map<String, String> unsound = new HashMap<>();

	private final List<String> verifyCalls = new ArrayList<>();

	private Integer failVerifyAfter;

	private String failVerifyMessage;

	/**
	 * The next deleteRecoveryPoint call throws a non-retryable CloudException with this
	 * message (once).
	 */
	public synchronized void failNextDeleteRecoveryPoint(String message) {
		failNextDelete = message;
	}

	public FakeCloud() {
		this(Clock.systemUTC());
	}

	public FakeCloud(Clock clock) {
		this.clock = clock;
	}

	// --- the port

	@Override
	public synchronized String ensureVault(String vaultName, Map<String, String> tags) {
		ensuredVaults.add(vaultName);
		return vaultName;
	}

	@Override
	public String startSnapshot(SnapshotRequest request) {
		gates.pass("startSnapshot");
		long latency = startLatencyNanos;
		if (latency > 0) {
			// the cloud's answer takes this long (outside the fake's lock, as calls to a
			// real cloud overlap)
			java.util.concurrent.locks.LockSupport.parkNanos(latency);
		}
		String jobId = startSnapshotNow(request);
		synchronized (this) {
			if (loseNextStartAnswer) {
				loseNextStartAnswer = false;
				throw new CloudException("the answer to StartBackupJob was lost (job " + jobId + " was started)",
						false);
			}
		}
		return jobId;
	}

	private boolean loseNextStartAnswer;

	private volatile long startLatencyNanos;

	/** Every {@link #startSnapshot} answers after this long, as a distant cloud does. */
	public void startLatency(java.time.Duration latency) {
		startLatencyNanos = latency.toNanos();
	}

	/**
	 * The next {@link #startSnapshot} starts its job but throws instead of answering, as
	 * when the runner dies between the cloud call and the commit of the job's id.
	 */
	public synchronized void loseNextStartSnapshotAnswer() {
		loseNextStartAnswer = true;
	}

	private synchronized String startSnapshotNow(SnapshotRequest request) {
		startSnapshotCalls++;
		String tokenKey = request.vaultName() + "\n" + request.idempotencyToken();
		String existing = snapshotTokens.get(tokenKey);
		if (existing != null) {
			return existing;
		}
		if (nextStartFailure != null) {
			String message = nextStartFailure;
			nextStartFailure = null;
			throw new CloudException(message, false);
		}
		String resourceFailure = startFailuresByResource.remove(request.resource().id());
		if (resourceFailure != null) {
			throw new CloudException(resourceFailure, false);
		}
		for (SnapshotJob job : snapshots.values()) {
			if (job.request.resource().equals(request.resource()) && !job.state.isTerminal()) {
				throw new CloudException(
						"a snapshot of " + request.resource().id() + " is already running as job " + job.jobId, false);
			}
		}
		String jobId = "fake-snapshot-" + (++jobCounter);
		snapshots.put(jobId, new SnapshotJob(jobId, request));
		snapshotTokens.put(tokenKey, jobId);
		startedSnapshots.add(request);
		return jobId;
	}

	@Override
	public synchronized SnapshotProgress snapshotProgress(String jobId) {
		SnapshotJob job = snapshots.get(jobId);
		if (job == null) {
			throw new CloudException("unknown snapshot job " + jobId, false);
		}
		if (nextProgressFailure != null) {
			CloudException failure = nextProgressFailure;
			nextProgressFailure = null;
			throw failure;
		}
		if (!job.state.isTerminal()) {
			String failure = jobFailuresByResource.remove(job.request.resource().id());
			if (failure != null) {
				job.state = CloudJobState.FAILED;
				job.message = failure;
			}
			else if (!snapshotsHeld) {
				long[] sized = scriptedSizes.get(job.request.resource().id());
				job.percent = Math.min(100, job.percent + (sized != null ? (int) sized[1] : percentPerPoll));
				if (job.percent >= 100) {
					job.state = CloudJobState.COMPLETED;
					job.message = completionMessagesByResource.remove(job.request.resource().id());
					job.recoveryPointId = "rp-" + (++recoveryPointCounter);
					ProtectedResource resource = job.request.resource();
					recoveryPoints.add(new RecoveryPointSummary(job.recoveryPointId, job.request.vaultName(), resource,
							clock.instant(), sized != null ? sized[0] : 100 * BYTES_PER_PERCENT, job.request.tags()));
				}
			}
		}
		long[] sized = scriptedSizes.get(job.request.resource().id());
		if (sized != null) {
			SnapshotProgress p = job.progress(clock.instant(), (int) sized[1]);
			return new SnapshotProgress(p.jobId(), p.state(), p.percentDone(), sized[0] * job.percent / 100,
					p.expectedCompletion(), p.message(), p.recoveryPointId(), sized[0]);
		}
		return job.progress(clock.instant(), percentPerPoll);
	}

	@Override
	public synchronized void cancelSnapshot(String jobId) {
		SnapshotJob job = snapshots.get(jobId);
		if (job == null) {
			throw new CloudException("unknown snapshot job " + jobId, false);
		}
		cancelledJobs.add(jobId);
		if (!job.state.isTerminal()) {
			job.state = CloudJobState.ABORTED;
			job.message = "cancelled";
		}
	}

	@Override
	public String startRestore(RestoreRequest request) {
		gates.pass("startRestore");
		synchronized (this) {
			throwScripted("startRestore");
			String tokenKey = request.vaultName() + "\n" + request.idempotencyToken();
			String existing = restoreTokens.get(tokenKey);
			if (existing != null) {
				return existing;
			}
			String jobId = "fake-restore-" + (++jobCounter);
			restores.put(jobId, new RestoreJob(jobId, request));
			restoreTokens.put(tokenKey, jobId);
			startedRestores.add(request);
			return jobId;
		}
	}

	@Override
	public RestoreProgress restoreProgress(String jobId) {
		gates.pass("restoreProgress");
		synchronized (this) {
			throwScripted("restoreProgress");
			RestoreJob job = restores.get(jobId);
			if (job == null) {
				throw new CloudException("unknown restore job " + jobId, false);
			}
			if (!job.state.isTerminal()) {
				String failure = restoreFailuresByRecoveryPoint.remove(job.request.recoveryPointId());
				if (failure != null) {
					job.state = CloudJobState.FAILED;
					job.message = failure;
				}
				else {
					job.percent = Math.min(100, job.percent + percentPerPoll);
					if (job.percent >= 100) {
						job.state = CloudJobState.COMPLETED;
					}
				}
			}
			if (job.state == CloudJobState.COMPLETED) {
				restoredResources.add("restored-" + job.request.recoveryPointId());
			}
			return new RestoreProgress(job.jobId, job.state, job.percent,
					job.state == CloudJobState.COMPLETED ? "restored-" + job.request.recoveryPointId() : null,
					job.message);
		}
	}

	/**
	 * Drill side: a restored resource is sound unless {@link #makeRestoredUnsound} says
	 * otherwise; one never created or already deleted is named missing. Scripted with
	 * {@code failNext("verifyRestored", ...)}.
	 */
	@Override
	public List<String> verifyRestored(ProtectedResource restored, String vaultName, String recoveryPointId,
			Long recordedSizeBytes) {
		gates.pass("verifyRestored");
		synchronized (this) {
			throwScripted("verifyRestored");
			if (!restoredResources.contains(restored.id())) {
				return List.of("restored " + restored.kind().name().toLowerCase() + " " + restored.id() + " of "
						+ recoveryPointId + " does not exist");
			}
			String problem = restoredUnsound.get(restored.id());
			return problem == null ? List.of() : List.of("restored " + restored.id() + ": " + problem);
		}
	}

	/**
	 * Drill side: forgets the restored resource; scripted with
	 * {@code failNext("deleteRestored", ...)}.
	 */
	@Override
	public void deleteRestored(ProtectedResource restored) {
		gates.pass("deleteRestored");
		synchronized (this) {
			throwScripted("deleteRestored");
			if (restoredResources.remove(restored.id())) {
				deletedRestored.add(restored.id());
			}
		}
	}

	/**
	 * {@link #verifyRestored} finds this problem in the restored resource from now on.
	 */
	public synchronized void makeRestoredUnsound(String restoredId, String problem) {
		restoredUnsound.put(restoredId, problem);
	}

	/** The resources restores created and nothing deleted since. */
	public synchronized java.util.Set<String> restoredResources() {
		return java.util.Set.copyOf(restoredResources);
	}

	/** The restored resources {@link #deleteRestored} deleted, in order. */
	public synchronized List<String> deletedRestored() {
		return List.copyOf(deletedRestored);
	}

	/** Restore jobs that have not ended. */
	public synchronized long runningRestores() {
		return restores.values().stream().filter((job) -> !job.state.isTerminal()).count();
	}

	@Override
	public synchronized void deleteRecoveryPoint(String vaultName, String recoveryPointId) {
		if (failNextDelete != null) {
			String message = failNextDelete;
			failNextDelete = null;
			throw new CloudException(message, false);
		}
		deletedRecoveryPoints.add(recoveryPointId);
		recoveryPoints
			.removeIf((rp) -> rp.vaultName().equals(vaultName) && rp.recoveryPointId().equals(recoveryPointId));
	}

	@Override
	public List<RecoveryPointSummary> listRecoveryPoints(String vaultName) {
		gates.pass("listRecoveryPoints");
		return listRecoveryPointsNow(vaultName);
	}

	private synchronized List<RecoveryPointSummary> listRecoveryPointsNow(String vaultName) {
		if (failNextList != null && listCallsToSkip-- <= 0) {
			String message = failNextList;
			failNextList = null;
			failNext.clear();
			failNextDelete = null;
			throw new CloudException(message, false);
		}
		return recoveryPoints.stream().filter((rp) -> rp.vaultName().equals(vaultName)).toList();
	}

	/**
	 * A recovery point it holds is sound unless a test said otherwise
	 * ({@link #makeUnsound}); one it does not hold is a problem. Scripted failures:
	 * {@code failNext("verifyRecoveryPoint", ...)}, {@link #failVerifyAfter}; a test may
	 * hold it with {@code gateNext("verifyRecoveryPoint")}.
	 */
	@Override
	public List<String> verifyRecoveryPoint(String vaultName, String recoveryPointId) {
		gates.pass("verifyRecoveryPoint");
		return verifyRecoveryPointNow(vaultName, recoveryPointId);
	}

	private synchronized List<String> verifyRecoveryPointNow(String vaultName, String recoveryPointId) {
		verifyCalls.add(recoveryPointId);
		if (failVerifyAfter != null && failVerifyAfter-- <= 0) {
			failVerifyAfter = null;
			throw new CloudException(failVerifyMessage, false);
		}
		throwScripted("verifyRecoveryPoint");
		String point = "recovery point " + recoveryPointId + " of vault " + vaultName;
		boolean held = recoveryPoints.stream()
			.anyMatch((rp) -> rp.vaultName().equals(vaultName) && rp.recoveryPointId().equals(recoveryPointId));
		if (!held) {
			return List.of(point + ": not in the vault");
		}
		String problem = unsound.get(recoveryPointId);
		return problem == null ? List.of() : List.of(point + ": " + problem);
	}

	/**
	 * {@link #verifyRecoveryPoint} finds this problem in the recovery point from now on.
	 */
	public synchronized void makeUnsound(String recoveryPointId, String problem) {
		unsound.put(recoveryPointId, problem);
	}

	/**
	 * The verify call after the next {@code calls} ones throws a non-retryable
	 * CloudException (once).
	 */
	public synchronized void failVerifyAfter(int calls, String message) {
		failVerifyAfter = calls;
		failVerifyMessage = message;
	}

	/** The recovery points verified, one entry per call (a failed call too). */
	public synchronized List<String> verifyCalls() {
		return List.copyOf(verifyCalls);
	}

	/** Any id not blank: the fake backs up whatever it is given. */
	@Override
	public io.wsbackup.workspace.StorageAdmission.Admitted admitStorage(io.wsbackup.workspace.WorkspaceStorage storage,
			List<Workspace> registered) {
		return io.wsbackup.workspace.StorageAdmission.Admitted.asIs(storage);
	}

	@Override
	public List<String> missingPrerequisites(Workspace workspace) {
		gates.pass("missingPrerequisites");
		return missingPrerequisitesNow(workspace);
	}

	private synchronized List<String> missingPrerequisitesNow(Workspace workspace) {
		return List.copyOf(missingPrerequisites);
	}

	// --- what was called

	/**
	 * The snapshot requests that created a new job (not the idempotent repeats nor the
	 * refused ones).
	 */
	public synchronized List<SnapshotRequest> startedSnapshots() {
		return List.copyOf(startedSnapshots);
	}

	/** Every call of {@link #startSnapshot}, repeats and refusals included. */
	public synchronized int startSnapshotCalls() {
		return startSnapshotCalls;
	}

	/** The job ids of every {@link #cancelSnapshot} call on a known job. */
	public synchronized List<String> cancelledJobs() {
		return List.copyOf(cancelledJobs);
	}

	/** The recovery point ids of every {@link #deleteRecoveryPoint} call. */
	public synchronized List<String> deletedRecoveryPoints() {
		return List.copyOf(deletedRecoveryPoints);
	}

	/** The restore requests that created a new job. */
	public synchronized List<RestoreRequest> startedRestores() {
		return List.copyOf(startedRestores);
	}

	/** The vault name of every {@link #ensureVault} call. */
	public synchronized List<String> ensuredVaults() {
		return List.copyOf(ensuredVaults);
	}

	/** The id of the last snapshot job started for this resource id, or {@code null}. */
	public synchronized String snapshotJobOf(String resourceId) {
		String found = null;
		for (SnapshotJob job : snapshots.values()) {
			if (job.request.resource().id().equals(resourceId)) {
				found = job.jobId;
			}
		}
		return found;
	}

	// --- scripting

	/** How many percent a job advances per poll (1 to 100; default 50). */
	public synchronized void setPercentPerPoll(int percentPerPoll) {
		if (percentPerPoll < 1 || percentPerPoll > 100) {
			throw new IllegalArgumentException("percentPerPoll must be 1 to 100");
		}
		this.percentPerPoll = percentPerPoll;
	}

	/**
	 * The snapshot of this resource has this size, which it reports as its total, and
	 * advances by this many percent per poll (an uneven pair of resources, for instance).
	 */
	public synchronized void sizeOf(String resourceId, long totalBytes, int percentPerPoll) {
		scriptedSizes.put(resourceId, new long[] { totalBytes, percentPerPoll });
	}

	/**
	 * Snapshot jobs stay RUNNING at their current percent until
	 * {@link #releaseSnapshots()}.
	 */
	public synchronized void holdSnapshots() {
		snapshotsHeld = true;
	}

	public synchronized void releaseSnapshots() {
		snapshotsHeld = false;
	}

	/**
	 * The next {@link #startSnapshot} call that would create a job throws a non-retryable
	 * exception; once.
	 */
	public synchronized void failNextStartSnapshot(String message) {
		nextStartFailure = message;
	}

	/**
	 * The next {@link #startSnapshot} of this resource that would create a job throws
	 * (non-retryable); once.
	 */
	public synchronized void failStartSnapshotFor(String resourceId, String message) {
		startFailuresByResource.put(resourceId, message);
	}

	/**
	 * The next {@link #snapshotProgress} call throws a retryable {@link CloudException};
	 * once.
	 */
	public synchronized void failNextProgress(String message) {
		failNextProgress(message, true);
	}

	/** The next {@link #snapshotProgress} call throws a {@link CloudException}; once. */
	public synchronized void failNextProgress(String message, boolean retryable) {
		nextProgressFailure = new CloudException(message, retryable);
	}

	/**
	 * The snapshot job of this resource (running, or the next one started) ends FAILED
	 * with this message at its next poll; once.
	 */
	public synchronized void failJobOf(String resourceId, String message) {
		jobFailuresByResource.put(resourceId, message);
	}

	/**
	 * The snapshot job of this resource completes with this message (files left out, a
	 * partial copy); once.
	 */
	public synchronized void completeJobOfWithMessage(String resourceId, String message) {
		completionMessagesByResource.put(resourceId, message);
	}

	/**
	 * The restore job of this recovery point ends FAILED with this message at its next
	 * poll; once.
	 */
	public synchronized void failRestoreOf(String recoveryPointId, String message) {
		restoreFailuresByRecoveryPoint.put(recoveryPointId, message);
	}

	/**
	 * {@link #missingPrerequisites} returns this sentence (among those added) until
	 * {@link #clearPrerequisites()}.
	 */
	public synchronized void missingPrerequisite(String message) {
		missingPrerequisites.add(message);
	}

	/**
	 * The next listRecoveryPoints call throws a non-retryable CloudException with this
	 * message (once).
	 */
	public synchronized void failNextListRecoveryPoints(String message) {
		failListRecoveryPointsAfter(0, message);
	}

	/** The listRecoveryPoints call after the next {@code calls} ones throws (once). */
	public synchronized void failListRecoveryPointsAfter(int calls, String message) {
		failNextList = message;
		listCallsToSkip = calls;
	}

	private int listCallsToSkip;

	public synchronized void clearPrerequisites() {
		missingPrerequisites.clear();
	}

	private final io.wsbackup.Gates gates = new io.wsbackup.Gates();

	/**
	 * The next call of {@code operation} (a method name of the port) waits until the
	 * returned gate opens.
	 */
	public io.wsbackup.Gate gateNext(String operation) {
		return gates.next(operation);
	}

	/**
	 * Forgets every job, recovery point, recorded call and script; percent per poll back
	 * to 50.
	 */
	public synchronized void reset() {
		gates.clear();
		restoredResources.clear();
		deletedRestored.clear();
		restoredUnsound.clear();
		startedSnapshots.clear();
		cancelledJobs.clear();
		deletedRecoveryPoints.clear();
		startedRestores.clear();
		ensuredVaults.clear();
		missingPrerequisites.clear();
		snapshots.clear();
		restores.clear();
		snapshotTokens.clear();
		restoreTokens.clear();
		loseNextStartAnswer = false;
		startLatencyNanos = 0;
		startFailuresByResource.clear();
		jobFailuresByResource.clear();
		completionMessagesByResource.clear();
		restoreFailuresByRecoveryPoint.clear();
		recoveryPoints.clear();
		startSnapshotCalls = 0;
		failNextList = null;
		failNextDelete = null;
		unsound.clear();
		verifyCalls.clear();
		failVerifyAfter = null;
		percentPerPoll = DEFAULT_PERCENT_PER_POLL;
		scriptedSizes.clear();
		snapshotsHeld = false;
		nextStartFailure = null;
		nextProgressFailure = null;
		jobCounter = 0;
		recoveryPointCounter = 0;
	}

	private static final class SnapshotJob {

		private final String jobId;

		private final SnapshotRequest request;

		private CloudJobState state = CloudJobState.RUNNING;

		private int percent;

		private String message;

		private String recoveryPointId;

		SnapshotJob(String jobId, SnapshotRequest request) {
			this.jobId = jobId;
			this.request = request;
		}

		SnapshotProgress progress(Instant now, int percentPerPoll) {
			Instant expected = null;
			if (state == CloudJobState.RUNNING) {
				int pollsLeft = (100 - percent + percentPerPoll - 1) / percentPerPoll;
				expected = now.plus(Duration.ofMinutes(Math.max(1, pollsLeft)));
			}
			return new SnapshotProgress(jobId, state, percent, percent * BYTES_PER_PERCENT, expected, message,
					recoveryPointId);
		}

	}

	private static final class RestoreJob {

		private final String jobId;

		private final RestoreRequest request;

		private CloudJobState state = CloudJobState.RUNNING;

		private int percent;

		private String message;

		RestoreJob(String jobId, RestoreRequest request) {
			this.jobId = jobId;
			this.request = request;
		}

	}

}
