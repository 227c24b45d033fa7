package io.wsbackup.backup;

import java.time.Clock;
import java.util.List;

import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.events.EventLog;
import io.wsbackup.metrics.WsbackupMetrics;
import io.wsbackup.execution.Runner;
import io.wsbackup.execution.StepGuard;
import io.wsbackup.execution.CompensatedFlow;
import io.wsbackup.execution.KeepFailedStepRestartable;
import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.workspace.WorkloadPort;
import io.wsbackup.workspace.WorkspaceRepository;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The {@code backupWorkspace} job (see {@code jobs/backup-workspace.md}):
 *
 * <pre>
 * validateWorkspace ─▶ stopWorkloads ─▶ snapshotStorage ─▶ awaitRecoveryPoints ─▶ recordCatalog ─▶ restartWorkspace
 *        │ FAILED            └──────────────── FAILED ──────────────────┴──────────────┴──────────────┘
 *        ▼                                     ▼
 *     (FAILED)                 restartWorkspaceAfterFailure ─▶ (FAILED, restartable)
 * </pre>
 *
 * Step names are persisted and matched on restart: never rename them.
 * {@code validateWorkspace}, {@code stopWorkloads}, {@code snapshotStorage} and the
 * compensation run again on every restart (they decide from the job context what is left
 * to do); the others resume only if they did not complete.
 */
@Configuration(proxyBeanMethods = false)
public class BackupJobConfiguration {

	/** The transaction manager of the steps that wait: none. */
	private static final PlatformTransactionManager WAITING = new ResourcelessTransactionManager();

	@Bean
	Job backupWorkspaceJob(JobRepository jobRepository, PlatformTransactionManager tx, WorkspaceRepository workspaces,
			BackupRepository backups, CloudPort cloud, WorkloadPort workloads, EventLog events, Clock clock,
			WsbackupProperties properties, WsbackupMetrics metrics, StepGuard guard, Runner runner,
			ApplicationEventPublisher publisher) {
		Compensation compensation = new Compensation(workspaces, workloads, cloud, events,
				properties.backup().workloadStartRetryBackoff(), backups, clock);
		Step validate = step(ValidateWorkspaceTasklet.STEP, tx, guard,
				new ValidateWorkspaceTasklet(workspaces, backups, cloud, events, jobRepository, clock), true);
		Step stop = step(StopWorkloadsTasklet.STEP, tx, guard,
				new StopWorkloadsTasklet(workspaces, workloads, backups, cloud, events, jobRepository), true);
		Step snapshot = step(SnapshotStorageTasklet.STEP, tx, guard, new SnapshotStorageTasklet(workspaces, backups,
				workloads, cloud, events, jobRepository, clock, properties.backup().cloudCompletionWindow()), true);
		// the waiting step sleeps between polls: no database transaction (and no pooled
		// connection) is held while it
		// does; what it writes (progress, the context) commits at once
		Step await = step(AwaitRecoveryPointsTasklet.STEP, WAITING, guard, new AwaitRecoveryPointsTasklet(backups,
				cloud, events, jobRepository, clock, properties.backup(), runner::pause, tx), false);
		Step record = step(RecordCatalogTasklet.STEP, tx, guard,
				new RecordCatalogTasklet(backups, cloud, events, jobRepository, clock), false);
		Step restart = step(RestartWorkspaceTasklet.STEP, tx, guard,
				new RestartWorkspaceTasklet(workspaces, compensation, events, jobRepository), false);
		BackupEnding ending = new BackupEnding(workspaces, backups, events, compensation, jobRepository);
		Step compensate = guard
			.step(RestartWorkspaceAfterFailureTasklet.STEP,
					new RestartWorkspaceAfterFailureTasklet(ending, jobRepository), tx)
			.listener(new KeepFailedStepRestartable(jobRepository))
			.allowStartIfComplete(true)
			.build();
		// validateWorkspace changes nothing, so its failure ends the job; every later
		// step fails into the
		// compensation, which ends the job FAILED.
		JobBuilder job = new JobBuilder(BackupParameters.JOB_NAME, jobRepository).listener(guard.jobListener())
			.listener(new BackupJobListener(backups, events, ending, metrics, publisher));
		return CompensatedFlow.of(job, List.of(validate, stop, snapshot, await, record, restart), compensate)
			.from(compensate)
			.on(CancelledExitStatus.CANCELLED)
			.stop()
			.from(compensate)
			.on("*")
			.fail()
			.end()
			.build();
	}

	/** A step of the backup: guarded, and a cancel gives it the exit status CANCELLED. */
	private static Step step(String name, PlatformTransactionManager tx, StepGuard guard, Tasklet tasklet,
			boolean runsAgainOnRestart) {
		return guard.step(name, tasklet, tx)
			.listener(new CancelledExitStatus())
			.allowStartIfComplete(runsAgainOnRestart)
			.build();
	}

}
