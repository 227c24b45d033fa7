package io.wsbackup.backup;

import io.wsbackup.execution.StepFailedException;

import java.util.Map;

import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.events.EventLog;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.workspace.CapturedWorkloads;
import io.wsbackup.workspace.StoppedWorkloads;
import io.wsbackup.workspace.WorkloadPort;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Step 2, {@code stopWorkloads}: the workspace goes to {@code backup:started} and its
 * workloads are stopped, so that the snapshots are consistent. What stopping changed is
 * merged into the job context before the step returns, so that the workloads can be
 * started exactly as they were, even after a crash.
 *
 * <p>
 * On restart it runs again: if this backup's snapshots are still running (a compensation
 * started the workloads again), the workloads are stopped again first; if they have all
 * completed, the workloads stay up.
 */
class StopWorkloadsTasklet implements Tasklet {

	static final String STEP = "stopWorkloads";

	private final WorkspaceRepository workspaces;

	private final WorkloadPort workloads;

	private final BackupRepository backups;

	private final CloudPort cloud;

	private final EventLog events;

	private final JobRepository jobRepository;

	StopWorkloadsTasklet(WorkspaceRepository workspaces, WorkloadPort workloads, BackupRepository backups,
			CloudPort cloud, EventLog events, JobRepository jobRepository) {
		this.workspaces = workspaces;
		this.workloads = workloads;
		this.backups = backups;
		this.cloud = cloud;
		this.events = events;
		this.jobRepository = jobRepository;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		BackupRun run = BackupRun.of(chunkContext, jobRepository);
		Workspace workspace = run.registered(run.stopIfCancelledWithWorkspace(backups, STEP).workspace());
		String ws = workspace.crn().toString();
		Map<String, String> jobs = run.getMap(BackupContextKeys.SNAPSHOT_JOBS);
		if (!jobs.isEmpty() && run.getMap(BackupContextKeys.RESOURCES).size() == jobs.size()
				&& jobs.values().stream().allMatch((id) -> cloud.snapshotProgress(id).state().hasRecoveryPoint())) {
			events.info(ws, run.backupCrn.toString(), STEP,
					"the snapshots of this backup have all completed; the workloads are not stopped again");
			return RepeatStatus.FINISHED;
		}
		if (workspace.status() == WorkspaceStatus.INSTALLATION_FINISHED
				&& !workspaces.moveStatus(workspace.crn(), workspace.status(), WorkspaceStatus.BACKUP_STARTED)) {
			throw new StepFailedException("workspace " + workspace.name() + " changed status while the backup began");
		}
		StoppedWorkloads stopped = workloads.stop(workspace);
		Map<String, String> changes = run.getMap(BackupContextKeys.WORKLOAD_CHANGES);
		stopped.changes().forEach(changes::putIfAbsent);
		run.put(BackupContextKeys.WORKLOAD_CHANGES, changes);
		run.put(BackupContextKeys.WORKLOADS_STOPPED, "true");
		run.save();
		stopped.notes().forEach((note) -> events.info(ws, run.backupCrn.toString(), STEP, note));
		stopped.warnings().forEach((warning) -> {
			backups.addWarning(run.backupCrn, warning);
			events.warning(ws, run.backupCrn.toString(), STEP, warning);
		});
		CapturedWorkloads captured = workloads.capture(workspace);
		backups.saveCapturedWorkloads(run.backupCrn, captured);
		events.info(ws, run.backupCrn.toString(), STEP, "workspace " + workspace.name() + " is "
				+ WorkspaceStatus.BACKUP_STARTED + "; " + stopped.changes().size() + " workload object(s) stopped");
		return RepeatStatus.FINISHED;
	}

}
