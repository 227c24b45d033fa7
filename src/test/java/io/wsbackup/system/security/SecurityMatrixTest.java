package io.wsbackup.system.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.actuate.endpoint.web.WebOperation;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The security matrix: anonymous, viewer and admin against every operation of the REST
 * API and every operation of every exposed actuator endpoint, over real HTTP. The
 * operations are enumerated from the running context (the controllers' mappings and the
 * actuator's endpoints), so an operation added later is in the matrix without anyone
 * listing it; the only hand-written facts are which REST operations merely read.
 */
class SecurityMatrixTest extends WsbackupTestSupport {

	/**
	 * The REST operations a viewer may call: they change nothing. Every other one,
	 * including any added later, must be refused to a viewer.
	 */
	private static final Set<String> REST_READS = Set.of("POST /api/v1/ml/listWorkspaces",
			"POST /api/v1/ml/describeWorkspace", "POST /api/v1/ml/listWorkspaceBackups", "POST /api/v1/ml/listBackups",
			"POST /api/v1/ml/describeWorkspaceBackup", "POST /api/v1/ml/listWorkspaceEvents",
			"POST /api/v1/ml/checkPrerequisites", "POST /api/v1/ml/listSchedules", "POST /api/v1/ml/previewRetention",
			"POST /api/v1/ml/listNotifications", "GET /api/v1/whoami");

	/** Open to anyone, for probes and the console's page. */
	private static final Set<String> OPEN = Set.of("GET /actuator/health", "GET /actuator/health/liveness",
			"GET /actuator/info");

	/**
	 * Values of the actuator's path selectors; an endpoint not listed gets {@code x},
	 * which security judges before the endpoint does.
	 */
	private static final Map<String, List<String>> SELECTORS = Map.of("batchjobs", List.of("launch", "restart", "stop"),
			"health", List.of("liveness"));

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mappings;

	@Autowired
	WebEndpointsSupplier endpoints;

	/** One request of the matrix, and whether it only reads. */
	record Call(String method, String path, boolean read) {

		@Override
		public String toString() {
			return method + " " + path;
		}

	}

	record Reply(int status, String body) {

		String code() {
			try {
				return JSON.readTree(body).path("code").asString();
			}
			catch (RuntimeException notJson) {
				return "";
			}
		}

	}

	@TestFactory
	Stream<DynamicTest> anonymousViewerAndAdminAgainstEveryOperation() {
		List<Call> calls = calls();
		assertThat(calls.stream().map(Call::toString)).as("the matrix covers the operations listed here")
			.containsAll(REST_READS)
			.containsAll(OPEN)
			.contains("POST /api/v1/ml/backupWorkspace", "POST /api/v1/ml/restoreWorkspace",
					"POST /api/v1/ml/sendTestNotification", "POST /actuator/batchjobs/launch",
					"GET /actuator/batchjobs");
		List<DynamicTest> tests = new ArrayList<>();
		for (Call call : calls) {
			boolean open = OPEN.contains(call.toString());
			tests.add(DynamicTest.dynamicTest("anonymous " + call, () -> {
				Reply reply = send(call, null);
				if (open) {
					assertThat(reply.status()).as(reply.body()).isBetween(200, 299);
				}
				else {
					assertThat(reply.status()).as(reply.body()).isEqualTo(401);
					assertThat(reply.code()).isEqualTo("UNAUTHENTICATED");
				}
			}));
			tests.add(DynamicTest.dynamicTest("viewer " + call, () -> {
				Reply reply = send(call, VIEWER_TOKEN);
				if (call.read() || open) {
					assertThat(reply.status()).as(reply.body()).isNotIn(401, 403).isLessThan(500);
				}
				else {
					assertThat(reply.status()).as(reply.body()).isEqualTo(403);
					assertThat(reply.code()).isEqualTo("FORBIDDEN");
					assertThat(JSON.readTree(reply.body()).path("message").asString())
						.contains(VIEWER_NAME + " (role viewer)", "needs the admin role");
				}
			}));
			tests.add(DynamicTest.dynamicTest("admin " + call, () -> {
				Reply reply = send(call, ADMIN_TOKEN);
				assertThat(reply.status()).as(reply.body()).isNotIn(401, 403).isLessThan(500);
			}));
		}
		return tests.stream();
	}

	/**
	 * Every REST mapping under {@code /api} and every operation of every exposed actuator
	 * endpoint, with sample values for path variables.
	 */
	private List<Call> calls() {
		Set<Call> calls = new java.util.LinkedHashSet<>();
		for (RequestMappingInfo info : this.mappings.getHandlerMethods().keySet()) {
			for (String pattern : info.getPathPatternsCondition().getPatternValues()) {
				if (!pattern.startsWith("/api/")) {
					continue;
				}
				String path = pattern.replace("{operation}", "noSuchOperation");
				assertThat(path).as("a path variable without a sample value").doesNotContain("{");
				info.getMethodsCondition().getMethods().forEach((method) -> {
					String key = method.name() + " " + path;
					calls.add(new Call(method.name(), path, REST_READS.contains(key)));
				});
			}
		}
		for (ExposableWebEndpoint endpoint : this.endpoints.getEndpoints()) {
			for (WebOperation operation : endpoint.getOperations()) {
				String path = operation.getRequestPredicate().getPath();
				path = path.startsWith("/") ? path : "/" + path;
				path = path.startsWith("/actuator") ? path : "/actuator" + path;
				boolean read = operation.getType() == OperationType.READ;
				String method = operation.getRequestPredicate().getHttpMethod().name();
				if (!path.contains("{")) {
					calls.add(new Call(method, path, read));
					continue;
				}
				for (String value : SELECTORS.getOrDefault(endpoint.getEndpointId().toString(), List.of("x"))) {
					calls.add(new Call(method, path.replaceAll("\\{[^}]*}", value), read));
				}
			}
		}
		return new ArrayList<>(calls);
	}

	private Reply send(Call call, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + call.path()))
			.header("Accept", "application/json");
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		request = switch (call.method()) {
			case "GET" -> request.GET();
			case "DELETE" -> request.DELETE();
			default -> request.header("Content-Type", "application/json")
				.method(call.method(), HttpRequest.BodyPublishers.ofString("{}"));
		};
		HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		return new Reply(response.statusCode(), response.body());
	}

	@Test
	void aTokenThatIsNotConfiguredIsUnauthenticatedAndSaysSo() throws Exception {
		for (String token : List.of("wrong", ADMIN_TOKEN + "x", HashedTokens.sha256Hex(ADMIN_TOKEN))) {
			Reply reply = send(new Call("POST", "/api/v1/ml/listWorkspaces", true), token);
			assertThat(reply.status()).as(token).isEqualTo(401);
			assertThat(reply.code()).isEqualTo("UNAUTHENTICATED");
			assertThat(reply.body()).contains("not valid").doesNotContain(token);
		}
		HttpResponse<String> basic = this.http.send(HttpRequest
			.newBuilder(URI.create("http://localhost:" + this.port + "/api/v1/ml/listWorkspaces"))
			.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("admin:admin".getBytes()))
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(basic.statusCode()).isEqualTo(401);
		assertThat(basic.headers().firstValue("WWW-Authenticate")).hasValueSatisfying((v) -> v.startsWith("Bearer"));
		assertThat(basic.body()).contains("Authorization: Bearer");
	}

	@Test
	void aViewerMayListNotificationsButOnlyAnAdminMaySendATest() throws Exception {
		Reply listed = send(VIEWER_TOKEN, "/api/v1/ml/listNotifications", "{\"status\": \"failed\"}");
		assertThat(listed.status()).as(listed.body()).isEqualTo(200);
		assertThat(JSON.readTree(listed.body()).path("notifications").isArray()).isTrue();

		Reply byViewer = send(VIEWER_TOKEN, "/api/v1/ml/sendTestNotification", "{\"target\": \"ops\"}");
		assertThat(byViewer.status()).as(byViewer.body()).isEqualTo(403);
		assertThat(byViewer.code()).isEqualTo("FORBIDDEN");
		assertThat(JSON.readTree(byViewer.body()).path("message").asString()).contains("needs the admin role");

		// past security, an admin's request reaches the operation: no target is
		// configured here
		Reply byAdmin = send(ADMIN_TOKEN, "/api/v1/ml/sendTestNotification", "{\"target\": \"ops\"}");
		assertThat(byAdmin.status()).as(byAdmin.body()).isEqualTo(404);
		assertThat(byAdmin.code()).isEqualTo("NOT_FOUND");
	}

	@Test
	void whoamiNamesTheCallerItsRoleAndItsCreatorCrn() throws Exception {
		JsonNode viewer = JSON.readTree(send(new Call("GET", "/api/v1/whoami", true), VIEWER_TOKEN).body());
		assertThat(viewer.path("name").asString()).isEqualTo(VIEWER_NAME);
		assertThat(viewer.path("role").asString()).isEqualTo("viewer");
		JsonNode admin = JSON.readTree(send(new Call("GET", "/api/v1/whoami", true), ADMIN_TOKEN).body());
		assertThat(admin.path("role").asString()).isEqualTo("admin");
		assertThat(admin.path("creatorCrn").asString()).isEqualTo("crn:cdp:iam:local:000000000000:user:" + ADMIN_NAME);
	}

	@Test
	void theCreatorOfABackupStartedThroughRestOrTheActuatorIsTheCaller() throws Exception {
		Workspace ws = newWorkspace();
		Reply started = send(ADMIN_TOKEN, "/api/v1/ml/backupWorkspace",
				"{\"workspaceCrn\": \"" + ws.crn() + "\", \"backupName\": \"by-rest\"}");
		assertThat(started.status()).as(started.body()).isEqualTo(200);
		Backup byRest = backups.find(Crn.parse(JSON.readTree(started.body()).path("backupCrn").asString()))
			.orElseThrow();
		assertThat(byRest.creatorCrn()).isEqualTo("crn:cdp:iam:local:000000000000:user:" + ADMIN_NAME);
		awaitJobEnd(byRest);

		Reply launched = send(ADMIN_TOKEN, "/actuator/batchjobs/launch",
				"{\"jobName\": \"backupWorkspace\", \"parameters\": \"workspaceCrn=" + ws.crn()
						+ ",backupName=by-actuator\"}");
		assertThat(launched.status()).as(launched.body()).isEqualTo(200);
		Backup byActuator = backups.listByWorkspace(ws.crn())
			.stream()
			.filter((b) -> b.name().equals("by-actuator"))
			.findFirst()
			.orElseThrow();
		assertThat(byActuator.creatorCrn()).isEqualTo("crn:cdp:iam:local:000000000000:user:" + ADMIN_NAME);
		awaitJobEnd(byActuator);
	}

	private Reply send(String token, String path, String body) throws Exception {
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
				.header("Authorization", "Bearer " + token)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
		return new Reply(response.statusCode(), response.body());
	}

}
