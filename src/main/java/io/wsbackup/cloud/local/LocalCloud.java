package io.wsbackup.cloud.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import io.wsbackup.cloud.CloudException;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.cloud.RecoveryPointSummary;
import io.wsbackup.cloud.RestoreProgress;
import io.wsbackup.cloud.RestoreRequest;
import io.wsbackup.cloud.SnapshotProgress;
import io.wsbackup.cloud.SnapshotRequest;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.StorageAdmission;
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
 * executor, one task each, which borrows up to {@value LocalJob#COPY_THREADS}{@code - 1}
 * more tasks of it while it copies files; {@link #close()} stops them (they stay RUNNING
 * on disk, to be restarted by the next instance) without shutting the executor down.
 *
 * <p>
 * It delegates: {@link Vaults} and {@link RecoveryPoints} keep the vaults' content,
 * {@link Snapshots} and {@link Restores} start and report the jobs, {@link LocalJobs}
 * records, runs and takes over the jobs, and {@link RestoredDirectories} checks and
 * deletes what restores created.
 */
public class LocalCloud implements CloudPort, AutoCloseable {

	private final Path vaultsRoot;

	private final Path restoresRoot;

	private volatile LocalStorageRules storageRules;

	private final Vaults vaults;

	private final RecoveryPoints recoveryPoints;

	private final LocalJobs jobs;

	private final Snapshots snapshots;

	private final Restores restores;

	private final RestoredDirectories restoredDirectories;

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
		Objects.requireNonNull(executor, "executor");
		Objects.requireNonNull(clock, "clock");
		JsonMapper json = JsonMapper.builder()
			.enable(SerializationFeature.INDENT_OUTPUT)
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.build();
		this.vaults = new Vaults(this.vaultsRoot, json, clock);
		this.recoveryPoints = new RecoveryPoints(vaults, json);
		this.jobs = new LocalJobs(this.vaultsRoot, this.restoresRoot, new JobStore(this.vaultsRoot, json),
				recoveryPoints, maxBytesPerSecond, executor, clock);
		this.snapshots = new Snapshots(vaults, jobs);
		this.restores = new Restores(this.restoresRoot, vaults, recoveryPoints, jobs);
		this.restoredDirectories = new RestoredDirectories(this.restoresRoot, recoveryPoints);
		this.storageRules = new LocalStorageRules(this.vaultsRoot, this.restoresRoot, null, List.of());
		jobs.resumeInterrupted();
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
	public StorageAdmission.Admitted admitStorage(WorkspaceStorage storage, List<Workspace> registered) {
		return storageRules.admit(storage, registered);
	}

	@Override
	public String ensureVault(String vaultName, Map<String, String> tags) {
		jobs.checkOpen();
		return vaults.ensure(vaultName, tags);
	}

	@Override
	public String startSnapshot(SnapshotRequest request) {
		return snapshots.start(request);
	}

	@Override
	public SnapshotProgress snapshotProgress(String jobId) {
		return snapshots.progress(jobId);
	}

	@Override
	public void cancelSnapshot(String jobId) {
		snapshots.cancel(jobId);
	}

	@Override
	public String startRestore(RestoreRequest request) {
		return restores.start(request);
	}

	@Override
	public RestoreProgress restoreProgress(String jobId) {
		return restores.progress(jobId);
	}

	@Override
	public void deleteRecoveryPoint(String vaultName, String recoveryPointId) {
		recoveryPoints.delete(vaultName, recoveryPointId);
	}

	@Override
	public List<RecoveryPointSummary> listRecoveryPoints(String vaultName) {
		return recoveryPoints.list(vaultName).stream().map(RecoveryPointInfo::summary).toList();
	}

	@Override
	public List<String> missingPrerequisites(Workspace workspace) {
		List<String> missing = new ArrayList<>();
		for (ProtectedResource resource : workspace.storage().protectedResources()) {
			Path directory;
			try {
				directory = Path.of(resource.id());
			}
			catch (InvalidPathException ex) {
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
	 * Checks a recovery point against its manifest ({@link #verify}); one the vault does
	 * not hold is a problem.
	 */
	@Override
	public List<String> verifyRecoveryPoint(String vaultName, String recoveryPointId) {
		String point = "recovery point " + recoveryPointId + " of vault " + vaultName;
		List<String> problems;
		try {
			problems = verify(vaultName, recoveryPointId);
		}
		catch (CloudException ex) {
			if (ex.isRetryable()) {
				throw ex;
			}
			return List.of(point + ": " + ex.getMessage());
		}
		return problems.stream().map((problem) -> point + ": " + problem).toList();
	}

	/**
	 * Checks a recovery point against its manifest: every file listed is present, a
	 * regular file, with its size and checksum, and no other file is in its data.
	 * @return one line per problem, naming the file ({@code checksum mismatch} with its
	 * size, {@code missing}, {@code not in the manifest}, a directory or link where a
	 * file was); empty when the recovery point is intact
	 * @throws CloudException (non-retryable) when the vault has no such recovery point
	 */
	public List<String> verify(String vaultName, String recoveryPointId) {
		return recoveryPoints.verify(vaultName, recoveryPointId);
	}

	/**
	 * Stops the jobs this instance runs and waits (up to 30 s) for their workers to
	 * leave. The jobs stay non-terminal on disk, so the next {@code LocalCloud} on these
	 * directories restarts them. The executor is not shut down: it belongs to the caller.
	 * New jobs are refused afterwards.
	 */
	@Override
	public void close() {
		jobs.close();
	}

	/**
	 * Called before each regular file a snapshot copies or links; tests use it to hold a
	 * snapshot.
	 */
	void onSnapshotFile(Consumer<String> hook) {
		jobs.onSnapshotFile(hook);
	}

	/**
	 * Checks a restored directory against the manifest of the recovery point it was
	 * restored from, file by file, as {@link #verify} checks the recovery point itself.
	 * The recorded size is not used: the manifest holds every file's size.
	 */
	@Override
	public List<String> verifyRestored(ProtectedResource restored, String vaultName, String recoveryPointId,
			Long recordedSizeBytes) {
		return restoredDirectories.verify(restored, vaultName, recoveryPointId);
	}

	/**
	 * Deletes a restored directory; it must lie inside the restores directory (not
	 * through a symbolic link), else it is refused.
	 */
	@Override
	public void deleteRestored(ProtectedResource restored) {
		restoredDirectories.delete(restored);
	}

}
