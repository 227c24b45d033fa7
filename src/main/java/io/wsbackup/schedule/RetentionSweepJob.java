package io.wsbackup.schedule;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * The Quartz job of the retention sweep on its own ({@code retention-sweep}, cron
 * {@code wsbackup.schedules.retention-cron}): every schedule's retention, in addition to
 * the sweep of a workspace after each of its scheduled backups. Each fire starts one
 * {@code enforceRetention} job per schedule, named after the fire's time, so that a fire
 * run again (Quartz recovering it) adopts the jobs it started.
 */
@DisallowConcurrentExecution
class RetentionSweepJob implements Job {

	private final RetentionSweeper sweeper;

	RetentionSweepJob(RetentionSweeper sweeper) {
		this.sweeper = sweeper;
	}

	@Override
	public void execute(JobExecutionContext context) {
		sweeper.sweepAll("retention-sweep@" + context.getScheduledFireTime().toInstant());
	}

}
