package io.wsbackup.backup;

import io.wsbackup.execution.StepFailedException;

import java.time.Clock;
import java.util.Map;
import java.util.stream.Collectors;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.cloud.RecoveryPointSummary;
import io.wsbackup.events.EventLog;
import io.wsbackup.workspace.ProtectedResource;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Step 5, {@code recordCatalog}: checks that every recovery point is in the vault,
 * records them with their sizes, and marks the backup {@code succeeded}. Idempotent: a
 * restart records nothing twice.
 */
class RecordCatalogTasklet implements Tasklet {

	static final String STEP = "recordCatalog";

	private final BackupRepository backups;

	private final CloudPort cloud;

	private final EventLog events;

	private final JobRepository jobRepository;

	private final Clock clock;

	RecordCatalogTasklet(BackupRepository backups, CloudPort cloud, EventLog events, JobRepository jobRepository,
			Clock clock) {
		this.backups = backups;
		this.cloud = cloud;
		this.events = events;
		this.jobRepository = jobRepository;
		this.clock = clock;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		BackupRun run = BackupRun.of(chunkContext, jobRepository);
		Backup backup = run.stopIfCancelled(backups, STEP);
		if (backup.status() != BackupStatus.RUNNING && backup.status() != BackupStatus.SUCCEEDED) {
			throw new StepFailedException(
					"backup " + backup.name() + " is " + backup.status() + "; it cannot be recorded as succeeded");
		}
		Map<String, String> recoveryPoints = run.getMap(BackupContextKeys.RECOVERY_POINTS);
		Map<String, String> jobs = run.getMap(BackupContextKeys.SNAPSHOT_JOBS);
		Map<String, RecoveryPointSummary> inVault = cloud.listRecoveryPoints(backup.vaultName())
			.stream()
			.collect(Collectors.toMap(RecoveryPointSummary::recoveryPointId, (rp) -> rp, (a, b) -> a));
		long total = 0;
		for (Map.Entry<String, String> rp : recoveryPoints.entrySet()) {
			RecoveryPointSummary summary = inVault.get(rp.getValue());
			if (summary == null) {
				throw new StepFailedException("recovery point " + rp.getValue() + " of " + rp.getKey()
						+ " is not in vault " + backup.vaultName());
			}
			total += summary.sizeBytes();
			backups
				.recordRecoveryPoint(new RecoveryPoint(backup.crn().toString(), ProtectedResource.fromKey(rp.getKey()),
						jobs.get(rp.getKey()), rp.getValue(), summary.sizeBytes(), clock.instant()));
		}
		if (backup.status() == BackupStatus.RUNNING
				&& !backups.moveStatus(backup.crn(), BackupStatus.RUNNING, BackupStatus.SUCCEEDED, null)) {
			// a cancel arrived while recording: nothing recorded here is committed
			throw new BackupCancelledException(STEP);
		}
		events.info(backup.workspaceCrn().toString(), backup.crn().toString(), STEP,
				"backup " + backup.name() + " recorded in the catalog as succeeded: " + recoveryPoints.size()
						+ " recovery point(s), " + total + " bytes, in vault " + backup.vaultName());
		return RepeatStatus.FINISHED;
	}

}
