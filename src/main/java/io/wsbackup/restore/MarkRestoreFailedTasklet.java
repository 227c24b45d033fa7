package io.wsbackup.restore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.wsbackup.events.EventLog;
import io.wsbackup.execution.JobFailures;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The compensation of {@code restoreWorkspace}, {@code markRestoreFailed}: the new
 * workspace is left {@code restore:failed} (never a workspace that claims to be healthy)
 * and what the restore created so far (namespaces, restored volumes and file system,
 * bindings) is listed in its event log, so that an operator can restart the restore (it
 * resumes at the failed step and reuses what exists) or remove them. The failed step
 * stays restartable.
 */
class MarkRestoreFailedTasklet implements Tasklet {

	static final String STEP = "markRestoreFailed";

	private final WorkspaceRepository workspaces;

	private final EventLog events;

	private final JobRepository jobRepository;

	MarkRestoreFailedTasklet(WorkspaceRepository workspaces, EventLog events, JobRepository jobRepository) {
		this.workspaces = workspaces;
		this.events = events;
		this.jobRepository = jobRepository;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		RestoreRun run = RestoreRun.of(chunkContext, jobRepository);
		Workspace workspace = run.workspace(workspaces);
		String failure = "restore failed in step " + JobFailures.failedStep(run.jobExecution()) + ": "
				+ JobFailures.reason(run.jobExecution());
		if (workspace.status() == WorkspaceStatus.RESTORE_STARTED) {
			workspaces.moveStatus(workspace.crn(), WorkspaceStatus.RESTORE_STARTED, WorkspaceStatus.RESTORE_FAILED,
					failure);
		}
		List<String> created = new ArrayList<>();
		lines(run.getString(RestoreContextKeys.PROVISIONED), created);
		Map<String, String> restored = run.getMap(RestoreContextKeys.RESTORED);
		run.getMap(RestoreContextKeys.RESTORE_JOBS)
			.forEach((rp, job) -> created.add("cloud restore job " + job + " of recovery point " + rp
					+ (restored.containsKey(rp) ? ", which created " + restored.get(rp) : "")));
		lines(run.getString(RestoreContextKeys.ATTACHED), created);
		events.error(workspace.crn().toString(), run.backupCrn.toString(), STEP,
				failure + ". Workspace " + workspace.name() + " is " + WorkspaceStatus.RESTORE_FAILED
						+ ". Created so far: " + (created.isEmpty() ? "nothing" : String.join("; ", created))
						+ ". Restart the restore to resume where it stopped, or remove these.");
		return RepeatStatus.FINISHED;
	}

	private static void lines(String text, List<String> into) {
		if (text != null && !text.isBlank()) {
			into.addAll(List.of(text.split("\n")));
		}
	}

}
