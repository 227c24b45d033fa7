package io.wsbackup.recovery;

import io.wsbackup.execution.Runner;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.cloud.FakeCloud;
import io.wsbackup.events.Event;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.system.StoreProxy;
import io.wsbackup.system.TestDatabase;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceService;
import io.wsbackup.workspace.WorkspaceStatus;
import io.wsbackup.workspace.WorkspaceStorage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quartz.Scheduler;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The store goes away for 30 seconds while a backup waits for its snapshots (MariaDB
 * behind {@link StoreProxy}, which closes every connection and refuses new ones): the
 * runner reports DOWN on {@code /actuator/health} and goes on running; once the store is
 * back it reports UP, the heartbeat and Quartz check in again, and the backup completes
 * with nothing lost: the catalog entry, its recovery points, its events and the job
 * executions agree.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "wsbackup.cloud.provider=fake", "wsbackup.workloads.provider=fake",
				"wsbackup.demo.enabled=false", "wsbackup.backup.poll-initial-interval=200ms",
				"wsbackup.backup.poll-max-interval=500ms", "wsbackup.schedules-dir=target/no-schedules",
				"spring.quartz.auto-startup=true",
				"spring.quartz.properties.org.quartz.jobStore.clusterCheckinInterval=1000",
				"wsbackup.recovery.heartbeat-interval=1s", "wsbackup.recovery.scan-interval=1s",
				"wsbackup.recovery.dead-after=10s" })
@Import(WsbackupTestSupport.Fakes.class)
class StoreOutageTest {

	private static final Duration OUTAGE = Duration.ofSeconds(30);

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static StoreProxy proxy;

	@DynamicPropertySource
	static void storeBehindAProxy(DynamicPropertyRegistry registry) throws Exception {
		proxy = StoreProxy.inFrontOf(TestDatabase.url());
		registry.add("spring.datasource.url", () -> proxy.url(TestDatabase.url()) + "&connectTimeout=3000");
		registry.add("spring.datasource.username", TestDatabase::user);
		registry.add("spring.datasource.password", TestDatabase::password);
		registry.add("wsbackup.data-dir", () -> Path.of("target", "test-data-outage").toAbsolutePath().toString());
		registry.add("spring.quartz.scheduler-name", () -> "outage-" + UUID.randomUUID().toString().substring(0, 8));
	}

	@AfterAll
	static void closeProxy() {
		proxy.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	Launcher launcher;

	@Autowired
	WorkspaceService workspaceService;

	@Autowired
	WorkspaceRepository workspaces;

	@Autowired
	BackupRepository backups;

	@Autowired
	JobRepository jobRepository;

	@Autowired
	EventLog events;

	@Autowired
	FakeCloud cloud;

	@Autowired
	Runner runner;

	@Autowired
	Scheduler scheduler;

	@Autowired
	ConfigurableApplicationContext context;

	@Test
	void aThirtySecondOutageDuringTheWaitIsReportedDownAndTheBackupCompletesWithNothingLost() throws Exception {
		String name = "outage-" + UUID.randomUUID().toString().substring(0, 8);
		Workspace ws = workspaceService.register(name, "env-test", "123456789012", "us-west-2", "2.0.47",
				new WorkspaceStorage(List.of("vol-" + name + "-a", "vol-" + name + "-b"), "fs-" + name, false), null);
		cloud.holdSnapshots();
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "through-an-outage", null,
				"crn:cdp:iam:us-west-2:123456789012:user:tester");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> events.list(ws.crn().toString(), backup.crn().toString(), 1000)
				.stream()
				.anyMatch((e) -> "awaitRecoveryPoints".equals(e.step()) && e.percentDone() != null));
		assertThat(get("/actuator/health").statusCode()).isEqualTo(200);

		proxy.cut(OUTAGE);
		HttpResponse<String> during = get("/actuator/health");
		cloud.releaseSnapshots();
		assertThat(during.statusCode()).as(during.body()).isEqualTo(503);
		assertThat(during.body()).contains("DOWN");
		assertThat(proxy.up()).as("still inside the outage").isFalse();
		LocalDateTime beforeBack = LocalDateTime.now(java.time.ZoneOffset.UTC);

		await().atMost(OUTAGE.plusSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(proxy::up);
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> get("/actuator/health").statusCode() == 200);
		Backup done = await().atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> backups.find(backup.crn()).orElseThrow(),
					(b) -> b.status() != BackupStatus.RUNNING && b.status() != BackupStatus.CANCELLING);

		assertThat(context.isActive()).as("the runner did not exit").isTrue();
		assertThat(done.status()).as(done.failureReason()).isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(backups.recoveryPoints(backup.crn())).hasSize(3);
		assertThat(cloud.startedSnapshots()).as("one cloud job per resource").hasSize(3);
		assertThat(workspaces.find(ws.crn()).orElseThrow().status()).isEqualTo(WorkspaceStatus.INSTALLATION_FINISHED);
		JobExecution last = await().atMost(Duration.ofSeconds(30))
			.until(() -> jobRepository.getJobExecution(backups.find(backup.crn()).orElseThrow().jobExecutionId()),
					(e) -> e.getStatus() == BatchStatus.COMPLETED);
		JobInstance instance = last.getJobInstance();
		assertThat(jobRepository.getJobExecutions(instance)).as("no execution or step left behind or UNKNOWN")
			.allSatisfy((execution) -> {
				assertThat(execution.getStatus()).isIn(BatchStatus.COMPLETED, BatchStatus.FAILED);
				assertThat(execution.getStepExecutions())
					.allSatisfy((s) -> assertThat(s.getStatus()).isNotIn(BatchStatus.UNKNOWN, BatchStatus.STARTED));
			});
		List<String> log = events.list(ws.crn().toString(), backup.crn().toString(), 1000)
			.stream()
			.map((Event e) -> e.step() + ": " + e.message())
			.toList();
		assertThat(log).anyMatch((m) -> m.startsWith("validateWorkspace:"))
			.anyMatch((m) -> m.startsWith("snapshotStorage:"))
			.anyMatch((m) -> m.startsWith("awaitRecoveryPoints: all 3 snapshot(s) completed"))
			.anyMatch((m) -> m.startsWith("recordCatalog:"))
			.anyMatch((m) -> m.startsWith("restartWorkspace:"))
			.anyMatch((m) -> m.contains("backup job execution " + last.getId() + " completed"));

		// the heartbeat and Quartz reach the store again on their own
		JdbcClient direct = JdbcClient.create(new org.springframework.jdbc.datasource.DriverManagerDataSource(
				TestDatabase.url(), TestDatabase.user(), TestDatabase.password()));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> direct.sql("SELECT HEARTBEAT_AT FROM WS_RUNNER WHERE RUNNER_ID = ?")
				.param(runner.id())
				.query(LocalDateTime.class)
				.single()
				.isAfter(beforeBack));
		assertThat(scheduler.isStarted() && !scheduler.isInStandbyMode() && !scheduler.isShutdown()).isTrue();
		long checkin = direct.sql("SELECT LAST_CHECKIN_TIME FROM QRTZ_SCHEDULER_STATE WHERE SCHED_NAME = ?")
			.param(scheduler.getSchedulerName())
			.query(Long.class)
			.single();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> direct.sql("SELECT LAST_CHECKIN_TIME FROM QRTZ_SCHEDULER_STATE WHERE SCHED_NAME = ?")
				.param(scheduler.getSchedulerName())
				.query(Long.class)
				.single() > checkin);
	}

	/** Every HTTP call of this test goes through here. */
	private HttpResponse<String> get(String path) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(40))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
