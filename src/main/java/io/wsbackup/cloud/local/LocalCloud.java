package io.wsbackup.cloud.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import io.wsbackup.cloud.CloudException;
import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.cloud.RecoveryPointSummary;
import io.wsbackup.cloud.RestoreProgress;
import io.wsbackup.cloud.RestoreRequest;
import io.wsbackup.cloud.SnapshotProgress;
import io.wsbackup.cloud.SnapshotRequest;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceStorage;

/**
 * The {@code local} cloud: a resource is a directory (its {@link ProtectedResource#id()
 * id} is an absolute path), a vault is the directory {@code <vaultsRoot>/<vaultName>},
 * and a recovery point is a verified, incremental snapshot of a resource directory inside
 * its vault. It is the embedded default and serves on-premises and NFS storage.
 *
 * <p>
 * Layout of a vault: <pre>
 * &lt;vaultsRoot&gt;/&lt;vaultName&gt;/
 *   vault.json                   name, tags, creation time
 *   .jobs/&lt;jobId&gt;.json           every snapshot and restore job, its state and progress
 *   .jobs/tokens/...             idempotency token to job id
 *   .partial-&lt;jobId&gt;/            a snapshot being written (renamed when complete)
 *   rp-&lt;yyyyMMddHHmmss&gt;-&lt;hex&gt;/   a recovery point: data/, manifest.sha256, manifest.meta, recovery-point.json
 * </pre> A restore is a full, checksum-verified copy into a new directory
 * {@code <restoresRoot>/<recoveryPointId>-<hex>}.
 *
 * <p>
 * Promises, beyond those of {@link CloudPort}:
 * <ul>
 * <li>a recovery point appears complete or not at all (atomic rename), and files
 * unchanged since the previous recovery point of the same resource are hard-linked to it,
 * so a second snapshot of unchanged data stores no new content; deleting a recovery point
 * leaves the others intact;</li>
 * <li>jobs and tokens are kept on disk: a {@code LocalCloud} re-created on the same
 * directories reports the jobs of the previous one, returns the same job for the same
 * token, and restarts from scratch the jobs that were running when the previous one
 * stopped;</li>
 * <li>progress is real: the bytes copied, hard-linked or verified so far, out of the
 * bytes walked first;</li>
 * <li>a restore never overwrites and completes only when every file matched its manifest
 * checksum.</li>
 * </ul>
 * Several {@code LocalCloud}s (several runners) may share a vaults directory: each job is
 * run by the one that holds its lock ({@code .jobs/<jobId>.lock}, an OS file lock that a
 * process loses when it ends, even by {@code kill -9}); one that is asked about a running
 * job whose lock nobody holds takes the job over and starts it again from scratch. The
 * directory must support POSIX locks (a local disk, NFSv4). Jobs run on the given
 * executor, one task each, which borrows up to {@value #COPY_THREADS}{@code - 1} more
 * tasks of it while it copies files; {@link #close()} stops them (they stay RUNNING on
 * disk, to be restarted by the next instance) without shutting the executor down.
 */
public class LocalCloud implements CloudPort, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(LocalCloud.class);

	static final String DATA_DIR = "data";

	static final String PARTIAL_PREFIX = ".partial-";

	static final String VAULT_FILE = "vault.json";

	private static final String DELETING_PREFIX = ".deleting-";

	private static final Pattern VAULT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

	private static final Pattern RECOVERY_POINT_ID = Pattern.compile("rp-\\d{14}-[0-9a-f]{8}");

	private static final Pattern JOB_ID = Pattern.compile("(snapshot|restore)-[0-9a-f]{32}");

	private static final DateTimeFormatter RECOVERY_POINT_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
		.withZone(ZoneOffset.UTC);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * How many files one job copies (or links) at once: its own thread and up to three
	 * helper tasks on the executor. One copy after the other leaves the disk idle while
	 * each file is opened, read and written; several reads in flight keep it busy. On the
	 * virtual disk of the machine bench/local-provider was first run on, copying and
	 * hashing 6,000 files with a cold page cache took 8.8 s one at a time and 3.1 s four
	 * at a time. Threads waiting on the disk do not compete for the cores: on two cores,
	 * four threads still let the hashing of some files overlap the reads of others.
	 */
	static final int COPY_THREADS = 4;

	private final Path vaultsRoot;

	private final Path restoresRoot;

	private final long maxBytesPerSecond;

	private volatile LocalStorageRules storageRules;

	private final Executor executor;

	private final Clock clock;

	private final JsonMapper json;

	private final JobStore store;

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

	/**
	 * Creates the local cloud and restarts, in the background, the jobs a previous
	 * instance left running.
	 * @param vaultsRoot where the vaults are
	 * @param restoresRoot where restores create their directories
	 * @param maxBytesPerSecond the copy rate limit of each job, 0 for none
	 * @param executor runs the jobs, one task per job for its whole duration, and the
	 * helper tasks a job copies with (a job still completes when none of them can start)
	 * @param clock gives the times recorded and reported
	 */
	public LocalCloud(Path vaultsRoot, Path restoresRoot, long maxBytesPerSecond, Executor executor, Clock clock) {
		this.vaultsRoot = Objects.requireNonNull(vaultsRoot, "vaultsRoot").toAbsolutePath().normalize();
		this.restoresRoot = Objects.requireNonNull(restoresRoot, "restoresRoot").toAbsolutePath().normalize();
		if (maxBytesPerSecond < 0) {
			throw new IllegalArgumentException("maxBytesPerSecond must be 0 (unlimited) or positive");
		}
		this.maxBytesPerSecond = maxBytesPerSecond;
		this.executor = Objects.requireNonNull(executor, "executor");
		this.clock = Objects.requireNonNull(clock, "clock");
		this.json = JsonMapper.builder()
			.enable(SerializationFeature.INDENT_OUTPUT)
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.build();
		this.store = new JobStore(this.vaultsRoot, json);
		this.storageRules = new LocalStorageRules(this.vaultsRoot, this.restoresRoot, null, List.of());
		resumeInterruptedJobs();
	}

	/**
	 * Also refuses storage that contains the data dir or lies in its database, and, when
	 * {@code allowedRoots} is not empty, storage outside those trees.
	 * @return this cloud
	 */
	public LocalCloud storageRules(Path dataDir, List<Path> allowedRoots) {
		this.storageRules = new LocalStorageRules(vaultsRoot, restoresRoot, dataDir, allowedRoots);
		return this;
	}

	@Override
	public io.wsbackup.workspace.StorageAdmission.Admitted admitStorage(WorkspaceStorage storage,
			List<Workspace> registered) {
		return storageRules.admit(storage, registered);
	}

	@Override
	public String ensureVault(String vaultName, Map<String, String> tags) {
		checkOpen();
		Path vault = vaultDir(vaultName);
		Map<String, String> wanted = new TreeMap<>(tags != null ? tags : Map.of());
		try {
			Files.createDirectories(vault);
			Path file = vault.resolve(VAULT_FILE);
			Instant createdAt = now();
			if (Files.isRegularFile(file)) {
				VaultInfo existing = json.readValue(file.toFile(), VaultInfo.class);
				if (new TreeMap<>(existing.tags()).equals(wanted)) {
					return vaultName;
				}
				createdAt = existing.createdAt();
			}
			Path tmp = vault.resolve(VAULT_FILE + "." + UUID.randomUUID() + ".tmp");
			json.writeValue(tmp.toFile(), new VaultInfo(vaultName, createdAt, wanted));
			Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			log.info("Vault {} ready in {}", vaultName, vault);
			return vaultName;
		}
		catch (IOException | RuntimeException ex) {
			throw new CloudException(
					"cannot create the vault " + vaultName + " in " + vault + ": " + FileTrees.describe(ex), false, ex);
		}
	}

	@Override
	public String startSnapshot(SnapshotRequest request) {
		checkOpen();
		Path vault = existingVault(request.vaultName());
		ProtectedResource resource = request.resource();
		String token = requireToken(request.idempotencyToken());
		synchronized (startLock) {
			Optional<String> existing = jobForToken(request.vaultName(), JobRecord.JobType.SNAPSHOT, token);
			if (existing.isPresent()) {
				log.debug("Snapshot of {} with token {} already started as job {}", resource.id(), token,
						existing.get());
				return existing.get();
			}
			String running = runningSnapshots.get(resource.key());
			if (running != null && job(running, JobRecord.JobType.SNAPSHOT).state().isTerminal()) {
				// ended (as snapshotProgress reports it) but its worker has not left yet
				runningSnapshots.remove(resource.key(), running);
				running = null;
			}
			if (running != null) {
				throw new CloudException("a snapshot of " + resource.id() + " is already running as job " + running,
						false);
			}
			Path source = Path.of(resource.id());
			if (!source.isAbsolute() || !Files.isDirectory(source)) {
				throw new CloudException("cannot snapshot " + resource.id()
						+ ": it is not an existing directory given by its absolute path", false);
			}
			Instant now = now();
			String jobId = newJobId(JobRecord.JobType.SNAPSHOT);
			String recoveryPointId = "rp-" + RECOVERY_POINT_TIME.format(now) + "-"
					+ HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
			long window = (request.completionWindow() != null) ? request.completionWindow().toSeconds() : 0;
			JobRecord record = new JobRecord(jobId, JobRecord.JobType.SNAPSHOT, request.vaultName(), token,
					resource.kind(), resource.id(), recoveryPointId, null, request.tags(), Math.max(0, window),
					CloudJobState.CREATED, 0, 0, now, null, null, null);
			JobStore.JobLock lock = newJobLock(record);
			// the token first: a crash between the two leaves a token without a job,
			// which
			// is ignored, never a job without its token, which a retry would start twice
			store.saveToken(request.vaultName(), JobRecord.JobType.SNAPSHOT, token, jobId);
			store.save(record);
			runningSnapshots.put(resource.key(), jobId);
			log.info("Snapshot job {} of {} into vault {} ({}) accepted", jobId, resource.id(), vault, recoveryPointId);
			submit(record, lock);
			return jobId;
		}
	}

	@Override
	public SnapshotProgress snapshotProgress(String jobId) {
		JobRecord record = job(jobId, JobRecord.JobType.SNAPSHOT);
		Instant now = now();
		return new SnapshotProgress(record.jobId(), record.state(), record.percentDone(), record.bytesDone(),
				record.expectedCompletion(now), record.message(),
				record.state() == CloudJobState.COMPLETED ? record.recoveryPointId() : null,
				record.totalBytes() > 0 ? Long.valueOf(record.totalBytes()) : null);
	}

	@Override
	public void cancelSnapshot(String jobId) {
		JobRecord record = job(jobId, JobRecord.JobType.SNAPSHOT);
		if (record.state().isTerminal()) {
			log.debug("Snapshot job {} already ended {}; nothing to cancel", jobId, record.state());
			return;
		}
		ActiveJob active = activeJobs.get(jobId);
		if (active == null) {
			throw new CloudException("snapshot job " + jobId + " is " + record.state()
					+ " but not run by this local cloud; it cannot be cancelled from here", true);
		}
		log.info("Cancelling snapshot job {} of {}", jobId, record.resourceId());
		if (active.requestStop(ActiveJob.StopReason.CANCELLED)) {
			left(active);
		}
	}

	@Override
	public String startRestore(RestoreRequest request) {
		checkOpen();
		existingVault(request.vaultName());
		String token = requireToken(request.idempotencyToken());
		synchronized (startLock) {
			Optional<String> existing = jobForToken(request.vaultName(), JobRecord.JobType.RESTORE, token);
			if (existing.isPresent()) {
				return existing.get();
			}
			RecoveryPointInfo recoveryPoint = recoveryPoint(request.vaultName(), request.recoveryPointId());
			String jobId = newJobId(JobRecord.JobType.RESTORE);
			Path target = restoresRoot.resolve(recoveryPoint.recoveryPointId() + "-" + jobId.substring(8, 16));
			JobRecord record = new JobRecord(jobId, JobRecord.JobType.RESTORE, request.vaultName(), token,
					request.kind(), null, recoveryPoint.recoveryPointId(), target.toString(), request.tags(), 0,
					CloudJobState.CREATED, 0, 0, now(), null, null, null);
			JobStore.JobLock lock = newJobLock(record);
			store.saveToken(request.vaultName(), JobRecord.JobType.RESTORE, token, jobId);
			store.save(record);
			log.info("Restore job {} of recovery point {} into {} accepted", jobId, recoveryPoint.recoveryPointId(),
					target);
			submit(record, lock);
			return jobId;
		}
	}

	@Override
	public RestoreProgress restoreProgress(String jobId) {
		JobRecord record = job(jobId, JobRecord.JobType.RESTORE);
		return new RestoreProgress(record.jobId(), record.state(), record.percentDone(),
				record.state() == CloudJobState.COMPLETED ? record.targetPath() : null, record.message());
	}

	@Override
	public void deleteRecoveryPoint(String vaultName, String recoveryPointId) {
		checkRecoveryPointId(recoveryPointId);
		Path vault = vaultDir(vaultName);
		Path dir = vault.resolve(recoveryPointId);
		if (!Files.exists(dir)) {
			log.debug("Recovery point {} of vault {} is already gone", recoveryPointId, vaultName);
			return;
		}
		Path doomed = vault.resolve(DELETING_PREFIX + recoveryPointId);
		try {
			// out of sight first, so that no one lists, links to or restores a
			// half-deleted recovery point
			Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
			FileTrees.deleteTree(doomed);
			log.info("Recovery point {} of vault {} deleted", recoveryPointId, vaultName);
		}
		catch (IOException ex) {
			throw new CloudException("cannot delete recovery point " + recoveryPointId + " of vault " + vaultName + ": "
					+ FileTrees.describe(ex), true, ex);
		}
	}

	@Override
	public List<RecoveryPointSummary> listRecoveryPoints(String vaultName) {
		return recoveryPoints(vaultName).stream().map(RecoveryPointInfo::summary).toList();
	}

	@Override
	public List<String> missingPrerequisites(Workspace workspace) {
		List<String> missing = new ArrayList<>();
		for (ProtectedResource resource : workspace.storage().protectedResources()) {
			Path directory;
			try {
				directory = Path.of(resource.id());
			}
			catch (java.nio.file.InvalidPathException ex) {
				missing.add("The " + resource.kind().name().toLowerCase().replace('_', ' ') + " of workspace "
						+ workspace.name() + " is not a valid path; register the workspace again with its directory.");
				continue;
			}
			if (!Files.isDirectory(directory)) {
				missing.add("The " + resource.kind().name().toLowerCase().replace('_', ' ') + " directory "
						+ resource.id() + " of workspace " + workspace.name() + " does not exist.");
			}
		}
		try {
			Files.createDirectories(vaultsRoot);
			Path probe = Files.createTempFile(vaultsRoot, ".probe-", ".tmp");
			Files.delete(probe);
		}
		catch (IOException | RuntimeException ex) {
			missing.add("The vaults directory " + vaultsRoot + " cannot be created or is not writable by this "
					+ "runner (" + FileTrees.describe(ex) + "); create it and give the runner write access.");
		}
		return missing;
	}

	/**
	 * Checks a recovery point against its manifest: every file listed is present with its
	 * checksum, and no other file is in its data.
	 * @return one line per problem, naming the file ({@code checksum mismatch},
	 * {@code missing}, {@code not in the manifest}); empty when the recovery point is
	 * intact
	 * @throws CloudException (non-retryable) when the vault has no such recovery point
	 */
	public List<String> verify(String vaultName, String recoveryPointId) {
		RecoveryPointInfo info = recoveryPoint(vaultName, recoveryPointId);
		Path dir = vaultDir(vaultName).resolve(info.recoveryPointId());
		List<String> problems = new ArrayList<>();
		Map<String, String> expected;
		try {
			expected = new LinkedHashMap<>(Manifest.readChecksums(dir));
		}
		catch (IOException ex) {
			return List.of(Manifest.CHECKSUM_FILE + ": unreadable or missing (" + FileTrees.describe(ex) + ")");
		}
		Path data = dir.resolve(DATA_DIR);
		List<FileTrees.Node> tree;
		try {
			tree = Files.isDirectory(data) ? FileTrees.walk(data) : List.of();
		}
		catch (IOException ex) {
			return List.of("data: unreadable (" + FileTrees.describe(ex) + ")");
		}
		for (FileTrees.Node node : tree) {
			if (node.kind() != FileTrees.Kind.FILE) {
				continue;
			}
			String sha256 = expected.remove(node.relativePath());
			if (sha256 == null) {
				problems.add(node.relativePath() + ": not in the manifest");
				continue;
			}
			try {
				String actual = FileTrees.hashFile(node.path());
				if (!actual.equals(sha256)) {
					problems.add(
							node.relativePath() + ": checksum mismatch (manifest " + sha256 + ", data " + actual + ")");
				}
			}
			catch (IOException ex) {
				problems.add(node.relativePath() + ": unreadable (" + FileTrees.describe(ex) + ")");
			}
		}
		expected.keySet().forEach((path) -> problems.add(path + ": missing"));
		if (!problems.isEmpty()) {
			log.warn("Recovery point {} of vault {} is damaged: {}", recoveryPointId, vaultName, problems);
		}
		return problems;
	}

	/**
	 * Stops the jobs this instance runs and waits (up to 30 s) for their workers to
	 * leave. The jobs stay non-terminal on disk, so the next {@code LocalCloud} on these
	 * directories restarts them. The executor is not shut down: it belongs to the caller.
	 * New jobs are refused afterwards.
	 */
	@Override
	public void close() {
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

	// --- for the workers and the tests of this package

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

	Path vaultDir(String vaultName) {
		if (vaultName == null || !VAULT_NAME.matcher(vaultName).matches()) {
			throw new CloudException("invalid vault name '" + vaultName + "': use letters, digits, '.', '_' and '-', "
					+ "starting with a letter or digit", false);
		}
		return vaultsRoot.resolve(vaultName);
	}

	JsonMapper json() {
		return json;
	}

	Executor executor() {
		return executor;
	}

	Instant now() {
		return clock.instant();
	}

	/** The newest recovery point of this resource in the vault, if any. */
	Optional<RecoveryPointInfo> latestRecoveryPoint(String vaultName, ProtectedResource resource) {
		List<RecoveryPointInfo> points = recoveryPoints(vaultName);
		for (int i = points.size() - 1; i >= 0; i--) {
			if (points.get(i).resource().equals(resource)) {
				return Optional.of(points.get(i));
			}
		}
		return Optional.empty();
	}

	RecoveryPointInfo readRecoveryPoint(Path dir) {
		return json.readValue(dir.resolve(RecoveryPointInfo.FILE).toFile(), RecoveryPointInfo.class);
	}

	/** A worker leaves its job: the job no longer counts as running here. */
	void left(ActiveJob job) {
		JobRecord record = job.record();
		if (record.type() == JobRecord.JobType.SNAPSHOT) {
			synchronized (startLock) {
				runningSnapshots.remove(new ProtectedResource(record.resourceKind(), record.resourceId()).key(),
						record.jobId());
			}
		}
		activeJobs.remove(record.jobId(), job);
		job.left();
	}

	// --- internals

	private JobStore.JobLock newJobLock(JobRecord record) {
		return store.tryLock(record.vaultName(), record.jobId())
			.orElseThrow(() -> new CloudException("cannot lock the new job " + record.jobId(), true));
	}

	private void submit(JobRecord record, JobStore.JobLock lock) {
		ActiveJob active = new ActiveJob(record, store, clock, maxBytesPerSecond, lock);
		activeJobs.put(record.jobId(), active);
		Runnable worker = (record.type() == JobRecord.JobType.SNAPSHOT) ? new SnapshotJob(this, active)
				: new RestoreJob(this, active);
		try {
			executor.execute(worker);
		}
		catch (RejectedExecutionException ex) {
			active.end(CloudJobState.FAILED, "the local cloud could not schedule the job: " + ex.getMessage(), null);
			left(active);
		}
	}

	private void resumeInterruptedJobs() {
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

	/** Runs a job left by a local cloud that is gone again from scratch, here. */
	private JobRecord restart(JobRecord record, JobStore.JobLock lock) {
		JobRecord restarted = record.restarted(now());
		store.save(restarted);
		if (record.type() == JobRecord.JobType.SNAPSHOT) {
			runningSnapshots.put(new ProtectedResource(record.resourceKind(), record.resourceId()).key(),
					record.jobId());
		}
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
		for (Path root : List.of(vaultsRoot, restoresRoot)) {
			List<Path> dirs = new ArrayList<>();
			if (root.equals(vaultsRoot)) {
				dirs.addAll(children(vaultsRoot, "*"));
			}
			else {
				dirs.add(restoresRoot);
			}
			for (Path dir : dirs) {
				for (Path leftover : children(dir, "{" + PARTIAL_PREFIX + "*," + DELETING_PREFIX + "*}")) {
					String name = leftover.getFileName().toString();
					if (name.startsWith(PARTIAL_PREFIX) && resumed.contains(name.substring(PARTIAL_PREFIX.length()))) {
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

	private static List<Path> children(Path dir, String glob) {
		List<Path> children = new ArrayList<>();
		if (!Files.isDirectory(dir)) {
			return children;
		}
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, glob)) {
			for (Path child : stream) {
				if (Files.isDirectory(child)) {
					children.add(child);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return children;
	}

	private List<RecoveryPointInfo> recoveryPoints(String vaultName) {
		Path vault = vaultDir(vaultName);
		List<RecoveryPointInfo> points = new ArrayList<>();
		for (Path dir : children(vault, "rp-*")) {
			if (!Files.isRegularFile(dir.resolve(RecoveryPointInfo.FILE))) {
				continue;
			}
			try {
				points.add(readRecoveryPoint(dir));
			}
			catch (RuntimeException ex) {
				log.warn("Skipping the unreadable recovery point {}: {}", dir, ex.getMessage());
			}
		}
		points
			.sort(Comparator.comparing(RecoveryPointInfo::createdAt).thenComparing(RecoveryPointInfo::recoveryPointId));
		return points;
	}

	private RecoveryPointInfo recoveryPoint(String vaultName, String recoveryPointId) {
		checkRecoveryPointId(recoveryPointId);
		Path dir = vaultDir(vaultName).resolve(recoveryPointId);
		if (!Files.isRegularFile(dir.resolve(RecoveryPointInfo.FILE))) {
			throw new CloudException("recovery point " + recoveryPointId + " not found in vault " + vaultName, false);
		}
		try {
			return readRecoveryPoint(dir);
		}
		catch (RuntimeException ex) {
			throw new CloudException("recovery point " + recoveryPointId + " of vault " + vaultName + " is unreadable: "
					+ ex.getMessage(), false, ex);
		}
	}

	private JobRecord job(String jobId, JobRecord.JobType type) {
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

	private Optional<String> jobForToken(String vaultName, JobRecord.JobType type, String token) {
		return store.jobIdForToken(vaultName, type, token)
			.filter((jobId) -> activeJobs.containsKey(jobId) || store.find(jobId).isPresent());
	}

	private Path existingVault(String vaultName) {
		Path vault = vaultDir(vaultName);
		if (!Files.isRegularFile(vault.resolve(VAULT_FILE))) {
			throw new CloudException(
					"vault " + vaultName + " does not exist in " + vaultsRoot + "; create it with ensureVault first",
					false);
		}
		return vault;
	}

	private static String requireToken(String token) {
		if (token == null || token.isBlank()) {
			throw new CloudException("an idempotency token is required", false);
		}
		return token;
	}

	private static void checkRecoveryPointId(String recoveryPointId) {
		if (recoveryPointId == null || !RECOVERY_POINT_ID.matcher(recoveryPointId).matches()) {
			throw new CloudException("invalid recovery point id '" + recoveryPointId + "'", false);
		}
	}

	private static String newJobId(JobRecord.JobType type) {
		return type.name().toLowerCase() + "-" + UUID.randomUUID().toString().replace("-", "");
	}

	private void checkOpen() {
		if (closed) {
			throw new CloudException("the local cloud on " + vaultsRoot + " is closed", false);
		}
	}

	/** The content of {@code vault.json}. */
	record VaultInfo(String vaultName, Instant createdAt, Map<String, String> tags) {

		VaultInfo {
			tags = (tags != null) ? Map.copyOf(tags) : Map.of();
		}

	}

}
