package io.wsbackup.deletion;

import java.util.Map;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.cloud.RecoveryPointSummary;
import io.wsbackup.events.EventLog;
import io.wsbackup.execution.JobContext;
import io.wsbackup.workspace.Crn;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Step 1 of {@code deleteBackup}, {@code deleteRecoveryPoints}: deletes every recovery
 * point of the backup from its vault, one per transaction ({@code CONTINUABLE}): those in
 * the catalog and those in the vault tagged with the backup's CRN (a failed backup may
 * have some the catalog never recorded). The list is fixed on the first attempt and each
 * deletion is marked in the job context before the step returns; deleting one already
 * gone succeeds, so a restart repeats nothing harmful.
 */
class DeleteRecoveryPointsTasklet implements Tasklet {

	static final String STEP = "deleteRecoveryPoints";

	private static final String LISTED = STEP + ".listedInThisExecution";

	private final BackupRepository backups;

	private final CloudPort cloud;

	private final EventLog events;

	private final JobRepository jobRepository;

	DeleteRecoveryPointsTasklet(BackupRepository backups, CloudPort cloud, EventLog events,
			JobRepository jobRepository) {
		this.backups = backups;
		this.cloud = cloud;
		this.events = events;
		this.jobRepository = jobRepository;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		var jobExecution = chunkContext.getStepContext().getStepExecution().getJobExecution();
		Crn crn = Crn.parse(jobExecution.getJobParameters().getString(DeleteParameters.BACKUP_CRN));
		Backup backup = backups.find(crn).orElse(null);
		if (backup == null) {
			return RepeatStatus.FINISHED;
		}
		String ws = backup.workspaceCrn().toString();
		JobContext facts = new JobContext(jobExecution, jobRepository);
		Map<String, String> targets = facts.getMap(DeleteParameters.TARGETS);
		var stepExecution = chunkContext.getStepContext().getStepExecution();
		var stepContext = stepExecution.getExecutionContext();
		String listed = LISTED + "." + stepExecution.getId();
		if (!stepContext.containsKey(listed)) {
			// on every run, also a restart: a snapshot still running when the delete
			// began may have completed since
			int before = targets.size();
			for (RecoveryPoint rp : backups.recoveryPoints(crn)) {
				targets.putIfAbsent(rp.recoveryPointId(), "pending");
			}
			for (RecoveryPointSummary rp : cloud.listRecoveryPoints(backup.vaultName())) {
				if (crn.toString().equals(rp.tags().get("backupCrn"))) {
					targets.putIfAbsent(rp.recoveryPointId(), "pending");
				}
			}
			stepContext.putString(listed, "true");
			if (targets.size() == before && before > 0) {
				return RepeatStatus.CONTINUABLE;
			}
			facts.put(DeleteParameters.TARGETS, targets);
			facts.save();
			events.info(ws, crn.toString(), STEP, "deleting " + targets.size() + " recovery point(s) of backup "
					+ backup.name() + " from vault " + backup.vaultName());
			return RepeatStatus.CONTINUABLE;
		}
		for (Map.Entry<String, String> target : targets.entrySet()) {
			if (!"pending".equals(target.getValue())) {
				continue;
			}
			cloud.deleteRecoveryPoint(backup.vaultName(), target.getKey());
			targets.put(target.getKey(), "deleted");
			facts.put(DeleteParameters.TARGETS, targets);
			facts.save();
			events.info(ws, crn.toString(), STEP, "recovery point " + target.getKey() + " deleted");
			return RepeatStatus.CONTINUABLE;
		}
		return RepeatStatus.FINISHED;
	}

}
