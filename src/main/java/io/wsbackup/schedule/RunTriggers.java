package io.wsbackup.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;

import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.workspace.Crn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.quartz.JobDataMap;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one-shot Quartz triggers that carry a schedule's run forward
 * ({@link ScheduleRuns}): its start turns ({@code run.<name>}) and the checks of its
 * started backups' ends (one chain per run, job {@code await.<name>}), each with its data
 * (run, phase, kind, attempt) and planned in a transaction of the Quartz store, so that
 * they survive a restart and are taken over by another runner of the cluster.
 */
@Component
class RunTriggers {

	private static final Logger log = LoggerFactory.getLogger(RunTriggers.class);

	static final String RUN_ID = "runId";

	static final String WORKSPACE_CRN = "workspaceCrn";

	static final String FIRE_TIME = "fireTime";

	static final String PHASE = "phase";

	/**
	 * What a run's trigger fires for: a start turn of the run, the check of the ends of
	 * every backup the run started ({@code check}, one chain per run), or the check of
	 * one started backup's end ({@code await}: planned by runs that began before the
	 * run's check existed, and still followed). Kept in the trigger's data as
	 * {@code start}, {@code check} or {@code await}.
	 */
	enum Phase {

		START, CHECK, AWAIT;

		String stored() {
			return name().toLowerCase(Locale.ROOT);
		}

		static Phase of(JobDataMap data) {
			String phase = data.getString(PHASE);
			return AWAIT.stored().equals(phase) ? AWAIT : CHECK.stored().equals(phase) ? CHECK : START;
		}

	}

	/**
	 * In a start turn's data: {@code true} when the run's check follows the backups the
	 * turn starts; absent on runs begun before, whose turns plan one check per backup.
	 */
	static final String RUN_CHECK = "runCheck";

	static final String BACKUP_CRN = "backupCrn";

	/**
	 * What a check follows: {@code backup} (its end) or {@code drill} (the drilled
	 * backup's verification), as the schedule's kind was when it started; absent on the
	 * checks planned before drill schedules existed, which follow backups.
	 */
	static final String KIND = "kind";

	static final String ATTEMPT = "attempt";

	/** The longest wait of due starts for the cap (shorter when the poll interval is). */
	static final Duration CAP_RECHECK = Duration.ofSeconds(1);

	private final Scheduler scheduler;

	private final TransactionTemplate transaction;

	private final WsbackupProperties properties;

	private final Clock clock;

	private final JdbcClient jdbc;

	RunTriggers(Scheduler scheduler, PlatformTransactionManager transactionManager, WsbackupProperties properties,
			Clock clock, JdbcClient jdbc) {
		this.jdbc = jdbc;
		this.scheduler = scheduler;
		this.transaction = QuartzKeys.transaction(transactionManager);
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Plans a new run's first start turn, at its fire time, and the first check of the
	 * run's started backups, a poll interval after it: one chain of checks per run,
	 * planned with the run, goes on while the run has items pending or running.
	 */
	void firstTurn(Schedule schedule, String runId, Instant fireTime) {
		JobDataMap data = new JobDataMap();
		data.put(RUN_ID, runId);
		data.put(FIRE_TIME, String.valueOf(fireTime.toEpochMilli()));
		data.put(PHASE, Phase.START.stored());
		data.put(RUN_CHECK, "true");
		data.put(ATTEMPT, "0");
		JobDataMap check = new JobDataMap();
		check.put(RUN_ID, runId);
		check.put(PHASE, Phase.CHECK.stored());
		check.put(KIND, schedule.kind().text());
		check.put(ATTEMPT, "0");
		transaction.executeWithoutResult((tx) -> {
			plan(schedule, data, fireTime);
			plan(schedule, check, fireTime.plus(properties.schedules().pollInterval()));
		});
	}

	/**
	 * Plans the first check of a started backup's end (of a drill schedule: of the drill
	 * of that backup), a poll interval from now.
	 */
	void awaitBackup(Schedule schedule, String runId, String workspaceCrn, String backupCrn, Instant now) {
		JobDataMap data = new JobDataMap();
		data.put(RUN_ID, runId);
		data.put(WORKSPACE_CRN, workspaceCrn);
		data.put(PHASE, Phase.AWAIT.stored());
		data.put(BACKUP_CRN, backupCrn);
		data.put(KIND, schedule.kind().text());
		data.put(ATTEMPT, "0");
		again(schedule, data, now.plus(properties.schedules().pollInterval()));
	}

	/**
	 * Plans the next fire of a start turn or a check: the same data, the next attempt.
	 */
	void again(Schedule schedule, JobDataMap data, Instant at) {
		data.put(ATTEMPT, String.valueOf(Integer.parseInt(data.getString(ATTEMPT)) + 1));
		transaction.executeWithoutResult((tx) -> plan(schedule, data, at));
	}

	/**
	 * Brings the schedule's start turns that wait at the cap (due within a re-check)
	 * forward to now; turns waiting for a later slot keep their time. Only a turn whose
	 * trigger still waits in the store is moved, under Quartz's own trigger lock (taken
	 * first, as Quartz takes it, in the transaction its job store joins): a trigger
	 * another instance has acquired or fired is left alone, since replacing it would run
	 * that turn twice (Quartz's API reports an acquired trigger as NORMAL).
	 */
	void turnsNow(Schedule schedule) {
		Date now = Date.from(clock.instant());
		Date recheck = Date.from(now.toInstant().plus(capRecheck()));
		transaction.executeWithoutResult((tx) -> {
			try {
				String schedulerName = scheduler.getSchedulerName();
				jdbc.sql("SELECT LOCK_NAME FROM QRTZ_LOCKS WHERE SCHED_NAME = ? AND LOCK_NAME = 'TRIGGER_ACCESS' "
						+ "FOR UPDATE")
					.param(schedulerName)
					.query(String.class)
					.list();
				for (Trigger trigger : scheduler.getTriggersOfJob(QuartzKeys.runJob(schedule.name()))) {
					if (trigger.getStartTime().after(now) && !trigger.getStartTime().after(recheck)
							&& trigger.getNextFireTime() != null && waitingInStore(schedulerName, trigger.getKey())) {
						scheduler.rescheduleJob(trigger.getKey(), trigger.getTriggerBuilder().startAt(now).build());
					}
				}
			}
			catch (SchedulerException ex) {
				throw new IllegalStateException(ex.getMessage(), ex);
			}
		});
	}

	private boolean waitingInStore(String schedulerName, TriggerKey key) {
		return jdbc
			.sql("SELECT TRIGGER_STATE FROM QRTZ_TRIGGERS WHERE SCHED_NAME = ? AND TRIGGER_NAME = ? "
					+ "AND TRIGGER_GROUP = ?")
			.params(schedulerName, key.getName(), key.getGroup())
			.query(String.class)
			.optional()
			.filter("WAITING"::equals)
			.isPresent();
	}

	/** How soon due starts are looked at again while the cap is reached. */
	Duration capRecheck() {
		Duration poll = properties.schedules().pollInterval();
		return poll.compareTo(CAP_RECHECK) < 0 ? poll : CAP_RECHECK;
	}

	private void plan(Schedule schedule, JobDataMap data, Instant at) {
		Phase phase = Phase.of(data);
		String name = switch (phase) {
			case AWAIT -> "await." + schedule.name() + "." + data.getString(RUN_ID) + "."
					+ Crn.parse(data.getString(WORKSPACE_CRN)).resourceId() + "." + data.getString(ATTEMPT);
			case CHECK -> "check." + schedule.name() + "." + data.getString(RUN_ID) + "." + data.getString(ATTEMPT);
			case START -> "run." + schedule.name() + "." + data.getString(RUN_ID) + ".turn." + data.getString(ATTEMPT);
		};
		Trigger trigger = TriggerBuilder.newTrigger()
			.withIdentity(name, QuartzKeys.GROUP)
			.forJob(phase == Phase.START ? QuartzKeys.runJob(schedule.name()) : QuartzKeys.awaitJob(schedule.name()))
			.usingJobData(data)
			.startAt(Date.from(at))
			.withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
			.build();
		try {
			scheduler.scheduleJob(trigger);
		}
		catch (ObjectAlreadyExistsException planned) {
			// the same turn ran twice (Quartz reports an acquired trigger as NORMAL, so
			// turnsNow may bring forward a turn that is about to fire, which then fires
			// again, one after the other): its first run planned this next turn already
			log.debug("{} is planned already", name);
		}
		catch (SchedulerException ex) {
			throw new IllegalStateException("cannot plan " + name + ": " + ex.getMessage(), ex);
		}
	}

}
