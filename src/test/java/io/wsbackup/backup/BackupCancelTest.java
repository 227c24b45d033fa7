package io.wsbackup.backup;

import java.time.Duration;
import java.util.function.Function;
import java.util.stream.Stream;

import io.wsbackup.Gate;
import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.cloud.RecoveryPointSummary;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.system.ErrorCode;
import io.wsbackup.system.WsbackupException;
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

/** Cancelling a running backup in each of its steps. */
class BackupCancelTest extends WsbackupTestSupport {

	private static final String CREATOR = "crn:cdp:iam:us-west-2:123456789012:user:tester";

	@Autowired
	Launcher launcher;

	@Autowired
	BackupLauncher backupLauncher;

	@Autowired
	WorkspaceRepository workspaces;

	@Autowired
	EventLog events;

	/**
	 * The step the job is held in when the cancel arrives, the step that notices it (a
	 * held step finishes its own work; the next check is at the start of a step or of
	 * each of its iterations), and how many cloud snapshots the cancel stops.
	 */
	static Stream<Arguments> steps() {
		Function<BackupCancelTest, Gate> await = (t) -> {
			t.cloud.holdSnapshots();
			return null;
		};
		return Stream.of(
				Arguments.of("validateWorkspace", "stopWorkloads",
						(Function<BackupCancelTest, Gate>) (t) -> t.cloud.gateNext("missingPrerequisites"), 0),
				Arguments.of("stopWorkloads", "snapshotStorage",
						(Function<BackupCancelTest, Gate>) (t) -> t.workloads.gateNext("stop"), 0),
				Arguments.of("snapshotStorage", "snapshotStorage",
						(Function<BackupCancelTest, Gate>) (t) -> t.cloud.gateNext("startSnapshot"), 1),
				Arguments.of("awaitRecoveryPoints", "awaitRecoveryPoints", await, 3),
				Arguments.of("recordCatalog", "recordCatalog",
						(Function<BackupCancelTest, Gate>) (t) -> t.cloud.gateNext("listRecoveryPoints"), 0));
	}

	@ParameterizedTest(name = "cancel in {0}")
	@MethodSource("steps")
	void cancelStopsTheJobStopsRunningSnapshotsAndPutsTheWorkspaceBack(String held, String step,
			Function<BackupCancelTest, Gate> hold, int snapshotsStopped) {
		Workspace ws = newWorkspace();
		Gate gate = hold.apply(this);

		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "cancel-in-" + held, null, CREATOR);
		if (gate != null) {
			gate.awaitReached();
		}
		else {
			await().atMost(Duration.ofSeconds(20))
				.until(() -> events.list(ws.crn().toString(), backup.crn().toString(), 1000)
					.stream()
					.anyMatch((e) -> e.percentDone() != null));
		}
		launcher.cancelBackup(backup.crn().toString());
		if (gate != null) {
			gate.open();
		}
		JobExecution stopped = awaitJobEnd(backup);

		assertThat(stopped.getStatus()).isEqualTo(BatchStatus.STOPPED);
		assertThat(stopped.getStepExecutions()).filteredOn((s) -> s.getExitStatus().getExitCode().equals("CANCELLED"))
			.extracting((s) -> s.getStepName())
			.containsExactlyInAnyOrder(step, "restartWorkspaceAfterFailure");
		assertThat(stopped.getStepExecutions()).filteredOn((s) -> s.getStepName().equals(step))
			.singleElement()
			.satisfies((s) -> assertThat(s.getStatus()).as("restartable").isEqualTo(BatchStatus.FAILED));
		// what the completed snapshots left in the vault is in the catalog, with its size
		// (kept for a restart)
		assertThat(backups.recoveryPoints(backup.crn())).extracting(RecoveryPoint::recoveryPointId)
			.containsExactlyInAnyOrderElementsOf(cloud.listRecoveryPoints(backup.vaultName())
				.stream()
				.filter((rp) -> backup.crn().toString().equals(rp.tags().get("backupCrn")))
				.map(RecoveryPointSummary::recoveryPointId)
				.toList());
		assertThat(backups.recoveryPoints(backup.crn())).allSatisfy((rp) -> assertThat(rp.sizeBytes()).isPositive());
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.CANCELLED);
		assertThat(reload(backup).failureReason()).as("a cancel is not a failure").isNull();
		assertThat(cloud.cancelledJobs()).hasSize(snapshotsStopped);
		assertThat(workspaces.find(ws.crn()).orElseThrow().status()).isEqualTo(WorkspaceStatus.INSTALLATION_FINISHED);
		assertThat(workloads.running(ws)).isTrue();
		assertThat(events.list(ws.crn().toString(), backup.crn().toString(), 1000)).extracting((e) -> e.message())
			.anyMatch((m) -> m.contains("cancelled during step " + step));
	}

	@Test
	void aCancelledBackupCanBeRestartedAndItsStoppedSnapshotsStartAgain() {
		Workspace ws = newWorkspace();
		cloud.holdSnapshots();
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "cancel-then-restart", null, CREATOR);
		await().atMost(Duration.ofSeconds(20))
			.until(() -> events.list(ws.crn().toString(), backup.crn().toString(), 1000)
				.stream()
				.anyMatch((e) -> e.percentDone() != null));
		launcher.cancelBackup(backup.crn().toString());
		assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.STOPPED);
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.CANCELLED);

		cloud.releaseSnapshots();
		backupLauncher.restartBackup(backup.crn().toString());
		JobExecution restarted = awaitJobEnd(backup);

		assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(cloud.startedSnapshots()).as("the three stopped snapshots started again, once each").hasSize(6);
		assertThat(workloads.running(ws)).isTrue();
	}

	@Test
	void aCancelOnceTheBackupIsRecordedIsRefusedAndTheBackupCompletes() {
		Workspace ws = newWorkspace();
		Gate restarting = workloads.gateNext("start");
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "too-late", null, CREATOR);
		restarting.awaitReached();

		assertThatThrownBy(() -> launcher.cancelBackup(backup.crn().toString()))
			.isInstanceOfSatisfying(WsbackupException.class,
					(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
			.hasMessageContaining("succeeded");
		restarting.open();

		assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(workloads.running(ws)).isTrue();
	}

	@Test
	void onlyARunningBackupCanBeCancelled() {
		Workspace ws = newWorkspace();
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "done", null, CREATOR);
		awaitJobEnd(backup);

		assertThatThrownBy(() -> launcher.cancelBackup(backup.crn().toString()))
			.isInstanceOfSatisfying(WsbackupException.class,
					(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
			.hasMessageContaining("only a running backup can be cancelled");
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.SUCCEEDED);
	}

}
