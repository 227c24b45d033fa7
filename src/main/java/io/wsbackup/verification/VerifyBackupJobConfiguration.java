package io.wsbackup.verification;

import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.events.EventLog;
import io.wsbackup.execution.StepGuard;
import io.wsbackup.metrics.WsbackupMetrics;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The {@code verifyBackup} job (see {@code jobs/verify-backup.md}): one step,
 * {@code verifyRecoveryPoints}. The launcher marks the backup {@code verifying} before it
 * starts; the step records {@code verified} or {@code failed}; a job that cannot finish
 * leaves it {@code failed} with the reason, and restarting it goes on with the recovery
 * points not checked yet.
 */
@Configuration(proxyBeanMethods = false)
public class VerifyBackupJobConfiguration {

	/**
	 * Checking a recovery point may read a whole volume's files: no store connection is
	 * held meanwhile (each write commits on its own, the check's fact before the chunk
	 * returns).
	 */
	private static final PlatformTransactionManager CHECKING = new ResourcelessTransactionManager();

	@Bean
	Job verifyBackupJob(JobRepository jobRepository, BackupRepository backups, CloudPort cloud, EventLog events,
			WsbackupMetrics metrics, StepGuard guard, ApplicationEventPublisher publisher) {
		return new JobBuilder(VerifyParameters.JOB_NAME, jobRepository).listener(guard.jobListener())
			.listener(new VerifyJobListener(backups, events, metrics, publisher))
			.start(guard
				.step(VerifyRecoveryPointsTasklet.STEP,
						new VerifyRecoveryPointsTasklet(backups, cloud, events, jobRepository), CHECKING)
				.build())
			.build();
	}

}
