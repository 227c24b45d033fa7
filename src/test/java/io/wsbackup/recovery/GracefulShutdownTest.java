package io.wsbackup.recovery;

import io.wsbackup.execution.RunnerRegistry;

import io.wsbackup.execution.Runner;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.wsbackup.WsbackupApplication;
import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.events.Event;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.system.TestDatabase;
import io.wsbackup.workspace.WorkloadPort;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two runners on one store, each a Spring context of its own, sharing the fake cloud and
 * workloads (the test's own context does not scan): the first one shuts down gracefully
 * in the middle of a backup's wait. The running step parks at its commit point and the
 * execution is released without any compensation (the workspace stays stopped, the backup
 * running); the other runner's recovery scan restarts it and the backup completes with
 * one cloud job per resource.
 */
class GracefulShutdownTest extends WsbackupTestSupport {

	private static final String CREATOR = "crn:cdp:iam:us-west-2:123456789012:user:tester";

	@Autowired
	WorkspaceRepository workspaces;

	@Autowired
	EventLog events;

	@Autowired
	RunnerRegistry registry;

	private final List<ConfigurableApplicationContext> contexts = new java.util.ArrayList<>();

	@org.junit.jupiter.api.AfterEach
	void closeRunners() {
		contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void aGracefulShutdownReleasesTheBackupWithoutCompensationAndTheOtherRunnerFinishesIt() {
		Workspace ws = newWorkspace();
		cloud.holdSnapshots();
		ConfigurableApplicationContext leaving = startRunner("leaving", "1h");
		ConfigurableApplicationContext surviving = startRunner("surviving", "1s");
		contexts.add(surviving);
		Runner survivor = surviving.getBean(Runner.class);
		Runner leavingRunner = leaving.getBean(Runner.class);
		Backup backup = leaving.getBean(Launcher.class).backupWorkspace(ws.crn().toString(), "released", null, CREATOR);
		long first = await().atMost(Duration.ofSeconds(30)).until(() -> {
			Long id = reload(backup).jobExecutionId();
			JobExecution execution = id == null ? null : jobRepository.getJobExecution(id);
			return execution != null && execution.getStepExecutions()
				.stream()
				.anyMatch((s) -> s.getStepName().equals("awaitRecoveryPoints")) ? id : null;
		}, (id) -> id != null);

		leaving.close();

		assertThat(registry.owner(first).orElseThrow().state()).isIn(RunnerRegistry.RELEASED, RunnerRegistry.RECOVERING,
				RunnerRegistry.RECOVERED);
		assertThat(registry.runner(leavingRunner.id())).as("a runner that shut down leaves the runners").isEmpty();
		List<String> atShutdown = messages(ws, backup);
		assertThat(atShutdown)
			.anyMatch((m) -> m.contains("runner " + leavingRunner.id()) && m.contains(
					"shuts down: job execution " + first + " released at a commit point of step awaitRecoveryPoints"))
			.noneMatch((m) -> m.contains("cancelled") || m.contains("ended FAILED"));
		assertThat(workloads.calls()).as("no compensation: the workspace was not started again")
			.doesNotContain("start " + ws.name());

		// the surviving runner's next scan restarts it, without waiting for dead-after
		// (30 s here)
		long restarted = await().atMost(Duration.ofSeconds(30))
			.until(() -> registry.owner(first).map((o) -> o.restartedAs()).orElse(null), (id) -> id != null);
		cloud.releaseSnapshots();
		JobExecution last = awaitJobEnd(backup);

		assertThat(last.getId()).isEqualTo(restarted);
		assertThat(last.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(jobRepository.getJobExecution(first).getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(registry.owner(restarted).orElseThrow().runnerId()).isEqualTo(survivor.id());
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(cloud.startedSnapshots()).as("one cloud job per resource").hasSize(3);
		assertThat(workspaces.find(ws.crn()).orElseThrow().status()).isEqualTo(WorkspaceStatus.INSTALLATION_FINISHED);
		assertThat(workloads.running(ws)).isTrue();
		assertThat(messages(ws, backup)).anyMatch((m) -> m.contains("shut down and released it; job execution " + first
				+ " (backupWorkspace, step awaitRecoveryPoints) recovered and restarted as job execution " + restarted
				+ " by runner " + survivor.id()));
	}

	private List<String> messages(Workspace ws, Backup backup) {
		return events.list(ws.crn().toString(), backup.crn().toString(), 1000).stream().map(Event::message).toList();
	}

	/** A runner of its own on the same store, with the same fakes at its ports. */
	private ConfigurableApplicationContext startRunner(String name, String scanInterval) {
		return new SpringApplicationBuilder(WsbackupApplication.class).web(WebApplicationType.NONE)
			.initializers((context) -> {
				context.getBeanFactory().registerSingleton("fakeCloud", (CloudPort) cloud);
				context.getBeanFactory().registerSingleton("fakeWorkloads", (WorkloadPort) workloads);
				context.getBeanFactory().registerSingleton("testClock", (Clock) clock);
			})
			.run("--spring.datasource.url=" + TestDatabase.url(), "--spring.datasource.username=" + TestDatabase.user(),
					"--spring.datasource.password=" + TestDatabase.password(), "--wsbackup.cloud.provider=fake",
					"--wsbackup.workloads.provider=fake", "--wsbackup.demo.enabled=false",
					"--wsbackup.backup.poll-initial-interval=20ms", "--wsbackup.backup.poll-max-interval=100ms",
					"--wsbackup.schedules-dir=target/no-schedules", "--spring.quartz.auto-startup=false",
					"--wsbackup.data-dir=" + Path.of("target", "test-data-" + name).toAbsolutePath(),
					"--wsbackup.recovery.scan-interval=" + scanInterval, "--wsbackup.recovery.dead-after=30s");
	}

}
