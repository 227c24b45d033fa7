package io.wsbackup.deletion;

import io.wsbackup.execution.StepFailedException;

import java.util.List;

import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.events.EventLog;
import io.wsbackup.workspace.Crn;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Step 2 of {@code deleteBackup}, {@code removeCatalogEntry}: checks that the vault holds
 * no recovery point tagged with the backup any more, then removes the backup and its
 * recovery point records from the catalog. Its events stay in the workspace's event log.
 * Idempotent.
 */
class RemoveCatalogEntryTasklet implements Tasklet {

	static final String STEP = "removeCatalogEntry";

	private final BackupRepository backups;

	private final CloudPort cloud;

	private final EventLog events;

	RemoveCatalogEntryTasklet(BackupRepository backups, CloudPort cloud, EventLog events) {
		this.backups = backups;
		this.cloud = cloud;
		this.events = events;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		var jobExecution = chunkContext.getStepContext().getStepExecution().getJobExecution();
		Crn crn = Crn.parse(jobExecution.getJobParameters().getString(DeleteParameters.BACKUP_CRN));
		backups.find(crn).ifPresent((backup) -> {
			List<String> left = cloud.listRecoveryPoints(backup.vaultName())
				.stream()
				.filter((rp) -> crn.toString().equals(rp.tags().get("backupCrn")))
				.map((rp) -> rp.recoveryPointId())
				.toList();
			if (!left.isEmpty()) {
				throw new StepFailedException("vault " + backup.vaultName() + " still holds recovery point(s) " + left
						+ " of backup " + backup.name() + "; the catalog entry is kept");
			}
			backups.remove(crn);
			events.info(backup.workspaceCrn().toString(), crn.toString(), STEP,
					"backup " + backup.name() + " removed from the catalog");
		});
		return RepeatStatus.FINISHED;
	}

}
