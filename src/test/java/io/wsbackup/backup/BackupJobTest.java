package io.wsbackup.backup;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.cloud.FakeCloud;
import io.wsbackup.events.Event;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.system.ErrorCode;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.workspace.FakeWorkloads;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The backupWorkspace job on the real store, with fakes at the cloud and workload ports.
 */
class BackupJobTest extends WsbackupTestSupport {

	@Autowired
	Launcher launcher;

	@Autowired
	BackupLauncher backupLauncher;

	@Autowired
	WorkspaceRepository workspaces;

	@Autowired
	EventLog events;

	private static final String CREATOR = "crn:cdp:iam:us-west-2:123456789012:user:tester";

	@Test
	void backupSucceedsRecordsTheCatalogAndLeavesTheWorkspaceAsItWas() {
		Workspace ws = newWorkspace();

		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "first", null, CREATOR);
		JobExecution execution = awaitJobEnd(backup);

		assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		Backup done = reload(backup);
		assertThat(done.status()).isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(done.timeoutMinutes()).isEqualTo(720);
		assertThat(done.vaultName()).isEqualTo("mlx-" + ws.uuid());
		assertThat(done.workspaceVersion()).isEqualTo("2.0.47");
		assertThat(done.creatorCrn()).isEqualTo(CREATOR);
		List<RecoveryPoint> points = backups.recoveryPoints(backup.crn());
		assertThat(points).extracting((rp) -> rp.resource().id())
			.containsExactlyInAnyOrderElementsOf(
					ws.storage().protectedResources().stream().map((r) -> r.id()).toList());
		assertThat(points).allSatisfy((rp) -> assertThat(rp.recoveryPointId()).startsWith("rp-"));
		assertThat(cloud.startedSnapshots()).hasSize(3)
			.allSatisfy((request) -> assertThat(request.tags()).containsEntry("backupCrn", backup.crn().toString())
				.containsEntry("workspaceCrn", ws.crn().toString()));
		assertThat(cloud.ensuredVaults()).containsExactly("mlx-" + ws.uuid());
		assertThat(workspaces.find(ws.crn()).orElseThrow().status()).isEqualTo(WorkspaceStatus.INSTALLATION_FINISHED);
		assertThat(workloads.calls()).containsExactly("stop " + ws.name(), "capture " + ws.name(),
				"start " + ws.name());
		assertThat(backups.capturedWorkloads(backup.crn()).document()).contains("replicas=3");
		assertThat(workloads.running(ws)).isTrue();

		List<Event> log = events.list(ws.crn().toString(), backup.crn().toString(), 1000);
		assertThat(log).extracting(Event::step)
			.contains("validateWorkspace", "stopWorkloads", "snapshotStorage", "awaitRecoveryPoints", "recordCatalog",
					"restartWorkspace");
		assertThat(log).extracting(Event::message).anyMatch((m) -> m.contains("is backup:started"));
		List<Event> progress = log.stream().filter((e) -> e.percentDone() != null).toList();
		assertThat(progress).hasSizeGreaterThanOrEqualTo(2);
		assertThat(progress).filteredOn((e) -> e.percentDone() < 100)
			.isNotEmpty()
			.allSatisfy((e) -> assertThat(e.expectedCompletion()).isNotNull());
		assertThat(progress.get(progress.size() - 1).percentDone()).isEqualTo(100);
	}

	static Stream<Arguments> failures() {
		return Stream.of(
				failure("validateWorkspace", (t) -> t.cloud().missingPrerequisite("AWS Backup is not opted in for EBS"),
						(t) -> t.cloud().clearPrerequisites(), "AWS Backup is not opted in for EBS", false),
				failure("stopWorkloads", (t) -> t.workloads().failNextStop("the API server refused the scale"), (t) -> {
				}, "the API server refused the scale", true), failure("snapshotStorage",
						(t) -> t.cloud().failStartSnapshotFor(t.second(), "vault is locked"), (t) -> {
						}, "vault is locked", true),
				failure("awaitRecoveryPoints",
						(t) -> t.cloud().failNextProgress("access denied to DescribeBackupJob", false), (t) -> {
						}, "access denied to DescribeBackupJob", true),
				failure("recordCatalog", (t) -> t.cloud().failNextListRecoveryPoints("ListRecoveryPoints refused"),
						(t) -> {
						}, "ListRecoveryPoints refused", true),
				failure("restartWorkspace", (t) -> t.workloads().failNextStarts(3, "the API server timed out"), (t) -> {
				}, "the API server timed out", true));
	}

	private static Arguments failure(String step, Consumer<Injection> inject, Consumer<Injection> fix, String reason,
			boolean compensates) {
		return Arguments.of(step, inject, fix, reason, compensates);
	}

	record Injection(FakeCloud cloud, FakeWorkloads workloads, Workspace workspace) {

		String second() {
			return workspace.storage().protectedResources().get(1).id();
		}

	}

	@ParameterizedTest(name = "failure in {0}")
	@MethodSource("failures")
	void failureAtEachStepRevertsTheWorkspaceAndARestartCompletesWithOneSnapshotPerResource(String step,
			Consumer<Injection> inject, Consumer<Injection> fix, String reason, boolean compensates) {
		Workspace ws = newWorkspace();
		Injection injection = new Injection(cloud, workloads, ws);
		inject.accept(injection);

		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "failing-" + step, null, CREATOR);
		JobExecution failed = awaitJobEnd(backup);

		assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(failed.getStepExecutions()).filteredOn((s) -> s.getStatus() == BatchStatus.FAILED)
			.extracting((s) -> s.getStepName())
			.containsExactly(step);
		Workspace after = workspaces.find(ws.crn()).orElseThrow();
		assertThat(after.status()).isEqualTo(WorkspaceStatus.INSTALLATION_FINISHED);
		assertThat(workloads.running(ws)).isTrue();
		if (compensates) {
			assertThat(failed.getStepExecutions()).extracting((s) -> s.getStepName())
				.contains("restartWorkspaceAfterFailure");
			assertThat(workloads.calls()).last().isEqualTo("start " + ws.name());
		}
		else {
			assertThat(workloads.calls()).as("nothing was stopped, so nothing is started").isEmpty();
		}
		Backup failedBackup = reload(backup);
		if (!step.equals("restartWorkspace")) {
			assertThat(failedBackup.status()).isEqualTo(BackupStatus.FAILED);
			assertThat(failedBackup.failureReason()).contains(reason);
		}
		else {
			assertThat(failedBackup.status()).as("the recovery points were recorded before the restart failed")
				.isEqualTo(BackupStatus.SUCCEEDED);
		}

		fix.accept(injection);
		long restartedId = backupLauncher.restartBackup(backup.crn().toString());
		// the job's listener points the backup at the new execution when it starts; until
		// then a backup that stayed succeeded (restartWorkspace failed) still names the
		// old one, which has ended
		await().atMost(Duration.ofSeconds(30))
			.until(() -> Long.valueOf(restartedId).equals(reload(backup).jobExecutionId()));
		JobExecution restarted = awaitJobEnd(backup);

		assertThat(restarted.getId()).isNotEqualTo(failed.getId());
		assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(reload(backup).failureReason()).isNull();
		assertThat(backups.recoveryPoints(backup.crn())).hasSize(3);
		assertThat(cloud.startedSnapshots()).as("exactly one cloud snapshot per resource").hasSize(3);
		assertThat(cloud.startedSnapshots()).extracting((r) -> r.resource().id()).doesNotHaveDuplicates();
		assertThat(workspaces.find(ws.crn()).orElseThrow().status()).isEqualTo(WorkspaceStatus.INSTALLATION_FINISHED);
		assertThat(workloads.running(ws)).isTrue();
	}

	@Test
	void timeoutFailsLeavingSnapshotsRunningAndARestartAfterTheyFinishCompletesWithoutANewSnapshot() {
		Workspace ws = newWorkspace();
		cloud.holdSnapshots();

		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "slow", 60, CREATOR);
		await().atMost(Duration.ofSeconds(20))
			.until(() -> events.list(ws.crn().toString(), backup.crn().toString(), 1000)
				.stream()
				.anyMatch((e) -> e.percentDone() != null));
		clock.advance(Duration.ofMinutes(61));
		JobExecution timedOut = awaitJobEnd(backup);

		assertThat(timedOut.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.FAILED);
		assertThat(reload(backup).failureReason()).contains("timed out").contains("60-minute");
		assertThat(cloud.cancelledJobs()).as("a timeout leaves the cloud jobs running").isEmpty();
		assertThat(workspaces.find(ws.crn()).orElseThrow().status()).isEqualTo(WorkspaceStatus.INSTALLATION_FINISHED);
		assertThat(workloads.running(ws)).isTrue();

		cloud.releaseSnapshots();
		@SuppressWarnings("unchecked")
		Map<String, String> jobIds = (Map<String, String>) timedOut.getExecutionContext()
			.get(BackupContextKeys.SNAPSHOT_JOBS);
		assertThat(jobIds).hasSize(3);
		jobIds.values()
			.forEach((id) -> await().until(() -> cloud.snapshotProgress(id).state().name().equals("COMPLETED")));
		backupLauncher.restartBackup(backup.crn().toString());
		JobExecution restarted = awaitJobEnd(backup);

		assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(cloud.startedSnapshots()).hasSize(3);
		assertThat(workloads.running(ws)).isTrue();
	}

	@Test
	void aFailedCloudJobFailsTheBackupWithTheCloudsReasonAndARestartRetriesOnlyThatResource() {
		Workspace ws = newWorkspace();
		String second = ws.storage().protectedResources().get(1).id();
		cloud.failJobOf(second, "Insufficient privileges to perform this action");

		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "cloud-failure", null, CREATOR);
		JobExecution failed = awaitJobEnd(backup);

		assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(reload(backup).failureReason()).contains("Insufficient privileges to perform this action")
			.contains(second);
		assertThat(workloads.running(ws)).isTrue();

		backupLauncher.restartBackup(backup.crn().toString());
		JobExecution restarted = awaitJobEnd(backup);

		assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(cloud.startedSnapshots()).extracting((r) -> r.resource().id())
			.as("only the failed resource gets a second snapshot")
			.containsExactlyInAnyOrder(ws.storage().protectedResources().get(0).id(), second, second,
					ws.storage().protectedResources().get(2).id());
	}

	@Test
	void aSnapshotThatCompletesWithSomethingToSayIsAWarningOnTheBackupNeverSilence() {
		Workspace ws = newWorkspace();
		String volume = ws.storage().protectedResources().get(0).id();
		cloud.completeJobOfWithMessage(volume,
				"2 file(s) hold no data to copy and were left out: a (FIFO), b (socket)");

		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "with-warning", null, CREATOR);
		JobExecution done = awaitJobEnd(backup);

		assertThat(done.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(reload(backup).warnings()).containsExactly("snapshot of volume:" + volume
				+ ": 2 file(s) hold no data to copy and were left out: a (FIFO), b (socket)");
		assertThat(events.list(ws.crn().toString(), backup.crn().toString(), 100))
			.anyMatch((e) -> e.level().equals("WARNING") && e.message().contains("were left out"));
	}

	@Test
	void aRetryableCloudErrorWhileWaitingIsRiddenOutWithoutFailingTheBackup() {
		Workspace ws = newWorkspace();
		cloud.failNextProgress("Rate exceeded (ThrottlingException)", true);

		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "throttled", null, CREATOR);
		JobExecution execution = awaitJobEnd(backup);

		assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(cloud.startedSnapshots()).hasSize(3);
	}

	@Test
	void aRestartIsRefusedWhileAnotherBackupOfTheWorkspaceRuns() {
		Workspace ws = newWorkspace();
		workloads.failNextStop("scale refused");
		Backup failed = launcher.backupWorkspace(ws.crn().toString(), "failed-first", null, CREATOR);
		assertThat(awaitJobEnd(failed).getStatus()).isEqualTo(BatchStatus.FAILED);
		cloud.holdSnapshots();
		Backup running = launcher.backupWorkspace(ws.crn().toString(), "running-now", null, CREATOR);

		assertThatThrownBy(() -> backupLauncher.restartBackup(failed.crn().toString()))
			.isInstanceOfSatisfying(WsbackupException.class,
					(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
			.hasMessageContaining("running-now");
		assertThat(reload(failed).status()).isEqualTo(BackupStatus.FAILED);

		cloud.releaseSnapshots();
		assertThat(awaitJobEnd(running).getStatus()).isEqualTo(BatchStatus.COMPLETED);
	}

	@Test
	void warningsOfTheWorkloadAdapterReachTheBackupAndTheEventLogWithoutFailingIt() {
		Workspace ws = newWorkspace();
		workloads.warn(List.of("claim data/nfs-share is on external NFS 10.0.0.5:/exports, which is not backed up"),
				List.of("deployment web not ready after 10m"));

		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "with-warnings", null, CREATOR);

		assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(reload(backup).warnings())
			.containsExactly("claim data/nfs-share is on external NFS 10.0.0.5:/exports, which is not backed up");
		assertThat(events.list(ws.crn().toString(), backup.crn().toString(), 1000))
			.filteredOn((e) -> e.level().equals("WARNING"))
			.extracting(Event::message)
			.contains("claim data/nfs-share is on external NFS 10.0.0.5:/exports, which is not backed up",
					"deployment web not ready after 10m");
	}

}
