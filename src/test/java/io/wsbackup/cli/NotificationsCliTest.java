package io.wsbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code list-notifications} and {@code send-test-notification} against a fake runner:
 * the filters become the request, the pages are joined newest first, a test send names
 * its target and prints the delivery its first attempt made.
 */
class NotificationsCliTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String TARGETS = "'targets': [{'name': 'ops', 'origin': 'https://hooks.example.com', "
			+ "'format': 'cloudevents', 'events': ['backup-failed'], 'schedules': [], 'signed': true}], "
			+ "'counts': {'pending': 1, 'delivered': 2, 'failed': 0}";

	private FakeRunner runner;

	@BeforeEach
	void startRunner() throws IOException {
		this.runner = new FakeRunner();
	}

	@AfterEach
	void stopRunner() {
		this.runner.close();
	}

	@Test
	void listNotificationsSendsTheFiltersAndJoinsThePagesNewestFirst() {
		this.runner
			.answer("listNotifications", 200,
					"{'notifications': [" + delivery(3, "delivered") + ", " + delivery(2, "delivered") + "], " + TARGETS
							+ ", 'nextToken': 'page-2'}")
			.answer("listNotifications", 200,
					"{'notifications': [" + delivery(1, "delivered") + "], " + TARGETS + ", 'nextToken': null}");

		Result result = cli("list-notifications", "--status", "delivered", "--event", "backup-failed", "--target",
				"ops", "--page-size", "2");

		assertThat(result.exit()).isZero();
		assertThat(
				result.stdoutJson().path("notifications").valueStream().map((n) -> n.path("notificationId").asString()))
			.containsExactly("3", "2", "1");
		assertThat(result.stdoutJson().path("targets").path(0).path("origin").asString())
			.isEqualTo("https://hooks.example.com");
		assertThat(result.stdoutJson().path("counts").path("delivered").asInt()).isEqualTo(2);
		assertThat(result.stdoutJson().path("nextToken").isNull()).isTrue();
		assertThat(this.runner.calls()).hasSize(2);
		assertThat(this.runner.calls().get(0).body()).isEqualTo(JSON.readTree(
				"{\"status\": \"delivered\", \"event\": \"backup-failed\", \"target\": \"ops\", \"pageSize\": 2}"));
		assertThat(this.runner.calls().get(1).body().path("startingToken").asString()).isEqualTo("page-2");
	}

	@Test
	void listNotificationsStopsAtMaxItemsWithTheTokenToGoOn() {
		this.runner.answer("listNotifications", 200,
				"{'notifications': [" + delivery(3, "failed") + "], " + TARGETS + ", 'nextToken': 'page-2'}");

		Result result = cli("list-notifications", "--max-items", "1");

		assertThat(result.exit()).isZero();
		assertThat(this.runner.onlyCall().body().path("pageSize").asInt()).isEqualTo(1);
		assertThat(result.stdoutJson().path("nextToken").asString()).isEqualTo("page-2");
	}

	@Test
	void listNotificationsOfAWorkspaceNamedByItsNameSendsItsCrn() {
		this.runner
			.answer("listWorkspaces", 200,
					"{'workspaces': [{'workspaceName': 'ws-1', 'environmentName': 'env', 'workspaceCrn': 'crn:w:1'}]}")
			.answer("listNotifications", 200, "{'notifications': [], " + TARGETS + ", 'nextToken': null}");

		Result result = cli("list-notifications", "--workspace-name", "ws-1");

		assertThat(result.exit()).isZero();
		assertThat(this.runner.calls()).extracting(FakeRunner.Call::operation)
			.containsExactly("listWorkspaces", "listNotifications");
		assertThat(this.runner.calls().get(1).body().path("workspaceCrn").asString()).isEqualTo("crn:w:1");
	}

	@Test
	void sendTestNotificationNamesTheTargetAndPrintsTheDeliveredNotification() {
		this.runner.answer("sendTestNotification", 200, "{'notification': " + test("delivered", 200, null) + "}");

		Result result = cli("send-test-notification", "--target", "ops");

		assertThat(result.exit()).isZero();
		assertThat(this.runner.onlyCall().body()).isEqualTo(JSON.readTree("{\"target\": \"ops\"}"));
		assertThat(result.stdoutJson().path("notification").path("status").asString()).isEqualTo("delivered");
	}

	/**
	 * A test the receiver did not take exits 1, with the answer printed (its first
	 * attempt failed; it is retried like any notification's).
	 */
	@Test
	void aTestWhoseFirstAttemptFailedIsPrintedPendingWithTheReceiversAnswerAndExitsOne() {
		this.runner.answer("sendTestNotification", 200,
				"{'notification': " + test("pending", 503, "HTTP 503: try later") + "}");

		Result result = cli("send-test-notification", "--target", "ops");

		assertThat(result.exit()).isEqualTo(1);
		JsonNode notification = result.stdoutJson().path("notification");
		assertThat(notification.path("status").asString()).isEqualTo("pending");
		assertThat(notification.path("lastError").asString()).isEqualTo("HTTP 503: try later");
		assertThat(notification.path("attempts").asInt()).isEqualTo(1);
	}

	@Test
	void sendTestNotificationWithoutATargetIsBadUsageAndCallsNothing() {
		Result result = cli("send-test-notification");

		assertThat(result.exit()).isEqualTo(2);
		assertThat(result.stderr()).contains("--target");
		assertThat(this.runner.calls()).isEmpty();
	}

	@Test
	void anUnknownTargetExitsOneWithTheRunnersError() {
		this.runner.answer("sendTestNotification", 404,
				"{'code': 'NOT_FOUND', 'message': 'no notification target nope is configured; the targets are ops'}");

		Result result = cli("send-test-notification", "--target", "nope");

		assertThat(result.exit()).isEqualTo(1);
		assertThat(result.stdoutJson().path("code").asString()).isEqualTo("NOT_FOUND");
		assertThat(result.stdoutJson().path("message").asString()).contains("the targets are ops");
	}

	private static String delivery(int id, String status) {
		return "{'notificationId': '" + id + "', 'eventId': 'e-" + id
				+ "', 'event': 'backup-failed', 'eventType': 'io.wsbackup.backup.failed', 'target': 'ops', "
				+ "'workspaceCrn': 'crn:w:1', 'subjectCrn': 'crn:b:" + id + "', 'message': 'backup b-" + id
				+ " failed', 'status': '" + status + "', 'attempts': 1, 'createdAt': '2026-12-04T10:00:0" + id + "Z'}";
	}

	private static String test(String status, int answered, String error) {
		return "{'notificationId': '9', 'eventId': 'e-9', 'event': 'test', 'eventType': 'io.wsbackup.test', "
				+ "'target': 'ops', 'message': 'test notification to target ops', 'status': '" + status
				+ "', 'attempts': 1, 'lastResponseStatus': " + answered + ", 'lastError': "
				+ (error == null ? "null" : "'" + error + "'") + "}";
	}

	private Result cli(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int exit = new WsbackupCli(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("WSBACKUP_ENDPOINT", this.runner.endpoint()))
			.run(args);
		return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	private record Result(int exit, String stdout, String stderr) {

		JsonNode stdoutJson() {
			return JSON.readTree(this.stdout);
		}

	}

}
