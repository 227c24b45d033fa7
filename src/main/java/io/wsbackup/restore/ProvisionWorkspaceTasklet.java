package io.wsbackup.restore;

import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.events.EventLog;
import io.wsbackup.workspace.ProvisionedWorkloads;
import io.wsbackup.workspace.WorkloadPort;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Step 2 of {@code restoreWorkspace}, {@code provisionWorkspace}: the workload adapter
 * prepares the new workspace (for Kubernetes, its own namespaces) from what the backup
 * captured; where its workloads will run is recorded on the workspace, what was created
 * in the job context and the event log. The adapter's provisioning is idempotent, so a
 * restart repeats it safely.
 */
class ProvisionWorkspaceTasklet implements Tasklet {

	static final String STEP = "provisionWorkspace";

	private final BackupRepository backups;

	private final WorkspaceRepository workspaces;

	private final WorkloadPort workloads;

	private final EventLog events;

	private final JobRepository jobRepository;

	ProvisionWorkspaceTasklet(BackupRepository backups, WorkspaceRepository workspaces, WorkloadPort workloads,
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
		ProvisionedWorkloads provisioned = workloads.provision(workspace, backups.capturedWorkloads(run.backupCrn));
		workspaces.updateWorkloads(workspace.crn(), provisioned.location());
		run.append(RestoreContextKeys.PROVISIONED, provisioned.created());
		run.save();
		provisioned.created()
			.forEach((created) -> events.info(workspace.crn().toString(), run.backupCrn.toString(), STEP, created));
		events.info(workspace.crn().toString(), run.backupCrn.toString(), STEP,
				"workspace " + workspace.name() + " provisioned" + (provisioned.location().namespaces().isEmpty() ? ""
						: " in namespaces " + String.join(", ", provisioned.location().namespaces())));
		return RepeatStatus.FINISHED;
	}

}
