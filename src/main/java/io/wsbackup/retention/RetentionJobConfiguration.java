package io.wsbackup.retention;

import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.events.EventLog;
import io.wsbackup.execution.StepGuard;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.interceptor.DefaultTransactionAttribute;

/**
 * The {@code enforceRetention} job (see {@code jobs/enforce-retention.md}): one step,
 * {@code deleteDoomedBackups}, which starts the deletes of what a schedule's retention no
 * longer keeps. A failure leaves the job FAILED, restartable where it stopped: starting
 * the same sweep (same run id) again restarts it.
 */
@Configuration(proxyBeanMethods = false)
public class RetentionJobConfiguration {

	/**
	 * The step's chunks run outside any transaction: each delete it starts is a launch of
	 * its own, which commits before its job is started (Spring Batch refuses to create a
	 * job execution inside a transaction); what the step records commits at once.
	 */
	private static final DefaultTransactionAttribute NO_TRANSACTION = new DefaultTransactionAttribute(
			TransactionDefinition.PROPAGATION_NOT_SUPPORTED);

	@Bean
	Job enforceRetentionJob(JobRepository jobRepository, PlatformTransactionManager tx, DoomedBackups doomedBackups,
			BackupRepository backups, BackupDeletes deletes, EventLog events, StepGuard guard) {
		return new JobBuilder(RetentionParameters.JOB_NAME, jobRepository).listener(guard.jobListener())
			.listener(new RetentionJobListener())
			.start(guard
				.step(DeleteDoomedBackupsTasklet.STEP,
						new DeleteDoomedBackupsTasklet(doomedBackups, backups, deletes, events, jobRepository), tx)
				.transactionAttribute(NO_TRANSACTION)
				.build())
			.build();
	}

}
