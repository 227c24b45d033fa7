package io.wsbackup.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The REST API over real HTTP: the walk-through of the README, and every refusal with
 * nothing written.
 */
class MlApiTest extends WsbackupTestSupport {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	WorkspaceRepository workspaces;

	@Autowired
	JdbcClient jdbc;

	record Reply(int status, JsonNode body) {

		String code() {
			return body.path("code").asString();
		}

		String message() {
			return body.path("message").asString();
		}

	}

	Reply post(String operation, String body) throws Exception {
		HttpResponse<String> response = http
			.send(asAdmin(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/ml/" + operation)))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
		return new Reply(response.statusCode(), JSON.readTree(response.body()));
	}

	@Test
	void walkThroughRegisterBackUpListDescribeAndReadTheEvents() throws Exception {
		Reply registered = post("registerWorkspace",
				"""
						{"workspaceName": "walk-%s", "environmentName": "env-api", "volumes": ["vol-1"], "sharedFileSystem": "fs-1"}
						"""
					.formatted(System.nanoTime()));
		assertThat(registered.status()).isEqualTo(200);
		String crn = registered.body().path("workspace").path("workspaceCrn").asString();
		String name = registered.body().path("workspace").path("workspaceName").asString();
		assertThat(registered.body().path("workspace").path("workspaceStatus").asString())
			.isEqualTo("installation:finished");

		Reply listed = post("listWorkspaces", "{\"environmentName\": \"env-api\"}");
		assertThat(listed.body().path("workspaces").valueStream().map((w) -> w.path("workspaceCrn").asString()))
			.contains(crn);

		Reply started = post("backupWorkspace", "{\"workspaceCrn\": \"" + crn + "\", \"backupName\": \"first\"}");
		assertThat(started.status()).isEqualTo(200);
		String backupCrn = started.body().path("backupCrn").asString();
		assertThat(backupCrn).startsWith("crn:cdp:ml:");
		assertThat(started.body().path("vaultName").asString())
			.isEqualTo("mlx-" + crn.substring(crn.lastIndexOf(':') + 1));

		await().atMost(Duration.ofSeconds(30))
			.until(() -> post("listWorkspaceBackups",
					"{\"workspaceName\": \"" + name + "\", \"environmentName\": \"env-api\"}")
				.body()
				.path("backups")
				.path(0)
				.path("backupStatus")
				.asString()
				.equals("succeeded"));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> post("describeWorkspaceBackup", "{\"backupCrn\": \"" + backupCrn + "\"}").body()
				.path("backup")
				.path("jobStatus")
				.asString()
				.equals("COMPLETED"));
		Reply backupsReply = post("listWorkspaceBackups", "{\"workspaceCrn\": \"" + crn + "\"}");
		JsonNode entry = backupsReply.body().path("backups").path(0);
		assertThat(entry.path("backupCrn").asString()).isEqualTo(backupCrn);
		assertThat(entry.path("backupName").asString()).isEqualTo("first");
		assertThat(entry.path("creatorCrn").asString()).isEqualTo("crn:cdp:iam:local:000000000000:user:" + ADMIN_NAME);
		assertThat(entry.path("workspaceVersionAtBackup").asString()).isNotBlank();
		assertThat(entry.path("createdAt").asString()).endsWith("Z");

		Reply described = post("describeWorkspaceBackup", "{\"backupCrn\": \"" + backupCrn + "\"}");
		assertThat(described.body().path("backup").path("recoveryPoints").size()).isEqualTo(2);
		assertThat(described.body().path("backup").path("jobStatus").asString()).isEqualTo("COMPLETED");
		assertThat(described.body().path("backup").path("progress").path("percentDone").asInt()).isEqualTo(100);

		Reply events = post("listWorkspaceEvents", "{\"workspaceCrn\": \"" + crn + "\"}");
		assertThat(events.body().path("events").valueStream().map((e) -> e.path("step").asString()))
			.contains("validateWorkspace", "awaitRecoveryPoints", "restartWorkspace");
		assertThat(workspaces.find(io.wsbackup.workspace.Crn.parse(crn)).orElseThrow().status())
			.isEqualTo(WorkspaceStatus.INSTALLATION_FINISHED);
	}

	@Test
	void badBackupRequestsAreRefusedWithTheRightCodeAndNothingWritten() throws Exception {
		Workspace ws = newWorkspace();
		String crn = ws.crn().toString();
		long backupsBefore = count("WS_BACKUP");
		long eventsBefore = count("WS_EVENT");
		long jobsBefore = count("BATCH_JOB_EXECUTION");

		assertRefused(
				post("backupWorkspace",
						"{\"workspaceCrn\": \"crn:cdp:ml:us-west-2:123456789012:workspace:"
								+ java.util.UUID.randomUUID() + "\", \"backupName\": \"b\"}"),
				404, "NOT_FOUND", "is not registered");
		assertRefused(post("backupWorkspace", "{\"workspaceCrn\": \"not-a-crn\", \"backupName\": \"b\"}"), 400,
				"INVALID_ARGUMENT", "is not a CRN");
		assertRefused(
				post("backupWorkspace",
						"{\"workspaceCrn\": \"crn:cdp:ml:us-west-2:1:workspace:nope\", \"backupName\": \"b\"}"),
				400, "INVALID_ARGUMENT", "must be a UUID");
		assertRefused(post("backupWorkspace", "{\"workspaceCrn\": \"" + crn + "\", \"backupName\": "), 400,
				"INVALID_ARGUMENT", "not valid JSON");
		assertRefused(post("backupWorkspace", "{\"workspaceCrn\": \"" + crn + "\"}"), 400, "INVALID_ARGUMENT",
				"backupName is required");
		assertRefused(post("backupWorkspace", "{\"backupName\": \"b\"}"), 400, "INVALID_ARGUMENT",
				"workspaceCrn is required");
		assertRefused(
				post("backupWorkspace", "{\"workspaceCrn\": \"" + crn + "\", \"backupName\": \"b\", \"colour\": 1}"),
				400, "INVALID_ARGUMENT", "unknown field 'colour'");
		assertRefused(
				post("backupWorkspace",
						"{\"workspaceCrn\": \"" + crn
								+ "\", \"backupName\": \"b\", \"backupJobTimeoutMinutes\": \"soon\"}"),
				400, "INVALID_ARGUMENT", "backupJobTimeoutMinutes");
		assertRefused(
				post("backupWorkspace",
						"{\"workspaceCrn\": \"" + crn + "\", \"backupName\": \"b\", \"backupJobTimeoutMinutes\": 0}"),
				400, "INVALID_ARGUMENT", "between 1 and");
		assertRefused(post("backupWorkspace", "{\"workspaceCrn\": \"" + crn + "\", \"backupName\": \"no spaces\"}"),
				400, "INVALID_ARGUMENT", "not valid");
		assertRefused(post("backupWorkspace", "[]"), 400, "INVALID_ARGUMENT", "JSON object");
		assertRefused(post("restoreEverything", "{}"), 404, "NOT_FOUND", "unknown operation");

		workspaces.moveStatus(ws.crn(), WorkspaceStatus.INSTALLATION_FINISHED, WorkspaceStatus.BACKUP_STARTED);
		assertRefused(post("backupWorkspace", "{\"workspaceCrn\": \"" + crn + "\", \"backupName\": \"b\"}"), 409,
				"FAILED_PRECONDITION", "backup:started");

		assertThat(count("WS_BACKUP")).isEqualTo(backupsBefore);
		assertThat(count("WS_EVENT")).isEqualTo(eventsBefore);
		assertThat(count("BATCH_JOB_EXECUTION")).isEqualTo(jobsBefore);
		assertThat(cloud.startSnapshotCalls()).isZero();
	}

	@Test
	void aDuplicateBackupNameIsRefusedWithAlreadyExists() throws Exception {
		Workspace ws = newWorkspace();
		String request = "{\"workspaceCrn\": \"" + ws.crn() + "\", \"backupName\": \"nightly\"}";
		assertThat(post("backupWorkspace", request).status()).isEqualTo(200);
		long backupsBefore = count("WS_BACKUP");

		assertRefused(post("backupWorkspace", request), 409, "ALREADY_EXISTS", "already has a backup named nightly");
		assertThat(count("WS_BACKUP")).isEqualTo(backupsBefore);
		awaitJobEnd(backups.listByWorkspace(ws.crn()).get(0));
		assertRefused(post("backupWorkspace", request), 409, "ALREADY_EXISTS", "already has a backup named nightly");
	}

	@Test
	void aSecondBackupWhileOneRunsIsRefusedWithFailedPrecondition() throws Exception {
		Workspace ws = newWorkspace();
		cloud.holdSnapshots();
		assertThat(
				post("backupWorkspace", "{\"workspaceCrn\": \"" + ws.crn() + "\", \"backupName\": \"one\"}").status())
			.isEqualTo(200);

		assertRefused(post("backupWorkspace", "{\"workspaceCrn\": \"" + ws.crn() + "\", \"backupName\": \"two\"}"), 409,
				"FAILED_PRECONDITION", "already has backup one");
		assertThat(backups.listByWorkspace(ws.crn())).extracting((b) -> b.name()).containsExactly("one");

		cloud.releaseSnapshots();
		awaitJobEnd(backups.listByWorkspace(ws.crn()).get(0));
	}

	@Test
	void registrationAndLookupsRefuseBadInput() throws Exception {
		Workspace ws = newWorkspace();
		assertRefused(post("registerWorkspace", "{\"environmentName\": \"e\", \"volumes\": [\"v\"]}"), 400,
				"INVALID_ARGUMENT", "workspaceName is required");
		assertRefused(post("registerWorkspace", "{\"workspaceName\": \"x\", \"environmentName\": \"e\"}"), 400,
				"INVALID_ARGUMENT", "needs storage");
		assertRefused(
				post("registerWorkspace",
						"{\"workspaceName\": \"" + ws.name()
								+ "\", \"environmentName\": \"env-test\", \"volumes\": [\"v\"]}"),
				409, "ALREADY_EXISTS", "already has a workspace named");
		assertRefused(
				post("listWorkspaceBackups", "{\"workspaceName\": \"nobody\", \"environmentName\": \"env-test\"}"), 404,
				"NOT_FOUND", "no workspace named nobody");
		assertRefused(post("listWorkspaceBackups", "{}"), 400, "INVALID_ARGUMENT", "give workspaceCrn");
		assertRefused(
				post("describeWorkspaceBackup", "{\"backupCrn\": \"crn:cdp:ml:us-west-2:123456789012:workspace_backup:"
						+ java.util.UUID.randomUUID() + "\"}"),
				404, "NOT_FOUND", "not found");
		assertRefused(post("listWorkspaceEvents", "{\"workspaceCrn\": \"" + ws.crn() + "\", \"maxItems\": 0}"), 400,
				"INVALID_ARGUMENT", "maxItems");
	}

	@Test
	void restoreDeleteAndCancelRefuseBadRequestsWithTheRightCode() throws Exception {
		Workspace ws = newWorkspace();
		String unknownBackup = "crn:cdp:ml:us-west-2:123456789012:workspace_backup:" + java.util.UUID.randomUUID();
		long workspacesBefore = count("WS_WORKSPACE");

		assertRefused(post("restoreWorkspace", "{\"backupCrn\": \"" + unknownBackup
				+ "\", \"newWorkspaceParameters\": {\"environmentName\": \"env-test\", \"workspaceName\": \"x\"}}"),
				404, "NOT_FOUND", "not found");
		assertRefused(post("restoreWorkspace", "{\"backupCrn\": \"" + unknownBackup
				+ "\", \"newWorkspaceParameters\": {\"environmentName\": \"env-test\", \"workspaceName\": \"x\","
				+ " \"existingDatabaseConfig\": {\"existingDatabaseSecret\": \"s\"}}}"), 400, "INVALID_ARGUMENT",
				"unknown field 'newWorkspaceParameters.existingDatabaseConfig.existingDatabaseSecret'");
		assertRefused(post("restoreWorkspace", "{\"backupCrn\": \"" + unknownBackup + "\"}"), 400, "INVALID_ARGUMENT",
				"newWorkspaceParameters.environmentName is required");
		assertRefused(post("restoreWorkspace", "{\"backupCrn\": "), 400, "INVALID_ARGUMENT", "not valid JSON");
		assertRefused(post("deleteBackup", "{\"backupCrn\": \"" + unknownBackup + "\"}"), 404, "NOT_FOUND",
				"not found");
		assertRefused(post("cancelBackup", "{\"backupCrn\": \"nope\"}"), 400, "INVALID_ARGUMENT", "is not a CRN");
		assertRefused(post("cancelBackup", "{}"), 400, "INVALID_ARGUMENT", "backupCrn is required");
		assertThat(count("WS_WORKSPACE")).isEqualTo(workspacesBefore);

		cloud.holdSnapshots();
		String backupCrn = post("backupWorkspace", "{\"workspaceCrn\": \"" + ws.crn() + "\", \"backupName\": \"b\"}")
			.body()
			.path("backupCrn")
			.asString();
		assertRefused(post("deleteBackup", "{\"backupCrn\": \"" + backupCrn + "\"}"), 409, "FAILED_PRECONDITION",
				"cancel it or wait");
		assertRefused(post("restoreWorkspace", "{\"backupCrn\": \"" + backupCrn
				+ "\", \"newWorkspaceParameters\": {\"environmentName\": \"env-test\", \"workspaceName\": \"x\"}}"),
				409, "FAILED_PRECONDITION", "only a succeeded backup can be restored");
		Reply cancelled = post("cancelBackup", "{\"backupCrn\": \"" + backupCrn + "\"}");
		assertThat(cancelled.status()).isEqualTo(200);
		assertThat(cancelled.body().path("backupStatus").asString()).isEqualTo("cancelling");
		awaitJobEnd(backups.find(io.wsbackup.workspace.Crn.parse(backupCrn)).orElseThrow());
		assertRefused(post("cancelBackup", "{\"backupCrn\": \"" + backupCrn + "\"}"), 409, "FAILED_PRECONDITION",
				"only a running backup can be cancelled");
		Reply deleted = post("deleteBackup", "{\"backupCrn\": \"" + backupCrn + "\"}");
		assertThat(deleted.status()).isEqualTo(200);
		assertThat(deleted.body().path("workflowId").asString()).matches("\\d+");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> backups.find(io.wsbackup.workspace.Crn.parse(backupCrn)).isEmpty());
	}

	@Test
	void verifyBackupKeepsItsOutcomeOnTheBackupAndDescribeAndListShowIt() throws Exception {
		Workspace ws = newWorkspace();
		String unknownBackup = "crn:cdp:ml:us-west-2:123456789012:workspace_backup:" + java.util.UUID.randomUUID();
		assertRefused(post("verifyBackup", "{\"backupCrn\": \"" + unknownBackup + "\"}"), 404, "NOT_FOUND",
				"not found");
		assertRefused(post("verifyBackup", "{\"backupCrn\": \"nope\"}"), 400, "INVALID_ARGUMENT", "is not a CRN");
		assertRefused(post("verifyBackup", "{\"backupCrn\": \"" + ws.crn() + "\"}"), 400, "INVALID_ARGUMENT",
				"backupCrn");
		cloud.holdSnapshots();
		String backupCrn = post("backupWorkspace", "{\"workspaceCrn\": \"" + ws.crn() + "\", \"backupName\": \"v\"}")
			.body()
			.path("backupCrn")
			.asString();
		assertRefused(post("verifyBackup", "{\"backupCrn\": \"" + backupCrn + "\"}"), 409, "FAILED_PRECONDITION",
				"only a succeeded backup can be verified");
		JsonNode running = post("describeWorkspaceBackup", "{\"backupCrn\": \"" + backupCrn + "\"}").body()
			.path("backup");
		assertThat(running.path("verificationStatus").asString()).isEqualTo("never");
		assertThat(running.path("lastVerifiedAt").isNull()).isTrue();
		assertThat(running.path("verificationFailure").isNull()).isTrue();
		cloud.releaseSnapshots();
		Backup backup = backups.find(io.wsbackup.workspace.Crn.parse(backupCrn)).orElseThrow();
		awaitJobEnd(backup);
		cloud.makeUnsound(backups.recoveryPoints(backup.crn()).get(0).recoveryPointId(), "a.bin: missing");

		Reply started = post("verifyBackup", "{\"backupCrn\": \"" + backupCrn + "\"}");

		assertThat(started.status()).isEqualTo(200);
		assertThat(started.body().path("workflowId").asString()).matches("\\d+");
		JsonNode described = await().atMost(Duration.ofSeconds(30))
			.until(() -> post("describeWorkspaceBackup", "{\"backupCrn\": \"" + backupCrn + "\"}").body()
				.path("backup"), (b) -> b.path("verificationStatus").asString().equals("failed"));
		assertThat(described.path("lastVerifiedAt").asString()).endsWith("Z");
		assertThat(described.path("verificationFailure").asString()).contains("a.bin: missing");
		JsonNode listed = post("listWorkspaceBackups", "{\"workspaceCrn\": \"" + ws.crn() + "\"}").body()
			.path("backups")
			.path(0);
		assertThat(listed.path("verificationStatus").asString()).isEqualTo("failed");
		assertThat(listed.path("lastVerifiedAt").asString()).isEqualTo(described.path("lastVerifiedAt").asString());
		assertThat(listed.path("verificationFailure").asString()).contains("a.bin: missing");
		assertThat(post("listBackups", "{\"verificationStatus\": \"failed\"}").body()
			.path("backups")
			.valueStream()
			.map((b) -> b.path("backupCrn").asString())).contains(backupCrn);
		assertThat(post("listWorkspaceBackups",
				"{\"workspaceCrn\": \"" + ws.crn() + "\", \"verificationStatus\": \"verified\"}")
			.body()
			.path("backups")).isEmpty();
		assertRefused(post("listBackups", "{\"verificationStatus\": \"sound\"}"), 400, "INVALID_ARGUMENT",
				"not a verification status");
	}

	@Test
	void drillBackupRestoresTheNewestSucceededBackupIntoAScratchWorkspaceAndRecordsItVerified() throws Exception {
		Workspace ws = newWorkspace();
		assertRefused(post("drillBackup", "{}"), 400, "INVALID_ARGUMENT", "workspaceCrn or backupCrn is required");
		assertRefused(post("drillBackup", "{\"backupCrn\": \"nope\"}"), 400, "INVALID_ARGUMENT", "is not a CRN");
		assertRefused(post("drillBackup", "{\"workspaceCrn\": \"" + ws.crn() + "\", \"colour\": 1}"), 400,
				"INVALID_ARGUMENT", "colour");
		String unknownBackup = "crn:cdp:ml:us-west-2:123456789012:workspace_backup:" + java.util.UUID.randomUUID();
		assertRefused(post("drillBackup", "{\"backupCrn\": \"" + unknownBackup + "\"}"), 404, "NOT_FOUND", "not found");
		assertRefused(post("drillBackup", "{\"workspaceCrn\": \"" + ws.crn() + "\"}"), 409, "FAILED_PRECONDITION",
				"has no succeeded backup to drill");
		String backupCrn = post("backupWorkspace", "{\"workspaceCrn\": \"" + ws.crn() + "\", \"backupName\": \"d\"}")
			.body()
			.path("backupCrn")
			.asString();
		awaitJobEnd(backups.find(io.wsbackup.workspace.Crn.parse(backupCrn)).orElseThrow());

		Reply started = post("drillBackup", "{\"workspaceCrn\": \"" + ws.crn() + "\"}");

		assertThat(started.status()).isEqualTo(200);
		assertThat(started.body().path("backupCrn").asString()).isEqualTo(backupCrn);
		assertThat(started.body().path("scratchWorkspaceCrn").asString()).contains(":workspace:");
		assertThat(started.body().path("workflowId").asString()).matches("\\d+");
		JsonNode described = await().atMost(Duration.ofSeconds(30))
			.until(() -> post("describeWorkspaceBackup", "{\"backupCrn\": \"" + backupCrn + "\"}").body()
				.path("backup"), (b) -> b.path("verificationStatus").asString().equals("verified"));
		assertThat(described.path("verifiedBy").asString()).isEqualTo("drill");
		assertThat(described.path("verificationSeconds").isNumber()).isTrue();
		assertThat(described.path("lastVerifiedAt").asString()).endsWith("Z");
		assertThat(post("listWorkspaces", "{}").body().toString()).as("a scratch workspace is never listed")
			.doesNotContain(started.body().path("scratchWorkspaceCrn").asString());
	}

	private static void assertRefused(Reply reply, int status, String code, String messagePart) {
		assertThat(reply.status()).as(reply.body().toString()).isEqualTo(status);
		assertThat(reply.code()).isEqualTo(code);
		assertThat(reply.message()).contains(messagePart);
	}

	private long count(String table) {
		return jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single();
	}

}
