package io.wsbackup.restore;

import java.util.List;

import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.events.EventLog;
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
 * Step 6 of {@code restoreWorkspace}, {@code startWorkspace}: the workload adapter starts
 * the workloads as they were captured at backup time; the model builds to rebuild are
 * recorded and listed; the workspace becomes {@code installation:finished}. Idempotent.
 */
class StartWorkspaceTasklet implements Tasklet {

	static final String STEP = "startWorkspace";

	private final BackupRepository backups;

	private final WorkspaceRepository workspaces;

	private final WorkloadPort workloads;

	private final EventLog events;

	private final JobRepository jobRepository;

	StartWorkspaceTasklet(BackupRepository backups, WorkspaceRepository workspaces, WorkloadPort workloads,
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
		Workspace workspace = run.workspace(workspaces);
		List<String> modelBuilds = workloads.startRestored(workspace, backups.capturedWorkloads(run.backupCrn));
		workspaces.setModelBuildsToRebuild(workspace.crn(), modelBuilds);
		if (workspace.status() == WorkspaceStatus.RESTORE_STARTED) {
			workspaces.moveStatus(workspace.crn(), WorkspaceStatus.RESTORE_STARTED,
					WorkspaceStatus.INSTALLATION_FINISHED);
		}
		events.info(workspace.crn().toString(), run.backupCrn.toString(), STEP,
				"workspace " + workspace.name() + " restored from backup " + run.backupCrn + " and "
						+ WorkspaceStatus.INSTALLATION_FINISHED
						+ (modelBuilds.isEmpty() ? "; no model builds to rebuild"
								: "; model builds to rebuild: " + String.join(", ", modelBuilds)));
		return RepeatStatus.FINISHED;
	}

}
