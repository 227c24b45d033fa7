package io.wsbackup;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.cloud.FakeCloud;
import io.wsbackup.system.MutableClock;
import io.wsbackup.system.TestDatabase;
import io.wsbackup.system.security.HashedTokens;
import io.wsbackup.workspace.FakeWorkloads;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceService;
import io.wsbackup.workspace.WorkspaceStorage;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.awaitility.Awaitility.await;

/**
 * The runner on the real MySQL-protocol test database with fakes at the ports: one Spring
 * context shared by every test that extends this. Each test registers workspaces of its
 * own (unique names), so tests never see each other's backups.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "wsbackup.cloud.provider=fake", "wsbackup.workloads.provider=fake",
				"wsbackup.demo.enabled=false", "wsbackup.backup.poll-initial-interval=20ms",
				"wsbackup.backup.poll-max-interval=100ms", "wsbackup.jobs.max-concurrent=64",
				"wsbackup.backup.workload-start-retry-backoff=10ms",
				// no schedules here, and no Quartz scheduler joining the test schema's
				// cluster: the
				// schedule tests run their own, under a scheduler name of their own
				"wsbackup.schedules-dir=target/no-schedules", "spring.quartz.auto-startup=false",
				"wsbackup.actuator.jobs.enabled=true",
				// no recovery scan of its own: the recovery tests run the scanners they
				// need
				"wsbackup.recovery.enabled=false" })
@Import(WsbackupTestSupport.Fakes.class)
@AutoConfigureMetrics
public abstract class WsbackupTestSupport {

	/**
	 * The bearer token of the admin {@value #ADMIN_NAME} every test context of this class
	 * accepts ({@link #testTokens}); send it with {@link #asAdmin}.
	 */
	public static final String ADMIN_TOKEN = "wsbackup-test-admin-6f1c2a9e4b7d";

	/** The bearer token of the viewer {@value #VIEWER_NAME}. */
	public static final String VIEWER_TOKEN = "wsbackup-test-viewer-3d8e5f0a1c2b";

	public static final String ADMIN_NAME = "test-admin";

	public static final String VIEWER_NAME = "test-viewer";

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		TestDatabase.register(registry);
		registry.add("wsbackup.data-dir", () -> Path.of("target", "test-data").toAbsolutePath().toString());
		testTokens(registry);
	}

	/**
	 * Configures {@link #ADMIN_TOKEN} and {@link #VIEWER_TOKEN}, by their hashes, as the
	 * runner's tokens (for test contexts of their own, too).
	 */
	public static void testTokens(DynamicPropertyRegistry registry) {
		registry.add("wsbackup.security.tokens[0].name", () -> ADMIN_NAME);
		registry.add("wsbackup.security.tokens[0].role", () -> "admin");
		registry.add("wsbackup.security.tokens[0].sha256", () -> HashedTokens.sha256Hex(ADMIN_TOKEN));
		registry.add("wsbackup.security.tokens[1].name", () -> VIEWER_NAME);
		registry.add("wsbackup.security.tokens[1].role", () -> "viewer");
		registry.add("wsbackup.security.tokens[1].sha256", () -> HashedTokens.sha256Hex(VIEWER_TOKEN));
	}

	/** The request with the admin's bearer header. */
	public static HttpRequest.Builder asAdmin(HttpRequest.Builder request) {
		return request.header("Authorization", "Bearer " + ADMIN_TOKEN);
	}

	/** The request with the viewer's bearer header. */
	public static HttpRequest.Builder asViewer(HttpRequest.Builder request) {
		return request.header("Authorization", "Bearer " + VIEWER_TOKEN);
	}

	@Autowired
	protected FakeCloud cloud;

	@Autowired
	protected FakeWorkloads workloads;

	@Autowired
	protected MutableClock clock;

	@Autowired
	protected WorkspaceService workspaceService;

	@Autowired
	protected BackupRepository backups;

	@Autowired
	protected JobRepository jobRepository;

	@BeforeEach
	void resetFakes() {
		cloud.reset();
		workloads.reset();
		clock.reset();
	}

	/**
	 * A new workspace with two volumes and a shared file system, in
	 * installation:finished.
	 */
	protected Workspace newWorkspace() {
		String name = "ws-" + UUID.randomUUID().toString().substring(0, 8);
		return workspaceService.register(name, "env-test", "123456789012", "us-west-2", "2.0.47",
				new WorkspaceStorage(List.of("vol-" + name + "-a", "vol-" + name + "-b"), "fs-" + name, false), null);
	}

	/**
	 * Waits until the backup's latest job execution has ended and the backup has its
	 * final status (Spring Batch saves the job's end before its listener gives the backup
	 * that status), and returns the execution.
	 */
	protected JobExecution awaitJobEnd(Backup backup) {
		return await().atMost(Duration.ofSeconds(30)).until(() -> {
			Backup now = backups.find(backup.crn()).orElseThrow();
			JobExecution execution = now.jobExecutionId() == null ? null
					: jobRepository.getJobExecution(now.jobExecutionId());
			boolean ended = execution != null && !execution.isRunning() && execution.getEndTime() != null;
			boolean settled = ended && (execution.getStatus() == org.springframework.batch.core.BatchStatus.COMPLETED
					|| (now.status() != io.wsbackup.catalog.BackupStatus.RUNNING
							&& now.status() != io.wsbackup.catalog.BackupStatus.CANCELLING));
			return settled ? execution : null;
		}, (execution) -> execution != null);
	}

	protected Backup reload(Backup backup) {
		return backups.find(backup.crn()).orElseThrow();
	}

	/** The scriptable fakes of the ports and the clock, for any job test's context. */
	@TestConfiguration(proxyBeanMethods = false)
	public static class Fakes {

		@Bean
		@Primary
		FakeCloud fakeCloud() {
			return new FakeCloud();
		}

		@Bean
		@Primary
		FakeWorkloads fakeWorkloads() {
			return new FakeWorkloads();
		}

		@Bean
		@Primary
		MutableClock mutableClock() {
			return new MutableClock();
		}

		@Bean
		JobEnds jobEnds() {
			return new JobEnds();
		}

	}

}
