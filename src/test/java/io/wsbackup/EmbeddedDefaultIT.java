package io.wsbackup;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's walk-through against the packaged jar on the embedded default (H2 file
 * database, local cloud, no workloads), driven through the {@code ./wsbackup} script as
 * an operator would; then a restart of the runner on the same data dir keeps everything.
 */
class EmbeddedDefaultIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Path SCRIPT = Path.of("wsbackup").toAbsolutePath();

	@TempDir
	Path dataDir;

	@TempDir
	Path work;

	private Process runner;

	private String endpoint;

	@AfterEach
	void stopRunner() throws InterruptedException {
		if (runner != null) {
			runner.destroy();
			runner.waitFor(30, TimeUnit.SECONDS);
		}
	}

	@Test
	void backsUpTheDemoWorkspaceAndKeepsTheCatalogAcrossARestart() throws Exception {
		startRunner();

		Run workspaces = wsbackup("list-workspaces");
		assertThat(workspaces.exit()).as(workspaces.toString()).isZero();
		JsonNode demo = JSON.readTree(workspaces.stdout()).path("workspaces").path(0);
		assertThat(demo.path("workspaceName").asString()).isEqualTo("demo");
		assertThat(demo.path("environmentName").asString()).isEqualTo("local");
		String crn = demo.path("workspaceCrn").asString();
		String uuid = crn.substring(crn.lastIndexOf(':') + 1);

		Run backup = wsbackup("backup-workspace", "--workspace-crn", crn, "--backup-name", "first", "--wait");
		assertThat(backup.exit()).as(backup.toString()).isZero();
		JsonNode started = JSON.readTree(backup.stdout());
		String backupCrn = started.path("backupCrn").asString();
		assertThat(backupCrn).startsWith("crn:cdp:ml:local:");
		assertThat(started.path("vaultName").asString()).isEqualTo("mlx-" + uuid);
		assertThat(backup.stderr()).as("progress on stderr while waiting")
			.contains("%")
			.contains("awaitRecoveryPoints");

		Run list = wsbackup("list-workspace-backups", "--workspace-name", "demo", "--environment-name", "local");
		assertThat(list.exit()).isZero();
		JsonNode entry = JSON.readTree(list.stdout()).path("backups").path(0);
		assertThat(entry.path("backupCrn").asString()).isEqualTo(backupCrn);
		assertThat(entry.path("backupStatus").asString()).isEqualTo("succeeded");

		Run describe = wsbackup("describe-workspace-backup", "--backup-crn", backupCrn);
		JsonNode described = JSON.readTree(describe.stdout()).path("backup");
		assertThat(described.path("recoveryPoints").size()).isEqualTo(2);
		assertThat(described.path("recoveryPoints").path(0).path("sizeBytes").asLong()).isPositive();

		Run events = wsbackup("list-workspace-events", "--workspace-crn", crn);
		JsonNode log = JSON.readTree(events.stdout()).path("events");
		assertThat(log.valueStream().map((e) -> e.path("step").asString())).contains("validateWorkspace",
				"stopWorkloads", "snapshotStorage", "awaitRecoveryPoints", "recordCatalog", "restartWorkspace");
		assertThat(log.valueStream().filter((e) -> e.path("percentDone").asInt(100) < 100))
			.as("progress lines with an estimated completion")
			.isNotEmpty()
			.anyMatch((e) -> !e.path("expectedCompletion").isNull());

		Run workspace = wsbackup("describe-workspace", "--workspace-crn", crn);
		assertThat(JSON.readTree(workspace.stdout()).path("workspace").path("workspaceStatus").asString())
			.isEqualTo("installation:finished");
		try (Stream<Path> points = Files.list(dataDir.resolve("vaults").resolve("mlx-" + uuid))) {
			assertThat(points.filter((p) -> p.getFileName().toString().startsWith("rp-"))).hasSize(2);
		}

		stopRunner();
		startRunner();

		Run again = wsbackup("list-workspace-backups", "--workspace-crn", crn);
		assertThat(JSON.readTree(again.stdout()).path("backups").size()).as("the catalog survives a restart")
			.isEqualTo(1);
		Run workspacesAgain = wsbackup("list-workspaces");
		assertThat(JSON.readTree(workspacesAgain.stdout()).path("workspaces").size()).as("the demo is registered once")
			.isEqualTo(1);
	}

	private void startRunner() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		Path jar;
		try (Stream<Path> files = Files.list(Path.of("target"))) {
			jar = files.filter((p) -> p.getFileName().toString().matches("wsbackup-.*\\.jar"))
				.findFirst()
				.orElseThrow();
		}
		runner = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
				jar.toAbsolutePath().toString(), "--server.port=" + port, "--wsbackup.data-dir=" + dataDir)
			.directory(work.toFile())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("runner.log").toFile()))
			.start();
		endpoint = "http://127.0.0.1:" + port;
		HttpClient http = HttpClient.newHttpClient();
		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
			if (!runner.isAlive()) {
				throw new IllegalStateException("the runner exited: " + Files.readString(work.resolve("runner.log")));
			}
			try {
				return http
					.send(HttpRequest.newBuilder(URI.create(endpoint + "/actuator/health")).build(),
							HttpResponse.BodyHandlers.ofString())
					.body()
					.contains("UP");
			}
			catch (IOException notYet) {
				return false;
			}
		});
	}

	private Run wsbackup(String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
		builder.environment().put("WSBACKUP_ENDPOINT", endpoint);
		Path stdout = work.resolve("stdout.txt");
		Path stderr = work.resolve("stderr.txt");
		Process process = builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
		assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("wsbackup finished").isTrue();
		return new Run(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
				Files.readString(stderr, StandardCharsets.UTF_8));
	}

	private record Run(int exit, String stdout, String stderr) {
	}

}
