package io.wsbackup.recovery;

import io.wsbackup.execution.ExecutionEvents;

import io.wsbackup.execution.Launches;

import io.wsbackup.execution.RunnerRegistry;

import io.wsbackup.execution.Runner;

import java.time.Duration;
import java.util.List;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.events.Event;
import io.wsbackup.events.EventLog;
import io.wsbackup.backup.BackupLauncher;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The recovery scan on the real store, with the runner's own job threads: an execution
 * whose owner stopped heartbeating is recovered and restarted exactly once even when two
 * runners scan at the same moment, and resumes at its step with its cloud jobs; an
 * execution whose owner is alive is left alone.
 */
class RecoveryScanTest extends WsbackupTestSupport {

	private static final String CREATOR = "crn:cdp:iam:us-west-2:123456789012:user:tester";

	@Autowired
	Launcher launcher;

	@Autowired
	BackupLauncher backupLauncher;

	@Autowired
	JobOperator jobOperator;

	@Autowired
	RunnerRegistry registry;

	@Autowired
	Runner runner;

	@Autowired
	ExecutionEvents executionEvents;

	@Autowired
	Launches launches;

	@Autowired
	EventLog events;

	@Autowired
	WorkspaceRepository workspaces;

	@Autowired
	JdbcClient jdbc;

	@Test
	void anExecutionOfADeadRunnerIsRecoveredOnceByTwoRacingScannersAndResumesWithItsCloudJobs() throws Exception {
		Workspace ws = newWorkspace();
		cloud.holdSnapshots();
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "killed", null, CREATOR);
		long first = awaitRunningStep(backup, "awaitRecoveryPoints");
		// the runner that owns it dies: its heartbeat is an hour old and it owns the
		// execution (this JVM's runner no longer relies on its own heartbeat, so its job
		// thread reads who owns the execution, sees that it no longer does and parks at
		// its next chunk, as a killed process would stop)
		runner.distrustHeartbeats();
		String dead = scanners().deadRunner("dead-" + ws.name());
		jdbc.sql("UPDATE WS_EXECUTION_OWNER SET RUNNER_ID = ? WHERE JOB_EXECUTION_ID = ?").params(dead, first).update();
		await().atMost(Duration.ofSeconds(30)).until(() -> !runner.runsHere(first));
		assertThat(jobRepository.getJobExecution(first).getStatus()).as("left STARTED, as by a kill")
			.isEqualTo(BatchStatus.STARTED);
		int snapshotsBefore = cloud.startedSnapshots().size();

		RecoveryScanner one = scanners().of("scanner-one-" + ws.name());
		RecoveryScanner two = scanners().of("scanner-two-" + ws.name());
		List<RecoveryScanner.Recovery> recoveries = Scanners.race(RecoveryScanner::scan, one, two);

		assertThat(recoveries).filteredOn((r) -> r.executionId() == first)
			.as("recovered exactly once")
			.singleElement()
			.satisfies((r) -> assertThat(r.restartedAs()).isNotNull());
		assertThat(scanners().of("scanner-three-" + ws.name()).scan()).as("nothing left to recover")
			.noneMatch((r) -> r.executionId() == first);
		cloud.releaseSnapshots();
		JobExecution last = awaitJobEnd(backup);

		assertThat(last.getId()).isGreaterThan(first);
		assertThat(last.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(jobRepository.getJobExecution(first).getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(cloud.startedSnapshots()).as("no second cloud job").hasSize(snapshotsBefore).hasSize(3);
		assertThat(backups.recoveryPoints(backup.crn())).hasSize(3);
		assertThat(workspaces.find(ws.crn()).orElseThrow().status()).isEqualTo(WorkspaceStatus.INSTALLATION_FINISHED);
		assertThat(workloads.running(ws)).isTrue();
		assertThat(registry.owner(first).orElseThrow()).satisfies((o) -> {
			assertThat(o.state()).isEqualTo(RunnerRegistry.RECOVERED);
			assertThat(o.previousRunnerId()).isEqualTo(dead);
			assertThat(o.restartedAs()).isEqualTo(last.getId());
		});
		List<String> log = events.list(ws.crn().toString(), backup.crn().toString(), 1000)
			.stream()
			.map(Event::message)
			.toList();
		assertThat(log).anyMatch((m) -> m.contains("no longer owns job execution " + first))
			.anyMatch((m) -> m.contains("runner " + dead + " (gone-host) stopped heartbeating")
					&& m.contains("job execution " + first + " (backupWorkspace, step awaitRecoveryPoints) recovered "
							+ "and restarted as job execution " + last.getId() + " by runner scanner-"))
			.noneMatch((m) -> m.contains("restartWorkspaceAfterFailure"));
	}

	@Test
	void anExecutionWhoseOwnerHeartbeatsIsLeftAlone() {
		Workspace ws = newWorkspace();
		cloud.holdSnapshots();
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "alive", null, CREATOR);
		long execution = awaitRunningStep(backup, "awaitRecoveryPoints");

		List<RecoveryScanner.Recovery> recoveries = scanners().of("scanner-live-" + ws.name()).scan();

		assertThat(recoveries).noneMatch((r) -> r.executionId() == execution);
		assertThat(registry.owner(execution).orElseThrow()).satisfies((o) -> {
			assertThat(o.runnerId()).isEqualTo(runner.id());
			assertThat(o.state()).isEqualTo(RunnerRegistry.RUNNING);
		});
		cloud.releaseSnapshots();
		JobExecution done = awaitJobEnd(backup);
		assertThat(done.getId()).isEqualTo(execution);
		assertThat(done.getStatus()).isEqualTo(BatchStatus.COMPLETED);
	}

	@Test
	void aCloudJobStartedButNeverRecordedIsFoundAgainByItsTokenOnRestart() {
		Workspace ws = newWorkspace();
		cloud.loseNextStartSnapshotAnswer();
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "lost-answer", null, CREATOR);
		JobExecution failed = awaitJobEnd(backup);
		assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(cloud.startedSnapshots()).as("the cloud job whose id was never recorded").hasSize(1);

		backupLauncher.restartBackup(backup.crn().toString());
		JobExecution done = awaitJobEnd(backup);

		assertThat(done.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(cloud.startedSnapshots()).as("the same token gives back the job started before").hasSize(3);
		assertThat(backups.recoveryPoints(backup.crn())).hasSize(3);
	}

	/** Waits until the backup's job runs this step, and returns the execution's id. */
	private long awaitRunningStep(Backup backup, String step) {
		return await().atMost(Duration.ofSeconds(30)).until(() -> {
			Long id = reload(backup).jobExecutionId();
			JobExecution execution = id == null ? null : jobRepository.getJobExecution(id);
			boolean there = execution != null && execution.getStepExecutions()
				.stream()
				.anyMatch((s) -> s.getStepName().equals(step) && s.getStatus() == BatchStatus.STARTED);
			return there ? id : null;
		}, (id) -> id != null);
	}

	private Scanners scanners() {
		return new Scanners(registry, jobRepository, jobOperator, launcher, executionEvents, launches, jdbc);
	}

}
