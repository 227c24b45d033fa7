package io.wsbackup.recovery;

import io.wsbackup.execution.ExecutionEvents;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.cloud.RecoveryPointSummary;
import io.wsbackup.events.EventLog;
import io.wsbackup.system.WsbackupProperties.Recovery.OrphanAction;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares every workspace's vault with the catalog, both ways, and says what it found in
 * the workspace's event log (step {@code recovery}):
 * <ul>
 * <li>a recovery point tagged with a backup that is not in the catalog (a side effect
 * whose state change was lost, or a store that lost a commit) is deleted, or only
 * reported when {@code wsbackup.recovery.orphan-recovery-points=report};</li>
 * <li>a succeeded backup whose recovery point is gone from the vault gets an error event
 * and a warning on the backup: the catalog must not promise a restore that is impossible.
 * </li>
 * </ul>
 * A backup's catalog entry is written before its job starts and removed only after its
 * recovery points are deleted, so a recovery point of a backup in progress or being
 * deleted is never taken for an orphan. The vault is listed before the catalog is read.
 */
public class OrphanSweep {

	static final String STEP = ExecutionEvents.STEP;

	private static final Logger log = LoggerFactory.getLogger(OrphanSweep.class);

	private final WorkspaceRepository workspaces;

	private final BackupRepository backups;

	private final CloudPort cloud;

	private final EventLog events;

	private final OrphanAction action;

	public OrphanSweep(WorkspaceRepository workspaces, BackupRepository backups, CloudPort cloud, EventLog events,
			OrphanAction action) {
		this.workspaces = workspaces;
		this.backups = backups;
		this.cloud = cloud;
		this.events = events;
		this.action = action;
	}

	/** One finding, as written to the event log. */
	public record Finding(String workspaceCrn, String recoveryPointId, String message) {
	}

	/** One sweep over every workspace's vault. */
	public List<Finding> sweep() {
		List<Finding> found = new ArrayList<>();
		for (Workspace workspace : workspaces.list(null)) {
			if (workspace.vaultName() == null) {
				continue;
			}
			try {
				found.addAll(sweep(workspace));
			}
			catch (RuntimeException ex) {
				log.warn("orphan sweep of vault {} of workspace {} skipped: {}", workspace.vaultName(),
						workspace.name(), ex.getMessage());
			}
		}
		return found;
	}

	private List<Finding> sweep(Workspace workspace) {
		List<Finding> found = new ArrayList<>();
		String vault = workspace.vaultName();
		List<RecoveryPointSummary> inVault = cloud.listRecoveryPoints(vault);
		Set<String> ids = new HashSet<>();
		for (RecoveryPointSummary point : inVault) {
			ids.add(point.recoveryPointId());
			String backupCrn = point.tags().get("backupCrn");
			if (backupCrn == null || inCatalogOrNotOurs(backupCrn)) {
				continue;
			}
			String what = "recovery point " + point.recoveryPointId() + " of " + point.resource().id() + " in vault "
					+ vault + " belongs to backup " + backupCrn + " (" + point.tags().getOrDefault("backupName", "?")
					+ "), which is not in the catalog";
			String message;
			if (action == OrphanAction.DELETE) {
				cloud.deleteRecoveryPoint(vault, point.recoveryPointId());
				message = what + "; deleted";
			}
			else {
				message = what + "; left in place (wsbackup.recovery.orphan-recovery-points=report)";
			}
			events.warning(workspace.crn().toString(), backupCrn, STEP, message);
			log.warn(message);
			found.add(new Finding(workspace.crn().toString(), point.recoveryPointId(), message));
		}
		for (Backup backup : backups.listByWorkspace(workspace.crn())) {
			if (backup.status() != BackupStatus.SUCCEEDED) {
				continue;
			}
			for (RecoveryPoint point : backups.recoveryPoints(backup.crn())) {
				if (ids.contains(point.recoveryPointId())) {
					continue;
				}
				String warning = "recovery point " + point.recoveryPointId() + " of " + point.resource().id()
						+ " is gone from vault " + vault + ": this backup cannot be restored in full";
				if (backup.warnings().contains(warning)) {
					continue;
				}
				backups.addWarning(backup.crn(), warning);
				String message = "backup " + backup.name() + ": " + warning;
				events.error(workspace.crn().toString(), backup.crn().toString(), STEP, message);
				log.error(message);
				found.add(new Finding(workspace.crn().toString(), point.recoveryPointId(), message));
			}
		}
		return found;
	}

	private boolean inCatalogOrNotOurs(String backupCrn) {
		try {
			return backups.find(Crn.parse(backupCrn, Crn.BACKUP)).isPresent();
		}
		catch (IllegalArgumentException notABackupCrn) {
			// a tag this runner never wrote: never an orphan of this catalog
			return true;
		}
	}

}
