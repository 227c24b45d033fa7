package io.wsbackup.backup;

import io.wsbackup.execution.StepFailedException;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.cloud.CloudException;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.cloud.RecoveryPointSummary;
import io.wsbackup.events.EventLog;
import io.wsbackup.workspace.StoppedWorkloads;
import io.wsbackup.workspace.WorkloadPort;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a workspace back as it was when its backup began: workloads started from what
 * {@code stopWorkloads} recorded, status back through {@code backup:finished} or
 * {@code backup:failed} to the recorded one. Used by {@code restartWorkspace}, by the
 * compensation step {@code restartWorkspaceAfterFailure}, and by the job listener when an
 * execution was stopped (a stop interrupts the flow before any compensation step can
 * run). Idempotent.
 */
final class Compensation {

	private static final Logger log = LoggerFactory.getLogger(Compensation.class);

	private final WorkspaceRepository workspaces;

	private final WorkloadPort workloads;

	private final CloudPort cloud;

	private final EventLog events;

	private final java.time.Duration retryBackoff;

	private final BackupRepository backups;

	private final Clock clock;

	Compensation(WorkspaceRepository workspaces, WorkloadPort workloads, CloudPort cloud, EventLog events,
			java.time.Duration retryBackoff, BackupRepository backups, Clock clock) {
		this.retryBackoff = retryBackoff;
		this.backups = backups;
		this.clock = clock;
		this.workspaces = workspaces;
		this.workloads = workloads;
		this.cloud = cloud;
		this.events = events;
	}

	/**
	 * Starts the workloads and moves the workspace back.
	 * @param force start the workloads even when the records say they were not stopped
	 * (after a failure: a stop that failed half-way rolled its own records back; the port
	 * promises that starting what is not stopped changes nothing)
	 * @param passing the status the workspace passes through, {@code backup:finished} or
	 * {@code backup:failed}
	 * @return the status the workspace is in now
	 */
	WorkspaceStatus bringBack(BackupRun run, boolean force, WorkspaceStatus passing) {
		return bringBack(run, run.workspace(workspaces), force, passing);
	}

	/**
	 * {@link #bringBack(BackupRun, boolean, WorkspaceStatus)} of the workspace its caller
	 * has just read.
	 */
	WorkspaceStatus bringBack(BackupRun run, Workspace workspace, boolean force, WorkspaceStatus passing) {
		String recorded = run.getString(BackupContextKeys.STATUS_TO_REVERT_TO);
		WorkspaceStatus revertTo = recorded == null ? WorkspaceStatus.INSTALLATION_FINISHED
				: WorkspaceStatus.of(recorded);
		if (force || "true".equals(run.getString(BackupContextKeys.WORKLOADS_STOPPED))
				|| workspace.status() == WorkspaceStatus.BACKUP_STARTED) {
			startWithRetries(workspace, new StoppedWorkloads(run.getMap(BackupContextKeys.WORKLOAD_CHANGES), List.of()))
				.forEach((warning) -> events.warning(run.workspaceCrn.toString(), run.backupCrn.toString(), null,
						warning));
			run.put(BackupContextKeys.WORKLOADS_STOPPED, "false");
			run.save();
		}
		if (workspace.status() == WorkspaceStatus.BACKUP_STARTED) {
			workspaces.moveStatus(workspace.crn(), WorkspaceStatus.BACKUP_STARTED, passing);
			workspaces.moveStatus(workspace.crn(), passing, revertTo);
			return revertTo;
		}
		return workspace.status();
	}

	/**
	 * Starting the workloads is what matters most: three attempts, two and four seconds
	 * apart.
	 */
	private List<String> startWithRetries(Workspace workspace, StoppedWorkloads stopped) {
		for (int attempt = 1;; attempt++) {
			try {
				return workloads.start(workspace, stopped);
			}
			catch (RuntimeException ex) {
				if (attempt == 3) {
					throw new StepFailedException("the workloads of workspace " + workspace.name()
							+ " could not be started again and may still be stopped: " + ex.getMessage()
							+ "; restart the backup job to try again", ex);
				}
				log.warn("starting the workloads of {} failed (attempt {}): {}", workspace.name(), attempt,
						ex.getMessage());
				try {
					Thread.sleep(retryBackoff.toMillis() * attempt);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
	}

	/**
	 * Stops the cloud snapshots of this backup that have not completed (on cancel).
	 * @return how many were asked to stop
	 */
	int stopRunningSnapshots(BackupRun run) {
		Map<String, String> recoveryPoints = run.getMap(BackupContextKeys.RECOVERY_POINTS);
		int stopped = 0;
		for (Map.Entry<String, String> job : run.getMap(BackupContextKeys.SNAPSHOT_JOBS).entrySet()) {
			if (recoveryPoints.containsKey(job.getKey())) {
				continue;
			}
			try {
				cloud.cancelSnapshot(job.getValue());
				stopped++;
				events.info(run.workspaceCrn.toString(), run.backupCrn.toString(), null,
						"cloud snapshot job " + job.getValue() + " of " + job.getKey() + " stopped");
			}
			catch (CloudException ex) {
				log.warn("cloud snapshot job {} could not be stopped: {}", job.getValue(), ex.getMessage());
				events.warning(run.workspaceCrn.toString(), run.backupCrn.toString(), null, "cloud snapshot job "
						+ job.getValue() + " of " + job.getKey() + " could not be stopped: " + ex.getMessage());
			}
		}
		return stopped;
	}

	/**
	 * After a failure, asks once more about every snapshot job that has no recovery point
	 * yet, and says in the event log which ones still run in the cloud (a failure or a
	 * timeout does not stop them, DESIGN §2). Asking hands the job to the cloud adapter,
	 * also in a runner that did not start it: the aws adapter follows a job it was asked
	 * about until it ends and then removes its disk's protection tag, whatever the
	 * backup's outcome. A job that cannot be asked now is logged, not thrown.
	 * @return how many snapshot jobs still run
	 */
	int followUnfinishedSnapshots(BackupRun run, String step) {
		Map<String, String> recoveryPoints = run.getMap(BackupContextKeys.RECOVERY_POINTS);
		List<String> running = new java.util.ArrayList<>();
		for (Map.Entry<String, String> job : run.getMap(BackupContextKeys.SNAPSHOT_JOBS).entrySet()) {
			if (recoveryPoints.containsKey(job.getKey())) {
				continue;
			}
			try {
				if (!cloud.snapshotProgress(job.getValue()).state().isTerminal()) {
					running.add(job.getKey() + " (cloud job " + job.getValue() + ")");
				}
			}
			catch (CloudException ex) {
				log.warn("cloud snapshot job {} could not be asked after the failure: {}", job.getValue(),
						ex.getMessage());
			}
		}
		if (!running.isEmpty()) {
			events.info(run.workspaceCrn.toString(), run.backupCrn.toString(), step,
					running.size() + " snapshot(s) still run in the cloud after the failure: "
							+ String.join(", ", running)
							+ "; their disks keep the garbage-collection protection tag until they end, and a restart"
							+ " of the backup reuses them");
		}
		return running.size();
	}

	/**
	 * Records in the catalog, with their sizes, the recovery points that a failed or
	 * cancelled backup's completed snapshots left in the vault (every one tagged with the
	 * backup's CRN, also one that completed after the last poll), so that the catalog
	 * shows what the vault keeps. The rule (docs/operator-views.md "Cancel and failure"):
	 * they are kept for a restart, which reuses them and starts only the other snapshots
	 * again; deleting the backup removes them. Recording one twice keeps the first
	 * record. A vault that cannot be listed now is said in a warning, and the
	 * compensation goes on.
	 * @return how many recovery points the backup keeps
	 */
	int keepCompletedRecoveryPoints(BackupRun run, String step) {
		Backup backup = run.backup(backups);
		String ws = run.workspaceCrn.toString();
		String bk = run.backupCrn.toString();
		Map<String, String> jobs = run.getMap(BackupContextKeys.SNAPSHOT_JOBS);
		List<RecoveryPointSummary> kept;
		try {
			kept = cloud.listRecoveryPoints(backup.vaultName())
				.stream()
				.filter((rp) -> bk.equals(rp.tags().get("backupCrn")))
				.toList();
		}
		catch (RuntimeException ex) {
			log.warn("vault {} could not be listed: {}", backup.vaultName(), ex.getMessage());
			events.warning(ws, bk, step, "the recovery points this backup keeps in vault " + backup.vaultName()
					+ " could not be listed: " + ex.getMessage() + "; deleting the backup removes them all the same");
			return 0;
		}
		if (kept.isEmpty()) {
			return 0;
		}
		long bytes = 0;
		for (RecoveryPointSummary rp : kept) {
			bytes += rp.sizeBytes();
			backups.recordRecoveryPoint(new RecoveryPoint(bk, rp.resource(), jobs.get(rp.resource().key()),
					rp.recoveryPointId(), rp.sizeBytes(), clock.instant()));
		}
		events.info(ws, bk, step,
				"backup " + backup.name() + " keeps " + kept.size() + " completed recovery point(s), " + bytes
						+ " bytes, in vault " + backup.vaultName()
						+ ": a restart reuses them; deleting the backup removes them");
		return kept.size();
	}

}
