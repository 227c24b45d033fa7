package io.wsbackup.recovery;

import java.util.List;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.events.Event;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.system.WsbackupProperties.Recovery.OrphanAction;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The orphan sweep on the real store with the fake cloud: recovery points of a backup the
 * catalog lost are deleted (or only reported), those of backups in the catalog are kept,
 * and a succeeded backup whose recovery point is gone from the vault is flagged once.
 */
class OrphanSweepTest extends WsbackupTestSupport {

	private static final String CREATOR = "crn:cdp:iam:us-west-2:123456789012:user:tester";

	@Autowired
	Launcher launcher;

	@Autowired
	WorkspaceRepository workspaces;

	@Autowired
	EventLog events;

	private Backup succeeded(Workspace ws, String name) {
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), name, null, CREATOR);
		assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		return reload(backup);
	}

	/** What a store that lost the backup's commit would show: no entry at all. */
	private void forget(Backup backup) {
		backups.remove(backup.crn());
	}

	private List<String> pointsOf(Backup backup) {
		return cloud.listRecoveryPoints(backup.vaultName())
			.stream()
			.filter((rp) -> backup.crn().toString().equals(rp.tags().get("backupCrn")))
			.map((rp) -> rp.recoveryPointId())
			.toList();
	}

	@Test
	void recoveryPointsOfABackupTheCatalogLostAreDeletedAndTheOthersKept() {
		Workspace ws = newWorkspace();
		Backup kept = succeeded(ws, "kept");
		Backup lost = succeeded(ws, "lost");
		List<String> orphans = pointsOf(lost);
		assertThat(orphans).hasSize(3);
		forget(lost);

		List<OrphanSweep.Finding> found = sweep(OrphanAction.DELETE);

		assertThat(found).filteredOn((f) -> f.workspaceCrn().equals(ws.crn().toString()))
			.extracting(OrphanSweep.Finding::recoveryPointId)
			.containsExactlyInAnyOrderElementsOf(orphans);
		assertThat(cloud.deletedRecoveryPoints()).containsExactlyInAnyOrderElementsOf(orphans);
		assertThat(pointsOf(kept)).hasSize(3);
		assertThat(events.list(ws.crn().toString(), lost.crn().toString(), 100))
			.filteredOn((e) -> e.step().equals("recovery"))
			.extracting(Event::message)
			.hasSize(3)
			.allMatch((m) -> m
				.contains("belongs to backup " + lost.crn() + " (lost), which is not in the catalog; " + "deleted"));
		assertThat(sweep(OrphanAction.DELETE)).as("nothing left to find")
			.noneMatch((f) -> f.workspaceCrn().equals(ws.crn().toString()));
	}

	@Test
	void inReportModeAnOrphanIsOnlyReported() {
		Workspace ws = newWorkspace();
		Backup lost = succeeded(ws, "reported");
		forget(lost);

		List<OrphanSweep.Finding> found = sweep(OrphanAction.REPORT);

		assertThat(found).filteredOn((f) -> f.workspaceCrn().equals(ws.crn().toString()))
			.hasSize(3)
			.allSatisfy((f) -> assertThat(f.message())
				.endsWith("left in place (wsbackup.recovery.orphan-recovery-points" + "=report)"));
		assertThat(cloud.deletedRecoveryPoints()).isEmpty();
		assertThat(pointsOf(lost)).hasSize(3);
	}

	@Test
	void aSucceededBackupWhoseRecoveryPointIsGoneFromTheVaultIsFlaggedOnce() {
		Workspace ws = newWorkspace();
		Backup backup = succeeded(ws, "promise");
		RecoveryPoint gone = backups.recoveryPoints(backup.crn()).get(0);
		cloud.deleteRecoveryPoint(backup.vaultName(), gone.recoveryPointId());

		sweep(OrphanAction.DELETE);
		sweep(OrphanAction.DELETE);

		assertThat(reload(backup).warnings()).singleElement()
			.satisfies((w) -> assertThat(w).contains(gone.recoveryPointId())
				.contains("this backup cannot be restored in full"));
		assertThat(events.list(ws.crn().toString(), backup.crn().toString(), 100))
			.filteredOn((e) -> e.level().equals("ERROR") && e.step().equals("recovery"))
			.singleElement()
			.satisfies((e) -> assertThat(e.message()).contains("is gone from vault " + backup.vaultName()));
	}

	private List<OrphanSweep.Finding> sweep(OrphanAction action) {
		return new OrphanSweep(workspaces, backups, cloud, events, action).sweep();
	}

}
