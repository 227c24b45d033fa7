package io.wsbackup.recovery;

import java.time.Duration;
import java.util.function.Function;
import java.util.stream.Stream;

import io.wsbackup.Gate;
import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.Verification;
import io.wsbackup.execution.ExecutionEvents;
import io.wsbackup.execution.Launches;
import io.wsbackup.execution.Runner;
import io.wsbackup.execution.RunnerRegistry;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.restore.DrillLauncher;
import io.wsbackup.restore.DrillStarted;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A drill whose runner dies in each of its steps (the step held at its port call, its
 * execution handed to a dead runner, this JVM's job thread parking at its next chunk as a
 * killed process would stop) is taken back by the recovery scan, goes on where it
 * stopped, ends with the backup verified, one cloud restore per recovery point, and
 * nothing left behind.
 */
class DrillKilledTest extends WsbackupTestSupport {

	private static final String CREATOR = "crn:cdp:iam:us-west-2:123456789012:user:tester";

	@Autowired
	Launcher launcher;

	@Autowired
	DrillLauncher drills;

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
	WorkspaceRepository workspaces;

	@Autowired
	JdbcClient jdbc;

	static Stream<Arguments> steps() {
		return Stream.of(
				Arguments.of("validateRestore",
						(Function<DrillKilledTest, Gate>) (t) -> t.cloud.gateNext("listRecoveryPoints")),
				Arguments.of("provisionWorkspace",
						(Function<DrillKilledTest, Gate>) (t) -> t.workloads.gateNext("provision")),
				Arguments.of("restoreStorage",
						(Function<DrillKilledTest, Gate>) (t) -> t.cloud.gateNext("startRestore")),
				Arguments.of("awaitRestores",
						(Function<DrillKilledTest, Gate>) (t) -> t.cloud.gateNext("restoreProgress")),
				Arguments.of("attachStorage",
						(Function<DrillKilledTest, Gate>) (t) -> t.workloads.gateNext("attachStorage")),
				Arguments.of("startWorkspace",
						(Function<DrillKilledTest, Gate>) (t) -> t.workloads.gateNext("startRestored")),
				Arguments.of("verifyRestoredData",
						(Function<DrillKilledTest, Gate>) (t) -> t.cloud.gateNext("verifyRestored")),
				Arguments.of("removeScratchWorkspace",
						(Function<DrillKilledTest, Gate>) (t) -> t.workloads.gateNext("remove")));
	}

	@ParameterizedTest(name = "killed in {0}")
	@MethodSource("steps")
	void aDrillKilledInEachStepIsTakenBackAndEndsVerifiedWithNothingLeftBehind(String step,
			Function<DrillKilledTest, Gate> hold) throws Exception {
		Workspace ws = newWorkspace();
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "killed-drill", null, CREATOR);
		assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		Gate gate = hold.apply(this);

		DrillStarted started = drills.drillBackup(ws.crn().toString(), null, CREATOR);
		long first = started.jobExecutionId();
		gate.awaitReached();
		// the runner that owns it dies (its heartbeat an hour old); the step's call
		// returns and this JVM's job thread, no longer relying on its own heartbeat,
		// reads who owns the execution and parks before the next chunk
		runner.distrustHeartbeats();
		String dead = scanners().deadRunner("dead-" + ws.name());
		jdbc.sql("UPDATE WS_EXECUTION_OWNER SET RUNNER_ID = ? WHERE JOB_EXECUTION_ID = ?").params(dead, first).update();
		gate.open();
		await().atMost(Duration.ofSeconds(30)).until(() -> !runner.runsHere(first));
		assertThat(jobRepository.getJobExecution(first).getStatus()).as("left STARTED, as by a kill")
			.isEqualTo(BatchStatus.STARTED);

		var recoveries = scanners().of("scanner-" + ws.name()).scan();
		assertThat(recoveries).filteredOn((r) -> r.executionId() == first)
			.singleElement()
			.satisfies((r) -> assertThat(r.restartedAs()).isNotNull());
		long restartedAs = recoveries.stream()
			.filter((r) -> r.executionId() == first)
			.findFirst()
			.orElseThrow()
			.restartedAs();
		JobExecution last = await().atMost(Duration.ofSeconds(30))
			.until(() -> jobRepository.getJobExecution(restartedAs),
					(e) -> e != null && !e.isRunning() && e.getEndTime() != null);

		assertThat(last.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		Verification verification = backups.verification(backup.crn());
		assertThat(verification.status()).isEqualTo(Verification.Status.VERIFIED);
		assertThat(verification.verifiedBy()).isEqualTo("drill");
		assertThat(cloud.startedRestores()).as("one cloud restore per recovery point, never a second")
			.hasSize(3)
			.extracting((r) -> r.recoveryPointId())
			.doesNotHaveDuplicates();
		Crn scratch = Crn.parse(started.scratchWorkspaceCrn());
		assertThat(workspaces.find(scratch)).as("the scratch workspace's row").isEmpty();
		assertThat(cloud.restoredResources()).as("restored resources still there").isEmpty();
		assertThat(cloud.runningRestores()).isZero();
		assertThat(workloads.provisioned()).as("namespaces still there").isEmpty();
	}

	private Scanners scanners() {
		return new Scanners(registry, jobRepository, jobOperator, launcher, executionEvents, launches, jdbc);
	}

}
