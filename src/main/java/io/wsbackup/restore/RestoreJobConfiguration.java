package io.wsbackup.restore;

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
import io.wsbackup.execution.PollSchedule;
import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.workspace.WorkloadPort;
import io.wsbackup.workspace.WorkspaceRepository;

import org.slf4j.MDC;

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
 * The {@code restoreWorkspace} job (see {@code jobs/restore-workspace.md}):
 * {@code validateRestore}, {@code provisionWorkspace}, {@code restoreStorage},
 * {@code awaitRestores}, {@code attachStorage}, {@code startWorkspace}; any failure goes
 * to {@code markRestoreFailed}, which leaves the new workspace {@code restore:failed}
 * with what was created listed, and the job FAILED, restartable at the failed step. Step
 * names are persisted and matched on restart: never rename them. Its executions are
 * counted in the metrics under the workspace the backup was taken of.
 */
@Configuration(proxyBeanMethods = false)
public class RestoreJobConfiguration {

	@Bean
	Job restoreWorkspaceJob(JobRepository jobRepository, PlatformTransactionManager tx, BackupRepository backups,
			WorkspaceRepository workspaces, CloudPort cloud, WorkloadPort workloads, EventLog events, Clock clock,
			WsbackupProperties properties, WsbackupMetrics metrics, StepGuard guard, Runner runner,
			ApplicationEventPublisher publisher) {
		List<Step> steps = restoreSteps(jobRepository, tx, backups, workspaces, cloud, workloads, events, clock,
				properties, guard, runner);
		Step compensate = guard
			.step(MarkRestoreFailedTasklet.STEP, new MarkRestoreFailedTasklet(workspaces, events, jobRepository), tx)
			.listener(new KeepFailedStepRestartable(jobRepository))
			.allowStartIfComplete(true)
			.build();
		JobBuilder job = new JobBuilder(RestoreParameters.JOB_NAME, jobRepository).listener(guard.jobListener())
			.listener(new RestoreJobListener(backups, workspaces, metrics, publisher));
		return CompensatedFlow.of(job, steps, compensate).from(compensate).on("*").fail().end().build();
	}

	/**
	 * The six steps that restore a backup into a new workspace, shared with
	 * {@code drillBackup} (which restores into a scratch workspace). Step names are
	 * persisted and matched on restart: never rename them.
	 */
	static List<Step> restoreSteps(JobRepository jobRepository, PlatformTransactionManager tx, BackupRepository backups,
			WorkspaceRepository workspaces, CloudPort cloud, WorkloadPort workloads, EventLog events, Clock clock,
			WsbackupProperties properties, StepGuard guard, Runner runner) {
		Step validate = step(ValidateRestoreTasklet.STEP, tx, guard,
				new ValidateRestoreTasklet(backups, workspaces, cloud, events, jobRepository, clock), true);
		return List.of(validate,
				step(ProvisionWorkspaceTasklet.STEP, tx, guard,
						new ProvisionWorkspaceTasklet(backups, workspaces, workloads, events, jobRepository), false),
				step(RestoreStorageTasklet.STEP, tx, guard,
						new RestoreStorageTasklet(backups, cloud, events, jobRepository), true),
				// sleeps between polls without holding a transaction (and a pooled
				// connection)
				step(AwaitRestoresTasklet.STEP, new ResourcelessTransactionManager(), guard,
						new AwaitRestoresTasklet(workspaces, cloud, events, jobRepository, clock,
								PollSchedule.of(properties.backup()), runner::pause),
						false),
				step(AttachStorageTasklet.STEP, tx, guard,
						new AttachStorageTasklet(backups, workspaces, workloads, events, jobRepository), false),
				step(StartWorkspaceTasklet.STEP, tx, guard,
						new StartWorkspaceTasklet(backups, workspaces, workloads, events, jobRepository), false));
	}

	private static Step step(String name, PlatformTransactionManager tx, StepGuard guard, Tasklet tasklet,
			boolean runsAgainOnRestart) {
		return guard.step(name, tasklet, tx).allowStartIfComplete(runsAgainOnRestart).build();
	}

}
