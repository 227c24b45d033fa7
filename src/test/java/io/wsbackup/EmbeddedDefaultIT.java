package io.wsbackup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
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
	void cancelsBacksUpRestoresAndDeletesTheDemoWorkspaceAndKeepsTheCatalogAcrossARestart() throws Exception {
		startRunner();

		Path tokenFile = dataDir.resolve("admin-token");
		String token = PackagedRunner.adminToken(dataDir);
		assertThat(token).as("a generated admin token, never a fixed password").matches("[0-9a-f]{64}");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
		assertThat(Files.readString(work.resolve("runner.log"))).as("the log names the file, never the token")
			.contains("generated the admin token in " + tokenFile)
			.doesNotContain(token);
		var anonymous = PackagedRunner.script(work, endpoint, "list-workspaces");
		assertThat(anonymous.exit()).isEqualTo(1);
		assertThat(JSON.readTree(anonymous.stdout()).path("code").asString()).isEqualTo("UNAUTHENTICATED");
		assertThat(anonymous.stderr()).contains("--token", "WSBACKUP_TOKEN");

		var workspaces = wsbackup("list-workspaces");
		assertThat(workspaces.exit()).as(workspaces.toString()).isZero();
		JsonNode demo = JSON.readTree(workspaces.stdout()).path("workspaces").path(0);
		assertThat(demo.path("workspaceName").asString()).isEqualTo("demo");
		assertThat(demo.path("environmentName").asString()).isEqualTo("local");
		String crn = demo.path("workspaceCrn").asString();
		String uuid = crn.substring(crn.lastIndexOf(':') + 1);

		var toCancel = wsbackup("backup-workspace", "--workspace-crn", crn, "--backup-name", "to-cancel");
		assertThat(toCancel.exit()).as(toCancel.toString()).isZero();
		String cancelCrn = JSON.readTree(toCancel.stdout()).path("backupCrn").asString();
		var cancel = wsbackup("cancel-backup", "--backup-crn", cancelCrn);
		assertThat(cancel.exit()).as(cancel.toString()).isZero();
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> JSON.readTree(wsbackup("describe-workspace-backup", "--backup-crn", cancelCrn).stdout())
				.path("backup")
				.path("backupStatus")
				.asString()
				.equals("cancelled"));

		// the cancelled backup's snapshots may have finished before the cancel reached
		// them
		// (on a loaded machine), which would leave this one nothing to copy: new data,
		// that
		// takes seconds at the embedded default's 8 MB/s, gives --wait progress to show
		byte[] fresh = new byte[24 * 1024 * 1024];
		new java.util.Random(42).nextBytes(fresh);
		Files.write(dataDir.resolve("demo").resolve("shared-fs").resolve("fresh-after-cancel.dat"), fresh);
		var backup = wsbackup("backup-workspace", "--workspace-crn", crn, "--backup-name", "first", "--wait");
		assertThat(backup.exit()).as(backup.toString()).isZero();
		JsonNode started = JSON.readTree(backup.stdout());
		String backupCrn = started.path("backupCrn").asString();
		assertThat(backupCrn).startsWith("crn:cdp:ml:local:");
		assertThat(started.path("vaultName").asString()).isEqualTo("mlx-" + uuid);
		assertThat(backup.stderr()).as("progress on stderr while waiting")
			.contains("%")
			.contains("awaitRecoveryPoints");

		var list = wsbackup("list-workspace-backups", "--workspace-name", "demo", "--environment-name", "local");
		assertThat(list.exit()).isZero();
		assertThat(JSON.readTree(list.stdout())
			.path("backups")
			.valueStream()
			.map((b) -> b.path("backupStatus").asString())).containsExactlyInAnyOrder("succeeded", "cancelled");
		JsonNode entry = JSON.readTree(list.stdout())
			.path("backups")
			.valueStream()
			.filter((b) -> b.path("backupCrn").asString().equals(backupCrn))
			.findFirst()
			.orElseThrow();
		assertThat(entry.path("backupCrn").asString()).isEqualTo(backupCrn);
		assertThat(entry.path("backupStatus").asString()).isEqualTo("succeeded");

		var describe = wsbackup("describe-workspace-backup", "--backup-crn", backupCrn);
		JsonNode described = JSON.readTree(describe.stdout()).path("backup");
		assertThat(described.path("recoveryPoints").size()).isEqualTo(2);
		assertThat(described.path("recoveryPoints").path(0).path("sizeBytes").asLong()).isPositive();

		var events = wsbackup("list-workspace-events", "--workspace-crn", crn);
		JsonNode log = JSON.readTree(events.stdout()).path("events");
		assertThat(log.valueStream().map((e) -> e.path("step").asString())).contains("validateWorkspace",
				"stopWorkloads", "snapshotStorage", "awaitRecoveryPoints", "recordCatalog", "restartWorkspace");
		assertThat(log.valueStream().filter((e) -> e.path("percentDone").asInt(100) < 100))
			.as("progress lines with an estimated completion")
			.isNotEmpty()
			.anyMatch((e) -> !e.path("expectedCompletion").isNull());

		var workspace = wsbackup("describe-workspace", "--workspace-crn", crn);
		assertThat(JSON.readTree(workspace.stdout()).path("workspace").path("workspaceStatus").asString())
			.isEqualTo("installation:finished");
		try (Stream<Path> points = Files.list(dataDir.resolve("vaults").resolve("mlx-" + uuid))) {
			assertThat(points.filter((p) -> p.getFileName().toString().startsWith("rp-"))).hasSize(2);
		}

		var restore = wsbackup("restore-workspace", "--cli-input-json",
				"""
						{"backupCrn": "%s", "newWorkspaceParameters": {"environmentName": "local", "workspaceName": "demo-restored"}}
						"""
					.formatted(backupCrn),
				"--wait");
		assertThat(restore.exit()).as(restore.toString()).isZero();
		String restoredCrn = JSON.readTree(restore.stdout()).path("workspaceCrn").asString();
		assertThat(JSON.readTree(restore.stdout()).path("warnings").toString()).contains("roles and secrets");
		JsonNode restored = JSON.readTree(wsbackup("describe-workspace", "--workspace-crn", restoredCrn).stdout())
			.path("workspace");
		assertThat(restored.path("workspaceStatus").asString()).isEqualTo("installation:finished");
		assertThat(restored.path("restore").path("restoredFromBackupCrn").asString()).isEqualTo(backupCrn);
		Trees.assertSameTree(Path.of(demo.path("storage").path("volumes").path(0).asString()),
				Path.of(restored.path("storage").path("volumes").path(0).asString()));
		Trees.assertSameTree(Path.of(demo.path("storage").path("sharedFileSystem").asString()),
				Path.of(restored.path("storage").path("sharedFileSystem").asString()));

		var delete = wsbackup("delete-backup", "--backup-crn", backupCrn);
		assertThat(delete.exit()).as(delete.toString()).isZero();
		assertThat(JSON.readTree(delete.stdout()).path("workflowId").asString()).isNotBlank();
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> wsbackup("describe-workspace-backup", "--backup-crn", backupCrn).exit() == 1);
		try (Stream<Path> points = Files.list(dataDir.resolve("vaults").resolve("mlx-" + uuid))) {
			assertThat(points.filter((p) -> p.getFileName().toString().startsWith("rp-")))
				.as("the deleted backup's recovery points are gone from the vault")
				.isEmpty();
		}

		stopRunner();
		startRunner();
		assertThat(PackagedRunner.adminToken(dataDir)).as("the admin token is kept across a restart").isEqualTo(token);
		assertThat(Files.readString(work.resolve("runner.log"))).contains("using the admin token in " + tokenFile);

		var again = wsbackup("list-workspace-backups", "--workspace-crn", crn);
		assertThat(
				JSON.readTree(again.stdout()).path("backups").valueStream().map((b) -> b.path("backupName").asString()))
			.as("the catalog survives a restart")
			.containsExactly("to-cancel");
		var workspacesAgain = wsbackup("list-workspaces", "--environment-name", "local");
		assertThat(JSON.readTree(workspacesAgain.stdout())
			.path("workspaces")
			.valueStream()
			.map((w) -> w.path("workspaceName").asString()))
			.as("the demo is registered once, the restored workspace kept")
			.containsExactly("demo", "demo-restored");
	}

	private void startRunner() throws Exception {
		int port = PackagedRunner.freePort();
		endpoint = "http://127.0.0.1:" + port;
		runner = PackagedRunner.start(work, port, java.util.Map.of(), "--wsbackup.data-dir=" + dataDir,
				// slower than the embedded default's 8 MB/s, so that the cancel surely
				// arrives while it waits
				"--wsbackup.cloud.local.max-bytes-per-second=3MB");
	}

	private PackagedRunner.Script wsbackup(String... args) throws Exception {
		return PackagedRunner.script(work, endpoint, PackagedRunner.adminTokenVariable(dataDir), args);
	}

}
