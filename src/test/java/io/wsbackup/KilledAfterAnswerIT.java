package io.wsbackup;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.wsbackup.system.TestDatabase;
import io.wsbackup.system.security.HashedTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the API acknowledged survives a {@code kill -9} of the packaged runner right after
 * the answer: {@code cancelBackup} (of a backup still copying), {@code backupWorkspace},
 * {@code restoreWorkspace} and {@code deleteBackup} are answered one after the other,
 * within milliseconds, and the runner is killed right after the last answer. On the
 * embedded default (H2 in the data dir) the runner is started again on the same data dir;
 * with two runners on one MySQL schema the other runner carries on. Every operation
 * completes: the cancelled backup ends {@code cancelled}, the new backup
 * {@code succeeded} with one recovery point per resource, the restore's new workspace
 * {@code installation:finished} with the original's data and no orphan copy beside it,
 * the deleted backup gone from the catalog and the vault; no workspace is left stopped or
 * {@code restore:started}, and every recovery point in the vaults belongs to a backup in
 * the catalog.
 */
class KilledAfterAnswerIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@TempDir
	Path data;

	@TempDir
	Path work;

	private final List<Process> runners = new ArrayList<>();

	private int started;

	@AfterEach
	void stopRunners() throws InterruptedException {
		for (Process runner : runners) {
			runner.destroy();
			if (!runner.waitFor(30, TimeUnit.SECONDS)) {
				runner.destroyForcibly();
			}
		}
	}

	/** How a test gets its runners: one on the embedded default, or two on MySQL. */
	private interface Runners {

		/** The runner to send the next operation to. */
		Runner current();

		/**
		 * Kills {@code victim} with SIGKILL and returns the runner that carries on (the
		 * same data dir started again, or the other runner).
		 */
		Runner killAndCarryOn(Runner victim) throws Exception;

	}

	private record Runner(Process process, int port) {
	}

	@Test
	void embeddedDefaultKilledRightAfterEachAnswerCompletesEveryOperation() throws Exception {
		Runners embedded = new Runners() {

			private Runner runner = start(List.of());

			@Override
			public Runner current() {
				return runner;
			}

			@Override
			public Runner killAndCarryOn(Runner victim) throws Exception {
				kill(victim);
				runner = start(List.of());
				return runner;
			}

		};
		campaign(embedded);
	}

	@Test
	void twoRunnersOnMysqlOneKilledRightAfterEachAnswerCompleteEveryOperation() throws Exception {
		String url = TestDatabase.freshSchemaUrl("killed_after_answer");
		List<String> store = List.of("--spring.datasource.url=" + url,
				"--spring.datasource.username=" + TestDatabase.user(),
				"--spring.datasource.password=" + TestDatabase.password());
		Runners two = new Runners() {

			private final List<Runner> live = new ArrayList<>(List.of(start(store), start(store)));

			@Override
			public Runner current() {
				return live.get(0);
			}

			@Override
			public Runner killAndCarryOn(Runner victim) throws Exception {
				kill(victim);
				live.remove(victim);
				return live.get(0);
			}

		};
		campaign(two);
	}

	/**
	 * Four operations answered one after the other within milliseconds (a cancel of a
	 * backup that copies, a new backup, a restore, a delete), then {@code kill -9} of the
	 * runner that answered them, right after the last answer.
	 */
	private void campaign(Runners runners) throws Exception {
		Runner first = runners.current();
		JsonNode demo = call(first, "listWorkspaces", "{}").path("workspaces").get(0);
		String demoCrn = demo.path("workspaceCrn").asString();
		String vault = demo.path("vaultName").asString();
		String restoredFrom = awaitSucceeded(first, backup(first, demoCrn, "restored-from"));
		String deleted = awaitSucceeded(first, backup(first, demoCrn, "deleted"));
		JsonNode other = otherWorkspace(first);
		String otherCrn = other.path("workspaceCrn").asString();
		String cancelled = backup(first, otherCrn, "cancelled");
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> "awaitRecoveryPoints".equals(describe(first, cancelled).path("currentStep").asString()));

		call(first, "cancelBackup", "{\"backupCrn\": \"" + cancelled + "\"}");
		String backedUp = backup(first, demoCrn, "backed-up");
		String restoredCrn = call(first, "restoreWorkspace", """
				{"backupCrn": "%s", "newWorkspaceParameters": {"environmentName": "local", "workspaceName": "restored"}}
				""".formatted(restoredFrom)).path("workspaceCrn").asString();
		assertThat(call(first, "deleteBackup", "{\"backupCrn\": \"" + deleted + "\"}").path("workflowId").asString())
			.isNotBlank();
		Runner next = runners.killAndCarryOn(first);

		assertThat(awaitBackupEnd(next, cancelled).path("backupStatus").asString()).isEqualTo("cancelled");
		JsonNode backup = awaitBackupEnd(next, backedUp);
		assertThat(backup.path("backupStatus").asString()).as(backup.toString()).isEqualTo("succeeded");
		assertThat(backup.path("recoveryPoints").size()).isEqualTo(2);
		JsonNode restored = await().atMost(Duration.ofSeconds(180))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> call(next, "describeWorkspace", "{\"workspaceCrn\": \"" + restoredCrn + "\"}")
				.path("workspace"), (w) -> !"restore:started".equals(w.path("workspaceStatus").asString()));
		assertThat(restored.path("workspaceStatus").asString()).as(restored.toString())
			.isEqualTo("installation:finished");
		Set<Path> restoredRoots = new HashSet<>();
		restored.path("storage").path("volumes").forEach((v) -> restoredRoots.add(Path.of(v.asString())));
		restoredRoots.add(Path.of(restored.path("storage").path("sharedFileSystem").asString()));
		Trees.assertSameTree(Path.of(demo.path("storage").path("sharedFileSystem").asString()),
				Path.of(restored.path("storage").path("sharedFileSystem").asString()));
		try (Stream<Path> copies = Files.list(data.resolve("restores"))) {
			assertThat(copies.filter(Files::isDirectory).toList()).as("no orphan copy beside the restored workspace's")
				.containsExactlyInAnyOrderElementsOf(restoredRoots);
		}
		await().atMost(Duration.ofSeconds(120))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> status(next, "describeWorkspaceBackup", "{\"backupCrn\": \"" + deleted + "\"}") == 404);

		// the catalog matches the vaults: every recovery point belongs to a backup listed
		assertThat(vaultBackups(vault)).as("the deleted backup's recovery points are gone from the vault")
			.doesNotContain(deleted)
			.contains(backedUp, restoredFrom);
		assertThat(listed(next, demoCrn)).containsExactlyInAnyOrder(restoredFrom, backedUp)
			.containsAll(vaultBackups(vault));
		assertThat(listed(next, otherCrn)).containsAll(vaultBackups(other.path("vaultName").asString()));
		for (String workspace : List.of(demoCrn, otherCrn, restoredCrn)) {
			assertWorkspaceResting(next, workspace);
		}
	}

	private static String backup(Runner runner, String workspaceCrn, String name) throws Exception {
		return call(runner, "backupWorkspace",
				"{\"workspaceCrn\": \"" + workspaceCrn + "\", \"backupName\": \"" + name + "\"}")
			.path("backupCrn")
			.asString();
	}

	private static String awaitSucceeded(Runner runner, String backupCrn) {
		JsonNode ended = awaitBackupEnd(runner, backupCrn);
		assertThat(ended.path("backupStatus").asString()).as(ended.toString()).isEqualTo("succeeded");
		return backupCrn;
	}

	/**
	 * A second workspace, with 48 MB to copy: its backup is still copying when it is
	 * cancelled.
	 */
	private JsonNode otherWorkspace(Runner runner) throws Exception {
		Path volume = Files.createDirectories(work.resolve("other-workspace/volume"));
		byte[] chunk = new byte[8 * 1024 * 1024];
		Random random = new Random(7);
		for (int i = 0; i < 6; i++) {
			random.nextBytes(chunk);
			Files.write(volume.resolve("part-" + i + ".dat"), chunk);
		}
		return call(runner, "registerWorkspace", "{\"workspaceName\": \"other\", \"environmentName\": \"local\", "
				+ "\"volumes\": [\"" + volume.toRealPath() + "\"]}")
			.path("workspace");
	}

	private static Set<String> listed(Runner runner, String workspaceCrn) throws Exception {
		Set<String> catalog = new HashSet<>();
		call(runner, "listWorkspaceBackups", "{\"workspaceCrn\": \"" + workspaceCrn + "\"}").path("backups")
			.forEach((b) -> catalog.add(b.path("backupCrn").asString()));
		return catalog;
	}

	private Runner start(List<String> store) throws Exception {
		int port = PackagedRunner.freePort();
		Path dir = Files.createDirectories(work.resolve("runner-" + (++started)));
		Path schedules = Files.createDirectories(work.resolve("no-schedules"));
		List<String> arguments = new ArrayList<>(store);
		arguments.addAll(List.of("--wsbackup.data-dir=" + data, "--wsbackup.schedules-dir=" + schedules,
				"--wsbackup.demo.enabled=true", "--wsbackup.cloud.local.max-bytes-per-second=8MB",
				"--wsbackup.recovery.heartbeat-interval=500ms", "--wsbackup.recovery.dead-after=3s",
				"--wsbackup.recovery.scan-interval=1s", "--wsbackup.security.tokens[0].name=it",
				"--wsbackup.security.tokens[0].role=admin",
				"--wsbackup.security.tokens[0].sha256=" + HashedTokens.sha256Hex(WsbackupTestSupport.ADMIN_TOKEN)));
		Process process = PackagedRunner.start(dir, port, Map.of(), arguments.toArray(String[]::new));
		runners.add(process);
		return new Runner(process, port);
	}

	private static void kill(Runner runner) throws InterruptedException {
		runner.process().destroyForcibly();
		assertThat(runner.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
	}

	/**
	 * New data in the demo's file system, so that the next backup has something to copy.
	 */
	private static void writeFreshData(JsonNode demo) throws IOException {
		byte[] fresh = new byte[8 * 1024 * 1024];
		new Random(7).nextBytes(fresh);
		Files.write(Path.of(demo.path("storage").path("sharedFileSystem").asString()).resolve("fresh.dat"), fresh);
	}

	/**
	 * The backup's end, as {@code backup-workspace --wait} waits for it: its status has
	 * ended and so has its job (a backup {@code succeeded} in step recordCatalog, before
	 * restartWorkspace starts its workspace again).
	 */
	private static JsonNode awaitBackupEnd(Runner runner, String backupCrn) {
		return await().atMost(Duration.ofSeconds(120))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> describe(runner, backupCrn), (b) -> {
				String status = b.path("backupStatus").asString();
				return !status.equals("running") && !status.equals("cancelling")
						&& !Set.of("STARTING", "STARTED", "STOPPING").contains(b.path("jobStatus").asString(""));
			});
	}

	private static void assertWorkspaceResting(Runner runner, String workspaceCrn) throws Exception {
		JsonNode workspace = await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> call(runner, "describeWorkspace", "{\"workspaceCrn\": \"" + workspaceCrn + "\"}")
				.path("workspace"), (w) -> w.path("workspaceStatus").asString().equals("installation:finished"));
		assertThat(workspace.path("workspaceStatus").asString()).isEqualTo("installation:finished");
	}

	/** The backups the recovery points in a vault belong to, by their tags. */
	private Set<String> vaultBackups(String vault) throws IOException {
		Set<String> crns = new HashSet<>();
		try (Stream<Path> points = Files.list(data.resolve("vaults").resolve(vault))) {
			for (Path point : points.filter((p) -> p.getFileName().toString().startsWith("rp-")).toList()) {
				crns.add(JSON.readTree(Files.readString(point.resolve("recovery-point.json")))
					.path("tags")
					.path("backupCrn")
					.asString());
			}
		}
		return crns;
	}

	private static JsonNode describe(Runner runner, String backupCrn) throws Exception {
		return call(runner, "describeWorkspaceBackup", "{\"backupCrn\": \"" + backupCrn + "\"}").path("backup");
	}

	private static int status(Runner runner, String operation, String body) throws Exception {
		return send(runner, operation, body).statusCode();
	}

	/** Every call that must succeed goes through here. */
	private static JsonNode call(Runner runner, String operation, String body) throws Exception {
		HttpResponse<String> response = send(runner, operation, body);
		assertThat(response.statusCode()).as(operation + ": " + response.body()).isEqualTo(200);
		return JSON.readTree(response.body());
	}

	private static HttpResponse<String> send(Runner runner, String operation, String body) throws Exception {
		return HTTP.send(WsbackupTestSupport
			.asAdmin(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.port() + "/api/v1/ml/" + operation)))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
