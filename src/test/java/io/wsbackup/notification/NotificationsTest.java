package io.wsbackup.notification;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.MeterRegistry;
import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.events.EventLog;
import io.wsbackup.execution.ExecutionEvents;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.restore.DrillLauncher;
import io.wsbackup.restore.DrillStarted;
import io.wsbackup.restore.RestoreInput;
import io.wsbackup.restore.RestoreStarted;
import io.wsbackup.system.ErrorCode;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.verification.VerifyLauncher;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Notifications end to end on the real store, with the fakes at the ports and a real HTTP
 * receiver: each outcome reaches the targets that want it, signed, once; a receiver that
 * answers 503 gets it once it answers 200; a claim left by a dead runner ends and another
 * sender delivers it once; two senders deliver each notification once.
 */
class NotificationsTest extends WsbackupTestSupport {

	static final Receiver RECEIVER = new Receiver();

	static final String SECRET = "s3cret-of-all";

	/** Where the receiver of target "later" listens once it is up. */
	static final int LATER_PORT = Receiver.freePort();

	static final String CREATOR = "crn:test:notifications";

	@DynamicPropertySource
	static void targets(DynamicPropertyRegistry registry) {
		String t = "wsbackup.notifications.targets.";
		registry.add(t + "all.url", () -> RECEIVER.url("/all"));
		registry.add(t + "all.secret", () -> SECRET);
		registry.add(t + "failures.url", () -> RECEIVER.url("/failures"));
		registry.add(t + "failures.format", () -> "slack");
		registry.add(t + "failures.events", () -> "backup-failed,backup-timed-out");
		registry.add(t + "nightly.url", () -> RECEIVER.url("/nightly"));
		registry.add(t + "nightly.secret", () -> "nightly-secret");
		registry.add(t + "nightly.schedules", () -> "nightly");
		registry.add(t + "flaky.url", () -> RECEIVER.url("/flaky"));
		registry.add(t + "flaky.secret", () -> "flaky-secret");
		registry.add(t + "flaky.events", () -> "runner-took-over");
		registry.add(t + "gone.url", () -> "http://127.0.0.1:9/nobody-listens");
		registry.add(t + "gone.secret", () -> "gone-secret");
		registry.add(t + "gone.events", () -> "runner-took-over");
		registry.add(t + "later.url", () -> "http://127.0.0.1:" + LATER_PORT + "/later");
		registry.add(t + "later.secret", () -> "later-secret");
		registry.add(t + "later.events", () -> "delete-failed");
		registry.add("wsbackup.notifications.poll-interval", () -> "100ms");
		registry.add("wsbackup.notifications.first-retry", () -> "200ms");
		registry.add("wsbackup.notifications.max-retry-interval", () -> "400ms");
		registry.add("wsbackup.notifications.request-timeout", () -> "2s");
	}

	@AfterAll
	static void stopReceiver() {
		RECEIVER.close();
	}

	@org.springframework.boot.test.web.server.LocalServerPort
	int port;

	@Autowired
	Launcher launcher;

	@Autowired
	VerifyLauncher verifications;

	@Autowired
	DrillLauncher drills;

	@Autowired
	Notifications notifications;

	@Autowired
	Outbox outbox;

	@Autowired
	NotificationSender sender;

	@Autowired
	NotificationSettings settings;

	@Autowired
	EventLog events;

	@Autowired
	ExecutionEvents executionEvents;

	@Autowired
	MeterRegistry registry;

	@Autowired
	WsbackupProperties properties;

	@Autowired
	PlatformTransactionManager transactionManager;

	private List<Receiver.Request> awaitReceived(String path, String subject, int count) {
		return await().atMost(Duration.ofSeconds(30))
			.until(() -> RECEIVER.about(path, subject), (r) -> r.size() >= count);
	}

	/**
	 * The one CloudEvent of this type about the subject at this path (after a settle).
	 */
	private JsonNode onlyEvent(String path, String subject, String type) {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> RECEIVER.about(path, subject)
				.stream()
				.anyMatch((r) -> type.equals(r.json().path("type").asString())));
		List<Receiver.Request> ofType = RECEIVER.about(path, subject)
			.stream()
			.filter((r) -> type.equals(r.json().path("type").asString()))
			.toList();
		assertThat(ofType).as(type + " about " + subject + " at " + path).hasSize(1);
		Receiver.Request request = ofType.get(0);
		assertThat(request.header("Content-Type")).isEqualTo("application/cloudevents+json");
		assertThat(request.signedWith(SECRET)).as("signed with the target's secret").isTrue();
		assertThat(request.signedWith("another secret")).isFalse();
		JsonNode event = request.json();
		assertThat(event.path("specversion").asString()).isEqualTo("1.0");
		assertThat(event.path("id").asString()).isNotBlank();
		assertThat(event.path("source").asString())
			.isEqualTo("/wsbackup/" + properties.accountId() + "/" + properties.region());
		assertThat(event.path("subject").asString()).isEqualTo(subject);
		assertThat(event.path("datacontenttype").asString()).isEqualTo("application/json");
		return event;
	}

	private Backup backUp(Workspace ws, String name, String creator) {
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), name, null, creator);
		awaitJobEnd(backup);
		return reload(backup);
	}

	@Test
	void aSucceededAndAFailedBackupReachEachTargetThatWantsThemOnceSigned() {
		Workspace ws = newWorkspace();
		Backup good = backUp(ws, "good", CREATOR);
		cloud.failJobOf("fs-" + ws.name(), "the vault is on fire");
		Backup bad = backUp(ws, "bad", CREATOR);
		assertThat(bad.status()).isEqualTo(BackupStatus.FAILED);

		JsonNode succeeded = onlyEvent("/all", good.crn().toString(), "io.wsbackup.backup.succeeded");
		assertThat(succeeded.path("data").path("status").asString()).isEqualTo("succeeded");
		assertThat(succeeded.path("data").path("backupName").asString()).isEqualTo("good");
		assertThat(succeeded.path("data").path("workspaceName").asString()).isEqualTo(ws.name());
		assertThat(succeeded.path("data").path("workspaceCrn").asString()).isEqualTo(ws.crn().toString());
		JsonNode failed = onlyEvent("/all", bad.crn().toString(), "io.wsbackup.backup.failed");
		assertThat(failed.path("data").path("failureReason").asString()).contains("the vault is on fire");
		assertThat(failed.path("data").path("message").asString()).contains("bad", ws.name(), "failed");

		// the failures target hears the failure only, as Slack text, unsigned (it has no
		// secret)
		Receiver.Request slack = awaitReceived("/failures", ws.name(), 1).get(0);
		assertThat(slack.json().path("text").asString()).contains("backup-failed", "the vault is on fire");
		assertThat(slack.header(Payloads.SIGNATURE_HEADER)).isNull();
		// a schedule's own target hears nothing of a backup no schedule started
		await().during(Duration.ofMillis(500))
			.atMost(Duration.ofSeconds(5))
			.until(() -> RECEIVER.about("/failures", ws.name()).size() == 1
					&& RECEIVER.about("/nightly", ws.crn().toString()).isEmpty());
		assertThat(RECEIVER.about("/failures", ws.name())).as("the failure only").hasSize(1);
		assertThat(RECEIVER.about("/nightly", ws.crn().toString())).isEmpty();

		List<Outbox.Delivery> listed = outbox.pageNewestFirst(null, null, null, ws.crn().toString(), null, 100);
		assertThat(listed).extracting(Outbox.Delivery::target).containsExactlyInAnyOrder("all", "all", "failures");
		assertThat(listed).allSatisfy((d) -> {
			assertThat(d.status()).isEqualTo(Outbox.Status.DELIVERED);
			assertThat(d.attempts()).isEqualTo(1);
			assertThat(d.lastResponseStatus()).isEqualTo(200);
		});
		assertThat(counter("backup-succeeded", "delivered")).isGreaterThanOrEqualTo(1);
	}

	@Test
	void aBackupAScheduleStartedReachesTheSchedulesOwnTarget() {
		Workspace ws = newWorkspace();
		Backup nightly = backUp(ws, "nightly-1", "crn:cdp:iam:us-west-2:123456789012:schedule:nightly");
		Receiver.Request request = awaitReceived("/nightly", nightly.crn().toString(), 1).get(0);
		assertThat(request.signedWith("nightly-secret")).isTrue();
		assertThat(request.json().path("data").path("schedule").asString()).isEqualTo("nightly");
		onlyEvent("/all", nightly.crn().toString(), "io.wsbackup.backup.succeeded");
	}

	@Test
	void aCancelledBackupIsTold() {
		Workspace ws = newWorkspace();
		cloud.holdSnapshots();
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "cancelled", null, CREATOR);
		await().atMost(Duration.ofSeconds(20))
			.until(() -> events.list(ws.crn().toString(), backup.crn().toString(), 1000)
				.stream()
				.anyMatch((e) -> e.percentDone() != null));
		launcher.cancelBackup(backup.crn().toString());
		awaitJobEnd(backup);
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.CANCELLED);
		onlyEvent("/all", backup.crn().toString(), "io.wsbackup.backup.cancelled");
	}

	@Test
	void aBackupThatWillMissItsTimeoutIsToldOnceThenItsTimeoutIsToldAsSuch() {
		Workspace ws = newWorkspace();
		cloud.holdSnapshots();
		// the fake cloud's estimate: a minute per poll left, a hundred polls at 1% each
		cloud.setPercentPerPoll(1);
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "slow", 10, CREATOR);
		JsonNode warned = onlyEvent("/all", backup.crn().toString(), "io.wsbackup.backup.will-miss-timeout");
		assertThat(warned.path("data").path("message").asString()).contains("will miss its timeout",
				"10-minute timeout");
		assertThat(warned.path("data").path("status").asString()).isEqualTo("running");
		clock.advance(Duration.ofMinutes(11));
		awaitJobEnd(backup);
		assertThat(reload(backup).failureReason()).contains("timed out");

		onlyEvent("/all", backup.crn().toString(), "io.wsbackup.backup.timed-out");
		Receiver.Request slack = awaitReceived("/failures", ws.name(), 1).get(0);
		assertThat(slack.json().path("text").asString()).contains("backup-timed-out");
		assertThat(RECEIVER.about("/all", backup.crn().toString())).as("told once each, never as a plain failure")
			.extracting((r) -> r.json().path("type").asString())
			.containsExactlyInAnyOrder("io.wsbackup.backup.will-miss-timeout", "io.wsbackup.backup.timed-out");
	}

	@Test
	void aRestoreThatSucceedsAndOneThatFailsAreTold() {
		Workspace ws = newWorkspace();
		Backup backup = backUp(ws, "kept", CREATOR);
		RestoreStarted ok = restore(backup, "r-" + ws.name());
		JsonNode restored = onlyEvent("/all", ok.workspaceCrn().toString(), "io.wsbackup.restore.succeeded");
		assertThat(restored.path("data").path("backupCrn").asString()).isEqualTo(backup.crn().toString());
		assertThat(restored.path("data").path("status").asString())
			.isEqualTo(WorkspaceStatus.INSTALLATION_FINISHED.text());

		cloud.failRestoreOf(backups.recoveryPoints(backup.crn()).get(0).recoveryPointId(), "the restore broke");
		RestoreStarted broken = restore(backup, "f-" + ws.name());
		JsonNode failed = onlyEvent("/all", broken.workspaceCrn().toString(), "io.wsbackup.restore.failed");
		assertThat(failed.path("data").path("failureReason").asString()).contains("the restore broke");
	}

	private RestoreStarted restore(Backup backup, String name) {
		return launcher.restoreWorkspace(RestoreInput.parse(JsonMapper.builder().build().readTree("""
				{"backupCrn": "%s", "newWorkspaceParameters": {"environmentName": "env-test", "workspaceName": "%s"}}
				""".formatted(backup.crn(), name))));
	}

	@Test
	void aDeleteThatFailsIsTold() {
		Workspace ws = newWorkspace();
		Backup backup = backUp(ws, "doomed", CREATOR);
		cloud.failNextDeleteRecoveryPoint("access denied to the vault");
		launcher.deleteBackup(backup.crn().toString());
		JsonNode failed = onlyEvent("/all", backup.crn().toString(), "io.wsbackup.delete.failed");
		assertThat(failed.path("data").path("message").asString()).contains("access denied to the vault",
				"stays deleting");
	}

	@Test
	void aFailedVerificationAndAFailedDrillAreToldAndTheDrillsScratchRestoreIsNot() {
		Workspace ws = newWorkspace();
		Backup backup = backUp(ws, "checked", CREATOR);
		var points = backups.recoveryPoints(backup.crn());
		cloud.makeUnsound(points.get(0).recoveryPointId(), "data/model.bin: checksum mismatch");
		verifications.verifyBackup(backup.crn().toString());
		JsonNode unsound = onlyEvent("/all", backup.crn().toString(), "io.wsbackup.verification.failed");
		assertThat(unsound.path("data").path("problems").toString()).contains("checksum mismatch");
		assertThat(unsound.path("data").path("verifiedBy").asString()).isEqualTo("in-place");

		Backup second = backUp(ws, "drilled", CREATOR);
		cloud.makeRestoredUnsound("restored-" + backups.recoveryPoints(second.crn()).get(0).recoveryPointId(),
				"models/model.bin: checksum mismatch");
		DrillStarted drill = drills.drillBackup(null, second.crn().toString(), CREATOR);
		JsonNode drillFailed = onlyEvent("/all", second.crn().toString(), "io.wsbackup.drill.failed");
		assertThat(drillFailed.path("data").path("verifiedBy").asString()).isEqualTo("drill");
		assertThat(drillFailed.path("data").path("message").asString()).contains("restore drill", "checksum mismatch");
		assertThat(RECEIVER.about("/all", drill.scratchWorkspaceCrn()))
			.as("the scratch workspace's restore tells nothing of its own")
			.isEmpty();
	}

	@Test
	void aRunnersTakeoverIsTold() {
		Workspace ws = newWorkspace();
		Backup backup = backUp(ws, "taken", CREATOR);
		executionEvents.tookOver(
				new JobParametersBuilder().addString("backupCrn", backup.crn().toString()).toJobParameters(),
				"runner runner-dead stopped heartbeating; job execution 1 recovered and restarted");
		JsonNode took = onlyEvent("/all", backup.crn().toString(), "io.wsbackup.runner.took-over");
		assertThat(took.path("data").path("workspaceCrn").asString()).isEqualTo(ws.crn().toString());
		assertThat(took.path("data").path("message").asString()).contains("stopped heartbeating");
		assertThat(awaitReceived("/flaky", backup.crn().toString(), 1)).hasSize(1);
	}

	@Test
	void aBackupPutBackAfterARestartThatCouldNotBeLaunchedTellsNothingWhileItsEndDoes() {
		Workspace ws = newWorkspace();
		Backup backup = new Backup(io.wsbackup.workspace.Crn.newBackup(ws.crn()), ws.crn(), "reopened", CREATOR,
				clock.instant(), "2.0.47", BackupStatus.RUNNING, 60, "mlx-test", null, List.of(), null);
		backups.insert(backup);
		// a reopened backup whose restart could not be launched goes back as it was
		assertThat(backups.putBack(backup.crn(), BackupStatus.RUNNING, BackupStatus.FAILED, "the old reason")).isTrue();
		assertThat(outbox.pageNewestFirst(null, null, null, ws.crn().toString(), null, 10)).isEmpty();
		// a real end tells
		assertThat(backups.moveStatus(backup.crn(), BackupStatus.FAILED, BackupStatus.RUNNING, null)).isTrue();
		assertThat(backups.moveStatus(backup.crn(), BackupStatus.RUNNING, BackupStatus.FAILED, "the new reason"))
			.isTrue();
		assertThat(outbox.pageNewestFirst(null, null, null, ws.crn().toString(), null, 10))
			.extracting(Outbox.Delivery::event)
			.containsOnly("backup-failed")
			.isNotEmpty();
		onlyEvent("/all", backup.crn().toString(), "io.wsbackup.backup.failed");
	}

	@Test
	void aReceiverThatAnswers503IsSentTheEventAgainWithBackOffUntilItTakesItOnce() {
		RECEIVER.answerFirst("/flaky", 503, 503);
		Outbox.Delivery first = sender.sendTest("flaky", CREATOR);
		assertThat(first.status()).isEqualTo(Outbox.Status.PENDING);
		assertThat(first.attempts()).isEqualTo(1);
		assertThat(first.lastResponseStatus()).isEqualTo(503);
		assertThat(first.lastError()).contains("HTTP 503", "not now");
		Outbox.Delivery delivered = await().atMost(Duration.ofSeconds(20))
			.until(() -> outbox.find(first.id()).orElseThrow(), (d) -> d.status() == Outbox.Status.DELIVERED);
		assertThat(delivered.attempts()).isEqualTo(3);
		assertThat(delivered.lastError()).isNull();
		assertThat(RECEIVER.about("/flaky", first.eventId())).as("taken once").hasSize(1);
		assertThat(RECEIVER.about("/flaky", first.eventId()).get(0).json().path("type").asString())
			.isEqualTo("io.wsbackup.test");
		assertThat(counter("test", "retried")).isGreaterThanOrEqualTo(2);
	}

	@Test
	void aReceiverThatIsDownForAWhileGetsTheEventOnceItIsUp() {
		Outbox.Delivery refused = sender.sendTest("later", CREATOR);
		assertThat(refused.status()).isEqualTo(Outbox.Status.PENDING);
		assertThat(refused.lastError()).isEqualTo("could not connect to http://127.0.0.1:" + LATER_PORT
				+ " (refused or unreachable: is the receiver up?)");
		// down for a few more attempts
		await().atMost(Duration.ofSeconds(20)).until(() -> outbox.find(refused.id()).orElseThrow().attempts() >= 3);
		try (Receiver later = new Receiver(LATER_PORT)) {
			Outbox.Delivery delivered = await().atMost(Duration.ofSeconds(20))
				.until(() -> outbox.find(refused.id()).orElseThrow(), (d) -> d.status() == Outbox.Status.DELIVERED);
			assertThat(delivered.attempts()).isGreaterThanOrEqualTo(4);
			await().during(Duration.ofMillis(500))
				.atMost(Duration.ofSeconds(5))
				.until(() -> later.about("/later", refused.eventId()).size() == 1);
			assertThat(later.about("/later", refused.eventId())).as("delivered once")
				.singleElement()
				.satisfies((r) -> assertThat(r.signedWith("later-secret")).isTrue());
		}
	}

	@Test
	void aTestSendAnswersItsFirstAttemptAndRefusesATargetThatIsNotConfigured() {
		Outbox.Delivery delivered = sender.sendTest("all", CREATOR);
		assertThat(delivered.status()).isEqualTo(Outbox.Status.DELIVERED);
		assertThat(delivered.attempts()).isEqualTo(1);
		assertThat(RECEIVER.about("/all", delivered.eventId())).singleElement()
			.satisfies((r) -> assertThat(r.signedWith(SECRET)).isTrue());

		Outbox.Delivery unanswered = sender.sendTest("gone", CREATOR);
		assertThat(unanswered.status()).isEqualTo(Outbox.Status.PENDING);
		assertThat(unanswered.attempts()).isEqualTo(1);
		assertThat(unanswered.lastResponseStatus()).isNull();
		assertThat(unanswered.lastError()).isNotBlank().doesNotContain("nobody-listens");
		assertThat(unanswered.nextAttemptAt()).as(unanswered.toString()).isAfter(unanswered.lastAttemptAt());

		assertThatThrownBy(() -> sender.sendTest("nobody", CREATOR)).isInstanceOf(WsbackupException.class)
			.hasMessageContaining("no notification target nobody is configured; the targets are all, failures")
			.satisfies((ex) -> assertThat(((WsbackupException) ex).code()).isEqualTo(ErrorCode.NOT_FOUND));
		assertThatThrownBy(() -> sender.sendTest(" ", CREATOR)).isInstanceOf(WsbackupException.class)
			.satisfies((ex) -> assertThat(((WsbackupException) ex).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
	}

	@Test
	void aTargetThatNeverAnswersIsGivenUpAfterItsRetryPeriodWithAnErrorEventAndTheMetric() {
		Workspace ws = newWorkspace();
		Backup backup = backUp(ws, "unheard", CREATOR);
		double failedBefore = counter("runner-took-over", "failed");
		int failedShownBefore = listWorkspacesSummary(ws.environmentName()).path("notificationsFailed").asInt();
		executionEvents.tookOver(
				new JobParametersBuilder().addString("backupCrn", backup.crn().toString()).toJobParameters(),
				"runner runner-gone shut down and released it");
		Outbox.Delivery pending = await().atMost(Duration.ofSeconds(20))
			.until(() -> outbox.pageNewestFirst(null, "runner-took-over", "gone", ws.crn().toString(), null, 1),
					(l) -> !l.isEmpty() && l.get(0).attempts() >= 1)
			.get(0);
		assertThat(pending.status()).isEqualTo(Outbox.Status.PENDING);
		assertThat(pending.lastError()).isNotBlank();
		clock.advance(settings.retryFor().plusMinutes(1));
		Outbox.Delivery failed = await().atMost(Duration.ofSeconds(20))
			.until(() -> outbox.find(pending.id()).orElseThrow(), (d) -> d.status() == Outbox.Status.FAILED);
		// the main screen says so: the fleet summary of listWorkspaces counts it (with
		// those of this class's other tests that the clock's jump gave up too)
		assertThat(listWorkspacesSummary(ws.environmentName()).path("notificationsFailed").asInt())
			.isGreaterThanOrEqualTo(failedShownBefore + 1);
		assertThat(failed.attempts()).isGreaterThanOrEqualTo(2);
		assertThat(counter("runner-took-over", "failed")).isEqualTo(failedBefore + 1);
		assertThat(events.list(ws.crn().toString(), backup.crn().toString(), 100)).anySatisfy((e) -> {
			assertThat(e.level()).isEqualTo("ERROR");
			assertThat(e.message()).contains("to target gone failed for good", "runner-took-over");
			assertThat(e.message()).doesNotContain("gone-secret", "nobody-listens");
		});
	}

	@Test
	void aClaimLeftByADeadRunnerEndsAndAnotherSenderDeliversItOnce() {
		// a runner that claimed the notification and died before it sent it
		String eventId = new TransactionTemplate(transactionManager).execute((s) -> outbox.add(
				new Notice(NotificationEvent.TEST, null, null, null, "left by a dead runner", Map.of()),
				List.of("flaky")));
		List<Outbox.Delivery> stolen = List.of();
		for (int i = 0; i < 50 && stolen.isEmpty(); i++) {
			stolen = outbox.claimDue("sender-dead", clock.instant().plus(Duration.ofMinutes(1)), 100, List.of("flaky"))
				.stream()
				.filter((d) -> d.eventId().equals(eventId))
				.toList();
		}
		if (stolen.isEmpty()) {
			// the live sender was first: nothing was left to a dead runner
			assertThat(awaitReceived("/flaky", eventId, 1)).hasSize(1);
			return;
		}
		long id = stolen.get(0).id();
		await().during(Duration.ofMillis(600))
			.atMost(Duration.ofSeconds(5))
			.until(() -> RECEIVER.about("/flaky", eventId).isEmpty());
		assertThat(RECEIVER.about("/flaky", eventId)).as("not sent while the dead runner's claim lasts").isEmpty();
		clock.advance(Duration.ofMinutes(2));
		Outbox.Delivery delivered = await().atMost(Duration.ofSeconds(20))
			.until(() -> outbox.find(id).orElseThrow(), (d) -> d.status() == Outbox.Status.DELIVERED);
		assertThat(delivered.claimedBy()).isNotEqualTo("sender-dead");
		assertThat(RECEIVER.about("/flaky", eventId)).hasSize(1);
	}

	@Test
	void aRunnerLeavesATargetItDoesNotKnowToTheRunnersThatDoUntilNoneTookItInItsRetryPeriod() {
		// written by a runner configured with a target this one lacks (a rolling change)
		Workspace ws = newWorkspace();
		String eventId = new TransactionTemplate(transactionManager)
			.execute((s) -> outbox.add(new Notice(NotificationEvent.RESTORE_FAILED, ws.crn().toString(),
					ws.crn().toString(), null, "for a target of another runner", Map.of()), List.of("elsewhere")));
		double failedBefore = counter("restore-failed", "failed");
		long id = outbox.ofEvent(eventId).get(0).id();
		await().during(Duration.ofMillis(500))
			.atMost(Duration.ofSeconds(5))
			.until(() -> outbox.find(id).orElseThrow().attempts() == 0);
		Outbox.Delivery left = outbox.find(id).orElseThrow();
		assertThat(left.status()).isEqualTo(Outbox.Status.PENDING);
		assertThat(left.attempts()).isZero();
		assertThat(left.claimedBy()).isNull();

		sender.cleanUp();
		assertThat(outbox.find(id).orElseThrow().status()).as("within its retry period")
			.isEqualTo(Outbox.Status.PENDING);
		clock.advance(settings.retryFor().plusDays(1).plusMinutes(1));
		sender.cleanUp();
		Outbox.Delivery expired = outbox.find(id).orElseThrow();
		assertThat(expired.status()).isEqualTo(Outbox.Status.FAILED);
		assertThat(expired.lastError()).contains("no runner sent it within its retry period",
				"is target elsewhere configured on every runner?");
		assertThat(expired.attempts()).isZero();
		assertThat(counter("restore-failed", "failed")).isEqualTo(failedBefore + 1);
		assertThat(events.list(ws.crn().toString(), null, 10)).anySatisfy((e) -> {
			assertThat(e.level()).isEqualTo("ERROR");
			assertThat(e.message()).contains("to target elsewhere failed: no runner sent it");
		});
	}

	@Test
	void twoSendersDeliverEachNotificationOnce() throws InterruptedException {
		NotificationSender second = new NotificationSender(notifications, settings, outbox, events, registry, clock,
				properties, true);
		List<String> eventIds = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			int n = i;
			eventIds.add(new TransactionTemplate(transactionManager).execute((s) -> outbox.add(
					new Notice(NotificationEvent.TEST, null, null, null, "one of forty, number " + n, Map.of()),
					List.of("flaky"))));
		}
		AtomicBoolean sending = new AtomicBoolean(true);
		Thread other = Thread.ofVirtual().start(() -> {
			while (sending.get()) {
				second.sendDue();
			}
		});
		try {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> eventIds.stream()
					.allMatch((id) -> outbox.ofEvent(id).get(0).status() == Outbox.Status.DELIVERED));
		}
		finally {
			sending.set(false);
			other.join();
		}
		Set<String> senders = new HashSet<>();
		for (String id : eventIds) {
			assertThat(RECEIVER.about("/flaky", id)).as("event " + id).hasSize(1);
			senders.add(outbox.ofEvent(id).get(0).claimedBy());
		}
		assertThat(senders).isSubsetOf(second.claimer(), sender.claimer());
	}

	private JsonNode listWorkspacesSummary(String environment) {
		try {
			var response = java.net.http.HttpClient.newHttpClient()
				.send(asViewer(java.net.http.HttpRequest
					.newBuilder(java.net.URI.create("http://localhost:" + port + "/api/v1/ml/listWorkspaces")))
					.header("Content-Type", "application/json")
					.POST(java.net.http.HttpRequest.BodyPublishers
						.ofString("{\"environmentName\": \"" + environment + "\"}"))
					.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			return JsonMapper.builder().build().readTree(response.body()).path("summary");
		}
		catch (java.io.IOException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private double counter(String event, String outcome) {
		var counter = registry.find(NotificationSender.METRIC).tag("event", event).tag("outcome", outcome).counter();
		return counter == null ? 0 : counter.count();
	}

}
