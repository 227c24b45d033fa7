package io.wsbackup.backup;

import io.wsbackup.events.EventLog;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Step 6, {@code restartWorkspace}: starts the workloads exactly as {@code stopWorkloads}
 * found them and moves the workspace back to the status it had when the backup began,
 * through {@code backup:finished}. Idempotent: starting what is already started changes
 * nothing. After a failure the compensation, {@link RestartWorkspaceAfterFailureTasklet},
 * does this instead.
 */
class RestartWorkspaceTasklet implements Tasklet {

	static final String STEP = "restartWorkspace";

	private final WorkspaceRepository workspaces;

	private final Compensation compensation;

	private final EventLog events;

	private final JobRepository jobRepository;

	RestartWorkspaceTasklet(WorkspaceRepository workspaces, Compensation compensation, EventLog events,
			JobRepository jobRepository) {
		this.workspaces = workspaces;
		this.compensation = compensation;
		this.events = events;
		this.jobRepository = jobRepository;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		BackupRun run = BackupRun.of(chunkContext, jobRepository);
		Workspace workspace = run.workspace(workspaces);
		WorkspaceStatus revertTo = compensation.bringBack(run, workspace, false, WorkspaceStatus.BACKUP_FINISHED);
		events.info(workspace.crn().toString(), run.backupCrn.toString(), STEP,
				"workloads started; workspace " + workspace.name() + " is " + revertTo);
		return RepeatStatus.FINISHED;
	}

}
