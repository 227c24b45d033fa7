package io.wsbackup.retention;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.wsbackup.system.ErrorCode;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.events.Event;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.execution.StepGuard;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;
import io.wsbackup.workspace.WorkspaceStorage;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The enforceRetention job on the real store with the fake cloud: the schedule's backups
 * are made by the launcher under a creator CRN of the test's own.
 */
class RetentionJobTest extends WsbackupTestSupport {

	@Autowired
	Launcher launcher;

	@Autowired
	RetentionLauncher retentionLauncher;

	@Autowired
	WorkspaceRepository workspaces;

	@Autowired
	EventLog events;

	@Autowired
	JobOperator jobOperator;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Autowired
	DoomedBackups doomedBackups;

	@Autowired
	StepGuard guard;

	@Test
	void theDoomedBackupsAreDeletedAndOneARestoreReadsFromStaysWithAWarning() {
		String schedule = "keep1-" + UUID.randomUUID().toString().substring(0, 8);
		Workspace ws = newWorkspace();
		List<Backup> made = succeededBackups(ws, schedule, 3);
		Backup read = made.get(0);
		Backup doomed = made.get(1);
		Backup newest = made.get(2);
		Workspace restoring = new Workspace(Crn.newWorkspace("us-west-2", "123456789012"), ws.name() + "-r", "env-test",
				"123456789012", "us-west-2", "2.0.50", WorkspaceStatus.RESTORE_STARTED,
				new WorkspaceStorage(List.of(), null, false), clock.instant(), read.crn().toString(), null, null);
		workspaces.insert(restoring);
		RetentionSweep sweep = new RetentionSweep(schedule, creator(schedule), new Retention(1, null), null,
				"run-" + UUID.randomUUID());

		long execution = retentionLauncher.start(sweep);

		assertThat(awaitEnd(execution).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		await().atMost(Duration.ofSeconds(30)).until(() -> backups.find(doomed.crn()).isEmpty());
		assertThat(messages(ws, doomed)).anyMatch((m) -> m.startsWith(
				"retention of schedule " + schedule + " deletes backup " + doomed.name() + " (beyond the newest 1"));
		assertThat(reload(read).status()).isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(events.list(ws.crn().toString(), read.crn().toString(), 100)).anySatisfy((e) -> {
			assertThat(e.level()).isEqualTo("WARNING");
			assertThat(e.message())
				.startsWith("retention of schedule " + schedule + " cannot delete backup " + read.name() + " yet: ");
		});
		assertThat(reload(newest).status()).isEqualTo(BackupStatus.SUCCEEDED);
		// the same sweep started again adopts its execution and starts nothing more
		assertThat(retentionLauncher.start(sweep)).isEqualTo(execution);
		assertThat(messages(ws, read)).filteredOn((m) -> m.contains("cannot delete backup")).hasSize(1);
	}

	@Test
	void aSweepThatFailsAtItsStepIsRestartedAndStartsEachDeleteOnce() throws Exception {
		String schedule = "keep1-" + UUID.randomUUID().toString().substring(0, 8);
		Workspace ws = newWorkspace();
		List<Backup> made = succeededBackups(ws, schedule, 4);
		CountedDeletes deletes = new CountedDeletes(launcher, 2);
		Job job = new RetentionJobConfiguration().enforceRetentionJob(jobRepository, transactionManager, doomedBackups,
				backups, deletes, events, guard);
		JobParameters parameters = new RetentionSweep(schedule, creator(schedule), new Retention(1, null),
				ws.crn().toString(), "run-" + UUID.randomUUID())
			.toJobParameters();

		JobExecution failed = awaitEnd(jobOperator.start(job, parameters).getId());

		assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(failed.getStepExecutions()).singleElement().satisfies((step) -> {
			assertThat(step.getStepName()).isEqualTo("deleteDoomedBackups");
			assertThat(step.getStatus()).isEqualTo(BatchStatus.FAILED);
		});
		assertThat(deletes.launched).hasSize(1);

		JobExecution restarted = awaitEnd(jobOperator.start(job, parameters).getId());

		assertThat(restarted.getId()).isNotEqualTo(failed.getId());
		assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(deletes.launched).containsExactlyInAnyOrder(made.get(0).crn().toString(),
				made.get(1).crn().toString(), made.get(2).crn().toString());
		for (Backup gone : made.subList(0, 3)) {
			await().atMost(Duration.ofSeconds(30)).until(() -> backups.find(gone.crn()).isEmpty());
			assertThat(messages(ws, gone)).filteredOn((m) -> m.contains(" deletes backup " + gone.name())).hasSize(1);
		}
		assertThat(reload(made.get(3)).status()).isEqualTo(BackupStatus.SUCCEEDED);
	}

	@Test
	void theLauncherRoutesASweepsExecutionToTheRetentionWing() {
		String schedule = "route-" + UUID.randomUUID().toString().substring(0, 8);
		Workspace ws = newWorkspace();
		long execution = retentionLauncher.start(new RetentionSweep(schedule, creator(schedule), new Retention(1, null),
				ws.crn().toString(), "run-" + UUID.randomUUID()));

		assertThat(awaitEnd(execution).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		// restarting a completed sweep through the router adopts it: the sweep does not
		// run twice
		assertThat(launcher.restartExecution(execution)).isEqualTo(execution);
		assertThatThrownBy(() -> launcher.launch(RetentionParameters.JOB_NAME, java.util.Map.of(), creator(schedule)))
			.isInstanceOfSatisfying(WsbackupException.class,
					(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
			.hasMessageContaining("started by a schedule's retention");
	}

	/** The schedule's backups of the workspace, oldest first, each succeeded. */
	private List<Backup> succeededBackups(Workspace ws, String schedule, int count) {
		List<Backup> made = new CopyOnWriteArrayList<>();
		for (int i = 0; i < count; i++) {
			Backup backup = launcher.backupWorkspace(ws.crn().toString(), schedule + "-" + i, null, creator(schedule));
			assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.COMPLETED);
			made.add(reload(backup));
		}
		return made;
	}

	private static String creator(String schedule) {
		return "crn:cdp:iam:us-west-2:123456789012:schedule:" + schedule;
	}

	private JobExecution awaitEnd(long id) {
		return await().atMost(Duration.ofSeconds(30))
			.until(() -> jobRepository.getJobExecution(id),
					(e) -> e != null && !e.isRunning() && e.getEndTime() != null);
	}

	private List<String> messages(Workspace ws, Backup backup) {
		return events.list(ws.crn().toString(), backup.crn().toString(), 100).stream().map(Event::message).toList();
	}

	/**
	 * The launcher's deletes, recorded; the call numbered {@code failing} fails once, as
	 * when the store cannot be written, before it reaches the launcher.
	 */
	private static final class CountedDeletes implements BackupDeletes {

		private final Launcher launcher;

		private final int failing;

		private final AtomicInteger calls = new AtomicInteger();

		final List<String> launched = new CopyOnWriteArrayList<>();

		CountedDeletes(Launcher launcher, int failing) {
			this.launcher = launcher;
			this.failing = failing;
		}

		@Override
		public long deleteBackup(String backupCrn) {
			if (calls.incrementAndGet() == failing) {
				throw new IllegalStateException("the launcher cannot record the delete of " + backupCrn);
			}
			launched.add(backupCrn);
			return launcher.deleteBackup(backupCrn);
		}

	}

}
