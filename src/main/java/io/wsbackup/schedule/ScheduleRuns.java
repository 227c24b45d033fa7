package io.wsbackup.schedule;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.TimeZone;
import java.util.UUID;

import io.wsbackup.backup.BackupEnded;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.catalog.Verification;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.notification.Notice;
import io.wsbackup.notification.NotificationEvent;
import io.wsbackup.notification.Notifications;
import io.wsbackup.metrics.WsbackupMetrics;
import io.wsbackup.metrics.WsbackupMetrics.SkipReason;
import io.wsbackup.restore.DrillEnded;
import io.wsbackup.restore.DrillLauncher;
import io.wsbackup.restore.DrillParameters;
import io.wsbackup.restore.DrillStarted;
import io.wsbackup.restore.RestoreParameters;
import io.wsbackup.schedule.ScheduleRunRepository.ItemStatus;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;
import org.quartz.CronExpression;
import org.quartz.JobDataMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * What happens when a schedule fires: the fire is checked against the start window (a
 * fire Quartz could not run in time, because the runners were down for instance, runs on
 * recovery only while still inside it), the matched workspaces get slots spread evenly
 * over the stagger, recorded as the run's pending items, and the run gets one one-shot
 * Quartz trigger of the schedule's {@code run.<name>} job at a time: its start turn, so
 * that pending starts survive a restart and are taken over by another runner of the
 * cluster. A turn counts the schedule's running backups once and starts the due slots,
 * earliest first, as many as the cap of concurrent backups has room for; the next turn
 * comes at the next slot, or within a second while due slots wait for the cap (at once
 * when a backup of the schedule ends on this runner: {@link #backupEnded}). A slot's
 * start is skipped, with an event, when the workspace already has a backup or restore
 * running or when it cannot start within the start window. Once started, the backup is
 * followed until it ends, by the run's one chain of checks (job {@code await.<name>},
 * every poll interval while the run has an item pending or running), and then a sweep of
 * the workspace's retention ({@code enforceRetention}) is started. The triggers are
 * planned by {@link RunTriggers}.
 * <p>
 * A drill schedule ({@link Schedule.Kind#DRILL}) runs the same way, but a slot starts a
 * restore drill of the workspace's newest succeeded backup ({@code drillBackup}, through
 * the {@link DrillLauncher}) instead of a backup: it is skipped, with an event, when the
 * drill is refused (no succeeded backup, the backup being verified), not because of the
 * workspace's own backups or status (the drill restores into a scratch workspace); the
 * cap counts the schedule's drills still running (their {@code drillBackup} execution
 * runs, removal of the scratch workspace included, or their backup is still being
 * verified), the item ends {@code succeeded} when the drill verified the backup, and no
 * retention is swept.
 */
@Service
public class ScheduleRuns {

	private static final Logger log = LoggerFactory.getLogger(ScheduleRuns.class);

	private final Schedules schedules;

	private final ScheduleRunRepository runs;

	private final WorkspaceRepository workspaces;

	private final BackupRepository backups;

	private final Launcher launcher;

	private final DrillLauncher drills;

	private final JobRepository jobRepository;

	private final EventLog events;

	private final RetentionSweeper retention;

	private final RunTriggers triggers;

	private final WsbackupProperties properties;

	private final WsbackupMetrics metrics;

	private final Clock clock;

	private final Notifications notifications;

	public ScheduleRuns(Schedules schedules, ScheduleRunRepository runs, WorkspaceRepository workspaces,
			BackupRepository backups, Launcher launcher, DrillLauncher drills, JobRepository jobRepository,
			EventLog events, RetentionSweeper retention, RunTriggers triggers, WsbackupProperties properties,
			WsbackupMetrics metrics, Clock clock, Notifications notifications) {
		this.notifications = notifications;
		this.schedules = schedules;
		this.runs = runs;
		this.workspaces = workspaces;
		this.backups = backups;
		this.launcher = launcher;
		this.drills = drills;
		this.jobRepository = jobRepository;
		this.events = events;
		this.retention = retention;
		this.triggers = triggers;
		this.properties = properties;
		this.metrics = metrics;
		this.clock = clock;
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
			List<Workspace> matched = matched(schedule);
			notifications.atomically(() -> {
				runs.insertSkipped(UUID.randomUUID().toString(), schedule.name(), due, "scheduled", message);
				matched.forEach((w) -> tellSkipped(schedule, w.crn().toString(), SkipReason.MISFIRE, message));
				return null;
			});
			matched.forEach((w) -> {
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
		if (!slots.isEmpty()) {
			triggers.firstTurn(schedule, runId, fireTime);
		}
		return runId;
	}

	/**
	 * One fire of a run's trigger: a start turn of the run, or a check of a backup's end.
	 */
	void slotFired(Schedule schedule, JobDataMap data) {
		String runId = data.getString(RunTriggers.RUN_ID);
		if (schedule == null) {
			if (RunTriggers.Phase.of(data) == RunTriggers.Phase.AWAIT) {
				runs.updateItem(runId, data.getString(RunTriggers.WORKSPACE_CRN), ItemStatus.SKIPPED, null,
						"the schedule was removed");
			}
			else if (RunTriggers.Phase.of(data) == RunTriggers.Phase.CHECK) {
				runs.following(runId)
					.forEach((item) -> runs.updateItem(runId, item.workspaceCrn(), ItemStatus.SKIPPED, null,
							"the schedule was removed"));
			}
			else {
				runs.pending(runId)
					.forEach((item) -> runs.updateItem(runId, item.workspaceCrn(), ItemStatus.SKIPPED, null,
							"the schedule was removed"));
			}
			return;
		}
		switch (RunTriggers.Phase.of(data)) {
			case CHECK -> check(schedule, data);
			case AWAIT -> await(schedule, data);
			case START -> turn(schedule, data);
		}
	}

	/**
	 * A start turn of a run (one at a time per schedule across the cluster, so that the
	 * cap holds): the backups running under the schedule are counted once, then the run's
	 * due slots, earliest first, are skipped or started, as many as the cap has room for.
	 * The next turn comes at the next slot, or shortly (at most a second) when due slots
	 * wait for the cap.
	 */
	private void turn(Schedule schedule, JobDataMap data) {
		String runId = data.getString(RunTriggers.RUN_ID);
		Instant now = clock.instant();
		Instant next = null;
		try {
			String creator = schedules.creatorCrn(schedule);
			long free = schedule.maxConcurrent() - running(schedule, creator);
			boolean atCap = false;
			for (ScheduleRunRepository.PendingItem item : runs.pending(runId)) {
				if (item.slot().isAfter(now)) {
					next = atCap ? next : item.slot();
					break;
				}
				if (Duration.between(item.slot(), now).compareTo(schedule.startWindow()) > 0) {
					// a start that waited at the cap before its window closed
					skip(schedule, runId, item.workspaceCrn(), item.waited() ? SkipReason.CAP : SkipReason.WINDOW,
							"the scheduled " + what(schedule) + " of slot " + item.slot()
									+ " is skipped: it could not start within the start window of "
									+ schedule.startWindow());
					continue;
				}
				if (free <= 0) {
					atCap = true;
					next = now.plus(triggers.capRecheck());
					continue;
				}
				boolean started = schedule.isDrill() ? startDrill(schedule, data, item.workspaceCrn(), creator, now)
						: start(schedule, data, item.workspaceCrn(), creator, now);
				if (started) {
					free--;
				}
			}
			if (atCap) {
				log.info("schedule {}: {} {}s running, the cap; the run's due starts wait", schedule.name(),
						schedule.maxConcurrent(), what(schedule));
				runs.waiting(runId, now, "waits: the schedule's cap of " + schedule.maxConcurrent() + " concurrent "
						+ what(schedule) + "s is reached");
			}
		}
		catch (RuntimeException ex) {
			log.error("schedule {}: a start turn of run {} failed; the next one tries again", schedule.name(), runId,
					ex);
			next = now.plus(properties.schedules().pollInterval());
		}
		if (next != null) {
			triggers.again(schedule, data, next);
		}
	}

	/**
	 * A backup ended on this runner: if a schedule started it and has due starts waiting
	 * at its cap, that schedule's start turns run now instead of at their re-check (a
	 * schedule with room takes no Quartz lock at each of its backups' ends).
	 */
	@EventListener
	public void backupEnded(BackupEnded ended) {
		try {
			String creator = backups.find(Crn.parse(ended.backupCrn(), Crn.BACKUP))
				.map(Backup::creatorCrn)
				.orElse(null);
			schedules.all()
				.stream()
				.filter((s) -> schedules.creatorCrn(s).equals(creator))
				.findFirst()
				.filter((s) -> runs.waitsAtCap(s.name()))
				.ifPresent(triggers::turnsNow);
		}
		catch (RuntimeException ex) {
			log.warn("the turns of the schedule of backup {} could not be brought forward: {}", ended.backupCrn(),
					ex.toString());
		}
	}

	/**
	 * A drill ended on this runner: if a schedule started it, that schedule's start turns
	 * waiting at the cap run now instead of at their re-check.
	 */
	@EventListener
	public void drillEnded(DrillEnded ended) {
		try {
			runs.schedulesFollowing(ended.backupCrn())
				.stream()
				.map(schedules::find)
				.flatMap(Optional::stream)
				.filter(Schedule::isDrill)
				.forEach(triggers::turnsNow);
		}
		catch (RuntimeException ex) {
			log.warn("the turns of the schedule of the drill of backup {} could not be brought forward: {}",
					ended.backupCrn(), ex.toString());
		}
	}

	/**
	 * How many of the schedule's starts still run: its backups running (or cancelling);
	 * for a drill schedule, its drills still running: their backup is being verified, or
	 * their {@code drillBackup} execution still removes the scratch workspace (that comes
	 * after the verification is recorded).
	 */
	private long running(Schedule schedule, String creator) {
		if (!schedule.isDrill()) {
			return backups.countActiveByCreator(creator);
		}
		List<String> followed = runs.runningBackupCrns(schedule.name());
		if (followed.isEmpty()) {
			return 0;
		}
		Set<String> drilling = drilling();
		Map<Crn, Verification> verifications = backups
			.verifications(followed.stream().map((c) -> Crn.parse(c, Crn.BACKUP)).toList());
		return followed.stream()
			.filter((c) -> drilling.contains(c)
					|| verifications.getOrDefault(Crn.parse(c, Crn.BACKUP), Verification.NEVER)
						.status() == Verification.Status.VERIFYING)
			.count();
	}

	/**
	 * The backups whose drill still runs, on any runner: its {@code drillBackup}
	 * execution has not ended and its scratch workspace is still there. Once the scratch
	 * workspace is removed the drill's outcome is final ({@link DrillEnded} is published
	 * then), although its execution ends a moment later.
	 */
	private Set<String> drilling() {
		Set<String> scratch = workspaces.scratchWorkspaces()
			.stream()
			.map((w) -> w.crn().toString())
			.collect(Collectors.toSet());
		return jobRepository.findRunningJobExecutions(DrillParameters.JOB_NAME)
			.stream()
			.filter((e) -> scratch.contains(e.getJobParameters().getString(RestoreParameters.WORKSPACE_CRN)))
			.map((e) -> e.getJobParameters().getString(RestoreParameters.BACKUP_CRN))
			.filter(java.util.Objects::nonNull)
			.collect(Collectors.toSet());
	}

	/**
	 * Starts one workspace's drill of its newest succeeded backup, unless the drill
	 * launcher refuses it (then it is skipped, with an event).
	 * @return whether a drill was started
	 */
	private boolean startDrill(Schedule schedule, JobDataMap turn, String crn, String creator, Instant now) {
		String runId = turn.getString(RunTriggers.RUN_ID);
		Optional<Workspace> workspace = workspaces.find(Crn.parse(crn, Crn.WORKSPACE));
		if (workspace.isEmpty()) {
			runs.updateItem(runId, crn, ItemStatus.SKIPPED, null, "the workspace is no longer registered");
			metrics.scheduleSkipped(schedule.name(), SkipReason.REMOVED);
			return false;
		}
		try {
			DrillStarted drill = drills.drillBackup(crn, null, creator);
			runs.updateItem(runId, crn, ItemStatus.RUNNING, drill.backupCrn(), null);
			if (!followedByRunCheck(turn)) {
				triggers.awaitBackup(schedule, runId, crn, drill.backupCrn(), now);
			}
			log.info("schedule {}: drill of backup {} of workspace {} started into scratch workspace {}",
					schedule.name(), drill.backupCrn(), crn, drill.scratchWorkspaceCrn());
			return true;
		}
		catch (WsbackupException ex) {
			skip(schedule, runId, crn, SkipReason.REFUSED, "the scheduled drill is skipped: " + ex.getMessage());
			return false;
		}
		catch (RuntimeException ex) {
			log.error("schedule {}: the drill of {} could not be started", schedule.name(), crn, ex);
			runs.updateItem(runId, crn, ItemStatus.FAILED, null, ex.getMessage());
			events.error(crn, null, eventStep(schedule),
					"the scheduled drill could not be started: " + ex.getMessage());
			return false;
		}
	}

	/**
	 * Starts one workspace's backup, unless it is skipped.
	 * @return whether a backup was started
	 */
	private boolean start(Schedule schedule, JobDataMap turn, String crn, String creator, Instant now) {
		String runId = turn.getString(RunTriggers.RUN_ID);
		Optional<Workspace> workspace = workspaces.find(Crn.parse(crn, Crn.WORKSPACE));
		if (workspace.isEmpty()) {
			runs.updateItem(runId, crn, ItemStatus.SKIPPED, null, "the workspace is no longer registered");
			metrics.scheduleSkipped(schedule.name(), SkipReason.REMOVED);
			return false;
		}
		List<Backup> active = backups.activeFor(workspace.get().crn());
		if (!active.isEmpty()) {
			skip(schedule, runId, crn, SkipReason.OVERLAP,
					"the scheduled backup is skipped: backup " + active.get(0).name() + " (" + active.get(0).crn()
							+ ") of workspace " + workspace.get().name() + " is " + active.get(0).status());
			return false;
		}
		if (workspace.get().status() != WorkspaceStatus.INSTALLATION_FINISHED) {
			skip(schedule, runId, crn, SkipReason.STATUS, "the scheduled backup is skipped: workspace "
					+ workspace.get().name() + " is " + workspace.get().status() + " (a backup or restore is running)");
			return false;
		}
		String name = schedule
			.backupNameAt(Instant.ofEpochMilli(Long.parseLong(turn.getString(RunTriggers.FIRE_TIME))));
		try {
			Integer timeout = schedule.timeout() == null ? null : (int) schedule.timeout().toMinutes();
			Backup backup = launcher.backupWorkspaceOnAnyRunner(crn, name, timeout, creator);
			runs.updateItem(runId, crn, ItemStatus.RUNNING, backup.crn().toString(), null);
			if (!followedByRunCheck(turn)) {
				triggers.awaitBackup(schedule, runId, crn, backup.crn().toString(), now);
			}
			return true;
		}
		catch (WsbackupException ex) {
			skip(schedule, runId, crn, SkipReason.REFUSED,
					"the scheduled backup " + name + " is skipped: " + ex.getMessage());
			return false;
		}
		catch (RuntimeException ex) {
			log.error("schedule {}: the backup of {} could not be started", schedule.name(), crn, ex);
			runs.updateItem(runId, crn, ItemStatus.FAILED, null, ex.getMessage());
			events.error(crn, null, eventStep(schedule),
					"the scheduled backup " + name + " could not be started: " + ex.getMessage());
			return false;
		}
	}

	/**
	 * Whether the run's own check follows what this turn starts (runs begun before it
	 * existed plan one check per start).
	 */
	private static boolean followedByRunCheck(JobDataMap turn) {
		return "true".equals(turn.getString(RunTriggers.RUN_CHECK));
	}

	/**
	 * A check of a run: every backup it started (of a drill schedule: every drill) is
	 * read in one statement; each that ended moves its item on (and a backup's end sweeps
	 * its workspace's retention). The next check comes a poll interval later while the
	 * run has an item pending or running. One chain of these per run replaces a trigger
	 * per started backup, which a night of thousands fired tens of times a second.
	 */
	private void check(Schedule schedule, JobDataMap data) {
		String runId = data.getString(RunTriggers.RUN_ID);
		boolean open = true;
		try {
			checkFollowed(schedule, data, runId);
			open = runs.open(runId);
		}
		catch (RuntimeException ex) {
			log.error("schedule {}: a check of run {} failed; the next one tries again", schedule.name(), runId, ex);
		}
		if (open) {
			triggers.again(schedule, data, clock.instant().plus(properties.schedules().pollInterval()));
		}
	}

	private void checkFollowed(Schedule schedule, JobDataMap data, String runId) {
		List<ScheduleRunRepository.FollowedItem> following = runs.following(runId);
		if (!following.isEmpty()) {
			List<Crn> followed = following.stream().map((item) -> Crn.parse(item.backupCrn(), Crn.BACKUP)).toList();
			if (Schedule.Kind.DRILL.text().equals(data.getString(RunTriggers.KIND))) {
				Set<String> drilling = drilling();
				Map<Crn, Verification> verifications = backups.verifications(followed);
				for (ScheduleRunRepository.FollowedItem item : following) {
					drillFollowed(runId, item.workspaceCrn(), item.backupCrn(),
							verifications.get(Crn.parse(item.backupCrn(), Crn.BACKUP)), drilling);
				}
			}
			else {
				Map<Crn, BackupStatus> statuses = backups.statuses(followed);
				for (ScheduleRunRepository.FollowedItem item : following) {
					backupFollowed(schedule, runId, item.workspaceCrn(), item.backupCrn(),
							statuses.get(Crn.parse(item.backupCrn(), Crn.BACKUP)));
				}
			}
		}
	}

	/**
	 * A check of one started backup's end, planned by a run begun before the run's own
	 * check existed.
	 */
	private void await(Schedule schedule, JobDataMap data) {
		String runId = data.getString(RunTriggers.RUN_ID);
		String crn = data.getString(RunTriggers.WORKSPACE_CRN);
		String backupCrn = data.getString(RunTriggers.BACKUP_CRN);
		Crn backup = Crn.parse(backupCrn, Crn.BACKUP);
		// what the item started, even if the schedule's file changed its kind since
		boolean ended = Schedule.Kind.DRILL.text().equals(data.getString(RunTriggers.KIND))
				? drillFollowed(runId, crn, backupCrn, backups.verifications(List.of(backup)).get(backup), drilling())
				: backupFollowed(schedule, runId, crn, backupCrn,
						backups.find(backup).map(Backup::status).orElse(null));
		if (!ended) {
			triggers.again(schedule, data, clock.instant().plus(properties.schedules().pollInterval()));
		}
	}

	/**
	 * Moves a started backup's item on once the backup ended, and sweeps the workspace's
	 * retention then.
	 * @param status the backup's status, {@code null} when it left the catalog
	 * @return whether it ended
	 */
	private boolean backupFollowed(Schedule schedule, String runId, String crn, String backupCrn, BackupStatus status) {
		if (status == BackupStatus.RUNNING || status == BackupStatus.CANCELLING) {
			return false;
		}
		ItemStatus ended = (status == BackupStatus.SUCCEEDED) ? ItemStatus.SUCCEEDED
				: (status == BackupStatus.FAILED) ? ItemStatus.FAILED : ItemStatus.CANCELLED;
		runs.updateItem(runId, crn, ended, backupCrn, status == null ? "the backup left the catalog" : null);
		if (!schedule.retention().isEmpty()) {
			try {
				retention.sweep(schedule, crn, "after " + backupCrn);
			}
			catch (RuntimeException ex) {
				log.error("schedule {}: the retention sweep of workspace {} could not be started; the next sweep "
						+ "of every schedule covers it", schedule.name(), crn, ex);
			}
		}
		return true;
	}

	/**
	 * Moves a started drill's item on once the drill ended: its {@code drillBackup}
	 * execution runs (and the drilled backup's verification stands at {@code verifying})
	 * until the drill ended, removal of the scratch workspace included; then the
	 * verification is {@code verified} or {@code failed}.
	 * @param verification the drilled backup's, {@code null} when it left the catalog
	 * @param drilling the backups whose drill still runs ({@link #drilling()})
	 * @return whether it ended
	 */
	private boolean drillFollowed(String runId, String crn, String backupCrn, Verification verification,
			Set<String> drilling) {
		if (verification == null) {
			runs.updateItem(runId, crn, ItemStatus.FAILED, backupCrn, "the drilled backup left the catalog");
			return true;
		}
		if (verification.status() == Verification.Status.VERIFYING || drilling.contains(backupCrn)) {
			return false;
		}
		if (verification.status() == Verification.Status.VERIFIED) {
			runs.updateItem(runId, crn, ItemStatus.SUCCEEDED, backupCrn, null);
		}
		else {
			runs.updateItem(runId, crn, ItemStatus.FAILED, backupCrn,
					"the drill did not verify the backup: " + (verification.failure() == null
							? "its verification is " + verification.status() : verification.failure()));
		}
		return true;
	}

	private static String what(Schedule schedule) {
		return schedule.isDrill() ? "drill" : "backup";
	}

	private void skip(Schedule schedule, String runId, String crn, SkipReason reason, String message) {
		metrics.scheduleSkipped(schedule.name(), reason);
		log.warn("schedule {}: workspace {}: {}", schedule.name(), crn, message);
		notifications.atomically(() -> {
			runs.updateItem(runId, crn, ItemStatus.SKIPPED, null, message);
			tellSkipped(schedule, crn, reason, message);
			return null;
		});
		events.warning(crn, null, eventStep(schedule), message);
	}

	/**
	 * Tells the targets that want {@code schedule-skipped}, in the caller's transaction.
	 */
	private void tellSkipped(Schedule schedule, String workspaceCrn, SkipReason reason, String message) {
		notifications.record(NotificationEvent.SCHEDULE_SKIPPED, () -> {
			Map<String, Object> data = new LinkedHashMap<>(Notice.fields("schedule", schedule.name(), "kind",
					what(schedule), "workspaceCrn", workspaceCrn, "reason", reason.tag()));
			data.putAll(notifications.outbox().workspaceNames(workspaceCrn));
			return new Notice(NotificationEvent.SCHEDULE_SKIPPED, workspaceCrn, workspaceCrn, schedule.name(),
					"schedule " + schedule.name() + ": " + message, data);
		});
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
