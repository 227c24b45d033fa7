package io.wsbackup.restore;

import io.wsbackup.execution.StepFailedException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.events.EventLog;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ResourceKind;
import io.wsbackup.workspace.WorkloadPort;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStorage;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Step 5 of {@code restoreWorkspace}, {@code attachStorage}: the restored volumes and
 * file system become the new workspace's storage, and the workload adapter binds them
 * (for Kubernetes, static PVs and PVCs). Idempotent.
 */
class AttachStorageTasklet implements Tasklet {

	static final String STEP = "attachStorage";

	private final BackupRepository backups;

	private final WorkspaceRepository workspaces;

	private final WorkloadPort workloads;

	private final EventLog events;

	private final JobRepository jobRepository;

	AttachStorageTasklet(BackupRepository backups, WorkspaceRepository workspaces, WorkloadPort workloads,
			EventLog events, JobRepository jobRepository) {
		this.backups = backups;
		this.workspaces = workspaces;
		this.workloads = workloads;
		this.events = events;
		this.jobRepository = jobRepository;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		RestoreRun run = RestoreRun.of(chunkContext, jobRepository);
		Map<String, String> restored = run.getMap(RestoreContextKeys.RESTORED);
		Map<ProtectedResource, String> storage = new LinkedHashMap<>();
		List<String> volumes = new ArrayList<>();
		String sharedFileSystem = null;
		for (RecoveryPoint rp : run.recoveryPoints(backups)) {
			String id = restored.get(rp.recoveryPointId());
			if (id == null) {
				throw new StepFailedException("recovery point " + rp.recoveryPointId() + " was not restored");
			}
			storage.put(rp.resource(), id);
			if (rp.resource().kind() == ResourceKind.VOLUME) {
				volumes.add(id);
			}
			else {
				sharedFileSystem = id;
			}
		}
		workspaces.updateStorage(run.workspaceCrn, new WorkspaceStorage(volumes, sharedFileSystem, false));
		Workspace workspace = run.workspace(workspaces);
		List<String> attached = workloads.attachStorage(workspace, backups.capturedWorkloads(run.backupCrn), storage);
		run.append(RestoreContextKeys.ATTACHED, attached);
		run.save();
		attached.forEach((a) -> events.info(workspace.crn().toString(), run.backupCrn.toString(), STEP, a));
		events.info(workspace.crn().toString(), run.backupCrn.toString(), STEP,
				"storage attached to workspace " + workspace.name() + ": " + String.join(", ", storage.values()));
		return RepeatStatus.FINISHED;
	}

}
