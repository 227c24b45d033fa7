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
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.wsbackup.metrics.WsbackupMetrics;
import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.events.Event;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.notification.Receiver;
import io.wsbackup.system.Times;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceStorage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobListener;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.listeners.JobListenerSupport;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.quartz.autoconfigure.QuartzProperties;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.quartz.SchedulerFactoryBean;
import org.springframework.scheduling.quartz.SpringBeanJobFactory;
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

	private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ScheduleQuartzTest.class);

	private static final Path DIR = Path.of("target", "test-schedules", UUID.randomUUID().toString()).toAbsolutePath();

	@DynamicPropertySource
	static void schedules(DynamicPropertyRegistry registry) throws IOException {
		Files.createDirectories(DIR);
		registry.add("wsbackup.schedules-dir", DIR::toString);
		registry.add("spring.quartz.auto-startup", () -> "true");
		registry.add("spring.quartz.scheduler-name", () -> "test-" + UUID.randomUUID().toString().substring(0, 8));
		registry.add("spring.quartz.properties.org.quartz.jobStore.misfireThreshold", () -> "1000");
		registry.add("wsbackup.schedules.poll-interval", () -> "300ms");
		// a skip is told to the targets that want it: every target, or the schedule's own
		registry.add("wsbackup.notifications.targets.ops.url", () -> RECEIVER.url("/ops"));
		registry.add("wsbackup.notifications.targets.ops.secret", () -> "ops-secret");
		registry.add("wsbackup.notifications.targets.ops.events", () -> "schedule-skipped");
		registry.add("wsbackup.notifications.targets.overlap-team.url", () -> RECEIVER.url("/overlap-team"));
		registry.add("wsbackup.notifications.targets.overlap-team.format", () -> "slack");
		registry.add("wsbackup.notifications.targets.overlap-team.schedules", () -> "overlap");
		registry.add("wsbackup.notifications.poll-interval", () -> "200ms");
	}

	static final Receiver RECEIVER = new Receiver();

	@AfterAll
	static void stopReceiver() {
		RECEIVER.close();
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

	@Autowired
	DataSource dataSource;

	@Autowired
	QuartzProperties quartzProperties;

	@Autowired
	ApplicationContext context;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	MeterRegistry registry;

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
		assertThat(skips("overlap", "overlap")).isGreaterThanOrEqualTo(1);

		Receiver.Request told = await().atMost(Duration.ofSeconds(15))
			.until(() -> RECEIVER.about("/ops", busy.crn().toString()), (r) -> !r.isEmpty())
			.get(0);
		assertThat(told.signedWith("ops-secret")).isTrue();
		var event = told.json();
		assertThat(event.path("type").asString()).isEqualTo("io.wsbackup.schedule.skipped");
		assertThat(event.path("subject").asString()).isEqualTo(busy.crn().toString());
		assertThat(event.path("data").path("schedule").asString()).isEqualTo("overlap");
		assertThat(event.path("data").path("reason").asString()).isEqualTo("overlap");
		assertThat(event.path("data").path("workspaceName").asString()).isEqualTo(busy.name());
		assertThat(event.path("data").path("message").asString()).contains("is skipped: backup manual");
		// the schedule's own target hears of it too, as Slack text
		assertThat(await().atMost(Duration.ofSeconds(15))
			.until(() -> RECEIVER.about("/overlap-team", busy.name()), (r) -> !r.isEmpty())
			.get(0)
			.json()
			.path("text")
			.asString()).contains("schedule-skipped", "overlap");
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
		assertThat(skips("late", "misfire")).as("its one workspace").isEqualTo(1);
		assertThat(skips("recovering", "misfire")).isZero();
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
		assertThat(service.previewRetention("keep1").doomed()).isEmpty();
		for (long sweep : retention.sweepAll("sweep-" + UUID.randomUUID())) {
			assertThat(await().atMost(Duration.ofSeconds(15))
				.until(() -> jobRepository.getJobExecution(sweep), (e) -> e != null && e.getEndTime() != null)
				.getStatus()).isEqualTo(org.springframework.batch.core.BatchStatus.COMPLETED);
		}
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
		assertThat(post("previewRetention", "{\"schedule\": \"rest\"}").path("kept")).isEmpty();
		assertThat(post("pauseSchedule", "{\"schedule\": \"nope\"}").path("code").asString()).isEqualTo("NOT_FOUND");
	}

	@Test
	void twoSchedulerInstancesOnOneStoreRunEachFireOnce() throws Exception {
		String env = environment();
		List<Workspace> matched = List.of(workspaceIn(env), workspaceIn(env));
		cloud.setPercentPerPoll(100);
		// every execution of the schedule's jobs, on either instance: instance id ->
		// key@fire
		Map<String, List<String>> ranBy = new ConcurrentHashMap<>();
		JobListener recorder = new JobListenerSupport() {

			@Override
			public String getName() {
				return "two-instances-recorder";
			}

			@Override
			public void jobToBeExecuted(JobExecutionContext context) {
				try {
					ranBy
						.computeIfAbsent(context.getScheduler().getSchedulerInstanceId(),
								(id) -> new CopyOnWriteArrayList<>())
						.add(context.getTrigger().getKey().getName() + "@" + context.getScheduledFireTime().getTime());
				}
				catch (SchedulerException ex) {
					throw new IllegalStateException(ex);
				}
			}

		};
		SchedulerFactoryBean second = secondInstanceHeardBy(recorder);
		try {
			String secondId = second.getScheduler().getSchedulerInstanceId();
			assertThat(secondId).isNotEqualTo(scheduler.getSchedulerInstanceId());
			writeSchedule("twice", "0/2 * * * * ?", env, "twice-{HHmmss}", "");

			// a few fires, and each instance has run some of them (Quartz gives a fire to
			// whichever instance acquires it first, not in turn: on a loaded machine one
			// instance can take several in a row, so this waits longer than it usually
			// takes)
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
				Map<String, Long> fires = cronFiresByInstance(ranBy, "twice");
				return fires.values().stream().mapToLong(Long::longValue).sum() >= 4 && fires.size() == 2;
			});
			service.pause("twice");
			// every fire recorded as a run, and every run ended
			await().atMost(Duration.ofSeconds(15)).until(() -> {
				List<RunRow> recorded = runs("twice");
				long fired = cronFiresByInstance(ranBy, "twice").values().stream().mapToLong(Long::longValue).sum();
				return recorded.size() >= fired && recorded.stream().noneMatch((r) -> r.outcome().equals("running"));
			});
		}
		finally {
			second.destroy();
			scheduler.getListenerManager().removeJobListener(recorder.getName());
		}

		log.info("two instances: cron fires by instance {}, trigger fires by instance {}",
				cronFiresByInstance(ranBy, "twice"),
				ranBy.entrySet()
					.stream()
					.collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, (e) -> e.getValue().size())));
		// Quartz ran every trigger fire once, across both instances
		List<String> executions = ranBy.values().stream().flatMap(List::stream).toList();
		assertThat(executions).doesNotHaveDuplicates();
		// one run per fire
		List<RunRow> runs = runs("twice");
		assertThat(runs).hasSizeGreaterThanOrEqualTo(4);
		assertThat(runs).extracting(RunRow::fireTime).doesNotHaveDuplicates();
		assertThat(runs).extracting(RunRow::outcome).isSubsetOf("succeeded", "partial", "skipped");
		for (Workspace ws : matched) {
			List<Backup> made = scheduled("twice", ws);
			// never two backups of one fire: names are per fire (whole seconds, fires 2 s
			// apart)
			assertThat(made).extracting(Backup::name).doesNotHaveDuplicates();
			assertThat(made).allSatisfy((b) -> assertThat(b.status()).isEqualTo(BackupStatus.SUCCEEDED));
			List<ItemRow> items = items("twice", ws);
			assertThat(items).hasSize(runs.size());
			// each fire's item has exactly the one backup of that fire, or was skipped
			// because an earlier fire's backup was still running (never one of its own)
			for (ItemRow item : items) {
				String ownName = "twice-" + java.time.format.DateTimeFormatter.ofPattern("HHmmss")
					.withZone(ZoneOffset.UTC)
					.format(item.fireTime());
				if (item.status().equals("succeeded")) {
					assertThat(made).filteredOn((b) -> b.crn().toString().equals(item.backupCrn()))
						.singleElement()
						.satisfies((b) -> assertThat(b.name()).isEqualTo(ownName));
				}
				else {
					assertThat(item.status()).isEqualTo("skipped");
					// the earlier backup still in the catalog as running, or already
					// recorded but its workspace not yet started again
					assertThat(item.reason())
						.containsAnyOf("is skipped: backup twice-", "(a backup or restore is running)")
						.doesNotContain(ownName);
				}
			}
			assertThat(items).filteredOn((i) -> i.status().equals("succeeded")).hasSize(made.size());
			assertThat(warnings(ws)).extracting(Event::message)
				.noneMatch((m) -> m.contains("already has a backup named"));
		}
	}

	@Test
	void aRunsStartedBackupsAreFollowedByOneChainOfChecksNotATriggerPerBackup() throws Exception {
		String env = environment();
		List<Workspace> matched = IntStream.range(0, 3).mapToObj((i) -> workspaceIn(env)).toList();
		writeSchedule("followed", "0 0 0 1 1 ? 2099", env, "followed-{HHmmssSSS}", "");
		cloud.holdSnapshots();

		service.trigger("followed");

		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> matched.stream().allMatch((ws) -> !scheduled("followed", ws).isEmpty()));
		// checked every 300 ms while they run: always one trigger of the run's chain
		await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
			List<String> checks = scheduler.getTriggersOfJob(QuartzKeys.awaitJob("followed"))
				.stream()
				.map((t) -> t.getKey().getName())
				.toList();
			assertThat(checks).singleElement().asString().startsWith("check.followed.");
		});

		cloud.releaseSnapshots();
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(service.lastRun("followed")).hasValueSatisfying((run) -> {
				assertThat(run.outcome()).isEqualTo("succeeded");
				assertThat(run.items()).containsEntry("succeeded", 3);
			}));
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(scheduler.getTriggersOfJob(QuartzKeys.awaitJob("followed")))
				.as("the chain ends with the run")
				.isEmpty());
	}

	@Test
	void aRunBegunBeforeTheRunCheckExistedFollowsEachStartedBackupWithItsOwnCheck() throws Exception {
		String env = environment();
		List<Workspace> matched = IntStream.range(0, 2).mapToObj((i) -> workspaceIn(env)).toList();
		writeSchedule("older", "0 0 0 1 1 ? 2099", env, "older-{HHmmssSSS}", "");
		Schedule schedule = context.getBean(Schedules.class).require("older");
		RunTriggers triggers = context.getBean(RunTriggers.class);
		ScheduleRunRepository runs = context.getBean(ScheduleRunRepository.class);
		// a run as the version before made it: its start turn's data without runCheck,
		// no check of its own
		String runId = UUID.randomUUID().toString();
		Instant now = Instant.now();
		Map<String, Instant> slots = new java.util.LinkedHashMap<>();
		matched.forEach((ws) -> slots.put(ws.crn().toString(), now));
		runs.insert(runId, "older", now, "manual", slots);
		org.quartz.JobDataMap turn = new org.quartz.JobDataMap();
		turn.put(RunTriggers.RUN_ID, runId);
		turn.put(RunTriggers.FIRE_TIME, String.valueOf(now.toEpochMilli()));
		turn.put(RunTriggers.PHASE, RunTriggers.Phase.START.stored());
		turn.put(RunTriggers.ATTEMPT, "-1");
		triggers.again(schedule, turn, now);

		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(runs.lastRun("older")).hasValueSatisfying((run) -> {
				assertThat(run.id()).isEqualTo(runId);
				assertThat(run.outcome()).isEqualTo("succeeded");
				assertThat(run.items()).containsEntry("succeeded", 2);
			}));
		assertThat(matched).allSatisfy((ws) -> assertThat(scheduled("older", ws)).singleElement()
			.extracting(Backup::status)
			.isEqualTo(BackupStatus.SUCCEEDED));
	}

	@Test
	void theCapOfConcurrentBackupsHoldsWhileTheyRunAndTheRestStartOnceTheyEnd() throws IOException {
		String env = environment();
		List<Workspace> matched = IntStream.range(0, 4).mapToObj((i) -> workspaceIn(env)).toList();
		writeSchedule("capped", "0 0 0 1 1 ? 2099", env, "capped-{HHmmssSSS}", "max-concurrent: 2\n");
		cloud.holdSnapshots();
		AtomicInteger maxRunning = new AtomicInteger();
		java.util.concurrent.Callable<Integer> sample = () -> {
			int running = (int) matched.stream()
				.flatMap((ws) -> scheduled("capped", ws).stream())
				.filter((b) -> b.status() == BackupStatus.RUNNING || b.status() == BackupStatus.CANCELLING)
				.count();
			maxRunning.accumulateAndGet(running, Math::max);
			return running;
		};

		service.trigger("capped");

		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(sample, (n) -> n == 2);
		// the two waiting starts are re-checked every 300 ms meanwhile; none gets through
		await().during(Duration.ofSeconds(3))
			.atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(50))
			.until(sample, (n) -> n <= 2);
		assertThat(matched.stream().filter((ws) -> !scheduled("capped", ws).isEmpty())).hasSize(2);

		cloud.releaseSnapshots();
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
			sample.call();
			return matched.stream()
				.allMatch(
						(ws) -> scheduled("capped", ws).stream().anyMatch((b) -> b.status() == BackupStatus.SUCCEEDED));
		});
		log.info("cap 2 over 4 workspaces: at most {} running at once", maxRunning.get());
		assertThat(maxRunning).hasValue(2);
		assertThat(matched).allSatisfy((ws) -> assertThat(scheduled("capped", ws)).hasSize(1));
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(service.lastRun("capped")).hasValueSatisfying((run) -> {
				assertThat(run.outcome()).isEqualTo("succeeded");
				assertThat(run.items()).containsEntry("succeeded", 4);
			}));
	}

	@Test
	void oneTurnStartsTheDueSlotsUpToTheCapAndTheCapHoldsAcrossTwoInstances() throws Exception {
		String env = environment();
		List<Workspace> matched = IntStream.range(0, 6).mapToObj((i) -> workspaceIn(env)).toList();
		cloud.holdSnapshots();
		// each start turn of the run, on either instance: its trigger, the instance that
		// ran it, and how many of the schedule's backups existed once it was done
		record Turn(String trigger, String instance, int backupsAfter) {
		}
		List<Turn> turns = new CopyOnWriteArrayList<>();
		JobListener recorder = new JobListenerSupport() {

			@Override
			public String getName() {
				return "turn-recorder";
			}

			@Override
			public void jobWasExecuted(JobExecutionContext context, org.quartz.JobExecutionException exception) {
				if (context.getJobDetail().getKey().equals(QuartzKeys.runJob("turns"))) {
					try {
						int made = (int) matched.stream().mapToLong((ws) -> scheduled("turns", ws).size()).sum();
						turns.add(new Turn(context.getTrigger().getKey().getName(),
								context.getScheduler().getSchedulerInstanceId(), made));
					}
					catch (SchedulerException ex) {
						throw new IllegalStateException(ex);
					}
				}
			}

		};
		SchedulerFactoryBean second = secondInstanceHeardBy(recorder);
		try {
			writeSchedule("turns", "0 0 0 1 1 ? 2099", env, "turns-{HHmmssSSS}", "max-concurrent: 3\n");
			AtomicInteger maxRunning = new AtomicInteger();
			java.util.concurrent.Callable<Integer> sample = () -> {
				int running = (int) matched.stream()
					.flatMap((ws) -> scheduled("turns", ws).stream())
					.filter((b) -> b.status() == BackupStatus.RUNNING || b.status() == BackupStatus.CANCELLING)
					.count();
				maxRunning.accumulateAndGet(running, Math::max);
				return running;
			};

			service.trigger("turns");

			// the run's first turn started three slots at once, the free cap
			await().atMost(Duration.ofSeconds(10)).until(() -> !turns.isEmpty());
			assertThat(turns.get(0).trigger()).endsWith(".turn.0");
			assertThat(turns.get(0).backupsAfter()).isEqualTo(3);
			// the instance that ran it stands by: the re-checks at the cap run on the
			// other one, which starts nothing either
			String first = turns.get(0).instance();
			Scheduler firstScheduler = first.equals(scheduler.getSchedulerInstanceId()) ? scheduler
					: second.getScheduler();
			firstScheduler.standby();
			await().atMost(Duration.ofSeconds(15))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> turns.stream().filter((t) -> !t.instance().equals(first)).count() >= 2);
			firstScheduler.start();
			await().during(Duration.ofSeconds(2))
				.atMost(Duration.ofSeconds(4))
				.pollInterval(Duration.ofMillis(50))
				.until(sample, (n) -> n <= 3);
			assertThat(turns).extracting(Turn::backupsAfter).containsOnly(3);
			assertThat(turns.stream().map(Turn::instance).distinct()).hasSize(2);

			cloud.releaseSnapshots();
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
				sample.call();
				return matched.stream()
					.allMatch((ws) -> scheduled("turns", ws).stream()
						.anyMatch((b) -> b.status() == BackupStatus.SUCCEEDED));
			});
			log.info("cap 3 over 6 workspaces, two instances: turns {}, at most {} running at once", turns,
					maxRunning.get());
			assertThat(maxRunning).hasValue(3);
			assertThat(matched).allSatisfy((ws) -> assertThat(scheduled("turns", ws)).hasSize(1));
			assertThat(turns).extracting(Turn::trigger).doesNotHaveDuplicates();
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(service.lastRun("turns")).hasValueSatisfying((run) -> {
					assertThat(run.outcome()).isEqualTo("succeeded");
					assertThat(run.items()).containsEntry("succeeded", 6);
				}));
		}
		finally {
			second.destroy();
			scheduler.getListenerManager().removeJobListener(recorder.getName());
		}
	}

	/**
	 * A second Quartz instance of this context's clustered scheduler on the same store,
	 * wired like Boot's (this context's beans make the jobs), checking in every second.
	 */
	/**
	 * A second clustered instance on the same store, started, with both instances
	 * reporting the schedules' jobs to {@code listener}.
	 */
	private SchedulerFactoryBean secondInstanceHeardBy(JobListener listener) throws Exception {
		GroupMatcher<JobKey> group = GroupMatcher.jobGroupEquals(QuartzKeys.GROUP);
		scheduler.getListenerManager().addJobListener(listener, group);
		SchedulerFactoryBean second = secondInstance();
		second.getScheduler().getListenerManager().addJobListener(listener, group);
		second.start();
		return second;
	}

	private SchedulerFactoryBean secondInstance() throws Exception {
		Properties properties = new Properties();
		properties.putAll(quartzProperties.getProperties());
		properties.put("org.quartz.scheduler.instanceId", "second-" + UUID.randomUUID().toString().substring(0, 8));
		properties.put("org.quartz.jobStore.isClustered", "true");
		properties.put("org.quartz.jobStore.clusterCheckinInterval", "1000");
		SpringBeanJobFactory jobFactory = new SpringBeanJobFactory();
		jobFactory.setApplicationContext(context);
		SchedulerFactoryBean factory = new SchedulerFactoryBean();
		factory.setSchedulerName(scheduler.getSchedulerName());
		factory.setQuartzProperties(properties);
		factory.setDataSource(dataSource);
		factory.setTransactionManager(transactionManager);
		factory.setJobFactory(jobFactory);
		factory.setAutoStartup(false);
		factory.setWaitForJobsToCompleteOnShutdown(true);
		factory.afterPropertiesSet();
		return factory;
	}

	/** How many fires of the schedule's cron trigger each instance ran. */
	private static Map<String, Long> cronFiresByInstance(Map<String, List<String>> ranBy, String schedule) {
		Map<String, Long> fires = new java.util.HashMap<>();
		ranBy.forEach((instance, keys) -> {
			long n = keys.stream().filter((k) -> k.startsWith("schedule." + schedule + "@")).count();
			if (n > 0) {
				fires.put(instance, n);
			}
		});
		return fires;
	}

	private record RunRow(String id, Instant fireTime, String outcome) {
	}

	private record ItemRow(Instant fireTime, String status, String backupCrn, String reason) {
	}

	private List<RunRow> runs(String schedule) {
		return jdbc.sql("SELECT ID, FIRE_TIME, OUTCOME FROM WS_SCHEDULE_RUN WHERE SCHEDULE_NAME = ?")
			.param(schedule)
			.query((rs, row) -> new RunRow(rs.getString(1),
					Times.fromDb(rs.getObject(2, java.time.LocalDateTime.class)), rs.getString(3)))
			.list();
	}

	private List<ItemRow> items(String schedule, Workspace ws) {
		return jdbc
			.sql("SELECT R.FIRE_TIME, I.STATUS, I.BACKUP_CRN, I.REASON FROM WS_SCHEDULE_RUN_ITEM I "
					+ "JOIN WS_SCHEDULE_RUN R ON R.ID = I.RUN_ID WHERE R.SCHEDULE_NAME = ? AND I.WORKSPACE_CRN = ?")
			.params(schedule, ws.crn().toString())
			.query((rs, row) -> new ItemRow(Times.fromDb(rs.getObject(1, java.time.LocalDateTime.class)),
					rs.getString(2), rs.getString(3), rs.getString(4)))
			.list();
	}

	private JsonNode post(String operation, String body) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(asAdmin(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/ml/" + operation)))
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

	private double skips(String schedule, String reason) {
		var counter = registry.find(WsbackupMetrics.SCHEDULE_SKIPS)
			.tags("schedule", schedule, "reason", reason)
			.counter();
		return counter == null ? 0 : counter.count();
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
