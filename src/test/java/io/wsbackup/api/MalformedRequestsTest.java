package io.wsbackup.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.workspace.Workspace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A table of malformed requests across every operation of the REST API and the actuator's
 * job endpoint, sent over HTTP to the running app (as the admin): each is answered with a
 * 4xx, as {@code {code, message}} and nothing else, with a message that carries no SQL,
 * no Java class name, no stack trace and no path of the runner's own, and writes nothing
 * (the catalog's, the launches' and the job repository's row counts are the same before
 * and after).
 *
 * <p>
 * To add a case: add a row to {@link #cases()} ({@code post(operation, body, status,
 * code)}, or {@code call(...)} for another method, content type or path). The
 * placeholders {@code $WS} and {@code $BACKUP} are a registered workspace's CRN and a
 * succeeded backup's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedRequestsTest extends WsbackupTestSupport {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String JSON_TYPE = "application/json";

	/** Every operation of the API: each gets the generic malformed bodies. */
	private static final List<String> OPERATIONS = MlApiController.OPERATIONS;

	private static final String TOO_LONG = "x".repeat(5000);

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	Launcher launcher;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	io.micrometer.core.instrument.MeterRegistry meters;

	private Workspace workspace;

	private Backup backup;

	/** One malformed request and what it must be answered. */
	record Case(String method, String path, String contentType, byte[] body, int status, String code) {

		@Override
		public String toString() {
			String shown = body == null ? "" : new String(body, StandardCharsets.UTF_8);
			shown = shown.length() > 70 ? shown.substring(0, 70) + "... (" + body.length + " bytes)" : shown;
			return method + " " + path + " [" + contentType + "] " + shown + " -> " + status + " " + code;
		}

	}

	private static Case post(String operation, String body, int status, String code) {
		return call("POST", "/api/v1/ml/" + operation, JSON_TYPE, body.getBytes(StandardCharsets.UTF_8), status, code);
	}

	private static Case call(String method, String path, String contentType, byte[] body, int status, String code) {
		return new Case(method, path, contentType, body, status, code);
	}

	static Stream<Case> cases() {
		List<Case> cases = new ArrayList<>();
		byte[] notUtf8 = { '{', '"', 'a', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}' };
		byte[] huge = ("{\"environmentName\": \"" + "y".repeat(1024 * 1024 + 10) + "\"}")
			.getBytes(StandardCharsets.UTF_8);
		for (String op : OPERATIONS) {
			String path = "/api/v1/ml/" + op;
			cases.add(post(op, "{", 400, "INVALID_ARGUMENT"));
			cases.add(post(op, "[]", 400, "INVALID_ARGUMENT"));
			cases.add(post(op, "\"text\"", 400, "INVALID_ARGUMENT"));
			cases.add(post(op, "{\"noSuchField\": 1}", 400, "INVALID_ARGUMENT"));
			cases.add(post(op, "{\"noSuchField\": 1, \"noSuchField\": 2}", 400, "INVALID_ARGUMENT"));
			cases.add(post(op, "{} {}", 400, "INVALID_ARGUMENT"));
			cases.add(call("POST", path, "text/plain", "{}".getBytes(StandardCharsets.UTF_8), 415,
					"UNSUPPORTED_MEDIA_TYPE"));
			cases.add(call("POST", path, null, "{}".getBytes(StandardCharsets.UTF_8), 415, "UNSUPPORTED_MEDIA_TYPE"));
			cases.add(call("POST", path, "multipart/form-data; boundary=x",
					"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--\r\n"
						.getBytes(StandardCharsets.UTF_8),
					415, "UNSUPPORTED_MEDIA_TYPE"));
			cases.add(call("POST", path, JSON_TYPE, notUtf8, 415, "UNSUPPORTED_MEDIA_TYPE"));
			cases.add(call("POST", path, JSON_TYPE, huge, 413, "PAYLOAD_TOO_LARGE"));
			cases.add(call("GET", path, null, null, 405, "METHOD_NOT_ALLOWED"));
			cases.add(call("DELETE", path, null, null, 405, "METHOD_NOT_ALLOWED"));
		}
		// paths
		cases.add(post("noSuchOperation", "{}", 404, "NOT_FOUND"));
		cases.add(call("POST", "/api/v1/ml/listWorkspaces/extra", JSON_TYPE, "{}".getBytes(StandardCharsets.UTF_8), 404,
				"NOT_FOUND"));
		cases.add(call("POST", "/api/v2/ml/listWorkspaces", JSON_TYPE, "{}".getBytes(StandardCharsets.UTF_8), 404,
				"NOT_FOUND"));
		cases.add(call("GET", "/api/nothing", null, null, 404, "NOT_FOUND"));
		cases.add(call("GET", "/api/v1/ml/%2e%2e/listWorkspaces", null, null, 400, "INVALID_ARGUMENT"));
		cases.add(call("POST", "/api/v1/ml/..;/listWorkspaces", JSON_TYPE, "{}".getBytes(StandardCharsets.UTF_8), 400,
				"INVALID_ARGUMENT"));
		// registerWorkspace: every stored field's limit and syntax
		String reg = "registerWorkspace";
		cases.add(post(reg, "{\"environmentName\": \"e\", \"volumes\": [\"v\"]}", 400, "INVALID_ARGUMENT"));
		cases.add(post(reg, "{\"workspaceName\": \"w\", \"volumes\": [\"v\"]}", 400, "INVALID_ARGUMENT"));
		cases.add(post(reg, register("\"environmentName\": \"" + "e".repeat(255) + "\""), 400, "INVALID_ARGUMENT"));
		cases.add(post(reg, register("\"environmentName\": \"has space\""), 400, "INVALID_ARGUMENT"));
		cases.add(post(reg, register("\"kubeContext\": \"" + "k".repeat(256) + "\""), 400, "INVALID_ARGUMENT"));
		cases.add(post(reg, register("\"version\": \"" + "1".repeat(65) + "\""), 400, "INVALID_ARGUMENT"));
		cases.add(post(reg, register("\"accountId\": \"12345\""), 400, "INVALID_ARGUMENT"));
		cases.add(post(reg, register("\"accountId\": 123456789012"), 400, "INVALID_ARGUMENT"));
		cases.add(post(reg, register("\"region\": \"US WEST\""), 400, "INVALID_ARGUMENT"));
		cases.add(post(reg, register("\"namespaces\": [\"Not_A_Namespace\"]"), 400, "INVALID_ARGUMENT"));
		cases.add(post(reg, register("\"namespaces\": [null]"), 400, "INVALID_ARGUMENT"));
		cases.add(
				post(reg, register("\"namespaceSelector\": \"" + "a=b,".repeat(2300) + "\""), 400, "INVALID_ARGUMENT"));
		cases.add(post(reg, register("\"namespaceSelector\": \"a=b; drop\""), 400, "INVALID_ARGUMENT"));
		cases.add(post(reg, register("\"externalNfs\": \"yes\""), 400, "INVALID_ARGUMENT"));
		cases.add(post(reg, register("\"externalNfs\": 1"), 400, "INVALID_ARGUMENT"));
		cases.add(post(reg, "{\"workspaceName\": \"w-limits\", \"environmentName\": \"e\", \"volumes\": [null]}", 400,
				"INVALID_ARGUMENT"));
		cases.add(post(reg, "{\"workspaceName\": \"w-limits\", \"environmentName\": \"e\", \"volumes\": [\"\"]}", 400,
				"INVALID_ARGUMENT"));
		cases.add(post(reg, "{\"workspaceName\": \"w-limits\", \"environmentName\": \"e\", \"volumes\": [\"  \"]}", 400,
				"INVALID_ARGUMENT"));
		cases.add(post(reg,
				"{\"workspaceName\": \"w-limits\", \"environmentName\": \"e\", \"volumes\": [\"/a\\u0000b\"]}", 400,
				"INVALID_ARGUMENT"));
		cases.add(post(reg,
				"{\"workspaceName\": \"w-limits\", \"environmentName\": \"e\", \"volumes\": [\"" + TOO_LONG + "\"]}",
				400, "INVALID_ARGUMENT"));
		cases.add(post(reg,
				"{\"workspaceName\": \"w-limits\", \"environmentName\": \"e\", \"volumes\": ["
						+ "\"/v/0123456789012345678901234567890123456789\",".repeat(120) + "\"/last\"]}",
				400, "INVALID_ARGUMENT"));
		cases.add(post(reg, "{\"workspaceName\": \"w-limits\", \"environmentName\": \"e\", \"sharedFileSystem\": \""
				+ "s".repeat(2000) + "\"}", 400, "INVALID_ARGUMENT"));
		cases.add(post(reg, "{\"workspaceName\": \"w-limits\", \"environmentName\": \"e\", \"volumes\": \"v\"}", 400,
				"INVALID_ARGUMENT"));
		cases.add(post(reg, "{\"workspaceName\": \"w-limits\", \"environmentName\": \"e\"}", 400, "INVALID_ARGUMENT"));
		cases.add(post(reg, "{\"workspaceName\": \"Bad Name\", \"environmentName\": \"e\", \"volumes\": [\"v\"]}", 400,
				"INVALID_ARGUMENT"));
		// backupWorkspace
		String bw = "backupWorkspace";
		cases.add(post(bw, "{\"workspaceCrn\": \"$WS\"}", 400, "INVALID_ARGUMENT"));
		cases.add(post(bw, "{\"backupName\": \"b\"}", 400, "INVALID_ARGUMENT"));
		cases.add(post(bw, "{\"workspaceCrn\": \"not-a-crn\", \"backupName\": \"b\"}", 400, "INVALID_ARGUMENT"));
		cases.add(post(bw, "{\"workspaceCrn\": \"$BACKUP\", \"backupName\": \"b\"}", 400, "INVALID_ARGUMENT"));
		cases.add(post(bw, "{\"workspaceCrn\": \"$WS\", \"backupName\": \"" + "b".repeat(101) + "\"}", 400,
				"INVALID_ARGUMENT"));
		cases.add(post(bw, "{\"workspaceCrn\": \"$WS\", \"backupName\": \"bad/name\"}", 400, "INVALID_ARGUMENT"));
		for (String timeout : List.of("\"5\"", "1.5", "2147483648", "1e12", "-2147483649", "1e400", "0", "-1", "100000",
				"true", "[]", "{}")) {
			cases.add(post(bw,
					"{\"workspaceCrn\": \"$WS\", \"backupName\": \"b\", \"backupJobTimeoutMinutes\": " + timeout + "}",
					400, "INVALID_ARGUMENT"));
		}
		cases.add(post(bw, "{\"workspaceCrn\": \"crn:cdp:ml:us-west-2:123456789012:workspace:"
				+ "00000000-0000-0000-0000-000000000000\", \"backupName\": \"b\"}", 404, "NOT_FOUND"));
		cases.add(post(bw, "{\"workspaceCrn\": \"$WS\", \"backupName\": \"source\"}", 409, "ALREADY_EXISTS"));
		// restoreWorkspace
		String rw = "restoreWorkspace";
		for (String timeout : List.of("\"5\"", "1.5", "2147483648", "1e12", "-2147483649", "1e400", "-1", "100000")) {
			cases.add(post(rw, restore("\"environmentName\": \"env-test\", \"workspaceName\": \"r-new\"", timeout), 400,
					"INVALID_ARGUMENT"));
		}
		cases.add(post(rw,
				restore("\"environmentName\": \"" + "e".repeat(300) + "\", \"workspaceName\": \"r-new\"", "60"), 400,
				"INVALID_ARGUMENT"));
		cases.add(post(rw, restore("\"environmentName\": \"env-test\"", "60"), 400, "INVALID_ARGUMENT"));
		cases.add(post(rw, restore("\"workspaceName\": \"r-new\"", "60"), 400, "INVALID_ARGUMENT"));
		cases.add(post(rw,
				restore("\"environmentName\": \"env-test\", \"workspaceName\": \"r-new\", \"colour\": 1", "60"), 400,
				"INVALID_ARGUMENT"));
		cases.add(post(rw, restore("\"environmentName\": 5, \"workspaceName\": \"r-new\"", "60"), 400,
				"INVALID_ARGUMENT"));
		cases.add(post(rw,
				restore("\"environmentName\": \"env-test\", \"workspaceName\": \"r-new\", "
						+ "\"provisionK8sRequest\": {\"instanceGroups\": [{\"instanceCount\": \"3\"}]}", "60"),
				400, "INVALID_ARGUMENT"));
		cases.add(post(rw,
				restore("\"environmentName\": \"env-test\", \"workspaceName\": \"r-new\", "
						+ "\"provisionK8sRequest\": {\"instanceGroups\": [{\"instanceCount\": 1.5}]}", "60"),
				400, "INVALID_ARGUMENT"));
		cases.add(post(rw, restore("\"environmentName\": \"env-test\", \"workspaceName\": \"r-new\", "
				+ "\"loadBalancerIPWhitelists\": [1]", "60"), 400, "INVALID_ARGUMENT"));
		cases.add(post(rw, restore(
				"\"environmentName\": \"env-test\", \"workspaceName\": \"r-new\", " + "\"disableTLS\": \"true\"", "60"),
				400, "INVALID_ARGUMENT"));
		cases.add(post(rw, "{\"backupCrn\": \"$WS\", \"newWorkspaceParameters\": {\"environmentName\": \"env-test\", "
				+ "\"workspaceName\": \"r-new\"}}", 400, "INVALID_ARGUMENT"));
		// the other operations' fields
		for (String op : List.of("describeWorkspaceBackup", "cancelBackup", "deleteBackup", "verifyBackup")) {
			cases.add(post(op, "{}", 400, "INVALID_ARGUMENT"));
			cases.add(post(op, "{\"backupCrn\": 5}", 400, "INVALID_ARGUMENT"));
			cases.add(post(op, "{\"backupCrn\": \"$WS\"}", 400, "INVALID_ARGUMENT"));
			cases.add(post(op, "{\"backupCrn\": \"" + TOO_LONG + "\"}", 400, "INVALID_ARGUMENT"));
			cases.add(post(op, "{\"backupCrn\": \"crn:cdp:ml:us-west-2:123456789012:workspace_backup:"
					+ "00000000-0000-0000-0000-000000000000\"}", 404, "NOT_FOUND"));
		}
		cases.add(post("cancelBackup", "{\"backupCrn\": \"$BACKUP\"}", 409, "FAILED_PRECONDITION"));
		for (String op : List.of("describeWorkspace", "listWorkspaceBackups")) {
			cases.add(post(op, "{}", 400, "INVALID_ARGUMENT"));
			cases.add(post(op, "{\"workspaceCrn\": \"$WS\", \"workspaceName\": \"w\"}", 400, "INVALID_ARGUMENT"));
			cases.add(post(op, "{\"workspaceName\": \"w\"}", 400, "INVALID_ARGUMENT"));
			cases.add(post(op, "{\"workspaceCrn\": [\"$WS\"]}", 400, "INVALID_ARGUMENT"));
		}
		String ev = "listWorkspaceEvents";
		for (String max : List.of("0", "-1", "10001", "\"5\"", "1.5", "2147483648")) {
			cases.add(post(ev, "{\"workspaceCrn\": \"$WS\", \"maxItems\": " + max + "}", 400, "INVALID_ARGUMENT"));
		}
		cases.add(post(ev, "{\"workspaceCrn\": \"$WS\", \"backupCrn\": \"$WS\"}", 400, "INVALID_ARGUMENT"));
		cases.add(post("listWorkspaces", "{\"environmentName\": 5}", 400, "INVALID_ARGUMENT"));
		cases.add(post("checkPrerequisites", "{}", 400, "INVALID_ARGUMENT"));
		for (String op : List.of("pauseSchedule", "resumeSchedule", "triggerSchedule", "previewRetention")) {
			cases.add(post(op, "{}", 400, "INVALID_ARGUMENT"));
			cases.add(post(op, "{\"schedule\": \"no-such-schedule\"}", 404, "NOT_FOUND"));
		}
		// listNotifications: each filter checked, the page size and token as every list's
		String ln = "listNotifications";
		for (String status : List.of("\"lost\"", "\"PENDING\"", "\"\"", "5", "[\"failed\"]")) {
			cases.add(post(ln, "{\"status\": " + status + "}", 400, "INVALID_ARGUMENT"));
		}
		for (String event : List.of("\"backup-exploded\"", "\"backup.failed\"", "\"io.wsbackup.backup.failed\"",
				"true")) {
			cases.add(post(ln, "{\"event\": " + event + "}", 400, "INVALID_ARGUMENT"));
		}
		for (String size : List.of("0", "-1", "1001", "\"5\"", "1.5", "2147483648")) {
			cases.add(post(ln, "{\"pageSize\": " + size + "}", 400, "INVALID_ARGUMENT"));
		}
		for (String token : List.of("\"not-a-token\"", "\"" + TOO_LONG + "\"", "\"d3NiMSBsaXN0\"", "7")) {
			cases.add(post(ln, "{\"startingToken\": " + token + "}", 400, "INVALID_ARGUMENT"));
		}
		cases.add(post(ln, "{\"workspaceCrn\": \"not-a-crn\"}", 400, "INVALID_ARGUMENT"));
		cases.add(post(ln, "{\"workspaceCrn\": \"$BACKUP\"}", 400, "INVALID_ARGUMENT"));
		cases.add(post(ln, "{\"target\": [\"ops\"]}", 400, "INVALID_ARGUMENT"));
		cases.add(post(ln, "{\"status\": \"failed\", \"colour\": \"red\"}", 400, "INVALID_ARGUMENT"));
		// sendTestNotification: a target is required and must be configured (none is
		// here)
		String st = "sendTestNotification";
		cases.add(post(st, "", 400, "INVALID_ARGUMENT"));
		cases.add(post(st, "{}", 400, "INVALID_ARGUMENT"));
		cases.add(post(st, "{\"target\": \"\"}", 400, "INVALID_ARGUMENT"));
		cases.add(post(st, "{\"target\": \"  \"}", 400, "INVALID_ARGUMENT"));
		cases.add(post(st, "{\"target\": null}", 400, "INVALID_ARGUMENT"));
		cases.add(post(st, "{\"target\": 5}", 400, "INVALID_ARGUMENT"));
		cases.add(post(st, "{\"target\": [\"ops\"]}", 400, "INVALID_ARGUMENT"));
		cases.add(post(st, "{\"target\": \"ops\", \"event\": \"backup-failed\"}", 400, "INVALID_ARGUMENT"));
		cases.add(post(st, "{\"target\": \"no-such-target\"}", 404, "NOT_FOUND"));
		// the actuator's job endpoint
		String jobs = "/actuator/batchjobs";
		cases.add(call("POST", jobs + "/launch", "text/plain", "x".getBytes(StandardCharsets.UTF_8), 415,
				"UNSUPPORTED_MEDIA_TYPE"));
		cases.add(call("POST", jobs + "/launch", null, "{}".getBytes(StandardCharsets.UTF_8), 415,
				"UNSUPPORTED_MEDIA_TYPE"));
		cases.add(call("POST", jobs + "/launch", JSON_TYPE, notUtf8, 415, "UNSUPPORTED_MEDIA_TYPE"));
		cases.add(call("POST", jobs + "/launch", JSON_TYPE, huge, 413, "PAYLOAD_TOO_LARGE"));
		cases.add(call("GET", jobs + "/launch", null, null, 405, "METHOD_NOT_ALLOWED"));
		cases.add(call("DELETE", jobs, null, null, 405, "METHOD_NOT_ALLOWED"));
		cases.add(call("POST", jobs + "/launch", JSON_TYPE,
				"{\"jobName\": \"noSuchJob\"}".getBytes(StandardCharsets.UTF_8), 400, "INVALID_ARGUMENT"));
		cases.add(call("POST", jobs + "/launch", JSON_TYPE,
				"{\"jobName\": \"backupWorkspace\", \"parameters\": \"workspaceCrn=$WS\"}"
					.getBytes(StandardCharsets.UTF_8),
				400, "INVALID_ARGUMENT"));
		cases.add(call("POST", jobs + "/restart", JSON_TYPE, "{}".getBytes(StandardCharsets.UTF_8), 400,
				"INVALID_ARGUMENT"));
		cases.add(call("POST", jobs + "/stop", JSON_TYPE,
				"{\"executionId\": 999999999}".getBytes(StandardCharsets.UTF_8), 404, "NOT_FOUND"));
		cases.add(call("POST", jobs + "/explode", JSON_TYPE, "{}".getBytes(StandardCharsets.UTF_8), 400,
				"INVALID_ARGUMENT"));
		cases.add(call("POST", jobs + "/launch", JSON_TYPE, "{".getBytes(StandardCharsets.UTF_8), 400,
				"INVALID_ARGUMENT"));
		cases.add(call("GET", jobs + "?count=abc", null, null, 400, "INVALID_ARGUMENT"));
		cases.add(call("GET", jobs + "?count=99999999999", null, null, 400, "INVALID_ARGUMENT"));
		for (String id : List.of("\"abc\"", "1.5", "[1]", "{}", "99999999999999999999", "true")) {
			cases.add(call("POST", jobs + "/restart", JSON_TYPE,
					("{\"executionId\": " + id + "}").getBytes(StandardCharsets.UTF_8), 400, "INVALID_ARGUMENT"));
		}
		cases.add(call("POST", jobs + "/launch", JSON_TYPE,
				"{\"jobName\": [\"backupWorkspace\"]}".getBytes(StandardCharsets.UTF_8), 400, "INVALID_ARGUMENT"));
		cases.add(call("POST", jobs + "/launch", JSON_TYPE, "[]".getBytes(StandardCharsets.UTF_8), 400,
				"INVALID_ARGUMENT"));
		// methods HTTP does not define (Spring Security's firewall refuses them), a query
		// that is not UTF-8
		cases.add(call("FOO", "/api/v1/ml/listWorkspaces", JSON_TYPE, "{}".getBytes(StandardCharsets.UTF_8), 400,
				"INVALID_ARGUMENT"));
		cases.add(call("FOO", jobs, null, null, 400, "INVALID_ARGUMENT"));
		cases.add(call("GET", jobs + "?count=%ff", null, null, 400, "INVALID_ARGUMENT"));
		return cases.stream();
	}

	private static String register(String field) {
		return "{\"workspaceName\": \"w-limits\", \"environmentName\": \"e\", \"volumes\": [\"v\"], " + field + "}";
	}

	private static String restore(String parameters, String timeout) {
		return "{\"backupCrn\": \"$BACKUP\", \"newWorkspaceParameters\": {" + parameters
				+ "}, \"restoreJobTimeoutMinutes\": " + timeout + "}";
	}

	@BeforeAll
	void aWorkspaceAndASucceededBackup() {
		workspace = newWorkspace();
		backup = launcher.backupWorkspace(workspace.crn().toString(), "source", null,
				"crn:cdp:iam:us-west-2:123456789012:user:tester");
		assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.COMPLETED);
	}

	@Test
	void theTableCoversEveryOperationWithAtLeast150Cases() {
		List<Case> all = cases().toList();
		assertThat(all).hasSizeGreaterThanOrEqualTo(150);
		assertThat(OPERATIONS).allSatisfy((op) -> assertThat(all).anyMatch((c) -> c.path().endsWith("/" + op)));
		assertThat(all).anyMatch((c) -> c.path().startsWith("/actuator/batchjobs"));
	}

	@Test
	void failedAuthenticationsAreCountedAndNeverEchoTheToken() throws Exception {
		double before = meters.counter("wsbackup.authentication.failures", "credentials", "invalid").count();
		for (int i = 0; i < 3; i++) {
			HttpResponse<String> response = http
				.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/ml/listWorkspaces"))
					.header("Authorization", "Bearer not-a-token-" + i)
					.header("Content-Type", JSON_TYPE)
					.POST(HttpRequest.BodyPublishers.ofString("{}"))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(401);
			assertThat(response.body()).doesNotContain("not-a-token-" + i);
		}
		assertThat(meters.counter("wsbackup.authentication.failures", "credentials", "invalid").count())
			.isEqualTo(before + 3);
	}

	/**
	 * Requests HTTP itself refuses, answered by the server before any filter: a version
	 * it does not speak, a request line it cannot read, a header without a name. Each is
	 * the caller's mistake, so a 4xx as {@code {code, message}}, never Tomcat's 505 or
	 * its HTML page.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("rawRequests")
	void aRequestHttpCannotReadGetsA4xxAsCodeAndMessage(String request) throws Exception {
		String answer;
		try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
			socket.getOutputStream().flush();
			answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		}
		String statusLine = answer.lines().findFirst().orElse("");
		assertThat(statusLine).as(answer).matches("HTTP/1\\.1 4\\d\\d.*");
		String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
		JsonNode json = JSON.readTree(body);
		assertThat(json.propertyNames()).as(answer).containsExactlyInAnyOrder("code", "message");
		assertThat(json.path("message").asString()).isNotBlank().doesNotContain("Exception", "Tomcat");
	}

	static Stream<String> rawRequests() {
		return Stream.of("GET /api/v1/ml/listWorkspaces HTTP/3.0\r\nHost: localhost\r\nConnection: close\r\n\r\n",
				"GET /api/v1/ml/listWorkspaces HTTP/9.9\r\nHost: localhost\r\nConnection: close\r\n\r\n",
				"GET /api/v1/ml/list Workspaces HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
				"GET /api/v1/ml/listWorkspaces HTTP/1.1\r\nHost: localhost\r\n: no-name\r\nConnection: close\r\n\r\n",
				"GET /api/v1/ml/listWorkspaces\u0001 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void aMalformedRequestGetsA4xxAsCodeAndMessageAndWritesNothing(Case c) throws Exception {
		Map<String, Long> before = rowCounts();

		HttpResponse<String> response = send(c);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(c.status());
		JsonNode body = JSON.readTree(response.body());
		assertThat(body.isObject()).as(response.body()).isTrue();
		assertThat(body.propertyNames()).as("only code and message").containsExactlyInAnyOrder("code", "message");
		assertThat(body.path("code").asString()).isEqualTo(c.code());
		String message = body.path("message").asString();
		assertThat(message).isNotBlank()
			.doesNotContainIgnoringCase("sql")
			.doesNotContain("java.", "Exception", "tools.jackson", "org.springframework", "\tat ",
					Path.of("target").toAbsolutePath().toString());
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).matches("application/([a-z0-9.-]+\\+)?json.*"));
		assertThat(rowCounts()).as("nothing written").isEqualTo(before);
	}

	private HttpResponse<String> send(Case c) throws Exception {
		HttpRequest.Builder request = asAdmin(
				HttpRequest.newBuilder(URI.create("http://localhost:" + port + c.path())));
		if (c.contentType() != null) {
			request.header("Content-Type", c.contentType());
		}
		// as curl sends it: a body must come whatever the endpoint's own media types
		request.header("Accept", "*/*");
		byte[] body = c.body() == null ? null
				: new String(c.body(), StandardCharsets.ISO_8859_1).replace("$WS", workspace.crn().toString())
					.replace("$BACKUP", backup.crn().toString())
					.getBytes(StandardCharsets.ISO_8859_1);
		request.method(c.method(),
				body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private Map<String, Long> rowCounts() {
		Map<String, Long> counts = new java.util.TreeMap<>();
		for (String table : List.of("WS_WORKSPACE", "WS_BACKUP", "WS_RECOVERY_POINT", "WS_LAUNCH", "WS_NOTIFICATION",
				"BATCH_JOB_EXECUTION")) {
			counts.put(table, jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single());
		}
		counts.put("WS_EVENT of the workspace",
				jdbc.sql("SELECT COUNT(*) FROM WS_EVENT WHERE WORKSPACE_CRN = ?")
					.param(workspace.crn().toString())
					.query(Long.class)
					.single());
		return counts;
	}

}
