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
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.events.Event;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quartz.JobBuilder;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Schedules on real Quartz over the real store (the test schema), with a scheduler name
 * of their own so that no other test context's scheduler shares its triggers. Each test
 * writes its schedule file, reloads, and uses an environment of its own.
 */
class ScheduleQuartzTest extends WsbackupTestSupport {

	private static final Path DIR = Path.of("target", "test-schedules", UUID.randomUUID().toString()).toAbsolutePath();

	@DynamicPropertySource
	static void schedules(DynamicPropertyRegistry registry) throws IOException {
		Files.createDirectories(DIR);
		registry.add("wsbackup.schedules-dir", DIR::toString);
		registry.add("spring.quartz.auto-startup", () -> "true");
		registry.add("spring.quartz.scheduler-name", () -> "test-" + UUID.randomUUID().toString().substring(0, 8));
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
	RetentionSweeper retention;

	@Autowired
	Scheduler scheduler;

	@Autowired
	EventLog events;

	@Autowired
	Launcher launcher;

	@Autowired
	PlatformTransactionManager transactionManager;

	@AfterEach
	void removeSchedules() throws Exception {
		cloud.releaseSnapshots();
		try (var files = Files.list(DIR)) {
			for (Path file : files.toList()) {
				Files.delete(file);
			}
		}
		sync.reload();
		if (scheduler.isInStandbyMode()) {
			scheduler.start();
		}
	}

	@Test
	void aScheduleFiringEveryFewSecondsBacksUpEachMatchedWorkspace() throws IOException {
		String env = environment();
		List<Workspace> matched = List.of(workspaceIn(env), workspaceIn(env));
		Workspace other = newWorkspace();
		writeSchedule("every2s", "0/2 * * * * ?", env, "every-{HHmmss}", "");

		for (Workspace ws : matched) {
			await().atMost(Duration.ofSeconds(20))
				.until(() -> scheduled("every2s", ws).stream().anyMatch((b) -> b.status() == BackupStatus.SUCCEEDED));
		}
		assertThat(backups.listByWorkspace(other.crn())).isEmpty();
		assertThat(scheduled("every2s", matched.get(0)).get(0).name()).matches("every-\\d{6}");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			var state = service.describe("every2s");
			assertThat(state.state()).isEqualTo("active");
			assertThat(state.nextFireTime()).isAfter(Instant.now().minusSeconds(1));
			assertThat(state.lastRun()).isNotNull();
		});
	}

	@Test
	void aRunForAWorkspaceWithABackupRunningIsSkippedWithAnEvent() throws IOException {
		String env = environment();
		Workspace busy = workspaceIn(env);
		cloud.holdSnapshots();
		Backup manual = launcher.backupWorkspace(busy.crn().toString(), "manual", null, "crn:cdp:iam:x:1:user:me");
		writeSchedule("overlap", "0/2 * * * * ?", env, "overlap-{HHmmss}", "");

		await().atMost(Duration.ofSeconds(15))
			.until(() -> warnings(busy).stream()
				.anyMatch((e) -> e.message().contains("is skipped: backup manual (" + manual.crn() + ")")));
		assertThat(scheduled("overlap", busy)).isEmpty();
	}

	@Test
	void staggerSpreadsTheStartsOverThePeriodAndTheCapHoldsThem() throws IOException {
		String env = environment();
		List<Workspace> matched = IntStream.range(0, 3).mapToObj((i) -> workspaceIn(env)).toList();
		writeSchedule("spread", "0 0 0 1 1 ? 2099", env, "spread-{HHmmssSSS}", "stagger: 3s\nmax-concurrent: 2\n");

		Instant triggered = Instant.now();
		service.trigger("spread");

		await().atMost(Duration.ofSeconds(20))
			.until(() -> matched.stream()
				.allMatch((ws) -> scheduled("spread", ws).stream()
					.anyMatch((b) -> b.status() == BackupStatus.SUCCEEDED)));
		List<Instant> starts = matched.stream()
			.map((ws) -> scheduled("spread", ws).get(0).createdAt())
			.sorted(Comparator.naturalOrder())
			.toList();
		// slots at +0 s, +1 s and +2 s; MariaDB keeps whole seconds
		assertThat(Duration.between(starts.get(0), starts.get(2))).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
		assertThat(starts.get(2)).isAfterOrEqualTo(triggered.plusSeconds(1));
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(service.lastRun("spread")).hasValueSatisfying((run) -> {
				assertThat(run.kind()).isEqualTo("manual");
				assertThat(run.outcome()).isEqualTo("succeeded");
			}));
	}

	@Test
	void aFireThatCannotStartInsideItsStartWindowIsSkippedAndOneInsideRunsOnceOnRecovery() throws Exception {
		String lateEnv = environment();
		String recoveringEnv = environment();
		Workspace late = workspaceIn(lateEnv);
		Workspace recovering = workspaceIn(recoveringEnv);
		scheduler.standby();
		ZonedDateTime due = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(2).withNano(0);
		String cron = due.getSecond() + " " + due.getMinute() + " " + due.getHour() + " " + due.getDayOfMonth() + " "
				+ due.getMonthValue() + " ? " + due.getYear();
		writeSchedule("late", cron, lateEnv, "late-{HHmmss}", "start-window: 1s\n");
		writeSchedule("recovering", cron, recoveringEnv, "recovering-{HHmmss}", "start-window: 1h\n");
		// the runner is "down" when the fires are due, and for 3 s more
		await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(due.toInstant().plusSeconds(3)));

		scheduler.start();

		await().atMost(Duration.ofSeconds(15))
			.until(() -> warnings(late).stream()
				.anyMatch((e) -> e.message().contains("could not start within its start window")));
		await().atMost(Duration.ofSeconds(15))
			.until(() -> scheduled("recovering", recovering).stream()
				.anyMatch((b) -> b.status() == BackupStatus.SUCCEEDED));
		assertThat(scheduled("late", late)).isEmpty();
		assertThat(scheduled("recovering", recovering)).hasSize(1)
			.allSatisfy((b) -> assertThat(b.name()).isEqualTo(
					"recovering-" + String.format("%02d%02d%02d", due.getHour(), due.getMinute(), due.getSecond())));
		assertThat(service.lastRun("late")).hasValueSatisfying((run) -> assertThat(run.outcome()).isEqualTo("skipped"));
	}

	@Test
	void retentionKeepsTheLastSuccessfulBackupEvenPastTheMaxAge() throws IOException {
		String env = environment();
		Workspace ws = workspaceIn(env);
		writeSchedule("keep1", "0 0 0 1 1 ? 2099", env, "keep-{HHmmssSSS}", "retention: {keep-last: 1, max-age: 1d}\n");

		service.trigger("keep1");
		await().atMost(Duration.ofSeconds(15))
			.until(() -> scheduled("keep1", ws).stream().anyMatch((b) -> b.status() == BackupStatus.SUCCEEDED));
		Backup first = scheduled("keep1", ws).get(0);
		awaitJobEnd(first);
		service.trigger("keep1");

		await().atMost(Duration.ofSeconds(15)).until(() -> backups.find(first.crn()).isEmpty());
		Backup last = scheduled("keep1", ws).get(0);
		assertThat(last.status()).isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(events.list(ws.crn().toString(), first.crn().toString(), 100)).extracting(Event::message)
			.anyMatch((m) -> m.contains("retention of schedule keep1 deletes backup " + first.name()));

		clock.advance(Duration.ofDays(3));
		assertThat(service.previewRetention("keep1")).isEmpty();
		retention.sweepAll();
		assertThat(backups.find(last.crn())).isPresent();
	}

	@Test
	void syncAddsChangesAndRemovesSchedulesAndLeavesOtherGroupsAlone() throws Exception {
		TriggerKey foreign = TriggerKey.triggerKey("foreign-" + UUID.randomUUID(), "someone-else");
		new TransactionTemplate(transactionManager).executeWithoutResult((tx) -> {
			try {
				scheduler.scheduleJob(
						JobBuilder.newJob(RetentionSweepJob.class)
							.withIdentity(JobKey.jobKey(foreign.getName(), foreign.getGroup()))
							.build(),
						TriggerBuilder.newTrigger()
							.withIdentity(foreign)
							.startAt(java.util.Date.from(Instant.parse("2099-01-01T00:00:00Z")))
							.withSchedule(SimpleScheduleBuilder.simpleSchedule())
							.build());
			}
			catch (org.quartz.SchedulerException ex) {
				throw new IllegalStateException(ex);
			}
		});
		writeSchedule("changing", "0 0 3 * * ?", environment(), "c-{yyyyMMdd}", "paused: true\n");
		assertThat(service.describe("changing").state()).isEqualTo("paused");

		writeSchedule("changing", "0 30 4 * * ?", environment(), "c-{yyyyMMdd}", "");
		assertThat(service.describe("changing").state()).isEqualTo("active");
		assertThat(
				((org.quartz.CronTrigger) scheduler.getTrigger(QuartzKeys.fireTrigger("changing"))).getCronExpression())
			.isEqualTo("0 30 4 * * ?");

		Files.delete(DIR.resolve("changing.yaml"));
		sync.reload();
		assertThat(scheduler.getJobDetail(QuartzKeys.fireJob("changing"))).isNull();
		assertThat(scheduler.getTrigger(foreign)).isNotNull();
	}

	@Test
	void aBadFileIsRefusedWithItsLineAndChangesNothing() throws IOException {
		writeSchedule("kept", "0 0 3 * * ?", environment(), "k-{yyyyMMdd}", "");
		Files.writeString(DIR.resolve("zz-bad.yaml"), "name: bad\ncron: nonsense\n");

		assertThatThrownBy(sync::reload).isInstanceOf(ScheduleFileException.class)
			.hasMessageContaining("zz-bad.yaml:2: cron 'nonsense' is not a valid Quartz cron expression");
		assertThat(service.list()).extracting((s) -> s.schedule().name()).containsExactly("kept");
	}

	@Test
	void theRestOperationsListPauseResumeTriggerAndPreviewSchedules() throws Exception {
		String env = environment();
		Workspace ws = workspaceIn(env);
		writeSchedule("rest", "0 0 3 * * ?", env, "rest-{HHmmssSSS}", "retention: {keep-last: 1}\n");

		JsonNode paused = post("pauseSchedule", "{\"schedule\": \"rest\"}");
		assertThat(paused.at("/schedule/state").asString()).isEqualTo("paused");
		JsonNode resumed = post("resumeSchedule", "{\"schedule\": \"rest\"}");
		assertThat(resumed.at("/schedule/state").asString()).isEqualTo("active");
		assertThat(resumed.at("/schedule/nextFireTime").asString()).endsWith("Z");
		JsonNode triggered = post("triggerSchedule", "{\"schedule\": \"rest\"}");
		assertThat(triggered.path("runId").asString()).isNotBlank();
		await().atMost(Duration.ofSeconds(15))
			.until(() -> scheduled("rest", ws).stream().anyMatch((b) -> b.status() == BackupStatus.SUCCEEDED));

		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			JsonNode listed = post("listSchedules", "{}");
			JsonNode rest = null;
			for (JsonNode s : listed.path("schedules")) {
				rest = s.path("name").asString().equals("rest") ? s : rest;
			}
			assertThat(rest).isNotNull();
			assertThat(rest.at("/lastRun/outcome").asString()).isEqualTo("succeeded");
			assertThat(rest.at("/lastRun/workspaces/succeeded").asInt()).isEqualTo(1);
		});
		assertThat(post("previewRetention", "{\"schedule\": \"rest\"}").path("toDelete")).isEmpty();
		assertThat(post("pauseSchedule", "{\"schedule\": \"nope\"}").path("code").asString()).isEqualTo("NOT_FOUND");
	}

	private JsonNode post(String operation, String body) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/ml/" + operation))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
		return JsonMapper.builder().build().readTree(response.body());
	}

	private void writeSchedule(String name, String cron, String environment, String backupName, String extra)
			throws IOException {
		Files.writeString(DIR.resolve(name + ".yaml"), "name: " + name + "\ncron: \"" + cron
				+ "\"\nworkspaces: {environment: " + environment + "}\nbackup-name: \"" + backupName + "\"\n" + extra);
		sync.reload();
	}

	private List<Backup> scheduled(String schedule, Workspace ws) {
		return backups.listByWorkspace(ws.crn())
			.stream()
			.filter((b) -> b.creatorCrn().endsWith(":schedule:" + schedule))
			.toList();
	}

	private List<Event> warnings(Workspace ws) {
		return events.list(ws.crn().toString(), null, 200).stream().filter((e) -> e.level().equals("WARNING")).toList();
	}

	private static String environment() {
		return "sched-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private Workspace workspaceIn(String environment) {
		String name = "ws-" + UUID.randomUUID().toString().substring(0, 8);
		return workspaceService.register(name, environment, "123456789012", "us-west-2", "2.0.47",
				new WorkspaceStorage(List.of("vol-" + name), "fs-" + name, false), null);
	}

}
