package io.wsbackup.recovery;

import io.wsbackup.execution.ExecutionEvents;

import io.wsbackup.execution.Launches;

import io.wsbackup.execution.RunnerRegistry;

import io.wsbackup.execution.Runner;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicInteger;

import io.wsbackup.Gate;
import io.wsbackup.backup.BackupLauncher;
import io.wsbackup.deletion.DeleteLauncher;
import io.wsbackup.execution.JobStarter;
import io.wsbackup.execution.LaunchableJob;
import io.wsbackup.restore.RestoreLauncher;
import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.backup.BackupParameters;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.deletion.DeleteParameters;
import io.wsbackup.events.Event;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.restore.RestoreParameters;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;
import io.wsbackup.workspace.WorkspaceStorage;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The window between an acknowledged answer and its job's execution, on the real store: a
 * runner that committed a launch (the catalog change and its {@code WS_LAUNCH} row, as
 * {@link Launcher} does in one transaction) and died before its job began leaves the
 * launch to the recovery scan of another runner, which completes it exactly once: a
 * backup, a restore, a delete and a restart run to their end, and a backup cancelled
 * before its job began ends cancelled without touching its workspace. Parallel deletes of
 * one backup all get its one workflow id. (The packaged runner killed right after each
 * answer is {@code KilledAfterAnswerIT}.)
 */
class LaunchRecoveryTest extends WsbackupTestSupport {

	private static final String CREATOR = "crn:cdp:iam:us-west-2:123456789012:user:tester";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	Launcher launcher;

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

	@Autowired
	BackupLauncher backupLauncher;

	@Autowired
	RestoreLauncher restoreLauncher;

	@Autowired
	DeleteLauncher deleteLauncher;

	@Autowired
	JobStarter starter;

	@LocalServerPort
	int port;

	@Test
	void aBackupWhoseRunnerDiedBeforeItsJobBeganIsStartedOnceByTwoRacingScanners() throws Exception {
		Workspace ws = newWorkspace();
		String dead = scanners().deadRunner("dead-" + ws.name());
		Backup backup = acknowledgedBackup(ws, "cut-short", dead);

		List<RecoveryScanner.CompletedLaunch> completed = Scanners.race(RecoveryScanner::completeLaunches,
				scanners().of("one-" + ws.name()), scanners().of("two-" + ws.name()));

		assertThat(completed).filteredOn((c) -> c.subjectCrn().equals(backup.crn().toString()))
			.as("completed exactly once")
			.singleElement()
			.satisfies((c) -> assertThat(c.message()).contains("runner " + dead + " (gone-host) stopped heartbeating")
				.contains("the backup job of cut-short started as job execution"));
		JobExecution end = awaitJobEnd(backup);
		assertThat(end.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(cloud.startedSnapshots()).as("one cloud job per resource").hasSize(3);
		assertThat(workspaces.find(ws.crn()).orElseThrow().status()).isEqualTo(WorkspaceStatus.INSTALLATION_FINISHED);
		assertThat(launches.isPending(BackupParameters.JOB_NAME, backup.crn().toString())).isFalse();
		assertThat(messages(ws, backup.crn().toString())).anyMatch(
				(m) -> m.contains("before its job began") && m.contains("started as job execution " + end.getId()));
	}

	@Test
	void aBackupCancelledBeforeItsJobBeganEndsCancelledAndNeverTouchesItsWorkspace() {
		Workspace ws = newWorkspace();
		Backup backup = acknowledgedBackup(ws, "never-began", scanners().deadRunner("dead-" + ws.name()));

		launcher.cancelBackup(backup.crn().toString());
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.CANCELLING);
		scanners().of("cancel-" + ws.name()).completeLaunches();

		Backup ended = reload(backup);
		assertThat(ended.status()).isEqualTo(BackupStatus.CANCELLED);
		assertThat(ended.failureReason()).contains("cancelled before its job began");
		assertThat(jobRepository.getLastJobExecution(BackupParameters.JOB_NAME, parameters(backup)))
			.as("no job was started")
			.isNull();
		assertThat(cloud.startedSnapshots()).isEmpty();
		assertThat(workloads.calls()).isEmpty();
		assertThat(workspaces.find(ws.crn()).orElseThrow().status()).isEqualTo(WorkspaceStatus.INSTALLATION_FINISHED);
		assertThat(launches.isPending(BackupParameters.JOB_NAME, backup.crn().toString())).isFalse();
		// the workspace can be backed up again
		Backup next = launcher.backupWorkspace(ws.crn().toString(), "after-cancel", null, CREATOR);
		assertThat(awaitJobEnd(next).getStatus()).isEqualTo(BatchStatus.COMPLETED);
	}

	@Test
	void aRestartCutShortIsRestartedWithItsCloudJobs() {
		Workspace ws = newWorkspace();
		cloud.failJobOf("vol-" + ws.name() + "-b", "snapshot failed");
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "restart-cut", null, CREATOR);
		assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.FAILED);
		int snapshots = cloud.startedSnapshots().size();
		// what restartBackup commits before it starts the job: failed -> running, and the
		// launch; then its runner dies
		String dead = scanners().deadRunner("dead-" + ws.name());
		backups.moveStatus(backup.crn(), BackupStatus.FAILED, BackupStatus.RUNNING, null);
		launches.record(BackupParameters.JOB_NAME, backup.crn().toString(), dead);

		scanners().of("restart-" + ws.name()).completeLaunches();

		JobExecution end = awaitJobEnd(backup);
		assertThat(end.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(cloud.startedSnapshots()).as("only the failed resource's job again").hasSize(snapshots + 1);
		assertThat(messages(ws, backup.crn().toString())).anyMatch((m) -> m.contains("restarted as job execution"));
	}

	@Test
	void aRestoreWhoseRunnerDiedBeforeItsJobBeganRunsWithTheTimeoutItWasAskedFor() {
		Workspace source = newWorkspace();
		Backup backup = launcher.backupWorkspace(source.crn().toString(), "source", null, CREATOR);
		assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		String dead = scanners().deadRunner("dead-" + source.name());
		// what restoreWorkspace commits before it starts the job
		Crn crn = Crn.newWorkspace("us-west-2", "123456789012");
		String name = "r-" + Long.toHexString(System.nanoTime());
		workspaces.insert(new Workspace(crn, name, "env-test", "123456789012", "us-west-2", "2.0.50",
				WorkspaceStatus.RESTORE_STARTED, new WorkspaceStorage(List.of(), null, false), clock.instant(),
				backup.crn().toString(), null, "{}"));
		workspaces.setRestoreTimeoutMinutes(crn, 42);
		launches.record(RestoreParameters.JOB_NAME, crn.toString(), dead);

		scanners().of("restore-" + source.name()).completeLaunches();

		JobExecution end = await().atMost(Duration.ofSeconds(30)).until(() -> {
			Long id = workspaces.restoreRecord(crn).jobExecutionId();
			JobExecution e = id == null ? null : jobRepository.getJobExecution(id);
			return e != null && !e.isRunning() && e.getEndTime() != null ? e : null;
		}, (e) -> e != null);
		assertThat(end.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(end.getJobParameters().getLong(RestoreParameters.TIMEOUT_MINUTES)).isEqualTo(42L);
		assertThat(workspaces.find(crn).orElseThrow().status()).isEqualTo(WorkspaceStatus.INSTALLATION_FINISHED);
		assertThat(cloud.startedRestores()).hasSize(3);
		assertThat(events.list(crn.toString(), null, 100)).extracting(Event::message)
			.anyMatch((m) -> m.contains("the restore job of workspace " + name + " started"));
	}

	@Test
	void aDeleteWhoseRunnerDiedBeforeItsJobBeganRemovesTheBackupAndItsRecoveryPoints() {
		Workspace ws = newWorkspace();
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "to-delete", null, CREATOR);
		assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		List<String> points = backups.recoveryPoints(backup.crn()).stream().map((rp) -> rp.recoveryPointId()).toList();
		// what deleteBackup commits before it starts the job
		String dead = scanners().deadRunner("dead-" + ws.name());
		backups.moveStatus(backup.crn(), BackupStatus.SUCCEEDED, BackupStatus.DELETING, null);
		launches.record(DeleteParameters.JOB_NAME, backup.crn().toString(), dead);

		scanners().of("delete-" + ws.name()).completeLaunches();

		await().atMost(Duration.ofSeconds(30)).until(() -> backups.find(backup.crn()).isEmpty());
		assertThat(cloud.deletedRecoveryPoints()).containsAll(points);
		assertThat(cloud.listRecoveryPoints(backup.vaultName()))
			.noneMatch((rp) -> backup.crn().toString().equals(rp.tags().get("backupCrn")));
	}

	@Test
	void aLaunchOfALiveRunnerOrInFlightHereIsLeftAlone() {
		Workspace ws = newWorkspace();
		String alive = "alive-" + ws.name();
		registry.register(alive, "live-host");
		Backup other = acknowledgedBackup(ws, "live-launch", alive);
		Workspace ws2 = newWorkspace();
		Backup here = acknowledgedBackup(ws2, "in-flight", runner.id());
		runner.beginLaunch(BackupParameters.JOB_NAME, here.crn().toString());
		try {
			List<RecoveryScanner.CompletedLaunch> completed = scanners().of("watcher-" + ws.name()).completeLaunches();
			RecoveryScanner own = new RecoveryScanner(runner, registry, jobRepository, jobOperator, launcher,
					executionEvents, launches, Scanners.DEAD_AFTER);
			runner.reachedStoreSince(System.nanoTime() - Scanners.DEAD_AFTER.toNanos() - 1);
			completed = new ArrayList<>(completed);
			completed.addAll(own.completeLaunches());

			assertThat(completed).extracting(RecoveryScanner.CompletedLaunch::subjectCrn)
				.doesNotContain(other.crn().toString(), here.crn().toString());
			assertThat(launches.isPending(BackupParameters.JOB_NAME, other.crn().toString())).isTrue();
			assertThat(launches.isPending(BackupParameters.JOB_NAME, here.crn().toString())).isTrue();
		}
		finally {
			runner.endLaunch(BackupParameters.JOB_NAME, here.crn().toString());
			launches.done(BackupParameters.JOB_NAME, other.crn().toString(), alive);
			launches.done(BackupParameters.JOB_NAME, here.crn().toString(), runner.id());
		}
	}

	@Test
	void aLaunchWhoseCompletionFailedOnTheStoreStaysForTheNextScanWhichStartsItsBackupOnce() {
		Workspace ws = newWorkspace();
		// held by this runner, which no longer launches it: what the launch dispatcher
		// leaves when its start of a queued launch failed
		Backup backup = acknowledgedBackup(ws, "completed-on-second-look", runner.id());
		AtomicInteger resumes = new AtomicInteger();
		LaunchableJob flaky = (LaunchableJob) java.lang.reflect.Proxy.newProxyInstance(
				LaunchableJob.class.getClassLoader(), new Class<?>[] { LaunchableJob.class }, (proxy, method, args) -> {
					if (method.getName().equals("resumeLaunch") && resumes.getAndIncrement() == 0) {
						throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
								new SQLTransientConnectionException("Connection is not available, request timed out"));
					}
					try {
						return method.invoke(backupLauncher, args);
					}
					catch (java.lang.reflect.InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
		Launcher failingOnce = new Launcher(backupLauncher, restoreLauncher, deleteLauncher, List.of(flaky), starter,
				launches);
		RecoveryScanner scanner = new RecoveryScanner(runner, registry, jobRepository, jobOperator, failingOnce,
				executionEvents, launches, Scanners.DEAD_AFTER);
		runner.reachedStoreSince(System.nanoTime() - Scanners.DEAD_AFTER.toNanos() - 1);

		assertThat(scanner.completeLaunches()).filteredOn((c) -> c.subjectCrn().equals(backup.crn().toString()))
			.singleElement()
			.satisfies((c) -> assertThat(c.message()).startsWith("failed: Failed to obtain JDBC Connection"));
		assertThat(launches.isPending(BackupParameters.JOB_NAME, backup.crn().toString()))
			.as("the launch is still recorded for the next scan")
			.isTrue();
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.RUNNING);

		assertThat(scanner.completeLaunches()).filteredOn((c) -> c.subjectCrn().equals(backup.crn().toString()))
			.singleElement()
			.satisfies((c) -> assertThat(c.message()).contains("started as job execution"));
		assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(cloud.startedSnapshots()).as("one cloud job per resource").hasSize(3);
		assertThat(launches.isPending(BackupParameters.JOB_NAME, backup.crn().toString())).isFalse();
		assertThat(resumes).hasValue(2);
	}

	@Test
	void tenParallelDeletesOfOneBackupAllGetItsOneWorkflowId() throws Exception {
		Workspace ws = newWorkspace();
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "deleted-ten-times", null, CREATOR);
		assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		// the delete job waits at its first look into the vault until every answer is in
		Gate held = cloud.gateNext("listRecoveryPoints");
		ExecutorService pool = Executors.newFixedThreadPool(10);
		try {
			CountDownLatch go = new CountDownLatch(1);
			List<Future<HttpResponse<String>>> answers = new ArrayList<>();
			HttpClient http = HttpClient.newHttpClient();
			for (int i = 0; i < 10; i++) {
				Callable<HttpResponse<String>> delete = () -> {
					go.await();
					return http.send(asAdmin(
							HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/ml/deleteBackup")))
						.header("Content-Type", "application/json")
						.POST(HttpRequest.BodyPublishers.ofString("{\"backupCrn\": \"" + backup.crn() + "\"}"))
						.build(), HttpResponse.BodyHandlers.ofString());
				};
				answers.add(pool.submit(delete));
			}
			go.countDown();
			List<String> workflowIds = new ArrayList<>();
			for (Future<HttpResponse<String>> answer : answers) {
				HttpResponse<String> response = answer.get();
				assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
				JsonNode body = JSON.readTree(response.body());
				workflowIds.add(body.path("workflowId").asString());
			}
			assertThat(workflowIds).hasSize(10).containsOnly(workflowIds.get(0));
			held.awaitReached();
			held.open();
			await().atMost(Duration.ofSeconds(30)).until(() -> backups.find(backup.crn()).isEmpty());
			assertThat(jobRepository.getJobInstance(DeleteParameters.JOB_NAME,
					new org.springframework.batch.core.job.parameters.JobParametersBuilder()
						.addString(DeleteParameters.BACKUP_CRN, backup.crn().toString())
						.toJobParameters()))
				.satisfies((instance) -> assertThat(jobRepository.getJobExecutions(instance)).as("one delete job")
					.hasSize(1)
					.allSatisfy((e) -> assertThat(String.valueOf(e.getId())).isEqualTo(workflowIds.get(0))));
		}
		finally {
			held.open();
			pool.shutdownNow();
		}
	}

	/**
	 * What {@code Launcher.backupWorkspace} commits before it starts the job: the backup
	 * {@code running} and its launch, here by {@code runnerId}, which dies before the job
	 * begins.
	 */
	private Backup acknowledgedBackup(Workspace ws, String name, String runnerId) {
		Backup backup = new Backup(Crn.newBackup(ws.crn()), ws.crn(), name, CREATOR, clock.instant(), ws.version(),
				BackupStatus.RUNNING, 720, ws.vaultName(), null, List.of(), null);
		backups.insert(backup);
		launches.record(BackupParameters.JOB_NAME, backup.crn().toString(), runnerId);
		return backup;
	}

	private static org.springframework.batch.core.job.parameters.JobParameters parameters(Backup backup) {
		return new org.springframework.batch.core.job.parameters.JobParametersBuilder()
			.addString(BackupParameters.WORKSPACE_CRN, backup.workspaceCrn().toString())
			.addString(BackupParameters.BACKUP_CRN, backup.crn().toString())
			.toJobParameters();
	}

	private List<String> messages(Workspace ws, String backupCrn) {
		return events.list(ws.crn().toString(), backupCrn, 1000).stream().map(Event::message).toList();
	}

	private Scanners scanners() {
		return new Scanners(registry, jobRepository, jobOperator, launcher, executionEvents, launches, jdbc);
	}

}
