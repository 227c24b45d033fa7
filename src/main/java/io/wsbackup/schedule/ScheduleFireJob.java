package io.wsbackup.schedule;

import java.time.Clock;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Quartz job behind a schedule's cron trigger ({@code schedule.<name>}): hands the
 * fire to {@link ScheduleRuns}. Never two fires of one schedule at once, across the
 * cluster.
 */
@DisallowConcurrentExecution
class ScheduleFireJob implements Job {

	private static final Logger log = LoggerFactory.getLogger(ScheduleFireJob.class);

	private final Schedules schedules;

	private final ScheduleRuns runs;

	private final Clock clock;

	ScheduleFireJob(Schedules schedules, ScheduleRuns runs, Clock clock) {
		this.schedules = schedules;
		this.runs = runs;
		this.clock = clock;
	}

	@Override
	public void execute(JobExecutionContext context) {
		String name = context.getMergedJobDataMap().getString(QuartzKeys.SCHEDULE);
		schedules.find(name)
			.ifPresentOrElse(
					(schedule) -> runs.fired(schedule, context.getScheduledFireTime().toInstant(), clock.instant()),
					() -> log.warn("schedule {} fired but no file on this runner declares it; nothing done", name));
	}

}
