package io.wsbackup.verification;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.events.EventLog;
import io.wsbackup.execution.JobContext;
import io.wsbackup.workspace.Crn;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The one step of {@code verifyBackup}, {@code verifyRecoveryPoints}: checks each
 * recovery point of the backup where it lies through the cloud port, one per chunk
 * ({@code CONTINUABLE}, holding no store connection while it checks), and keeps what each
 * check found in the job context before the chunk returns, so that a restart checks only
 * the points not checked yet. Once all are checked, the backup's verification is recorded
 * in the catalog: {@code verified}, or {@code failed} with every problem, each naming the
 * resource, the recovery point and, on {@code local}, the file.
 */
class VerifyRecoveryPointsTasklet implements Tasklet {

	static final String STEP = "verifyRecoveryPoints";

	private final BackupRepository backups;

	private final CloudPort cloud;

	private final EventLog events;

	private final JobRepository jobRepository;

	VerifyRecoveryPointsTasklet(BackupRepository backups, CloudPort cloud, EventLog events,
			JobRepository jobRepository) {
		this.backups = backups;
		this.cloud = cloud;
		this.events = events;
		this.jobRepository = jobRepository;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		var jobExecution = chunkContext.getStepContext().getStepExecution().getJobExecution();
		Crn crn = Crn.parse(jobExecution.getJobParameters().getString(VerifyParameters.BACKUP_CRN));
		Backup backup = backups.find(crn).orElse(null);
		if (backup == null) {
			// deleted meanwhile: nothing left to verify
			return RepeatStatus.FINISHED;
		}
		String ws = backup.workspaceCrn().toString();
		JobContext facts = new JobContext(jobExecution, jobRepository);
		Map<String, String> checked = facts.getMap(VerifyParameters.CHECKED);
		List<RecoveryPoint> points = backups.recoveryPoints(crn);
		for (RecoveryPoint rp : points) {
			if (checked.containsKey(rp.recoveryPointId())) {
				continue;
			}
			String resource = rp.resource().kind().name().toLowerCase() + " " + rp.resource().id();
			List<String> problems = cloud.verifyRecoveryPoint(backup.vaultName(), rp.recoveryPointId())
				.stream()
				.map((problem) -> resource + ": " + problem)
				.toList();
			checked.put(rp.recoveryPointId(), String.join("\n", problems));
			facts.put(VerifyParameters.CHECKED, checked);
			facts.save();
			if (problems.isEmpty()) {
				events.info(ws, crn.toString(), STEP, "recovery point " + rp.recoveryPointId() + " of " + resource
						+ " is sound (" + checked.size() + " of " + points.size() + " checked)");
			}
			else {
				events.warning(ws, crn.toString(), STEP, String.join("; ", problems));
			}
			return RepeatStatus.CONTINUABLE;
		}
		List<String> problems = new ArrayList<>();
		for (RecoveryPoint rp : points) {
			String found = checked.get(rp.recoveryPointId());
			if (found != null && !found.isEmpty()) {
				problems.addAll(List.of(found.split("\n")));
			}
		}
		backups.verificationEnded(crn, problems);
		if (problems.isEmpty()) {
			events.info(ws, crn.toString(), STEP, "backup " + backup.name() + " verified: its " + points.size()
					+ " recovery point(s) are sound where they lie");
		}
		else {
			events.error(ws, crn.toString(), STEP,
					"verification of backup " + backup.name() + " failed: " + String.join("; ", problems));
		}
		return RepeatStatus.FINISHED;
	}

}
