package io.wsbackup.schedule;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.catalog.Verification;
import io.wsbackup.events.Event;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.restore.DrillParameters;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quartz.Scheduler;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drill schedules ({@code drill:}) on real Quartz over the real store, with the real
 * {@code drillBackup} job and fakes at the ports: a fire drills each matched workspace's
 * newest succeeded backup once, skips a workspace without one with an event, and leaves
 * the drilled backups verified and no scratch workspace behind.
 */
class ScheduleDrillTest extends WsbackupTestSupport {

	private static final Path DIR = Path.of("target", "test-schedules", UUID.randomUUID().toString()).toAbsolutePath();

	@DynamicPropertySource
	static void schedules(DynamicPropertyRegistry registry) throws IOException {
		Files.createDirectories(DIR);
		registry.add("wsbackup.schedules-dir", DIR::toString);
		registry.add("spring.quartz.auto-startup", () -> "true");
		registry.add("spring.quartz.scheduler-name", () -> "drill-" + UUID.randomUUID().toString().substring(0, 8));
		registry.add("spring.quartz.properties.org.quartz.jobStore.misfireThreshold", () -> "1000");
		registry.add("wsbackup.schedules.poll-interval", () -> "300ms");
	}

	@LocalServerPort
	int port;

	@Autowired
	ScheduleSync sync;

	@Autowired
	ScheduleService service;

	@Autowired
	Scheduler scheduler;

	@Autowired
	EventLog events;

	@Autowired
	Launcher launcher;

	@Autowired
	WorkspaceRepository workspaces;

	@Autowired
	RetentionSweeper retention;

	@Autowired
	Schedules schedules;

	@Autowired
	JdbcClient jdbc;

	@AfterEach
	void removeSchedules() throws Exception {
		try (var files = Files.list(DIR)) {
			for (Path file : files.toList()) {
				Files.delete(file);
			}
		}
		sync.reload();
	}

	@Test
	void aTriggeredDrillScheduleDrillsEachWorkspaceWithABackupOnceAndSkipsOneWithout() throws Exception {
		String env = environment();
		Workspace first = workspaceIn(env);
		Workspace second = workspaceIn(env);
		Workspace never = workspaceIn(env);
		Backup older = succeededBackup(first, "older");
		Backup firstNewest = succeededBackup(first, "newest");
		Backup secondNewest = succeededBackup(second, "only");
		writeDrill("drills", "0 0 0 1 1 ? 2099", env, "");

		service.trigger("drills");

		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(service.lastRun("drills")).hasValueSatisfying((run) -> {
				assertThat(run.outcome()).isEqualTo("partial");
				assertThat(run.items()).containsEntry("succeeded", 2).containsEntry("skipped", 1);
			}));
		assertThat(items("drills")).containsExactlyInAnyOrder(
				new ItemRow(first.crn().toString(), "succeeded", firstNewest.crn().toString()),
				new ItemRow(second.crn().toString(), "succeeded", secondNewest.crn().toString()),
				new ItemRow(never.crn().toString(), "skipped", null));
		for (Backup drilled : List.of(firstNewest, secondNewest)) {
			Verification v = backups.verification(drilled.crn());
			assertThat(v.status()).isEqualTo(Verification.Status.VERIFIED);
			assertThat(v.verifiedBy()).isEqualTo(Verification.DRILL);
			assertThat(v.lastVerifiedAt()).isNotNull();
			assertThat(reload(drilled).status()).isEqualTo(BackupStatus.SUCCEEDED);
		}
		assertThat(backups.verification(older.crn()).status()).as("only the newest succeeded backup is drilled")
			.isEqualTo(Verification.Status.NEVER);
		// exactly one drill per workspace, requested by the schedule
		String creator = schedules.creatorCrn(schedules.require("drills"));
		assertThat(creator).startsWith("crn:cdp:iam:").endsWith(":schedule:drills");
		assertThat(drillRequests(first)).singleElement().satisfies((m) -> assertThat(m).contains(creator));
		assertThat(drillRequests(second)).singleElement().satisfies((m) -> assertThat(m).contains(creator));
		assertThat(drillRequests(never)).isEmpty();
		assertThat(warnings(never)).extracting(Event::message)
			.anyMatch((m) -> m.startsWith("the scheduled drill is skipped: ") && m.contains("no succeeded backup"));
		assertThat(warnings(first)).isEmpty();
		// nothing of the drills is left
		await().atMost(Duration.ofSeconds(10)).until(() -> workspaces.scratchWorkspaces().isEmpty());
		assertThat(cloud.restoredResources()).isEmpty();
		assertThat(workspaces.list(env)).extracting(Workspace::name)
			.containsExactlyInAnyOrder(first.name(), second.name(), never.name());
		// retention never looks at a drill schedule
		assertThat(retention.sweepAll("sweep-" + UUID.randomUUID())).isEmpty();
	}

	@Test
	void theRestOperationsShowADrillScheduleTruthfullyAndPauseResumeAndTriggerIt() throws Exception {
		String env = environment();
		Workspace ws = workspaceIn(env);
		Backup backup = succeededBackup(ws, "rest");
		writeDrill("rest-drill", "0 0 3 * * ?", env, "stagger: 10m\n");

		JsonNode listed = post("listSchedules", "{\"schedule\": \"rest-drill\"}").path("schedules").get(0);
		assertThat(listed.path("kind").asString()).isEqualTo("drill");
		assertThat(listed.path("maxConcurrent").asInt()).isEqualTo(1);
		assertThat(listed.path("backupName").isNull()).isTrue();
		assertThat(listed.path("timeout").isNull()).isTrue();
		assertThat(listed.path("keepLast").isNull()).isTrue();
		assertThat(listed.path("maxAge").isNull()).isTrue();
		assertThat(post("pauseSchedule", "{\"schedule\": \"rest-drill\"}").at("/schedule/state").asString())
			.isEqualTo("paused");
		assertThat(post("resumeSchedule", "{\"schedule\": \"rest-drill\"}").at("/schedule/state").asString())
			.isEqualTo("active");
		assertThat(post("previewRetention", "{\"schedule\": \"rest-drill\"}").path("code").asString())
			.isEqualTo("INVALID_ARGUMENT");
		assertThat(post("triggerSchedule", "{\"schedule\": \"rest-drill\"}").path("runId").asString()).isNotBlank();

		await().atMost(Duration.ofSeconds(60))
			.until(() -> backups.verification(backup.crn()).status() == Verification.Status.VERIFIED);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> post("listSchedules", "{\"schedule\": \"rest-drill\"}").at("/schedules/0/lastRun/outcome")
				.asString()
				.equals("succeeded"));
	}

	@Test
	void aDrillScheduleFiringTwiceVerifiesTheBackupAgain() throws Exception {
		String env = environment();
		Workspace ws = workspaceIn(env);
		Backup backup = succeededBackup(ws, "twice");
		// fires every 3 s: a fire while the previous drill still verifies the backup is
		// skipped (the backup is being verified), a later one drills it again
		writeDrill("twice-drill", "0/3 * * * * ?", env, "");

		Instant firstVerified = await().atMost(Duration.ofSeconds(60))
			.until(() -> backups.verification(backup.crn()).lastVerifiedAt(), (t) -> t != null);
		Instant again = await().atMost(Duration.ofSeconds(60))
			.until(() -> backups.verification(backup.crn()).lastVerifiedAt(),
					(t) -> t != null && t.isAfter(firstVerified));
		service.pause("twice-drill");

		assertThat(again).isAfter(firstVerified);
		assertThat(backups.verification(backup.crn()).status()).isEqualTo(Verification.Status.VERIFIED);
		assertThat(drillRequests(ws)).hasSizeGreaterThanOrEqualTo(2);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> items("twice-drill").stream()
				.noneMatch((i) -> i.status().equals("running") || i.status().equals("pending")));
		assertThat(items("twice-drill")).extracting(ItemRow::status).isSubsetOf("succeeded", "skipped");
		assertThat(warnings(ws)).extracting(Event::message)
			.allMatch((m) -> m.startsWith("the scheduled drill is skipped: ") && m.contains("is being verified"));
		await().atMost(Duration.ofSeconds(10)).until(() -> workspaces.scratchWorkspaces().isEmpty());
		assertThat(cloud.restoredResources()).isEmpty();
	}

	@Test
	void theCapRunsTheSchedulesDrillsOneAtATimeByDefault() throws Exception {
		String env = environment();
		List<Workspace> matched = List.of(workspaceIn(env), workspaceIn(env), workspaceIn(env));
		List<Backup> drilled = matched.stream().map((ws) -> succeededBackup(ws, "capped")).toList();
		// restores take a few polls each, so that a drill runs long enough to be seen
		cloud.setPercentPerPoll(10);
		writeDrill("capped-drill", "0 0 0 1 1 ? 2099", env, "");
		AtomicInteger maxVerifying = new AtomicInteger();
		AtomicInteger maxScratch = new AtomicInteger();
		Callable<Boolean> allVerified = () -> {
			long verifying = drilled.stream()
				.filter((b) -> backups.verification(b.crn()).status() == Verification.Status.VERIFYING)
				.count();
			maxVerifying.accumulateAndGet((int) verifying, Math::max);
			maxScratch.accumulateAndGet(workspaces.scratchWorkspaces().size(), Math::max);
			return drilled.stream()
				.allMatch((b) -> backups.verification(b.crn()).status() == Verification.Status.VERIFIED);
		};

		service.trigger("capped-drill");

		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(allVerified);
		assertThat(maxVerifying).as("drills verifying at once").hasValue(1);
		assertThat(maxScratch).as("scratch workspaces at once").hasValueLessThanOrEqualTo(1);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(service.lastRun("capped-drill")).hasValueSatisfying((run) -> {
				assertThat(run.outcome()).isEqualTo("succeeded");
				assertThat(run.items()).containsEntry("succeeded", 3);
			}));
		await().atMost(Duration.ofSeconds(10)).until(() -> workspaces.scratchWorkspaces().isEmpty());
	}

	@Test
	void aDrillThatCannotVerifyTheRestoredDataFailsItsItemAndLeavesNoScratchWorkspace() throws Exception {
		String env = environment();
		Workspace ws = workspaceIn(env);
		Backup backup = succeededBackup(ws, "unsound");
		writeDrill("failing-drill", "0 0 0 1 1 ? 2099", env, "");
		cloud.failNext("verifyRestored", "the restored volume cannot be read");

		service.trigger("failing-drill");

		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(service.lastRun("failing-drill")).hasValueSatisfying((run) -> {
				assertThat(run.outcome()).isEqualTo("failed");
				assertThat(run.items()).containsEntry("failed", 1);
			}));
		Verification v = backups.verification(backup.crn());
		assertThat(v.status()).isEqualTo(Verification.Status.FAILED);
		assertThat(v.failure()).contains("the restored volume cannot be read");
		assertThat(reload(backup).status()).as("a failed drill leaves the backup itself alone")
			.isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(items("failing-drill")).singleElement().satisfies((i) -> assertThat(i.status()).isEqualTo("failed"));
		await().atMost(Duration.ofSeconds(10)).until(() -> workspaces.scratchWorkspaces().isEmpty());
		assertThat(cloud.restoredResources()).isEmpty();
	}

	private record ItemRow(String workspaceCrn, String status, String backupCrn) {
	}

	private List<ItemRow> items(String schedule) {
		return jdbc
			.sql("SELECT I.WORKSPACE_CRN, I.STATUS, I.BACKUP_CRN FROM WS_SCHEDULE_RUN_ITEM I "
					+ "JOIN WS_SCHEDULE_RUN R ON R.ID = I.RUN_ID WHERE R.SCHEDULE_NAME = ?")
			.param(schedule)
			.query((rs, row) -> new ItemRow(rs.getString(1), rs.getString(2), rs.getString(3)))
			.list();
	}

	private Backup succeededBackup(Workspace ws, String name) {
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), name, null, "crn:cdp:iam:x:1:user:me");
		awaitJobEnd(backup);
		Backup made = reload(backup);
		assertThat(made.status()).isEqualTo(BackupStatus.SUCCEEDED);
		// the catalog keeps creation times to the second here, and the drill's "newest
		// succeeded backup" does not break a tie: the next backup starts a second later
		Instant second = made.createdAt().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
		await().atMost(Duration.ofSeconds(5)).until(() -> !clock.instant().isBefore(second));
		return made;
	}

	/** The drill requests in the workspace's log (one per drill started). */
	private List<String> drillRequests(Workspace ws) {
		return events.list(ws.crn().toString(), null, 500)
			.stream()
			.filter((e) -> DrillParameters.JOB_NAME.equals(e.step()) && e.message().startsWith("drill of backup "))
			.map(Event::message)
			.toList();
	}

	private List<Event> warnings(Workspace ws) {
		return events.list(ws.crn().toString(), null, 500).stream().filter((e) -> e.level().equals("WARNING")).toList();
	}

	private JsonNode post(String operation, String body) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(asAdmin(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/ml/" + operation)))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
		return JsonMapper.builder().build().readTree(response.body());
	}

	private void writeDrill(String name, String cron, String environment, String extra) throws IOException {
		String indented = extra.lines().map((l) -> "  " + l + "\n").reduce("", String::concat);
		Files.writeString(DIR.resolve(name + ".yaml"), "drill:\n  name: " + name + "\n  cron: \"" + cron
				+ "\"\n  workspaces: {environment: " + environment + "}\n" + indented);
		sync.reload();
	}

	private static String environment() {
		return "drill-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private Workspace workspaceIn(String environment) {
		String name = "ws-" + UUID.randomUUID().toString().substring(0, 8);
		return workspaceService.register(name, environment, "123456789012", "us-west-2", "2.0.47",
				new WorkspaceStorage(List.of("vol-" + name), "fs-" + name, false), null);
	}

}
