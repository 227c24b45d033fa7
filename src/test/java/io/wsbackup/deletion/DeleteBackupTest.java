package io.wsbackup.deletion;

import java.time.Duration;
import java.util.List;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.system.ErrorCode;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;
import io.wsbackup.workspace.WorkspaceStorage;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The deleteBackup job on the real store with the fake cloud. */
class DeleteBackupTest extends WsbackupTestSupport {

	private static final String CREATOR = "crn:cdp:iam:us-west-2:123456789012:user:tester";

	@Autowired
	Launcher launcher;

	@Autowired
	WorkspaceRepository workspaces;

	private Backup succeededBackup(Workspace ws, String name) {
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), name, null, CREATOR);
		assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		return reload(backup);
	}

	private JobExecution awaitExecution(long id) {
		return await().atMost(Duration.ofSeconds(30))
			.until(() -> jobRepository.getJobExecution(id),
					(e) -> e != null && !e.isRunning() && e.getEndTime() != null);
	}

	@Test
	void deleteRemovesTheRecoveryPointsFromTheVaultAndTheBackupFromTheCatalog() {
		Workspace ws = newWorkspace();
		Backup backup = succeededBackup(ws, "to-delete");
		List<String> points = backups.recoveryPoints(backup.crn())
			.stream()
			.map(RecoveryPoint::recoveryPointId)
			.toList();
		assertThat(points).hasSize(3);

		long workflowId = launcher.deleteBackup(backup.crn().toString());

		assertThat(awaitExecution(workflowId).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(backups.find(backup.crn())).isEmpty();
		assertThat(backups.recoveryPoints(backup.crn())).isEmpty();
		assertThat(cloud.deletedRecoveryPoints()).containsExactlyInAnyOrderElementsOf(points);
		assertThat(cloud.listRecoveryPoints(backup.vaultName())).isEmpty();
		assertThatThrownBy(() -> launcher.deleteBackup(backup.crn().toString())).isInstanceOfSatisfying(
				WsbackupException.class, (ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.NOT_FOUND));
	}

	@Test
	void aDeleteThatFailsInDeleteRecoveryPointsStaysDeletingAndDeletingAgainResumesWithoutRepeating() {
		Workspace ws = newWorkspace();
		Backup backup = succeededBackup(ws, "flaky-delete");
		cloud
			.failNextDeleteRecoveryPoint("AccessDeniedException: not authorized to perform backup:DeleteRecoveryPoint");

		long first = launcher.deleteBackup(backup.crn().toString());
		JobExecution failed = awaitExecution(first);

		assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.DELETING);
		assertThat(cloud.deletedRecoveryPoints()).isEmpty();
		assertThat(failed.getStepExecutions()).filteredOn((s) -> s.getStatus() == BatchStatus.FAILED)
			.extracting((s) -> s.getStepName())
			.containsExactly("deleteRecoveryPoints");

		long second = launcher.deleteBackup(backup.crn().toString());
		assertThat(second).isNotEqualTo(first);
		assertThat(awaitExecution(second).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(backups.find(backup.crn())).isEmpty();
		assertThat(cloud.deletedRecoveryPoints()).hasSize(3).doesNotHaveDuplicates();
	}

	@Test
	void aDeleteThatFailsInRemoveCatalogEntryKeepsTheEntryAndDeletingAgainCompletes() {
		Workspace ws = newWorkspace();
		Backup backup = succeededBackup(ws, "flaky-catalog");
		// the first list call is deleteRecoveryPoints' own; the second,
		// removeCatalogEntry's check, fails
		cloud.failListRecoveryPointsAfter(1, "ListRecoveryPointsByBackupVault: service unavailable");
		long first = launcher.deleteBackup(backup.crn().toString());
		JobExecution failed = awaitExecution(first);
		assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(failed.getStepExecutions()).filteredOn((s) -> s.getStatus() == BatchStatus.FAILED)
			.extracting((s) -> s.getStepName())
			.containsExactly("removeCatalogEntry");
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.DELETING);

		long second = launcher.deleteBackup(backup.crn().toString());
		assertThat(awaitExecution(second).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(backups.find(backup.crn())).isEmpty();
		assertThat(cloud.deletedRecoveryPoints()).hasSize(3).doesNotHaveDuplicates();
	}

	@Test
	void deletingARunningBackupIsRefusedAndChangesNothing() {
		Workspace ws = newWorkspace();
		cloud.holdSnapshots();
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "busy", null, CREATOR);

		assertThatThrownBy(() -> launcher.deleteBackup(backup.crn().toString()))
			.isInstanceOfSatisfying(WsbackupException.class,
					(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
			.hasMessageContaining("is running");
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.RUNNING);

		cloud.releaseSnapshots();
		awaitJobEnd(backup);
	}

	@Test
	void deletingABackupThatARestoreReadsFromIsRefused() {
		Workspace ws = newWorkspace();
		Backup backup = succeededBackup(ws, "being-restored");
		Workspace restoring = new Workspace(Crn.newWorkspace("us-west-2", "123456789012"), ws.name() + "-r", "env-test",
				"123456789012", "us-west-2", "2.0.50", WorkspaceStatus.RESTORE_STARTED,
				new WorkspaceStorage(List.of(), null, false), clock.instant(), backup.crn().toString(), null, null);
		workspaces.insert(restoring);

		assertThatThrownBy(() -> launcher.deleteBackup(backup.crn().toString()))
			.isInstanceOfSatisfying(WsbackupException.class,
					(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
			.hasMessageContaining("being restored into workspace " + restoring.name());
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.SUCCEEDED);
	}

}
