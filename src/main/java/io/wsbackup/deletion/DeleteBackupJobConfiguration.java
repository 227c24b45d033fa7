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
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
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
			CloudPort cloud, EventLog events, WsbackupMetrics metrics, StepGuard guard) {
		return new JobBuilder(DeleteParameters.JOB_NAME, jobRepository).listener(guard.jobListener())
			.listener(new JobExecutionListener() {

				@Override
				public void beforeJob(JobExecution execution) {
					metrics.jobStarted(JobKind.DELETE, null);
					String crn = execution.getJobParameters().getString(DeleteParameters.BACKUP_CRN);
					MDC.put("backupCrn", crn);
					backups.find(Crn.parse(crn))
						.ifPresent((b) -> backups.setJobExecutionId(b.crn(), execution.getId()));
				}

				@Override
				public void afterJob(JobExecution execution) {
					try {
						String crn = execution.getJobParameters().getString(DeleteParameters.BACKUP_CRN);
						if (execution.getStatus() != BatchStatus.COMPLETED) {
							backups.find(Crn.parse(crn))
								.ifPresent(
										(b) -> events.error(b.workspaceCrn().toString(), crn, DeleteParameters.JOB_NAME,
												"deleting backup " + b.name() + " failed: "
														+ execution.getAllFailureExceptions()
															.stream()
															.findFirst()
															.map(Throwable::getMessage)
															.orElse("the job did not complete")
														+ "; it stays deleting, delete it again to resume"));
						}
					}
					finally {
						MDC.remove("backupCrn");
						metrics.jobEnded(JobKind.DELETE, execution, null, Outcome.of(execution.getStatus()));
					}
				}

			})
			.start(new StepBuilder(DeleteRecoveryPointsTasklet.STEP, jobRepository)
				.tasklet(new DeleteRecoveryPointsTasklet(backups, cloud, events, jobRepository), tx)
				.stepOperations(guard.stepOperations())
				.allowStartIfComplete(true)
				.build())
			.next(new StepBuilder(RemoveCatalogEntryTasklet.STEP, jobRepository)
				.tasklet(new RemoveCatalogEntryTasklet(backups, cloud, events), tx)
				.stepOperations(guard.stepOperations())
				.build())
			.build();
	}

}
