package io.wsbackup.restore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.cloud.RestoreProgress;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ResourceKind;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkloadPort;
import io.wsbackup.workspace.WorkspaceRepository;

/**
 * Removes a drill's scratch workspace and everything its restore created: the workloads'
 * namespaces and bindings (workload adapter), each resource a cloud restore job created
 * (including one a restore still running when the drill failed creates once it ends),
 * then the workspace's row in the catalog. Every part is idempotent, so a removal cut
 * short by a crash or a cloud error is simply run again.
 */
final class ScratchWorkspace {

	/**
	 * {@code true} once the workload adapter removed the scratch workspace's workloads.
	 */
	static final String WORKLOADS_REMOVED = "drill.workloadsRemoved";

	private final BackupRepository backups;

	private final WorkspaceRepository workspaces;

	private final CloudPort cloud;

	private final WorkloadPort workloads;

	ScratchWorkspace(BackupRepository backups, WorkspaceRepository workspaces, CloudPort cloud,
			WorkloadPort workloads) {
		this.backups = backups;
		this.workspaces = workspaces;
		this.cloud = cloud;
		this.workloads = workloads;
	}

	/**
	 * What one part of the removal did.
	 *
	 * @param removed what was removed, one sentence each
	 * @param waitingFor the cloud restore jobs still running (nothing else is removed
	 * until they end: what they create must be deleted too)
	 * @param complete whether everything is removed; else the next part follows
	 */
	record Removal(List<String> removed, List<String> waitingFor, boolean complete) {

	}

	/**
	 * Removes the next part: first, once no cloud restore runs, the workloads; then the
	 * restored resources and the catalog row.
	 * @throws io.wsbackup.cloud.CloudException when the cloud refused a deletion (the
	 * removal is run again by the step's retry or a restart)
	 */
	Removal remove(RestoreRun run) {
		Map<String, String> created = new LinkedHashMap<>(run.getMap(RestoreContextKeys.RESTORED));
		List<String> waitingFor = new ArrayList<>();
		run.getMap(RestoreContextKeys.RESTORE_JOBS).forEach((recoveryPoint, jobId) -> {
			if (created.containsKey(recoveryPoint)) {
				return;
			}
			RestoreProgress progress = cloud.restoreProgress(jobId);
			if (!progress.state().isTerminal()) {
				waitingFor.add("cloud restore job " + jobId + " of recovery point " + recoveryPoint + " ("
						+ progress.state() + ", " + progress.percentDone() + "%)");
			}
			else if (progress.state() == CloudJobState.COMPLETED && progress.createdResourceId() != null) {
				created.put(recoveryPoint, progress.createdResourceId());
			}
		});
		if (!waitingFor.isEmpty()) {
			return new Removal(List.of(), waitingFor, false);
		}
		Workspace workspace = workspaces.find(run.workspaceCrn).orElse(null);
		if (!"true".equals(run.getString(WORKLOADS_REMOVED))) {
			// a part of its own: what is bound to the restored storage goes first, and a
			// crash after it resumes with the storage
			List<String> removed = workspace == null ? List.of() : workloads.remove(workspace);
			run.put(WORKLOADS_REMOVED, "true");
			run.save();
			return new Removal(removed, List.of(), false);
		}
		List<String> removed = new ArrayList<>();
		Map<String, RecoveryPoint> points = new LinkedHashMap<>();
		backups.recoveryPoints(run.backupCrn).forEach((rp) -> points.put(rp.recoveryPointId(), rp));
		created.forEach((recoveryPoint, resourceId) -> {
			RecoveryPoint rp = points.get(recoveryPoint);
			ProtectedResource restored = new ProtectedResource(
					rp != null ? rp.resource().kind()
							: resourceId.startsWith("fs-") ? ResourceKind.FILE_SYSTEM : ResourceKind.VOLUME,
					resourceId);
			cloud.deleteRestored(restored);
			removed.add("restored " + restored.kind().name().toLowerCase() + " " + resourceId + " (of recovery point "
					+ recoveryPoint + ") deleted");
		});
		if (workspaces.deleteScratch(run.workspaceCrn)) {
			removed.add("scratch workspace " + (workspace == null ? run.workspaceCrn : workspace.name())
					+ " removed from the catalog");
		}
		return new Removal(removed, List.of(), true);
	}

}
