package io.wsbackup.restore;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.events.EventLog;
import io.wsbackup.execution.CompensatedFlow;
import io.wsbackup.execution.PollSchedule;
import io.wsbackup.execution.Runner;
import io.wsbackup.execution.StepGuard;
import io.wsbackup.metrics.WsbackupMetrics;
import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.workspace.WorkloadPort;
import io.wsbackup.workspace.WorkspaceRepository;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The {@code drillBackup} job (see {@code jobs/drill.md}): the restore's six steps into a
 * scratch workspace ({@code validateRestore} ... {@code startWorkspace}), then
 * {@code verifyRestoredData}, {@code recordVerified} and {@code removeScratchWorkspace};
 * any failure goes to {@code drillFailed}, which records the backup's verification
 * {@code failed} with the reason, removes the scratch workspace and everything its
 * restore created, and ends the job FAILED. A drill is never resumed by hand: a new drill
 * is a new job instance; a drill taken back from a dead runner goes on where it stopped.
 * Step names are persisted and matched on restart: never rename them.
 */
@Configuration(proxyBeanMethods = false)
public class DrillJobConfiguration {

	/** How long the restored workloads may take to become ready. */
	static final Duration READINESS_TIMEOUT = Duration.ofMinutes(10);

	@Bean
	Job drillBackupJob(JobRepository jobRepository, PlatformTransactionManager tx, BackupRepository backups,
			WorkspaceRepository workspaces, CloudPort cloud, WorkloadPort workloads, EventLog events, Clock clock,
			WsbackupProperties properties, WsbackupMetrics metrics, StepGuard guard, Runner runner,
			ApplicationEventPublisher publisher) {
		// the checks and the removal call the cloud and may wait: no store connection is
		// held meanwhile (each write commits on its own)
		PlatformTransactionManager waiting = new ResourcelessTransactionManager();
		PollSchedule polls = PollSchedule.of(properties.backup());
		ScratchWorkspace scratch = new ScratchWorkspace(backups, workspaces, cloud, workloads);
		List<Step> steps = new ArrayList<>(RestoreJobConfiguration.restoreSteps(jobRepository, tx, backups, workspaces,
				cloud, workloads, events, clock, properties, guard, runner));
		steps.add(
				guard
					.step(VerifyRestoredDataTasklet.STEP,
							new VerifyRestoredDataTasklet(backups, workspaces, cloud, workloads, events, jobRepository,
									clock, polls, READINESS_TIMEOUT, runner::pause),
							waiting)
					.build());
		steps.add(
				guard
					.step(RecordVerifiedTasklet.STEP,
							new RecordVerifiedTasklet(backups, workspaces, events, jobRepository, clock), tx)
					.build());
		steps.add(
				guard
					.step(RemoveScratchWorkspaceTasklet.STEP,
							new RemoveScratchWorkspaceTasklet(false, backups, workspaces, scratch, events,
									jobRepository, clock, polls, runner::pause),
							waiting)
					.build());
		Step compensate = guard
			.step(RemoveScratchWorkspaceTasklet.COMPENSATION,
					new RemoveScratchWorkspaceTasklet(true, backups, workspaces, scratch, events, jobRepository, clock,
							polls, runner::pause),
					waiting)
			.allowStartIfComplete(true)
			.build();
		JobBuilder job = new JobBuilder(DrillParameters.JOB_NAME, jobRepository).listener(guard.jobListener())
			.listener(new DrillJobListener(backups, workspaces, events, metrics, publisher));
		return CompensatedFlow.of(job, steps, compensate).from(compensate).on("*").fail().end().build();
	}

}
