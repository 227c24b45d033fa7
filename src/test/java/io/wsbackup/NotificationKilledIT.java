package io.wsbackup;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.wsbackup.notification.Receiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The notifications' "done when", end to end against the packaged jar on the embedded
 * default (H2 in the data dir, the {@code local} cloud): a failed backup delivers one
 * signed CloudEvent to a real HTTP receiver (the JDK's HttpServer, in this test), even
 * when the runner is killed ({@code kill -9}) after the failure's commit and before the
 * send. The first runner writes notifications but never sends them
 * ({@code wsbackup.notifications.sender-enabled=false}): its outbox row is committed with
 * the backup's end, and nothing is sent, exactly the window of a runner killed between
 * the two. The runner started again on the same data dir sends it once. A second
 * scenario: a receiver that answers 503 twice gets the event once, at the third attempt.
 *
 * <p>
 * A backup is made to fail the way an operator's would: a workspace registered with a
 * volume directory that is removed before its backup ({@code validateWorkspace} fails:
 * "cloud prerequisites missing: The volume directory ... does not exist").
 */
class NotificationKilledIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final String SECRET = "it-secret";

	private static final String BACKUP_FAILED_TYPE = "io.wsbackup.backup.failed";

	@TempDir
	Path data;

	@TempDir
	Path work;

	private final Receiver receiver = new Receiver();

	private final List<Process> runners = new ArrayList<>();

	private int started;

	@RegisterExtension
	final TestExecutionExceptionHandler showRunnerLogs = (context, failure) -> {
		// the runners' logs are in a temporary directory removed after the test: a
		// failure carries the end of each, so that CI's output says what they saw
		StringBuilder logs = new StringBuilder(String.valueOf(failure.getMessage()));
		for (int i = 1; i <= started; i++) {
			Path log = work.resolve("runner-" + i).resolve("runner.log");
			if (Files.exists(log)) {
				List<String> lines = Files.readAllLines(log);
				logs.append("\n--- the last lines of runner-")
					.append(i)
					.append("'s log ---\n")
					.append(String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())));
			}
		}
		throw new AssertionError(logs.toString(), failure);
	};

	@AfterEach
	void stopRunnersAndReceiver() throws InterruptedException {
		for (Process runner : runners) {
			runner.destroy();
			if (!runner.waitFor(30, TimeUnit.SECONDS)) {
				runner.destroyForcibly();
			}
		}
		receiver.close();
	}

	private record Runner(Process process, int port) {
	}

	@Test
	void aFailedBackupsNotificationCommittedBeforeAKillIsDeliveredOnceSignedByTheRestartedRunner() throws Exception {
		// given a runner that writes notifications but never sends them
		Runner first = start("/hook", "--wsbackup.notifications.sender-enabled=false");
		// when a backup fails on it
		String backupCrn = failABackup(first);
		JsonNode pending = onlyNotification(first, backupCrn);
		assertThat(pending.path("status").asString()).as(pending.toString()).isEqualTo("pending");
		assertThat(pending.path("attempts").asInt()).isZero();
		assertThat(receiver.answered()).as("the runner that cannot send has sent nothing").isZero();
		// and it is killed between the failure's commit and the send
		first.process().destroyForcibly();
		assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();

		// then the runner started again on the same data dir sends it, once, signed
		Runner second = start("/hook", "--wsbackup.notifications.poll-interval=1s");
		await("the failed backup's CloudEvent at the receiver, sent by the restarted runner")
			.atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> receiver.about("/hook", backupCrn), (r) -> !r.isEmpty());
		await("one request to the receiver, and no second one").during(Duration.ofSeconds(4))
			.atMost(Duration.ofSeconds(6))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> receiver.about("/hook", backupCrn).size() == 1 && receiver.answered() == 1);
		Receiver.Request request = receiver.about("/hook", backupCrn).get(0);
		assertSignedFailedBackupEvent(request, backupCrn, pending.path("eventId").asString());

		JsonNode delivered = onlyNotification(second, backupCrn);
		assertThat(delivered.path("status").asString()).as(delivered.toString()).isEqualTo("delivered");
		assertThat(delivered.path("attempts").asInt()).isEqualTo(1);
		assertThat(delivered.path("lastResponseStatus").asInt()).isEqualTo(200);
		assertThat(delivered.path("eventType").asString()).isEqualTo(BACKUP_FAILED_TYPE);
	}

	@Test
	void aReceiverThatAnswers503TwiceGetsTheFailedBackupsEventOnceAtTheThirdAttempt() throws Exception {
		// given a receiver that answers 503 to the first two requests
		receiver.answerFirst("/flaky", 503, 503);
		Runner runner = start("/flaky", "--wsbackup.notifications.poll-interval=1s",
				"--wsbackup.notifications.first-retry=1s");
		// when a backup fails
		String backupCrn = failABackup(runner);

		// then it is retried with back-off (1 s, then 2 s) and taken once
		await("the failed backup's CloudEvent taken by the receiver").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> receiver.about("/flaky", backupCrn), (r) -> !r.isEmpty());
		await("two 503s and one 200, and no fourth request").during(Duration.ofSeconds(4))
			.atMost(Duration.ofSeconds(6))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> receiver.about("/flaky", backupCrn).size() == 1 && receiver.answered() == 3);
		JsonNode delivered = onlyNotification(runner, backupCrn);
		assertSignedFailedBackupEvent(receiver.about("/flaky", backupCrn).get(0), backupCrn,
				delivered.path("eventId").asString());
		assertThat(delivered.path("status").asString()).as(delivered.toString()).isEqualTo("delivered");
		assertThat(delivered.path("attempts").asInt()).isEqualTo(3);
		assertThat(delivered.path("lastResponseStatus").asInt()).isEqualTo(200);
	}

	/**
	 * Registers a workspace whose volume directory is then removed, and backs it up: the
	 * backup ends {@code failed}.
	 * @return the failed backup's CRN
	 */
	private String failABackup(Runner runner) throws Exception {
		Path volume = Files.createDirectories(work.resolve("doomed").resolve("volume"));
		Files.writeString(volume.resolve("a.txt"), "gone before its backup");
		String workspaceCrn = call(runner, "registerWorkspace",
				"{\"workspaceName\": \"doomed\", \"environmentName\": \"local\", \"volumes\": [\"" + volume.toRealPath()
						+ "\"]}")
			.path("workspace")
			.path("workspaceCrn")
			.asString();
		Files.delete(volume.resolve("a.txt"));
		Files.delete(volume);
		String backupCrn = call(runner, "backupWorkspace",
				"{\"workspaceCrn\": \"" + workspaceCrn + "\", \"backupName\": \"will-fail\"}")
			.path("backupCrn")
			.asString();
		JsonNode ended = await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> call(runner, "describeWorkspaceBackup", "{\"backupCrn\": \"" + backupCrn + "\"}")
				.path("backup"), (b) -> !"running".equals(b.path("backupStatus").asString()));
		assertThat(ended.path("backupStatus").asString()).as(ended.toString()).isEqualTo("failed");
		assertThat(ended.path("failureReason").asString()).contains("does not exist");
		return backupCrn;
	}

	/**
	 * The request is the backup's failure as a CloudEvent (structured mode), signed with
	 * the target's secret the way docs/notifications.md tells a receiver to check it.
	 */
	private static void assertSignedFailedBackupEvent(Receiver.Request request, String backupCrn, String eventId) {
		String timestamp = request.header("X-Wsbackup-Timestamp");
		assertThat(timestamp).as("the timestamp header").matches("[0-9]+");
		assertThat(Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)))
			.as("a timestamp of the send, in unix seconds")
			.isLessThan(300);
		assertThat(request.header("X-Wsbackup-Signature")).as("v1=<hex HMAC-SHA256 of <timestamp>.<body>>")
			.isEqualTo("v1=" + hmacSha256Hex(SECRET, timestamp + "." + request.body()));
		assertThat(request.header("Content-Type")).startsWith("application/cloudevents+json");
		JsonNode event = request.json();
		assertThat(event.path("specversion").asString()).isEqualTo("1.0");
		assertThat(event.path("id").asString()).as("the outbox's event id").isEqualTo(eventId);
		assertThat(event.path("type").asString()).isEqualTo(BACKUP_FAILED_TYPE);
		assertThat(event.path("subject").asString()).isEqualTo(backupCrn);
		assertThat(event.path("source").asString()).isNotBlank();
		assertThat(event.path("time").asString()).isNotBlank();
		JsonNode data = event.path("data");
		assertThat(data.path("backupCrn").asString()).isEqualTo(backupCrn);
		assertThat(data.path("backupName").asString()).isEqualTo("will-fail");
		assertThat(data.path("workspaceName").asString()).isEqualTo("doomed");
		assertThat(data.path("workspaceCrn").asString()).startsWith("crn:cdp:ml:local:");
		assertThat(data.path("status").asString()).isEqualTo("failed");
		assertThat(data.path("failureReason").asString()).contains("does not exist");
		assertThat(data.path("message").asString()).contains("will-fail", "failed");
	}

	/** Computed here, not with the runner's code, as a receiver would. */
	private static String hmacSha256Hex(String secret, String signed) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
		}
		catch (java.security.GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The one notification listed about this backup. */
	private JsonNode onlyNotification(Runner runner, String backupCrn) throws Exception {
		List<JsonNode> about = call(runner, "listNotifications", "{}").path("notifications")
			.valueStream()
			.filter((n) -> backupCrn.equals(n.path("subjectCrn").asString()))
			.toList();
		assertThat(about).as("one notification about " + backupCrn).hasSize(1);
		return about.get(0);
	}

	/**
	 * A runner on the embedded default in this test's data dir, with one CloudEvents
	 * target at the receiver's {@code path} that wants failed backups.
	 */
	private Runner start(String path, String... settings) throws Exception {
		int port = PackagedRunner.freePort();
		Path dir = Files.createDirectories(work.resolve("runner-" + (++started)));
		Path schedules = Files.createDirectories(work.resolve("no-schedules"));
		List<String> arguments = new ArrayList<>(
				List.of("--wsbackup.data-dir=" + data, "--wsbackup.schedules-dir=" + schedules,
						"--wsbackup.notifications.targets.it.url=" + receiver.url(path),
						"--wsbackup.notifications.targets.it.secret=" + SECRET,
						"--wsbackup.notifications.targets.it.events=backup-failed"));
		arguments.addAll(List.of(settings));
		Process process = PackagedRunner.start(dir, port, Map.of(), arguments.toArray(String[]::new));
		runners.add(process);
		return new Runner(process, port);
	}

	/**
	 * Every HTTP call of this test goes through here, with the admin token the embedded
	 * default generated.
	 */
	private JsonNode call(Runner runner, String operation, String body) throws Exception {
		HttpResponse<String> response = HTTP
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.port() + "/api/v1/ml/" + operation))
				.header("Authorization", "Bearer " + PackagedRunner.adminToken(data))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(operation + ": " + response.body()).isEqualTo(200);
		return JSON.readTree(response.body());
	}

}
