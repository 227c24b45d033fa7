package io.wsbackup.schedule;

import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * The Quartz job behind the one-shot triggers that follow a schedule's started backups to
 * their end ({@code await.<name>}): it records the backup's outcome in the run and sweeps
 * the workspace's retention. Unlike the starts ({@link ScheduledBackupJob}) these need no
 * turn of their own: each touches only its workspace, so several run at once and never
 * hold up the schedule's next start (bench 3: a fleet night of 1,000 workspaces had its
 * starts queued behind hundreds of these).
 */
class ScheduledBackupAwaitJob implements Job {

	private final Schedules schedules;

	private final ScheduleRuns runs;

	ScheduledBackupAwaitJob(Schedules schedules, ScheduleRuns runs) {
		this.schedules = schedules;
		this.runs = runs;
	}

	@Override
	public void execute(JobExecutionContext context) {
		String name = context.getJobDetail().getJobDataMap().getString(QuartzKeys.SCHEDULE);
		runs.slotFired(schedules.find(name).orElse(null), context.getTrigger().getJobDataMap());
	}

}
