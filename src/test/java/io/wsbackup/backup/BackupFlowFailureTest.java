package io.wsbackup.backup;

import java.time.Duration;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backup job can fail outside its steps, where the flow never reaches the compensation:
 * in bench 9 (2,000 backups, a pool of 30) the store could not give a connection to
 * create {@code restartWorkspace}'s execution after {@code recordCatalog}, and the job
 * ended FAILED with its workspace still {@code backup:started}, its workloads stopped.
 * The end of such an execution puts the workspace back; an execution whose workloads it
 * never stopped (a validation refused because another backup holds the workspace) leaves
 * it alone.
 */
class BackupFlowFailureTest extends WsbackupTestSupport {

	private static final String CREATOR = "crn:cdp:iam:us-west-2:123456789012:user:flow-failure";

	@Autowired
	Launcher launcher;

	@Autowired
	WorkspaceRepository workspaces;

	@Autowired
	EventLog events;

	@Test
	void aJobThatFailedBetweenRecordCatalogAndRestartWorkspaceStartsTheWorkloadsAgain() {
		Workspace workspace = newWorkspace();
		Backup backup = launcher.backupWorkspace(workspace.crn().toString(), "flow", null, CREATOR);
		JobExecution completed = awaitJobEnd(backup);
		assertThat(completed.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		// as it stood when the flow failed: recorded, workloads stopped, the
		// compensation never reached
		JobExecution execution = jobRepository.getJobExecution(completed.getId());
		workloads.stop(workspace);
		assertThat(workspaces.moveStatus(workspace.crn(), WorkspaceStatus.INSTALLATION_FINISHED,
				WorkspaceStatus.BACKUP_STARTED))
			.isTrue();
		BackupRun run = BackupRun.of(execution, jobRepository);
		run.put(BackupContextKeys.WORKLOADS_STOPPED, "true");
		run.save();
		execution.setStatus(BatchStatus.FAILED);

		BackupEnding.End end = ending().ended(execution);

		assertThat(end.status()).as("the backup was recorded").isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(workspaces.find(workspace.crn()).orElseThrow().status())
			.isEqualTo(WorkspaceStatus.INSTALLATION_FINISHED);
		assertThat(workloads.running(workspace)).as("its workloads run again").isTrue();
		assertThat(events.list(workspace.crn().toString(), backup.crn().toString(), 1000))
			.anyMatch((e) -> e.message().contains("failed outside its steps"));
	}

	@Test
	void aJobThatNeverStoppedTheWorkloadsLeavesTheWorkspaceToTheBackupHoldingIt() {
		Workspace workspace = newWorkspace();
		Backup backup = launcher.backupWorkspace(workspace.crn().toString(), "refused", null, CREATOR);
		JobExecution completed = awaitJobEnd(backup);
		JobExecution execution = jobRepository.getJobExecution(completed.getId());
		// another backup holds the workspace; this one failed its validation
		workloads.stop(workspace);
		assertThat(workspaces.moveStatus(workspace.crn(), WorkspaceStatus.INSTALLATION_FINISHED,
				WorkspaceStatus.BACKUP_STARTED))
			.isTrue();
		// its own stop step never ran
		execution.getExecutionContext().remove(BackupContextKeys.WORKLOADS_STOPPED);
		execution.setStatus(BatchStatus.FAILED);

		ending().ended(execution);

		assertThat(workspaces.find(workspace.crn()).orElseThrow().status()).isEqualTo(WorkspaceStatus.BACKUP_STARTED);
		assertThat(workloads.running(workspace)).as("still stopped by the backup that holds it").isFalse();
	}

	private BackupEnding ending() {
		Compensation compensation = new Compensation(workspaces, workloads, cloud, events, Duration.ofMillis(10),
				backups, clock);
		return new BackupEnding(workspaces, backups, events, compensation, jobRepository);
	}

}
