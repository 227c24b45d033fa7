package io.wsbackup.cloud.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.wsbackup.cloud.CloudException;
import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.cloud.RecoveryPointSummary;
import io.wsbackup.cloud.RestoreProgress;
import io.wsbackup.cloud.RestoreRequest;
import io.wsbackup.cloud.SnapshotProgress;
import io.wsbackup.cloud.SnapshotRequest;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ResourceKind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * What the local cloud promises beyond the port's contract: incremental hard links,
 * checksums, restarts.
 */
class LocalCloudTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String VAULT = "mlx-0b7d3c4e-5f6a-4b8c-9d0e-1f2a3b4c5d6e";

	private static final Map<String, String> TAGS = Map.of("backup-crn",
			"crn:cdp:ml:us-west-1:1234:workspace_backup:b1");

	@TempDir
	Path tmp;

	private Path vaults;

	private Path restores;

	private Path source;

	private ProtectedResource resource;

	private ExecutorService executor;

	private final List<LocalCloud> clouds = new ArrayList<>();

	@BeforeEach
	void setUp() throws IOException {
		vaults = tmp.resolve("vaults");
		restores = tmp.resolve("restores");
		source = tmp.resolve("storage/project-files");
		Files.createDirectories(source.resolve("sub/deeper"));
		Files.createDirectories(source.resolve("empty"));
		write(source.resolve("a.bin"), 100_000, 1);
		Files.writeString(source.resolve("sub/b.txt"), "beta", StandardCharsets.UTF_8);
		write(source.resolve("sub/deeper/c.bin"), 30_000, 2);
		Files.createSymbolicLink(source.resolve("link-to-a"), Path.of("a.bin"));
		resource = new ProtectedResource(ResourceKind.FILE_SYSTEM, source.toString());
		executor = Executors.newCachedThreadPool();
	}

	@AfterEach
	void tearDown() throws InterruptedException {
		clouds.forEach(LocalCloud::close);
		executor.shutdownNow();
		executor.awaitTermination(10, TimeUnit.SECONDS);
	}

	@Test
	void secondSnapshotOfUnchangedDataHardLinksEveryFileToTheFirst() throws IOException {
		LocalCloud cloud = cloud(0);
		String first = completedSnapshot(cloud, "token-1");
		String second = completedSnapshot(cloud, "token-2");

		List<String> files = regularFiles(data(first));
		assertThat(files).containsExactlyInAnyOrder("a.bin", "sub/b.txt", "sub/deeper/c.bin");
		assertThat(regularFiles(data(second))).isEqualTo(files);
		for (String file : files) {
			Path before = data(first).resolve(file);
			Path after = data(second).resolve(file);
			assertThat(Files.isSameFile(before, after)).as(file).isTrue();
			assertThat(Files.getAttribute(after, "unix:ino")).as(file)
				.isEqualTo(Files.getAttribute(before, "unix:ino"));
			assertThat(Files.getAttribute(after, "unix:nlink")).as(file).isEqualTo(2);
		}
		assertThat(Files.isSymbolicLink(data(second).resolve("link-to-a"))).isTrue();
		assertThat(Files.readSymbolicLink(data(second).resolve("link-to-a"))).isEqualTo(Path.of("a.bin"));
		assertThat(data(second).resolve("empty")).isEmptyDirectory();
		assertThat(cloud.listRecoveryPoints(VAULT)).extracting(RecoveryPointSummary::recoveryPointId)
			.containsExactly(first, second);
	}

	@Test
	void changedFilesAreCopiedAndTheOthersLinked() throws IOException {
		LocalCloud cloud = cloud(0);
		String first = completedSnapshot(cloud, "token-1");
		write(source.resolve("a.bin"), 120_000, 3);
		// same size, other content: only the modification time tells
		Path c = source.resolve("sub/deeper/c.bin");
		FileTime mtime = Files.getLastModifiedTime(c);
		write(c, 30_000, 4);
		Files.setLastModifiedTime(c, FileTime.fromMillis(mtime.toMillis() + 10_000));

		String second = completedSnapshot(cloud, "token-2");

		for (String changed : List.of("a.bin", "sub/deeper/c.bin")) {
			assertThat(Files.isSameFile(data(first).resolve(changed), data(second).resolve(changed))).as(changed)
				.isFalse();
			assertThat(data(second).resolve(changed)).hasSameBinaryContentAs(source.resolve(changed));
			assertThat(Files.getLastModifiedTime(data(second).resolve(changed)))
				.isEqualTo(Files.getLastModifiedTime(source.resolve(changed)));
		}
		assertThat(Files.isSameFile(data(first).resolve("sub/b.txt"), data(second).resolve("sub/b.txt"))).isTrue();
		assertThat(cloud.verify(VAULT, first)).isEmpty();
		assertThat(cloud.verify(VAULT, second)).isEmpty();
	}

	@Test
	void manifestListsTheSha256OfEveryRegularFileSortedByPath() throws Exception {
		LocalCloud cloud = cloud(0);
		String rp = completedSnapshot(cloud, "token-1");

		List<String> lines = Files.readAllLines(vaults.resolve(VAULT).resolve(rp).resolve("manifest.sha256"));
		List<String> expected = new ArrayList<>();
		for (String file : regularFiles(data(rp))) {
			expected.add(sha256(data(rp).resolve(file)) + "  " + file);
		}
		assertThat(lines).isEqualTo(expected);
		assertThat(lines).extracting((line) -> line.substring(66)).isSorted();
		assertThat(lines).noneMatch((line) -> line.endsWith("link-to-a"));
		assertThat(vaults.resolve(VAULT).resolve(rp).resolve("manifest.meta")).isRegularFile();
		String info = Files.readString(vaults.resolve(VAULT).resolve(rp).resolve("recovery-point.json"));
		assertThat(info).contains(rp, VAULT, "FILE_SYSTEM", "createdAt", "sizeBytes", "backup-crn")
			.contains(source.toString());
	}

	@Test
	void verifyFindsACorruptedFileAndRestoringItFailsNamingTheFile() throws IOException {
		LocalCloud cloud = cloud(0);
		String rp = completedSnapshot(cloud, "token-1");
		assertThat(cloud.verify(VAULT, rp)).isEmpty();

		Files.writeString(data(rp).resolve("sub/b.txt"), "bit rot", StandardCharsets.UTF_8);

		assertThat(cloud.verify(VAULT, rp)).singleElement().asString().startsWith("sub/b.txt: checksum mismatch");
		RestoreProgress restore = awaitRestoreEnd(cloud, cloud.startRestore(restoreRequest(rp, "restore-1")));
		assertThat(restore.state()).isEqualTo(CloudJobState.FAILED);
		assertThat(restore.message()).contains("sub/b.txt", "checksum mismatch");
		assertThat(restore.createdResourceId()).isNull();
		assertThat(restores).isEmptyDirectory();
	}

	@Test
	void verifyAndRestoreReportAMissingFile() throws IOException {
		LocalCloud cloud = cloud(0);
		String rp = completedSnapshot(cloud, "token-1");

		Files.delete(data(rp).resolve("sub/deeper/c.bin"));

		assertThat(cloud.verify(VAULT, rp)).containsExactly("sub/deeper/c.bin: missing");
		RestoreProgress restore = awaitRestoreEnd(cloud, cloud.startRestore(restoreRequest(rp, "restore-1")));
		assertThat(restore.state()).isEqualTo(CloudJobState.FAILED);
		assertThat(restore.message()).contains("sub/deeper/c.bin", "missing");
	}

	@Test
	void restoreIsAFullByteIdenticalCopyIntoANewDirectory() throws IOException {
		LocalCloud cloud = cloud(0);
		String rp = completedSnapshot(cloud, "token-1");

		RestoreProgress first = awaitRestoreEnd(cloud, cloud.startRestore(restoreRequest(rp, "restore-1")));
		RestoreProgress second = awaitRestoreEnd(cloud, cloud.startRestore(restoreRequest(rp, "restore-2")));

		assertThat(first.state()).isEqualTo(CloudJobState.COMPLETED);
		assertThat(second.state()).isEqualTo(CloudJobState.COMPLETED);
		Path restored = Path.of(first.createdResourceId());
		assertThat(restored).isAbsolute().startsWith(restores);
		assertThat(second.createdResourceId()).isNotEqualTo(first.createdResourceId());
		assertSameTree(source, restored);
		for (String file : regularFiles(restored)) {
			assertThat(Files.isSameFile(restored.resolve(file), data(rp).resolve(file))).as(file).isFalse();
		}
	}

	@Test
	void progressAdvancesWithTheBytesCopied() {
		write(source.resolve("big-1.bin"), 3 * 1024 * 1024, 5);
		write(source.resolve("big-2.bin"), 3 * 1024 * 1024, 6);
		LocalCloud cloud = cloud(2 * 1024 * 1024);
		String jobId = cloud.startSnapshot(request("token-1"));

		Set<Integer> percents = new TreeSet<>();
		List<SnapshotProgress> running = new ArrayList<>();
		SnapshotProgress done = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> {
			SnapshotProgress progress = cloud.snapshotProgress(jobId);
			if (progress.state() == CloudJobState.RUNNING) {
				percents.add(progress.percentDone());
				running.add(progress);
			}
			return progress;
		}, (progress) -> progress.state().isTerminal());

		assertThat(done.state()).isEqualTo(CloudJobState.COMPLETED);
		assertThat(done.percentDone()).isEqualTo(100);
		assertThat(percents.stream().filter((p) -> p > 0 && p < 100)).hasSizeGreaterThanOrEqualTo(2);
		assertThat(running).extracting(SnapshotProgress::bytesTransferred).isSorted();
		assertThat(running).filteredOn((p) -> p.bytesTransferred() > 0)
			.isNotEmpty()
			.allSatisfy((p) -> assertThat(p.expectedCompletion()).isNotNull());
		assertThat(running).filteredOn((p) -> p.bytesTransferred() == 0)
			.allSatisfy((p) -> assertThat(p.expectedCompletion()).isNull());
	}

	@Test
	void recreatedCloudReportsTheOldJobAndReturnsItForTheSameToken() {
		LocalCloud before = cloud(0);
		String jobId = before.startSnapshot(request("token-1"));
		String rp = awaitSnapshotEnd(before, jobId).recoveryPointId();
		before.close();

		LocalCloud after = cloud(0);

		SnapshotProgress progress = after.snapshotProgress(jobId);
		assertThat(progress.state()).isEqualTo(CloudJobState.COMPLETED);
		assertThat(progress.recoveryPointId()).isEqualTo(rp);
		assertThat(after.startSnapshot(request("token-1"))).isEqualTo(jobId);
		assertThat(after.listRecoveryPoints(VAULT)).hasSize(1);
	}

	@Test
	void recreatedCloudRestartsAJobInterruptedMidRun() throws IOException {
		write(source.resolve("big.bin"), 4 * 1024 * 1024, 7);
		LocalCloud before = cloud(1024 * 1024);
		String jobId = before.startSnapshot(request("token-1"));
		await().atMost(TIMEOUT).until(() -> before.snapshotProgress(jobId).bytesTransferred() > 0);

		before.close();
		assertThat(Files.readString(vaults.resolve(VAULT).resolve(".jobs").resolve(jobId + ".json")))
			.contains("RUNNING");
		Path leftover = Files.createDirectories(vaults.resolve(VAULT).resolve(".partial-" + jobId).resolve("data"));
		Files.writeString(leftover.resolve("half-copied.bin"), "junk", StandardCharsets.UTF_8);
		LocalCloud after = cloud(0);

		SnapshotProgress done = awaitSnapshotEnd(after, jobId);
		assertThat(done.state()).isEqualTo(CloudJobState.COMPLETED);
		assertThat(after.verify(VAULT, done.recoveryPointId())).isEmpty();
		assertSameTree(source, data(done.recoveryPointId()));
		assertThat(partialDirectories()).isEmpty();
		assertThat(after.startSnapshot(request("token-1"))).isEqualTo(jobId);
	}

	@Test
	void aSecondCloudOnTheSameDirectoriesLeavesARunningJobAloneAndTakesItOverOnceItsCloudIsGone() throws IOException {
		write(source.resolve("big.bin"), 4 * 1024 * 1024, 9);
		LocalCloud first = cloud(1024 * 1024);
		String jobId = first.startSnapshot(request("token-1"));
		await().atMost(TIMEOUT).until(() -> first.snapshotProgress(jobId).bytesTransferred() > 0);

		// another runner's local cloud, started while the first one runs the job
		LocalCloud second = cloud(0);
		assertThat(partialDirectories()).as("the running job's partial directory is left alone").hasSize(1);
		assertThat(second.snapshotProgress(jobId).state()).isEqualTo(CloudJobState.RUNNING);
		assertThat(second.startSnapshot(request("token-1"))).isEqualTo(jobId);

		// the first runner goes away (its job lock with it) while the job runs
		first.close();
		SnapshotProgress done = awaitSnapshotEnd(second, jobId);

		assertThat(done.state()).isEqualTo(CloudJobState.COMPLETED);
		assertThat(second.listRecoveryPoints(VAULT)).as("one recovery point, no second job").hasSize(1);
		assertSameTree(source, data(done.recoveryPointId()));
		assertThat(second.verify(VAULT, done.recoveryPointId())).isEmpty();
		try (Stream<Path> records = Files.list(vaults.resolve(VAULT).resolve(".jobs"))) {
			assertThat(records.filter((p) -> p.getFileName().toString().endsWith(".json"))).hasSize(1);
		}
	}

	@Test
	void cancelAbortsTheJobAndLeavesNoPartialDirectory() throws IOException {
		write(source.resolve("big.bin"), 4 * 1024 * 1024, 8);
		LocalCloud cloud = cloud(1024 * 1024);
		String jobId = cloud.startSnapshot(request("token-1"));
		await().atMost(TIMEOUT).until(() -> cloud.snapshotProgress(jobId).bytesTransferred() > 0);
		assertThat(partialDirectories()).hasSize(1);

		cloud.cancelSnapshot(jobId);

		SnapshotProgress aborted = awaitSnapshotEnd(cloud, jobId);
		assertThat(aborted.state()).isEqualTo(CloudJobState.ABORTED);
		assertThat(aborted.recoveryPointId()).isNull();
		assertThat(partialDirectories()).isEmpty();
		assertThat(cloud.listRecoveryPoints(VAULT)).isEmpty();
	}

	@Test
	void deletingARecoveryPointKeepsTheLinkedFilesOfTheNextOne() throws IOException {
		LocalCloud cloud = cloud(0);
		String first = completedSnapshot(cloud, "token-1");
		String second = completedSnapshot(cloud, "token-2");

		cloud.deleteRecoveryPoint(VAULT, first);

		assertThat(vaults.resolve(VAULT).resolve(first)).doesNotExist();
		assertThat(cloud.verify(VAULT, second)).isEmpty();
		assertThat(Files.getAttribute(data(second).resolve("a.bin"), "unix:nlink")).isEqualTo(1);
		assertThat(cloud.listRecoveryPoints(VAULT)).extracting(RecoveryPointSummary::recoveryPointId)
			.containsExactly(second);
	}

	@Test
	void snapshotOfAMissingDirectoryIsRefused() {
		LocalCloud cloud = cloud(0);
		ProtectedResource missing = new ProtectedResource(ResourceKind.VOLUME, tmp.resolve("nowhere").toString());

		assertThatThrownBy(
				() -> cloud.startSnapshot(new SnapshotRequest(VAULT, missing, "token-1", TAGS, Duration.ofHours(1))))
			.isInstanceOfSatisfying(CloudException.class, (ex) -> assertThat(ex.isRetryable()).isFalse())
			.hasMessageContaining(missing.id())
			.hasMessageContaining("not an existing directory");
	}

	@Test
	void aResourceReachedThroughASymbolicLinkIsSnapshottedByItsTargetsContent() throws IOException {
		LocalCloud cloud = cloud(0);
		Path link = Files.createSymbolicLink(tmp.resolve("linked-volume"), source);
		ProtectedResource linked = new ProtectedResource(ResourceKind.VOLUME, link.toString());

		SnapshotProgress done = awaitSnapshotEnd(cloud,
				cloud.startSnapshot(new SnapshotRequest(VAULT, linked, "token-link", TAGS, Duration.ofHours(1))));

		assertThat(done.state()).as(done.message()).isEqualTo(CloudJobState.COMPLETED);
		Path data = data(done.recoveryPointId());
		assertThat(Files.isSymbolicLink(data)).as("the recovery point holds the data, not the link").isFalse();
		assertThat(regularFiles(data)).containsExactlyInAnyOrder("a.bin", "sub/b.txt", "sub/deeper/c.bin");
		assertThat(cloud.listRecoveryPoints(VAULT)).singleElement()
			.satisfies((rp) -> assertThat(rp.sizeBytes()).isEqualTo(130_004));
	}

	@Test
	void aResourceEmptiedSinceItsPreviousRecoveryPointFailsInsteadOfProtectingNothing() throws IOException {
		LocalCloud cloud = cloud(0);
		String first = completedSnapshot(cloud, "token-1");
		FileTrees.deleteTree(source);
		Files.createDirectories(source);

		SnapshotProgress second = awaitSnapshotEnd(cloud, cloud.startSnapshot(request("token-2")));

		assertThat(second.state()).isEqualTo(CloudJobState.FAILED);
		assertThat(second.message()).contains(source.toString(), "is empty", first, "3 file(s)",
				"would protect nothing");
		assertThat(cloud.listRecoveryPoints(VAULT)).extracting(RecoveryPointSummary::recoveryPointId)
			.containsExactly(first);
	}

	@Test
	void aFirstSnapshotOfAnEmptyDirectoryIsAllowed() throws IOException {
		LocalCloud cloud = cloud(0);
		Path empty = Files.createDirectories(tmp.resolve("fresh-volume"));
		ProtectedResource fresh = new ProtectedResource(ResourceKind.VOLUME, empty.toString());

		SnapshotProgress done = awaitSnapshotEnd(cloud,
				cloud.startSnapshot(new SnapshotRequest(VAULT, fresh, "token-empty", TAGS, Duration.ofHours(1))));

		assertThat(done.state()).as(done.message()).isEqualTo(CloudJobState.COMPLETED);
	}

	@Test
	void filesThatHoldNoDataAreLeftOutWithAWarningNamingThem() throws Exception {
		LocalCloud cloud = cloud(0);
		Path socket = source.resolve("sub/agent.sock");
		try (var channel = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
			channel.bind(java.net.UnixDomainSocketAddress.of(socket));

			SnapshotProgress done = awaitSnapshotEnd(cloud, cloud.startSnapshot(request("token-special")));

			assertThat(done.state()).isEqualTo(CloudJobState.COMPLETED);
			assertThat(done.message()).isEqualTo("1 file(s) of " + source.toRealPath()
					+ " hold no data to copy and were left out: sub/agent.sock (socket)");
			assertThat(regularFiles(data(done.recoveryPointId()))).containsExactlyInAnyOrder("a.bin", "sub/b.txt",
					"sub/deeper/c.bin");
		}
	}

	@Test
	void snapshotIntoAnAbsentVaultIsRefused() {
		LocalCloud cloud = new LocalCloud(vaults, restores, 0, executor, Clock.systemUTC());
		clouds.add(cloud);

		assertThatThrownBy(() -> cloud.startSnapshot(request("token-1")))
			.isInstanceOfSatisfying(CloudException.class, (ex) -> assertThat(ex.isRetryable()).isFalse())
			.hasMessageContaining("ensureVault");
	}

	@Test
	void ensureVaultWritesItsTags() throws IOException {
		LocalCloud cloud = cloud(0);

		assertThat(Files.readString(vaults.resolve(VAULT).resolve("vault.json"))).contains(VAULT, "backup-crn");
		assertThat(cloud.ensureVault(VAULT, Map.of("other", "tag"))).isEqualTo(VAULT);
		assertThat(Files.readString(vaults.resolve(VAULT).resolve("vault.json"))).contains("other")
			.doesNotContain("backup-crn");
	}

	@Test
	void missingPrerequisitesNameTheDirectoryThatIsNotWritable() throws IOException {
		Path blocker = Files.writeString(tmp.resolve("a-file"), "not a directory");
		LocalCloud cloud = new LocalCloud(blocker.resolve("vaults"), restores, 0, executor, Clock.systemUTC());
		clouds.add(cloud);

		assertThat(
				cloud.missingPrerequisites(io.wsbackup.workspace.TestWorkspaces.withStorage(java.util.List.of(), null)))
			.singleElement()
			.asString()
			.contains(blocker.resolve("vaults").toString(), "not writable");
	}

	@Test
	void unknownRecoveryPointsAreRefusedByVerifyAndRestore() {
		LocalCloud cloud = cloud(0);

		assertThatThrownBy(() -> cloud.verify(VAULT, "rp-20250101000000-00000000")).isInstanceOf(CloudException.class)
			.hasMessageContaining("not found");
		assertThatThrownBy(() -> cloud.startRestore(restoreRequest("../../etc", "restore-1")))
			.isInstanceOf(CloudException.class);
	}

	@Test
	void aRestoredDirectoryMatchesItsRecoveryPointAndAFlippedByteIsNamedWithTheFile() throws IOException {
		LocalCloud cloud = cloud(0);
		String rp = completedSnapshot(cloud, "token-1");
		ProtectedResource restored = restored(cloud, rp, "restore-1");

		assertThat(cloud.verifyRestored(restored, VAULT, rp, null)).isEmpty();

		Path file = Path.of(restored.id()).resolve("sub/deeper/c.bin");
		byte[] bytes = Files.readAllBytes(file);
		bytes[1234] ^= 0x01;
		Files.write(file, bytes);

		assertThat(cloud.verifyRestored(restored, VAULT, rp, null)).singleElement()
			.asString()
			.startsWith("restored directory " + restored.id() + ": sub/deeper/c.bin: checksum mismatch");
		assertThat(cloud.verify(VAULT, rp)).as("the recovery point itself is intact").isEmpty();
	}

	@Test
	void aFileMissingFromARestoredDirectoryAndAnExtraOneAreEachNamed() throws IOException {
		LocalCloud cloud = cloud(0);
		String rp = completedSnapshot(cloud, "token-1");
		ProtectedResource restored = restored(cloud, rp, "restore-1");
		Path directory = Path.of(restored.id());

		Files.delete(directory.resolve("sub/b.txt"));
		Files.writeString(directory.resolve("sub/extra.txt"), "not restored", StandardCharsets.UTF_8);

		assertThat(cloud.verifyRestored(restored, VAULT, rp, 130_004L)).containsExactlyInAnyOrder(
				"restored directory " + directory + ": sub/extra.txt: not in the manifest",
				"restored directory " + directory + ": sub/b.txt: missing");
	}

	@Test
	void aDirectoryInPlaceOfARestoredFileIsNamed() throws IOException {
		LocalCloud cloud = cloud(0);
		String rp = completedSnapshot(cloud, "token-1");
		ProtectedResource restored = restored(cloud, rp, "restore-1");
		Path directory = Path.of(restored.id());

		Files.delete(directory.resolve("sub/b.txt"));
		Files.createDirectory(directory.resolve("sub/b.txt"));

		assertThat(cloud.verifyRestored(restored, VAULT, rp, null)).containsExactly("restored directory " + directory
				+ ": sub/b.txt: a directory, not the regular file the manifest lists");
	}

	@Test
	void aRestoredDirectoryThatDoesNotExistIsAProblemNotAnException() {
		LocalCloud cloud = cloud(0);
		String rp = completedSnapshot(cloud, "token-1");
		ProtectedResource gone = new ProtectedResource(ResourceKind.FILE_SYSTEM,
				restores.resolve(rp + "-00000000").toString());

		assertThat(cloud.verifyRestored(gone, VAULT, rp, null)).singleElement()
			.asString()
			.contains("restored directory " + gone.id(), "does not exist", rp);
	}

	@Test
	void deleteRestoredRemovesTheDirectoryAndDeletingItAgainSucceeds() throws IOException {
		LocalCloud cloud = cloud(0);
		String rp = completedSnapshot(cloud, "token-1");
		ProtectedResource restored = restored(cloud, rp, "restore-1");
		Path directory = Path.of(restored.id());
		Files.setPosixFilePermissions(directory.resolve("sub"),
				Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
						java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE));

		cloud.deleteRestored(restored);

		assertThat(directory).doesNotExist();
		assertThat(restores).exists();
		cloud.deleteRestored(restored);
		assertThat(cloud.verifyRestored(restored, VAULT, rp, null)).singleElement()
			.asString()
			.contains("does not exist");
		assertThat(cloud.verify(VAULT, rp)).as("the recovery point stays").isEmpty();
	}

	@Test
	void deleteRestoredRefusesADirectoryOutsideTheRestoresDirectoryAndLeavesItThere() throws IOException {
		LocalCloud cloud = cloud(0);
		String rp = completedSnapshot(cloud, "token-1");
		restored(cloud, rp, "restore-1");
		Path outside = tmp.resolve("storage");
		Path drills = restores.resolve("drills");
		Files.createSymbolicLink(drills.resolve("escape"), outside);
		// a workspace's restore (no drill tag) goes beside the drills' directory: never
		// deleted
		ProtectedResource workspaceRestore = new ProtectedResource(ResourceKind.FILE_SYSTEM,
				awaitRestoreEnd(cloud, cloud.startRestore(restoreRequest(rp, "restore-2"))).createdResourceId());

		for (String id : List.of(source.toString(), drills.resolve("../../storage/project-files").toString(),
				drills.toString(), restores.toString(), drills.resolve("escape/project-files").toString(),
				"restores/drills/relative", workspaceRestore.id())) {
			assertThatThrownBy(() -> cloud.deleteRestored(new ProtectedResource(ResourceKind.FILE_SYSTEM, id))).as(id)
				.isInstanceOfSatisfying(CloudException.class, (ex) -> assertThat(ex.isRetryable()).isFalse())
				.hasMessageContaining(id);
		}
		assertThatThrownBy(() -> cloud
			.deleteRestored(new ProtectedResource(ResourceKind.FILE_SYSTEM, drills.resolve("escape").toString())))
			.isInstanceOfSatisfying(CloudException.class, (ex) -> assertThat(ex.isRetryable()).isFalse())
			.hasMessageContaining("symbolic link");

		assertThat(source.resolve("a.bin")).exists();
		assertThat(source.resolve("sub/deeper/c.bin")).exists();
		assertThat(drills.resolve("escape")).isSymbolicLink();
		assertThat(Path.of(workspaceRestore.id())).as("a restored workspace's storage").isDirectory();
	}

	// --- helpers

	private LocalCloud cloud(long maxBytesPerSecond) {
		LocalCloud cloud = new LocalCloud(vaults, restores, maxBytesPerSecond, executor, Clock.systemUTC());
		clouds.add(cloud);
		cloud.ensureVault(VAULT, TAGS);
		return cloud;
	}

	/** A drill's restore (tagged as one): only what it creates is ever deleted. */
	private ProtectedResource restored(LocalCloud cloud, String recoveryPointId, String token) {
		RestoreProgress done = awaitRestoreEnd(cloud,
				cloud.startRestore(new RestoreRequest(VAULT, recoveryPointId, ResourceKind.FILE_SYSTEM, token,
						Map.of(RestoreRequest.DRILL_TAG, "crn:cdp:ml:us-west-2:1234:workspace_backup:b1"))));
		assertThat(done.state()).as("restore ended: %s", done.message()).isEqualTo(CloudJobState.COMPLETED);
		return new ProtectedResource(ResourceKind.FILE_SYSTEM, done.createdResourceId());
	}

	private SnapshotRequest request(String token) {
		return new SnapshotRequest(VAULT, resource, token, TAGS, Duration.ofHours(1));
	}

	private RestoreRequest restoreRequest(String recoveryPointId, String token) {
		return new RestoreRequest(VAULT, recoveryPointId, ResourceKind.FILE_SYSTEM, token, Map.of());
	}

	private String completedSnapshot(LocalCloud cloud, String token) {
		SnapshotProgress done = awaitSnapshotEnd(cloud, cloud.startSnapshot(request(token)));
		assertThat(done.state()).as("snapshot ended: %s", done.message()).isEqualTo(CloudJobState.COMPLETED);
		return done.recoveryPointId();
	}

	private static SnapshotProgress awaitSnapshotEnd(LocalCloud cloud, String jobId) {
		return await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> cloud.snapshotProgress(jobId), (p) -> p.state().isTerminal());
	}

	private static RestoreProgress awaitRestoreEnd(LocalCloud cloud, String jobId) {
		return await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> cloud.restoreProgress(jobId), (p) -> p.state().isTerminal());
	}

	private Path data(String recoveryPointId) {
		return vaults.resolve(VAULT).resolve(recoveryPointId).resolve("data");
	}

	private List<Path> partialDirectories() throws IOException {
		try (Stream<Path> children = Files.list(vaults.resolve(VAULT))) {
			return children.filter((p) -> p.getFileName().toString().startsWith(".partial-")).toList();
		}
	}

	private static List<String> regularFiles(Path root) throws IOException {
		return FileTrees.walk(root)
			.stream()
			.filter((node) -> node.kind() == FileTrees.Kind.FILE)
			.map(FileTrees.Node::relativePath)
			.sorted()
			.toList();
	}

	/**
	 * The same paths, kinds, contents, link targets and modification times (directories'
	 * times excepted).
	 */
	private static void assertSameTree(Path expected, Path actual) throws IOException {
		List<FileTrees.Node> want = FileTrees.walk(expected);
		List<FileTrees.Node> got = FileTrees.walk(actual);
		assertThat(got).extracting(FileTrees.Node::relativePath, FileTrees.Node::kind)
			.containsExactlyInAnyOrderElementsOf(want.stream().map((n) -> tuple(n.relativePath(), n.kind())).toList());
		for (FileTrees.Node node : want) {
			Path copy = node.relativePath().isEmpty() ? actual : actual.resolve(node.relativePath());
			switch (node.kind()) {
				case FILE -> {
					assertThat(copy).hasSameBinaryContentAs(node.path());
					assertThat(Files.getLastModifiedTime(copy)).as(node.relativePath()).isEqualTo(node.mtime());
					assertThat(Files.getPosixFilePermissions(copy)).isEqualTo(node.permissions());
				}
				case SYMLINK -> assertThat(Files.readSymbolicLink(copy)).isEqualTo(Files.readSymbolicLink(node.path()));
				case DIRECTORY -> assertThat(copy).isDirectory();
			}
		}
	}

	private static void write(Path file, int size, long seed) {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		try {
			Files.write(file, bytes);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String sha256(Path file) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
	}

}
