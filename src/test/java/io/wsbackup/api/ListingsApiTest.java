package io.wsbackup.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceStorage;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The list operations over HTTP as the console and the CLI use them: pages with
 * {@code pageSize}/{@code startingToken}/{@code nextToken}, every refused token or size a
 * 400, and {@code listWorkspaces}' last attempt, last success and fleet summary in one
 * answer.
 */
class ListingsApiTest extends WsbackupTestSupport {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String CREATOR = "crn:cdp:iam:us-west-2:123456789012:user:tester";

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	Launcher launcher;

	record Reply(int status, JsonNode body) {
	}

	Reply post(String operation, String body) throws Exception {
		HttpResponse<String> response = http
			.send(asViewer(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/ml/" + operation)))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
		return new Reply(response.statusCode(), JSON.readTree(response.body()));
	}

	private Workspace register(String environment, String name) {
		return workspaceService.register(name, environment, "123456789012", "us-west-2", "2.0.47",
				new WorkspaceStorage(List.of("vol-" + name), "fs-" + name, false), null);
	}

	private static String environment() {
		return "env-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@Test
	void workspacesComeInPagesThatChainByTokenAndEndWithoutOne() throws Exception {
		String env = environment();
		for (String name : List.of("e", "a", "d", "b", "c")) {
			register(env, name);
		}
		List<String> seen = new ArrayList<>();
		List<Integer> sizes = new ArrayList<>();
		String token = null;
		do {
			Reply page = post("listWorkspaces", "{\"environmentName\": \"" + env + "\", \"pageSize\": 2"
					+ (token == null ? "" : ", \"startingToken\": \"" + token + "\"") + "}");
			assertThat(page.status()).isEqualTo(200);
			page.body().path("workspaces").forEach((w) -> seen.add(w.path("workspaceName").asString()));
			sizes.add(page.body().path("workspaces").size());
			token = page.body().path("nextToken").isNull() ? null : page.body().path("nextToken").asString();
		}
		while (token != null);
		assertThat(seen).containsExactly("a", "b", "c", "d", "e");
		assertThat(sizes).containsExactly(2, 2, 1);

		Reply byName = post("listWorkspaces",
				"{\"environmentName\": \"" + env + "\", \"workspaceNameContains\": \"C\"}");
		assertThat(byName.body().path("workspaces").valueStream().map((w) -> w.path("workspaceName").asString()))
			.containsExactly("c");
		Reply all = post("listWorkspaces", "{\"environmentName\": \"" + env + "\"}");
		assertThat(all.body().path("workspaces").size()).isEqualTo(5);
		assertThat(all.body().path("nextToken").isNull()).isTrue();
	}

	@Test
	void badPageSizesAndTokensAreRefusedWithInvalidArgument() throws Exception {
		String env = environment();
		register(env, "a");
		register(env, "b");
		String token = post("listWorkspaces", "{\"environmentName\": \"" + env + "\", \"pageSize\": 1}").body()
			.path("nextToken")
			.asString();
		assertThat(token).isNotBlank();
		Workspace ws = register(env, "c");
		for (String body : List.of("{\"pageSize\": 0}", "{\"pageSize\": 1001}", "{\"pageSize\": \"many\"}",
				"{\"startingToken\": \"not a token\"}", "{\"startingToken\": \"" + token + "x\"}",
				"{\"environmentName\": \"other\", \"startingToken\": \"" + token + "\"}")) {
			Reply refused = post("listWorkspaces", body);
			assertThat(refused.status()).as(body).isEqualTo(400);
			assertThat(refused.body().path("code").asString()).isEqualTo("INVALID_ARGUMENT");
			assertThat(refused.body().path("message").asString()).containsAnyOf("pageSize", "startingToken");
		}
		String crn = ws.crn().toString();
		Reply foreign = post("listWorkspaceBackups",
				"{\"workspaceCrn\": \"" + crn + "\", \"startingToken\": \"" + token + "\"}");
		assertThat(foreign.status()).isEqualTo(400);
		assertThat(foreign.body().path("message").asString())
			.contains("not one this runner gave for listWorkspaceBackups");
		Reply both = post("listWorkspaceEvents",
				"{\"workspaceCrn\": \"" + crn + "\", \"pageSize\": 5, \"maxItems\": 5}");
		assertThat(both.status()).isEqualTo(400);
		Reply status = post("listWorkspaceBackups",
				"{\"workspaceCrn\": \"" + crn + "\", \"backupStatus\": \"broken\"}");
		assertThat(status.status()).isEqualTo(400);
		assertThat(status.body().path("message").asString()).contains("running, cancelling, succeeded");
	}

	@Test
	void theWorkspacesPageShowsLastAttemptLastSuccessAndTheFleetSummaryInOneAnswer() throws Exception {
		String env = environment();
		Workspace failing = register(env, "failing");
		Workspace never = register(env, "never");
		Workspace running = register(env, "running");
		Backup good = launcher.backupWorkspace(failing.crn().toString(), "good", null, CREATOR);
		awaitJobEnd(good);
		// the file system's snapshot fails at the second poll, after the volume's
		// completed
		cloud.failJobOf("fs-failing", "Insufficient privileges to perform this action");
		cloud.setPercentPerPoll(100);
		Backup bad = launcher.backupWorkspace(failing.crn().toString(), "bad", null, CREATOR);
		awaitJobEnd(bad);
		cloud.holdSnapshots();
		Backup busy = launcher.backupWorkspace(running.crn().toString(), "busy", null, CREATOR);
		org.awaitility.Awaitility.await()
			.until(() -> post("listWorkspaces", "{\"environmentName\": \"" + env + "\"}").body()
				.path("workspaces")
				.path(2)
				.path("lastBackup")
				.path("progress")
				.isObject());

		Reply page = post("listWorkspaces", "{\"environmentName\": \"" + env + "\"}");
		JsonNode f = page.body().path("workspaces").path(0);
		assertThat(f.path("workspaceName").asString()).isEqualTo("failing");
		assertThat(f.path("workspaceStatus").asString()).isEqualTo("installation:finished");
		assertThat(f.path("lastBackup").path("backupName").asString()).isEqualTo("bad");
		assertThat(f.path("lastBackup").path("backupStatus").asString()).isEqualTo("failed");
		assertThat(f.path("lastBackup").path("failureReason").asString()).contains("Insufficient privileges");
		assertThat(f.path("lastBackup").path("completedAt").asString()).endsWith("Z");
		assertThat(f.path("lastSuccessfulBackup").path("backupName").asString()).isEqualTo("good");
		assertThat(f.path("lastSuccessfulBackup").path("durationSeconds").isNumber()).isTrue();
		JsonNode n = page.body().path("workspaces").path(1);
		assertThat(n.path("lastBackup").isNull()).isTrue();
		assertThat(n.path("lastSuccessfulBackup").isNull()).isTrue();
		JsonNode r = page.body().path("workspaces").path(2);
		assertThat(r.path("lastBackup").path("backupStatus").asString()).isEqualTo("running");
		assertThat(r.path("lastBackup").path("currentStep").asString()).isEqualTo("awaitRecoveryPoints");
		assertThat(r.path("lastBackup").path("completedAt").isNull()).isTrue();
		JsonNode summary = page.body().path("summary");
		assertThat(summary.path("workspaces").asInt()).isEqualTo(3);
		assertThat(summary.path("protectedWithin26Hours").asInt()).isEqualTo(1);
		assertThat(summary.path("failing").asInt()).isEqualTo(1);
		assertThat(summary.path("running").asInt()).isEqualTo(1);
		assertThat(summary.path("neverBackedUp").asInt()).isEqualTo(2);
		// the summary is the environment's, whatever the page
		assertThat(post("listWorkspaces", "{\"environmentName\": \"" + env + "\", \"pageSize\": 1}").body()
			.path("summary")
			.path("failing")
			.asInt()).isEqualTo(1);

		// a cancel is its own outcome: cancelled, with no failure reason
		launcher.cancelBackup(busy.crn().toString());
		awaitJobEnd(busy);
		cloud.releaseSnapshots();
		JsonNode cancelled = post("listWorkspaces", "{\"environmentName\": \"" + env + "\"}").body()
			.path("workspaces")
			.path(2)
			.path("lastBackup");
		assertThat(cancelled.path("backupStatus").asString()).isEqualTo("cancelled");
		assertThat(cancelled.path("failureReason").isNull()).isTrue();
		assertThat(backups.find(busy.crn()).orElseThrow().status()).isEqualTo(BackupStatus.CANCELLED);

		// the failed backup keeps the volume's recovery point, shown with its size
		JsonNode failed = post("listWorkspaceBackups",
				"{\"workspaceCrn\": \"" + failing.crn() + "\", \"backupStatus\": \"failed\"}")
			.body()
			.path("backups");
		assertThat(failed.size()).isEqualTo(1);
		assertThat(failed.path(0).path("recoveryPointCount").asInt()).isEqualTo(1);
		assertThat(failed.path(0).path("sizeBytes").asLong()).isPositive();
		assertThat(post("describeWorkspaceBackup", "{\"backupCrn\": \"" + bad.crn() + "\"}").body()
			.path("backup")
			.path("recoveryPoints")
			.path(0)
			.path("resourceId")
			.asString()).isEqualTo("vol-failing");
		assertThat(never.name()).isEqualTo("never");
	}

	@Test
	void backupsAndEventsComeInPagesNewestFirst() throws Exception {
		String env = environment();
		Workspace ws = register(env, "paged");
		for (String name : List.of("one", "two", "three")) {
			awaitJobEnd(launcher.backupWorkspace(ws.crn().toString(), name, null, CREATOR));
		}
		String crn = ws.crn().toString();
		List<String> names = new ArrayList<>();
		String token = null;
		do {
			JsonNode page = post("listWorkspaceBackups", "{\"workspaceCrn\": \"" + crn + "\", \"pageSize\": 2"
					+ (token == null ? "" : ", \"startingToken\": \"" + token + "\"") + "}")
				.body();
			page.path("backups").forEach((b) -> names.add(b.path("backupName").asString()));
			token = page.path("nextToken").isNull() ? null : page.path("nextToken").asString();
		}
		while (token != null);
		assertThat(names).containsExactlyInAnyOrder("one", "two", "three").hasSize(3);
		JsonNode named = post("listBackups", "{\"environmentName\": \"" + env + "\", \"backupNameContains\": \"TW\"}")
			.body()
			.path("backups");
		assertThat(named.size()).isEqualTo(1);
		assertThat(named.path(0).path("workspaceName").asString()).isEqualTo("paged");
		assertThat(named.path(0).path("backupStatus").asString()).isEqualTo("succeeded");
		assertThat(named.path(0).path("sizeBytes").asLong()).isPositive();
		assertThat(named.path(0).path("completedAt").asString()).endsWith("Z");

		// events: the newest page first, each page oldest first, no event twice
		List<JsonNode> all = new ArrayList<>();
		post("listWorkspaceEvents", "{\"workspaceCrn\": \"" + crn + "\", \"pageSize\": 1000}").body()
			.path("events")
			.forEach(all::add);
		assertThat(all.size()).isGreaterThan(10);
		List<Long> ids = new ArrayList<>();
		token = null;
		List<List<Long>> pages = new ArrayList<>();
		do {
			JsonNode page = post("listWorkspaceEvents", "{\"workspaceCrn\": \"" + crn + "\", \"pageSize\": 4"
					+ (token == null ? "" : ", \"startingToken\": \"" + token + "\"") + "}")
				.body();
			List<Long> pageIds = page.path("events").valueStream().map((e) -> e.path("id").asLong()).toList();
			assertThat(pageIds).isSorted();
			pages.add(pageIds);
			ids.addAll(pageIds);
			token = page.path("nextToken").isNull() ? null : page.path("nextToken").asString();
		}
		while (token != null);
		assertThat(pages.get(0)).last().isEqualTo(all.get(all.size() - 1).path("id").asLong());
		assertThat(ids).doesNotHaveDuplicates()
			.containsExactlyInAnyOrderElementsOf(all.stream().map((e) -> e.path("id").asLong()).toList());
		assertThat(pages.get(1).get(3)).isLessThan(pages.get(0).get(0));
	}

}
