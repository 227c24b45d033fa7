package io.wsbackup.schedule;

import io.wsbackup.retention.DoomedBackups;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.wsbackup.schedule.ScheduleRunRepository.Run;
import io.wsbackup.system.WsbackupException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerKey;

import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the API and CLI do with schedules: list them with their next fire time and last
 * run, pause and resume their cron trigger (until their file changes), run one now, and
 * preview what their retention would delete. Every Quartz call runs in a transaction.
 */
@Service
public class ScheduleService {

	/**
	 * A schedule as listed.
	 *
	 * @param state {@code active}, {@code paused}, or {@code missing} when the store does
	 * not hold its trigger
	 */
	public record ScheduleState(Schedule schedule, String state, Instant nextFireTime, Run lastRun) {
	}

	private final Schedules schedules;

	private final ScheduleRunRepository runs;

	private final ScheduleRuns runner;

	private final RetentionSweeper retention;

	private final Scheduler scheduler;

	private final TransactionTemplate transaction;

	private final Clock clock;

	public ScheduleService(Schedules schedules, ScheduleRunRepository runs, ScheduleRuns runner,
			RetentionSweeper retention, Scheduler scheduler, PlatformTransactionManager transactionManager,
			Clock clock) {
		this.schedules = schedules;
		this.runs = runs;
		this.runner = runner;
		this.retention = retention;
		this.scheduler = scheduler;
		this.transaction = QuartzKeys.transaction(transactionManager);
		this.clock = clock;
	}

	public List<ScheduleState> list() {
		return schedules.all().stream().map(this::state).toList();
	}

	public ScheduleState describe(String name) {
		return state(schedules.require(name));
	}

	private ScheduleState state(Schedule schedule) {
		return quartz(() -> {
			TriggerKey key = QuartzKeys.fireTrigger(schedule.name());
			Trigger trigger = scheduler.getTrigger(key);
			String state = (trigger == null) ? "missing"
					: (scheduler.getTriggerState(key) == Trigger.TriggerState.PAUSED) ? "paused" : "active";
			Instant next = (trigger == null || trigger.getNextFireTime() == null || "paused".equals(state)) ? null
					: trigger.getNextFireTime().toInstant();
			return new ScheduleState(schedule, state, next, runs.lastRun(schedule.name()).orElse(null));
		});
	}

	public ScheduleState pause(String name) {
		Schedule schedule = schedules.require(name);
		quartz(() -> {
			scheduler.pauseTrigger(QuartzKeys.fireTrigger(schedule.name()));
			return null;
		});
		return state(schedule);
	}

	public ScheduleState resume(String name) {
		Schedule schedule = schedules.require(name);
		quartz(() -> {
			scheduler.resumeTrigger(QuartzKeys.fireTrigger(schedule.name()));
			return null;
		});
		return state(schedule);
	}

	/**
	 * Runs the schedule now, paused or not, as if it had fired: same workspaces, stagger,
	 * cap and skips (backups, or drills for a drill schedule).
	 * @return the run's id
	 */
	public String trigger(String name) {
		return runner.startRun(schedules.require(name), clock.instant(), "manual");
	}

	/**
	 * What the schedule's next retention sweep would delete, and why, and what it keeps
	 * as a workspace's newest verified backup; nothing is deleted.
	 */
	public DoomedBackups.Preview previewRetention(String name) {
		Schedule schedule = schedules.require(name);
		if (schedule.isDrill()) {
			throw WsbackupException.invalid("schedule '" + name
					+ "' is a drill schedule: it creates no backups and has no retention; preview a backup schedule");
		}
		return retention.preview(schedule);
	}

	public Optional<Run> lastRun(String name) {
		return runs.lastRun(schedules.require(name).name());
	}

	private <T> T quartz(QuartzCall<T> call) {
		return transaction.execute((tx) -> {
			try {
				return call.run();
			}
			catch (SchedulerException ex) {
				throw WsbackupException.failedPrecondition("the scheduler cannot be reached: " + ex.getMessage());
			}
		});
	}

	private interface QuartzCall<T> {

		T run() throws SchedulerException;

	}

}
