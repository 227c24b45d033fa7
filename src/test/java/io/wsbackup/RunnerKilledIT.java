package io.wsbackup;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.wsbackup.system.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Crash recovery end to end: two packaged runners on one MySQL schema and one data
 * directory (the {@code local} cloud, throttled so that the demo's backup takes a while).
 * The runner that runs the backup is killed ({@code kill -9}) while it waits for its
 * snapshots; the other one finds the execution of a runner that stopped heartbeating,
 * recovers and restarts it, takes the killed runner's local snapshot jobs over, and the
 * backup succeeds with exactly one cloud job per resource and the workspace started
 * again.
 */
class RunnerKilledIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@TempDir
	Path data;

	@TempDir
	Path work;

	private final List<Process> runners = new ArrayList<>();

	@RegisterExtension
	final org.junit.jupiter.api.extension.TestExecutionExceptionHandler showRunnerLogs = (context, failure) -> {
		// the runners' logs are in a temporary directory removed after the test: a
		// failure
		// carries the end of each, so that CI's output says what the runners saw
		StringBuilder logs = new StringBuilder(String.valueOf(failure.getMessage()));
		for (String name : List.of("a", "b")) {
			Path log = work.resolve(name).resolve("runner.log");
			if (Files.exists(log)) {
				List<String> lines = Files.readAllLines(log);
				logs.append("\n--- the last lines of runner ")
					.append(name)
					.append("'s log ---\n")
					.append(String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())));
			}
		}
		throw new AssertionError(logs.toString(), failure);
	};

	@AfterEach
	void stopRunners() throws InterruptedException {
		for (Process runner : runners) {
			runner.destroy();
			if (!runner.waitFor(30, TimeUnit.SECONDS)) {
				runner.destroyForcibly();
			}
		}
	}

	@Test
	void theOtherRunnerResumesTheBackupOfAKilledRunnerWithOneCloudJobPerResource() throws Exception {
		int portA = PackagedRunner.freePort();
		Process a = start("a", portA);
		int portB = PackagedRunner.freePort();
		start("b", portB);
		JsonNode demo = call(portA, "listWorkspaces", "{}").path("workspaces").get(0);
		String workspaceCrn = demo.path("workspaceCrn").asString();
		String vault = demo.path("vaultName").asString();

		String backupCrn = call(portA, "backupWorkspace",
				"{\"workspaceCrn\": \"" + workspaceCrn + "\", \"backupName\": \"killed-mid-wait\"}")
			.path("backupCrn")
			.asString();
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
			JsonNode backup = describe(portA, backupCrn);
			return "awaitRecoveryPoints".equals(backup.path("currentStep").asString())
					&& backup.path("progress").path("percentDone").asInt(0) > 0;
		});
		assertThat(call(portB, "describeWorkspace", "{\"workspaceCrn\": \"" + workspaceCrn + "\"}").path("workspace")
			.path("workspaceStatus")
			.asString()).isEqualTo("backup:started");

		a.destroyForcibly();
		assertThat(a.waitFor(30, TimeUnit.SECONDS)).isTrue();

		JsonNode done = await().atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> describe(portB, backupCrn), (b) -> !"running".equals(b.path("backupStatus").asString()));
		assertThat(done.path("backupStatus").asString()).as(done.toString()).isEqualTo("succeeded");
		assertThat(done.path("recoveryPoints").size()).isEqualTo(2);
		// succeeded once the catalog has it; restartWorkspace, the step after, starts the
		// workspace again
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> call(portB, "describeWorkspace", "{\"workspaceCrn\": \"" + workspaceCrn + "\"}")
				.path("workspace")
				.path("workspaceStatus")
				.asString(), "installation:finished"::equals);
		assertThat(snapshotJobs(vault)).as("exactly one local snapshot job per resource").hasSize(2);
		try (Stream<Path> points = Files.list(data.resolve("vaults").resolve(vault))) {
			assertThat(points.filter((p) -> p.getFileName().toString().startsWith("rp-"))).hasSize(2);
		}
		List<String> log = call(portB, "listWorkspaceEvents",
				"{\"workspaceCrn\": \"" + workspaceCrn + "\", \"backupCrn\": \"" + backupCrn + "\"}")
			.path("events")
			.valueStream()
			.map((e) -> e.path("message").asString())
			.toList();
		assertThat(log).anyMatch((m) -> m.contains("stopped heartbeating")
				&& m.contains("(backupWorkspace, step awaitRecoveryPoints) recovered and restarted as job execution"));
	}

	private Process start(String name, int port) throws Exception {
		Path dir = Files.createDirectories(work.resolve(name));
		Path schedules = Files.createDirectories(work.resolve("no-schedules"));
		Process runner = PackagedRunner.start(dir, port, Map.of(), "--spring.datasource.url=" + TestDatabase.url(),
				"--spring.datasource.username=" + TestDatabase.user(),
				"--spring.datasource.password=" + TestDatabase.password(), "--wsbackup.data-dir=" + data,
				"--wsbackup.schedules-dir=" + schedules, "--wsbackup.demo.enabled=true",
				"--wsbackup.cloud.local.max-bytes-per-second=2MB", "--wsbackup.recovery.heartbeat-interval=1s",
				"--wsbackup.recovery.dead-after=5s", "--wsbackup.recovery.scan-interval=1s",
				"--wsbackup.security.tokens[0].name=it", "--wsbackup.security.tokens[0].role=admin",
				"--wsbackup.security.tokens[0].sha256="
						+ io.wsbackup.system.security.HashedTokens.sha256Hex(WsbackupTestSupport.ADMIN_TOKEN));
		runners.add(runner);
		return runner;
	}

	private List<Path> snapshotJobs(String vault) throws Exception {
		try (Stream<Path> files = Files.list(data.resolve("vaults").resolve(vault).resolve(".jobs"))) {
			return files.filter((p) -> p.getFileName().toString().matches("snapshot-.*\\.json")).toList();
		}
	}

	private JsonNode describe(int port, String backupCrn) throws Exception {
		return call(port, "describeWorkspaceBackup", "{\"backupCrn\": \"" + backupCrn + "\"}").path("backup");
	}

	/** Every HTTP call of this test goes through here. */
	private static JsonNode call(int port, String operation, String body) throws Exception {
		HttpResponse<String> response = HTTP.send(WsbackupTestSupport
			.asAdmin(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/ml/" + operation)))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(operation + ": " + response.body()).isEqualTo(200);
		return JSON.readTree(response.body());
	}

}
