package io.wsbackup.restore;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.Verification;
import io.wsbackup.events.EventLog;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Step 8 of {@code drillBackup}, {@code recordVerified}: the backup is {@code verified}
 * by a drill, now, with the drill's duration (from its request), in one transaction with
 * the step's completion.
 */
class RecordVerifiedTasklet implements Tasklet {

	static final String STEP = "recordVerified";

	private final BackupRepository backups;

	private final WorkspaceRepository workspaces;

	private final EventLog events;

	private final JobRepository jobRepository;

	private final Clock clock;

	RecordVerifiedTasklet(BackupRepository backups, WorkspaceRepository workspaces, EventLog events,
			JobRepository jobRepository, Clock clock) {
		this.backups = backups;
		this.workspaces = workspaces;
		this.events = events;
		this.jobRepository = jobRepository;
		this.clock = clock;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		RestoreRun run = RestoreRun.of(chunkContext, jobRepository);
		Backup backup = run.backup(backups);
		Workspace scratch = run.workspace(workspaces);
		Duration took = Duration.between(scratch.createdAt(), clock.instant());
		backups.verificationEnded(backup.crn(), List.of(), Verification.DRILL, took);
		run.put(DrillContextKeys.RECORDED, "true");
		run.save();
		events.info(backup.workspaceCrn().toString(), backup.crn().toString(), STEP,
				"drill of backup " + backup.name() + ": restored into scratch workspace " + scratch.name()
						+ " and verified in " + took.toSeconds() + " s; the backup is verified");
		return RepeatStatus.FINISHED;
	}

}
