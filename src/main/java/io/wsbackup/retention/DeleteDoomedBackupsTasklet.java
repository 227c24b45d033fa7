package io.wsbackup.retention;

import java.util.LinkedHashMap;
import java.util.Map;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.events.EventLog;
import io.wsbackup.execution.JobContext;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.workspace.Crn;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The one step of {@code enforceRetention}, {@code deleteDoomedBackups}: on the first
 * attempt it fixes the schedule's doomed backups ({@link DoomedBackups}, of one workspace
 * when the sweep names one) in the job context, then starts their deletes one per chunk
 * ({@code CONTINUABLE}), each with an event in its workspace's log, and marks each
 * handled before the step returns. A delete the launcher refuses (a restore reads from
 * the backup, for instance) leaves the backup with a warning event; the next sweep tries
 * again. Any other failure fails the step; a restart goes on with the backups not yet
 * handled.
 */
class DeleteDoomedBackupsTasklet implements Tasklet {

	static final String STEP = "deleteDoomedBackups";

	static final String EVENT_STEP = RetentionParameters.JOB_NAME;

	private final DoomedBackups doomedBackups;

	private final BackupRepository backups;

	private final BackupDeletes deletes;

	private final EventLog events;

	private final JobRepository jobRepository;

	DeleteDoomedBackupsTasklet(DoomedBackups doomedBackups, BackupRepository backups, BackupDeletes deletes,
			EventLog events, JobRepository jobRepository) {
		this.doomedBackups = doomedBackups;
		this.backups = backups;
		this.deletes = deletes;
		this.events = events;
		this.jobRepository = jobRepository;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		var jobExecution = chunkContext.getStepContext().getStepExecution().getJobExecution();
		RetentionSweep sweep = RetentionSweep.of(jobExecution.getJobParameters());
		JobContext facts = new JobContext(jobExecution, jobRepository);
		if (!facts.has(RetentionParameters.DOOMED)) {
			facts.put(RetentionParameters.DOOMED, doomed(sweep));
			facts.save();
			return RepeatStatus.CONTINUABLE;
		}
		Map<String, String> handled = facts.getMap(RetentionParameters.HANDLED);
		for (Map.Entry<String, String> doomed : facts.getMap(RetentionParameters.DOOMED).entrySet()) {
			if (!handled.containsKey(doomed.getKey())) {
				handled.put(doomed.getKey(), delete(sweep, doomed.getKey(), doomed.getValue()));
				facts.put(RetentionParameters.HANDLED, handled);
				facts.save();
				return RepeatStatus.CONTINUABLE;
			}
		}
		return RepeatStatus.FINISHED;
	}

	private Map<String, String> doomed(RetentionSweep sweep) {
		Map<String, String> doomed = new LinkedHashMap<>();
		for (RetentionPolicy.Doomed d : doomedBackups.of(sweep.creatorCrn(), sweep.retention())) {
			if (sweep.workspaceCrn() == null || sweep.workspaceCrn().equals(d.backup().workspaceCrn().toString())) {
				doomed.put(d.backup().crn().toString(), d.reason());
			}
		}
		return doomed;
	}

	/**
	 * Starts the delete of one doomed backup.
	 * @return what became of it
	 */
	private String delete(RetentionSweep sweep, String backupCrn, String reason) {
		Backup backup = backups.find(Crn.parse(backupCrn, Crn.BACKUP)).orElse(null);
		if (backup == null) {
			return "gone";
		}
		String ws = backup.workspaceCrn().toString();
		try {
			long workflowId = deletes.deleteBackup(backupCrn);
			events.info(ws, backupCrn, EVENT_STEP, "retention of schedule " + sweep.schedule() + " deletes backup "
					+ backup.name() + " (" + reason + "), workflow " + workflowId);
			return "started " + workflowId;
		}
		catch (WsbackupException ex) {
			events.warning(ws, backupCrn, EVENT_STEP, "retention of schedule " + sweep.schedule()
					+ " cannot delete backup " + backup.name() + " yet: " + ex.getMessage());
			return "refused";
		}
	}

}
