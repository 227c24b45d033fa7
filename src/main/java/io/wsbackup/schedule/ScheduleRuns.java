package io.wsbackup.schedule;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.UUID;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.metrics.WsbackupMetrics;
import io.wsbackup.metrics.WsbackupMetrics.SkipReason;
import io.wsbackup.schedule.ScheduleRunRepository.ItemStatus;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;
import org.quartz.CronExpression;
import org.quartz.JobDataMap;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What happens when a schedule fires: the fire is checked against the start window (a
 * fire Quartz could not run in time, because the runners were down for instance, runs on
 * recovery only while still inside it), the matched workspaces get slots spread evenly
 * over the stagger, and each slot becomes a one-shot Quartz trigger of the schedule's
 * {@code run.<name>} job, so that pending starts survive a restart and are taken over by
 * another runner of the cluster. A slot's start is skipped, with an event, when the
 * workspace already has a backup or restore running or when it cannot start within the
 * start window; it waits while the schedule's cap of concurrent backups is reached. Once
 * started, the backup is followed until it ends, and then the workspace's retention is
 * swept.
 */
@Service
public class ScheduleRuns {

	private static final Logger log = LoggerFactory.getLogger(ScheduleRuns.class);

	static final String RUN_ID = "runId";

	static final String WORKSPACE_CRN = "workspaceCrn";

	static final String SLOT = "slot";

	static final String FIRE_TIME = "fireTime";

	static final String PHASE = "phase";

	static final String BACKUP_CRN = "backupCrn";

	static final String ATTEMPT = "attempt";

	private final Schedules schedules;

	private final ScheduleRunRepository runs;

	private final WorkspaceRepository workspaces;

	private final BackupRepository backups;

	private final Launcher launcher;

	private final EventLog events;

	private final RetentionSweeper retention;

	private final Scheduler scheduler;

	private final TransactionTemplate transaction;

	private final WsbackupProperties properties;

	private final WsbackupMetrics metrics;

	public ScheduleRuns(Schedules schedules, ScheduleRunRepository runs, WorkspaceRepository workspaces,
			BackupRepository backups, Launcher launcher, EventLog events, RetentionSweeper retention,
			Scheduler scheduler, PlatformTransactionManager transactionManager, WsbackupProperties properties,
			WsbackupMetrics metrics) {
		this.schedules = schedules;
		this.runs = runs;
		this.workspaces = workspaces;
		this.backups = backups;
		this.launcher = launcher;
		this.events = events;
		this.retention = retention;
		this.scheduler = scheduler;
		this.transaction = QuartzKeys.transaction(transactionManager);
		this.properties = properties;
		this.metrics = metrics;
	}

	/**
	 * A fire of the schedule's cron trigger.
	 * @param scheduledFireTime when Quartz meant to fire (after a misfire: when it
	 * recovered)
	 * @param now when it actually fired
	 */
	void fired(Schedule schedule, Instant scheduledFireTime, Instant now) {
		Instant due = dueTime(schedule, scheduledFireTime);
		Duration late = Duration.between(due, now);
		if (late.compareTo(schedule.startWindow()) > 0) {
			String message = "the run of schedule " + schedule.name() + " due at " + due
					+ " is skipped: it could not start within its start window of " + schedule.startWindow()
					+ " (it fired " + late.withNanos(0) + " late; was no runner up?)";
			log.warn(message);
			runs.insertSkipped(UUID.randomUUID().toString(), schedule.name(), due, "scheduled", message);
			matched(schedule).forEach((w) -> {
				events.warning(w.crn().toString(), null, eventStep(schedule), message);
				metrics.scheduleSkipped(schedule.name(), SkipReason.MISFIRE);
			});
			return;
		}
		startRun(schedule, due, "scheduled");
	}

	/**
	 * Starts a run of the schedule now-ish: records it and plans one start per matched
	 * workspace, spread over the stagger.
	 * @return the run's id
	 */
	public String startRun(Schedule schedule, Instant fireTime, String kind) {
		List<Workspace> matched = matched(schedule);
		Map<String, Instant> slots = new LinkedHashMap<>();
		long staggerMillis = schedule.stagger().toMillis();
		for (int i = 0; i < matched.size(); i++) {
			slots.put(matched.get(i).crn().toString(), fireTime.plusMillis(staggerMillis * i / matched.size()));
		}
		String runId = UUID.randomUUID().toString();
		runs.insert(runId, schedule.name(), fireTime, kind, slots);
		log.info("schedule {} run {} ({}, due {}): {} workspace(s), stagger {}", schedule.name(), runId, kind, fireTime,
				slots.size(), schedule.stagger());
		transaction.executeWithoutResult((tx) -> slots.forEach((crn, slot) -> {
			JobDataMap data = new JobDataMap();
			data.put(RUN_ID, runId);
			data.put(WORKSPACE_CRN, crn);
			data.put(SLOT, String.valueOf(slot.toEpochMilli()));
			data.put(FIRE_TIME, String.valueOf(fireTime.toEpochMilli()));
			data.put(PHASE, "start");
			data.put(ATTEMPT, "0");
			schedule(schedule, data, slot);
		}));
		return runId;
	}

	/** One fire of a slot trigger: start the workspace's backup, or follow it. */
	void slotFired(Schedule schedule, JobDataMap data) {
		String runId = data.getString(RUN_ID);
		String crn = data.getString(WORKSPACE_CRN);
		if (schedule == null) {
			runs.updateItem(runId, crn, ItemStatus.SKIPPED, null, "the schedule was removed");
			return;
		}
		if ("await".equals(data.getString(PHASE))) {
			await(schedule, data);
		}
		else {
			start(schedule, data);
		}
	}

	private void start(Schedule schedule, JobDataMap data) {
		String runId = data.getString(RUN_ID);
		String crn = data.getString(WORKSPACE_CRN);
		Instant slot = Instant.ofEpochMilli(Long.parseLong(data.getString(SLOT)));
		Instant now = Instant.now();
		Duration late = Duration.between(slot, now);
		if (late.compareTo(schedule.startWindow()) > 0) {
			// a start that waited (again) at the cap before its window closed
			boolean waitedAtCap = Integer.parseInt(data.getString(ATTEMPT)) > 0;
			skip(schedule, runId, crn, waitedAtCap ? SkipReason.CAP : SkipReason.WINDOW, "the scheduled backup of slot "
					+ slot + " is skipped: it could not start within the start window of " + schedule.startWindow());
			return;
		}
		Optional<Workspace> workspace = workspaces.find(Crn.parse(crn, Crn.WORKSPACE));
		if (workspace.isEmpty()) {
			runs.updateItem(runId, crn, ItemStatus.SKIPPED, null, "the workspace is no longer registered");
			metrics.scheduleSkipped(schedule.name(), SkipReason.REMOVED);
			return;
		}
		List<Backup> active = backups.activeFor(workspace.get().crn());
		if (!active.isEmpty()) {
			skip(schedule, runId, crn, SkipReason.OVERLAP,
					"the scheduled backup is skipped: backup " + active.get(0).name() + " (" + active.get(0).crn()
							+ ") of workspace " + workspace.get().name() + " is " + active.get(0).status());
			return;
		}
		if (workspace.get().status() != WorkspaceStatus.INSTALLATION_FINISHED) {
			skip(schedule, runId, crn, SkipReason.STATUS, "the scheduled backup is skipped: workspace "
					+ workspace.get().name() + " is " + workspace.get().status() + " (a backup or restore is running)");
			return;
		}
		String creator = schedules.creatorCrn(schedule);
		long running = backups.countActiveByCreator(creator);
		if (running >= schedule.maxConcurrent()) {
			log.info("schedule {}: {} backups running, the cap; the start of {} waits", schedule.name(), running, crn);
			again(schedule, data, now.plus(properties.schedules().pollInterval()));
			return;
		}
		String name = schedule.backupNameAt(Instant.ofEpochMilli(Long.parseLong(data.getString(FIRE_TIME))));
		try {
			Integer timeout = schedule.timeout() == null ? null : (int) schedule.timeout().toMinutes();
			Backup backup = launcher.backupWorkspace(crn, name, timeout, creator);
			runs.updateItem(runId, crn, ItemStatus.RUNNING, backup.crn().toString(), null);
			data.put(PHASE, "await");
			data.put(BACKUP_CRN, backup.crn().toString());
			again(schedule, data, now.plus(properties.schedules().pollInterval()));
		}
		catch (WsbackupException ex) {
			skip(schedule, runId, crn, SkipReason.REFUSED,
					"the scheduled backup " + name + " is skipped: " + ex.getMessage());
		}
		catch (RuntimeException ex) {
			log.error("schedule {}: the backup of {} could not be started", schedule.name(), crn, ex);
			runs.updateItem(runId, crn, ItemStatus.FAILED, null, ex.getMessage());
			events.error(crn, null, eventStep(schedule),
					"the scheduled backup " + name + " could not be started: " + ex.getMessage());
		}
	}

	private void await(Schedule schedule, JobDataMap data) {
		String runId = data.getString(RUN_ID);
		String crn = data.getString(WORKSPACE_CRN);
		String backupCrn = data.getString(BACKUP_CRN);
		BackupStatus status = backups.find(Crn.parse(backupCrn, Crn.BACKUP)).map(Backup::status).orElse(null);
		if (status == BackupStatus.RUNNING || status == BackupStatus.CANCELLING) {
			again(schedule, data, Instant.now().plus(properties.schedules().pollInterval()));
			return;
		}
		ItemStatus ended = (status == BackupStatus.SUCCEEDED) ? ItemStatus.SUCCEEDED
				: (status == BackupStatus.FAILED) ? ItemStatus.FAILED : ItemStatus.CANCELLED;
		runs.updateItem(runId, crn, ended, backupCrn, status == null ? "the backup left the catalog" : null);
		if (!schedule.retention().isEmpty()) {
			retention.sweep(schedule, crn);
		}
	}

	private void skip(Schedule schedule, String runId, String crn, SkipReason reason, String message) {
		metrics.scheduleSkipped(schedule.name(), reason);
		log.warn("schedule {}: workspace {}: {}", schedule.name(), crn, message);
		runs.updateItem(runId, crn, ItemStatus.SKIPPED, null, message);
		events.warning(crn, null, eventStep(schedule), message);
	}

	private void again(Schedule schedule, JobDataMap data, Instant at) {
		data.put(ATTEMPT, String.valueOf(Integer.parseInt(data.getString(ATTEMPT)) + 1));
		transaction.executeWithoutResult((tx) -> schedule(schedule, data, at));
	}

	private void schedule(Schedule schedule, JobDataMap data, Instant at) {
		String name = "run." + schedule.name() + "." + data.getString(RUN_ID) + "."
				+ Crn.parse(data.getString(WORKSPACE_CRN)).resourceId() + "." + data.getString(ATTEMPT);
		Trigger trigger = TriggerBuilder.newTrigger()
			.withIdentity(name, QuartzKeys.GROUP)
			.forJob("await".equals(data.getString(PHASE)) ? QuartzKeys.awaitJob(schedule.name())
					: QuartzKeys.runJob(schedule.name()))
			.usingJobData(data)
			.startAt(Date.from(at))
			.withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
			.build();
		try {
			scheduler.scheduleJob(trigger);
		}
		catch (SchedulerException ex) {
			throw new IllegalStateException("cannot plan " + name + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * When a fire was due: the latest time of the cron expression at or before the
	 * scheduled fire time (Quartz moves a misfired trigger's fire time to the moment it
	 * recovered).
	 */
	static Instant dueTime(Schedule schedule, Instant scheduledFireTime) {
		CronExpression cron;
		try {
			cron = new CronExpression(schedule.cron());
		}
		catch (ParseException ex) {
			throw new IllegalStateException(ex);
		}
		cron.setTimeZone(TimeZone.getTimeZone(schedule.timeZone()));
		Date limit = Date.from(scheduledFireTime);
		if (cron.isSatisfiedBy(limit)) {
			return scheduledFireTime;
		}
		Instant lookBack = scheduledFireTime.minus(schedule.startWindow().multipliedBy(2)).minusSeconds(60);
		Date latest = null;
		Date next = cron.getTimeAfter(Date.from(lookBack));
		for (int i = 0; next != null && !next.after(limit) && i < 1_000_000; i++) {
			latest = next;
			next = cron.getTimeAfter(next);
		}
		return latest == null ? lookBack : latest.toInstant();
	}

	/** The workspaces a run of the schedule backs up, by environment and name. */
	List<Workspace> matched(Schedule schedule) {
		Schedule.WorkspaceSelector selector = schedule.workspaces();
		if (selector.all() || selector.environment() != null) {
			return workspaces.list(selector.environment());
		}
		return selector.crns()
			.stream()
			.map((c) -> workspaces.find(Crn.parse(c, Crn.WORKSPACE)))
			.flatMap(Optional::stream)
			.sorted(Comparator.comparing(Workspace::environmentName).thenComparing(Workspace::name))
			.toList();
	}

	static String eventStep(Schedule schedule) {
		return "schedule:" + schedule.name();
	}

}
