package io.wsbackup.deletion;

import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.events.EventLog;
import io.wsbackup.metrics.WsbackupMetrics;
import io.wsbackup.metrics.WsbackupMetrics.JobKind;
import io.wsbackup.metrics.WsbackupMetrics.Outcome;
import io.wsbackup.execution.StepGuard;
import io.wsbackup.workspace.Crn;

import org.slf4j.MDC;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The {@code deleteBackup} job (see {@code jobs/delete-backup.md}):
 * {@code deleteRecoveryPoints} then {@code removeCatalogEntry}. The launcher marks the
 * backup {@code deleting} before it starts; a failure leaves it {@code deleting}, and
 * deleting it again restarts the job where it stopped.
 */
@Configuration(proxyBeanMethods = false)
public class DeleteBackupJobConfiguration {

	@Bean
	Job deleteBackupJob(JobRepository jobRepository, PlatformTransactionManager tx, BackupRepository backups,
			CloudPort cloud, EventLog events, WsbackupMetrics metrics, StepGuard guard,
			ApplicationEventPublisher publisher) {
		return new JobBuilder(DeleteParameters.JOB_NAME, jobRepository).listener(guard.jobListener())
			.listener(new DeleteJobListener(backups, events, metrics, publisher))
			.start(guard
				.step(DeleteRecoveryPointsTasklet.STEP,
						new DeleteRecoveryPointsTasklet(backups, cloud, events, jobRepository), tx)
				.allowStartIfComplete(true)
				.build())
			.next(guard.step(RemoveCatalogEntryTasklet.STEP, new RemoveCatalogEntryTasklet(backups, cloud, events), tx)
				.build())
			.build();
	}

}
