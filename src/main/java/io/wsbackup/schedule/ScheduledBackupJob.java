package io.wsbackup.schedule;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * The Quartz job behind the one-shot triggers of a schedule's runs ({@code run.<name>}):
 * a start turn of a run, which starts its due slots up to the free cap. One at a time per
 * schedule across the cluster, so that the cap of concurrent backups holds.
 */
@DisallowConcurrentExecution
class ScheduledBackupJob implements Job {

	private final Schedules schedules;

	private final ScheduleRuns runs;

	ScheduledBackupJob(Schedules schedules, ScheduleRuns runs) {
		this.schedules = schedules;
		this.runs = runs;
	}

	@Override
	public void execute(JobExecutionContext context) {
		String name = context.getJobDetail().getJobDataMap().getString(QuartzKeys.SCHEDULE);
		runs.slotFired(schedules.find(name).orElse(null), context.getTrigger().getJobDataMap());
	}

}
