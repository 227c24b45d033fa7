package io.wsbackup.backup;

import java.util.List;

import io.wsbackup.events.EventLog;
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
 * Step 6, {@code restartWorkspace} (and, under the name
 * {@code restartWorkspaceAfterFailure}, the compensation): starts the workloads exactly
 * as {@code stopWorkloads} found them and moves the workspace back to the status it had
 * when the backup began, through {@code backup:finished} (or {@code backup:failed} after
 * a failure). Idempotent: starting what is already started changes nothing.
 */
class RestartWorkspaceTasklet implements Tasklet {

	static final String STEP = "restartWorkspace";

	static final String COMPENSATION_STEP = "restartWorkspaceAfterFailure";

	private final WorkspaceRepository workspaces;

	private final WorkloadPort workloads;

	private final EventLog events;

	private final JobRepository jobRepository;

	private final boolean afterFailure;

	RestartWorkspaceTasklet(WorkspaceRepository workspaces, WorkloadPort workloads, EventLog events,
			JobRepository jobRepository, boolean afterFailure) {
		this.workspaces = workspaces;
		this.workloads = workloads;
		this.events = events;
		this.jobRepository = jobRepository;
		this.afterFailure = afterFailure;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		BackupRun run = BackupRun.of(chunkContext, jobRepository);
		if (afterFailure) {
			BackupFailures.keepFailedStepRestartable(run.jobExecution(), jobRepository);
		}
		Workspace workspace = run.workspace(workspaces);
		String ws = workspace.crn().toString();
		String bk = run.backupCrn.toString();
		String recorded = run.getString(BackupContextKeys.STATUS_TO_REVERT_TO);
		WorkspaceStatus revertTo = recorded == null ? WorkspaceStatus.INSTALLATION_FINISHED
				: WorkspaceStatus.of(recorded);
		// After a failure, start unconditionally: a stop that failed half-way rolled its
		// own records back, and the
		// adapter knows what it changed (the port promises that starting what is not
		// stopped changes nothing).
		if (afterFailure || "true".equals(run.getString(BackupContextKeys.WORKLOADS_STOPPED))
				|| workspace.status() == WorkspaceStatus.BACKUP_STARTED) {
			workloads.start(workspace, new StoppedWorkloads(run.getMap(BackupContextKeys.WORKLOAD_CHANGES), List.of()));
			run.put(BackupContextKeys.WORKLOADS_STOPPED, "false");
			run.save();
		}
		if (workspace.status() == WorkspaceStatus.BACKUP_STARTED) {
			WorkspaceStatus passing = afterFailure ? WorkspaceStatus.BACKUP_FAILED : WorkspaceStatus.BACKUP_FINISHED;
			workspaces.moveStatus(workspace.crn(), WorkspaceStatus.BACKUP_STARTED, passing);
			workspaces.moveStatus(workspace.crn(), passing, revertTo);
		}
		String step = afterFailure ? COMPENSATION_STEP : STEP;
		if (afterFailure) {
			events.error(ws, bk, step, "backup failed in step " + BackupFailures.failedStep(run.jobExecution()) + ": "
					+ BackupFailures.reason(run.jobExecution()) + ". The workloads were started again and workspace "
					+ workspace.name() + " is " + revertTo + "; fix the cause and restart the backup");
		}
		else {
			events.info(ws, bk, step, "workloads started; workspace " + workspace.name() + " is " + revertTo);
		}
		return RepeatStatus.FINISHED;
	}

}
