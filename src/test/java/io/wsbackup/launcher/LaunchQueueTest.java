package io.wsbackup.launcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.backup.BackupParameters;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.execution.LaunchQueue;
import io.wsbackup.execution.Launches;
import io.wsbackup.execution.Runner;
import io.wsbackup.execution.RunnerRegistry;
import io.wsbackup.recovery.RecoveryScanner;
import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.wsbackup.execution.ExecutionEvents;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launch queue on the real store: launches that wait for room are rows of
 * {@code WS_LAUNCH}, taken by whichever runner has room and a share, each exactly once;
 * the per-account limit holds for them; a cancel withdraws a queued backup at once; the
 * recovery scan leaves queued launches alone, whoever queued them. The test's own runner
 * stops its dispatcher so that the launches it queues wait for the other runners of the
 * test, whose dispatchers are called by hand.
 */
class LaunchQueueTest extends WsbackupTestSupport {

	private static final String CREATOR = "crn:cdp:iam:us-west-2:123456789012:user:queue-test";

	@Autowired
	Launcher launcher;

	@Autowired
	LaunchDispatcher dispatcher;

	@Autowired
	LaunchQueue queue;

	@Autowired
	RunnerRegistry registry;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	Launches launches;

	@Autowired
	JobOperator jobOperator;

	@Autowired
	ExecutionEvents executionEvents;

	@BeforeEach
	void queueOnly() {
		dispatcher.stop();
	}

	@AfterEach
	void dispatchAgain() {
		dispatcher.start();
	}

	@Test
	void twoRunnersShareTheQueuedStartsAndStartEachOnce() {
		String account = newAccount();
		List<Backup> queued = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			queued.add(
					launcher.backupWorkspaceOnAnyRunner(workspaceIn(account).crn().toString(), "night", null, CREATOR));
		}
		assertThat(queued).allSatisfy((b) -> {
			assertThat(b.status()).isEqualTo(BackupStatus.RUNNING);
			assertThat(b.jobExecutionId()).isNull();
			assertThat(queue.isQueued(BackupParameters.JOB_NAME, b.crn().toString())).isTrue();
		});
		LaunchDispatcher one = otherRunner("one", 100, 1000);
		LaunchDispatcher two = otherRunner("two", 100, 1000);

		int live = registry.live(registry.before(Duration.ofSeconds(60)));
		int byOne = one.dispatch();
		assertThat(byOne).as("its share of the 12 among %d live runners, not all", live)
			.isBetween(1, Math.ceilDiv(12, live));
		int byTwo = two.dispatch();
		assertThat(byTwo).as("the other runner takes its share too").isBetween(1, Math.ceilDiv(12 - byOne, live));
		while (byOne + byTwo < 12) {
			byOne += one.dispatch();
			byTwo += two.dispatch();
		}
		assertThat(one.dispatch() + two.dispatch()).as("nothing left").isZero();

		for (Backup backup : queued) {
			assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.COMPLETED);
			assertThat(reload(backup).status()).isEqualTo(BackupStatus.SUCCEEDED);
			assertThat(jdbc
				.sql("SELECT COUNT(*) FROM BATCH_JOB_EXECUTION_PARAMS WHERE PARAMETER_NAME = ? "
						+ "AND PARAMETER_VALUE = ?")
				.params(BackupParameters.BACKUP_CRN, backup.crn().toString())
				.query(Integer.class)
				.single()).as("one job execution for %s", backup.crn()).isEqualTo(1);
		}
		assertThat(cloud.startedSnapshots()).as("one cloud job per resource of each backup").hasSize(12 * 3);
	}

	@Test
	void theAccountLimitHoldsForQueuedLaunches() {
		String account = newAccount();
		List<Backup> queued = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			queued.add(launcher.backupWorkspaceOnAnyRunner(workspaceIn(account).crn().toString(), "capped", null,
					CREATOR));
		}
		cloud.holdSnapshots();
		LaunchDispatcher runner = otherRunner("capped", 100, 2);
		// a look takes at most its share (the queue over the live runners of the test
		// schema); looks until one takes nothing
		int taken = 0;
		for (int look = runner.dispatch(); look > 0; look = runner.dispatch()) {
			taken += look;
		}
		assertThat(taken).as("two in flight for the account at most").isEqualTo(2);
		assertThat(queued.stream().filter((b) -> queue.isQueued(BackupParameters.JOB_NAME, b.crn().toString())))
			.as("the others wait in the queue")
			.hasSize(3);
		cloud.releaseSnapshots();
		while (queued.stream().anyMatch((b) -> queue.isQueued(BackupParameters.JOB_NAME, b.crn().toString()))) {
			runner.dispatch();
		}
		for (Backup backup : queued) {
			assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		}
	}

	@Test
	void aQueuedBackupCancelledEndsCancelledAtOnceWithoutAJob() {
		Workspace ws = workspaceIn(newAccount());
		Backup backup = launcher.backupWorkspaceOnAnyRunner(ws.crn().toString(), "withdrawn", null, CREATOR);

		assertThat(launcher.cancelBackup(backup.crn().toString()).status()).as("what the cancel answers")
			.isEqualTo(BackupStatus.CANCELLED);

		Backup ended = reload(backup);
		assertThat(ended.status()).isEqualTo(BackupStatus.CANCELLED);
		assertThat(ended.failureReason()).contains("cancelled while queued");
		assertThat(queue.isQueued(BackupParameters.JOB_NAME, backup.crn().toString())).isFalse();
		otherRunner("after-cancel", 100, 1000).dispatch();
		assertThat(jobRepository.getLastJobExecution(BackupParameters.JOB_NAME,
				new JobParametersBuilder().addString(BackupParameters.WORKSPACE_CRN, ws.crn().toString())
					.addString(BackupParameters.BACKUP_CRN, backup.crn().toString())
					.toJobParameters()))
			.as("no job was started")
			.isNull();
		assertThat(cloud.startedSnapshots()).isEmpty();
		assertThat(workloads.calls()).isEmpty();
	}

	@Test
	void theRecoveryScanLeavesQueuedLaunchesToTheDispatchersEvenWhenTheirRunnerDied() {
		Backup backup = launcher.backupWorkspaceOnAnyRunner(workspaceIn(newAccount()).crn().toString(), "orphan", null,
				CREATOR);
		jdbc.sql("UPDATE WS_LAUNCH SET RUNNER_ID = 'gone-runner' WHERE SUBJECT_CRN = ?")
			.param(backup.crn().toString())
			.update();
		Runner scanning = new Runner("scan-" + UUID.randomUUID().toString().substring(0, 8), "test-host");
		scanning.reachedStoreSince(System.nanoTime() - Duration.ofMinutes(5).toNanos());
		registry.register(scanning.id(), "test-host");
		RecoveryScanner scanner = new RecoveryScanner(scanning, registry, jobRepository, jobOperator, launcher,
				executionEvents, launches, Duration.ofSeconds(30));

		assertThat(scanner.completeLaunches()).noneMatch((c) -> c.subjectCrn().equals(backup.crn().toString()));
		assertThat(queue.isQueued(BackupParameters.JOB_NAME, backup.crn().toString())).isTrue();

		assertThat(otherRunner("survivor", 100, 1000).dispatch()).isEqualTo(1);
		assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.SUCCEEDED);
	}

	/** The dispatcher of another live runner, with its own limits. */
	private LaunchDispatcher otherRunner(String name, int maxConcurrent, int perAccount) {
		Runner other = new Runner(name + "-" + UUID.randomUUID().toString().substring(0, 8), "test-host");
		registry.register(other.id(), "test-host");
		LaunchQueue itsQueue = new LaunchQueue(jdbc, other,
				new WsbackupProperties.Jobs(maxConcurrent, perAccount, Duration.ofSeconds(1)));
		return new LaunchDispatcher(itsQueue, launcher, other, registry, Duration.ofSeconds(1), Duration.ofSeconds(60),
				true);
	}

	private static String newAccount() {
		return String.valueOf(100_000_000_000L + (long) (Math.random() * 800_000_000_000L));
	}

	private Workspace workspaceIn(String account) {
		String name = "wq-" + UUID.randomUUID().toString().substring(0, 8);
		return workspaceService.register(name, "env-test", account, "us-west-2", "2.0.47",
				new WorkspaceStorage(List.of("vol-" + name + "-a", "vol-" + name + "-b"), "fs-" + name, false), null);
	}

}
