package io.wsbackup.schedule;

import java.time.Clock;
import java.util.List;

import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.system.WsbackupException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Applies a schedule's retention ({@link RetentionPolicy}) to the backups it created:
 * each doomed backup is deleted by the {@code deleteBackup} job, started through the
 * launcher, with an event in its workspace's log. A backup the launcher refuses to delete
 * (a restore reads from it, for instance) stays, with a warning event; the next sweep
 * tries again.
 */
@Service
public class RetentionSweeper {

	private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);

	static final String EVENT_STEP = "enforceRetention";

	private final Schedules schedules;

	private final BackupRepository backups;

	private final Launcher launcher;

	private final EventLog events;

	private final Clock clock;

	public RetentionSweeper(Schedules schedules, BackupRepository backups, Launcher launcher, EventLog events,
			Clock clock) {
		this.schedules = schedules;
		this.backups = backups;
		this.launcher = launcher;
		this.events = events;
		this.clock = clock;
	}

	/** What the next sweep of the schedule would delete, deleting nothing. */
	public List<RetentionPolicy.Doomed> preview(Schedule schedule) {
		return RetentionPolicy.doomed(schedule.retention(), backups.listByCreator(schedules.creatorCrn(schedule)),
				clock.instant());
	}

	/**
	 * Deletes what the schedule's retention no longer keeps.
	 * @param workspaceCrn only the backups of this workspace, or {@code null} for all
	 * @return how many deletes were started
	 */
	public int sweep(Schedule schedule, String workspaceCrn) {
		int started = 0;
		for (RetentionPolicy.Doomed doomed : preview(schedule)) {
			String ws = doomed.backup().workspaceCrn().toString();
			if (workspaceCrn != null && !workspaceCrn.equals(ws)) {
				continue;
			}
			String backupCrn = doomed.backup().crn().toString();
			try {
				long workflowId = launcher.deleteBackup(backupCrn);
				events.info(ws, backupCrn, EVENT_STEP, "retention of schedule " + schedule.name() + " deletes backup "
						+ doomed.backup().name() + " (" + doomed.reason() + "), workflow " + workflowId);
				started++;
			}
			catch (WsbackupException ex) {
				events.warning(ws, backupCrn, EVENT_STEP, "retention of schedule " + schedule.name()
						+ " cannot delete backup " + doomed.backup().name() + " yet: " + ex.getMessage());
			}
			catch (RuntimeException ex) {
				log.error("retention of schedule {} could not delete backup {}", schedule.name(), backupCrn, ex);
			}
		}
		return started;
	}

	/** Sweeps every schedule that has a retention. */
	public void sweepAll() {
		for (Schedule schedule : schedules.all()) {
			if (!schedule.retention().isEmpty()) {
				int started = sweep(schedule, null);
				log.info("retention sweep of schedule {}: {} delete(s) started", schedule.name(), started);
			}
		}
	}

}
