package io.wsbackup.schedule;

import java.util.List;

import io.wsbackup.retention.DoomedBackups;
import io.wsbackup.retention.RetentionLauncher;
import io.wsbackup.retention.RetentionPolicy;
import io.wsbackup.retention.RetentionSweep;

import org.springframework.stereotype.Service;

/**
 * A schedule's retention ({@link RetentionPolicy}) applied to the backups it created:
 * each sweep is an {@code enforceRetention} job (started through the
 * {@link RetentionLauncher}, in the background), which deletes every doomed backup by the
 * {@code deleteBackup} job with an event in its workspace's log; a backup whose delete is
 * refused stays, with a warning event, and the next sweep tries again. The preview,
 * deleting nothing, answers at once.
 */
@Service
public class RetentionSweeper {

	private final Schedules schedules;

	private final DoomedBackups doomed;

	private final RetentionLauncher launcher;

	public RetentionSweeper(Schedules schedules, DoomedBackups doomed, RetentionLauncher launcher) {
		this.schedules = schedules;
		this.doomed = doomed;
		this.launcher = launcher;
	}

	/**
	 * What the next sweep of the schedule would delete, and what it keeps as a
	 * workspace's newest verified backup, deleting nothing.
	 */
	public DoomedBackups.Preview preview(Schedule schedule) {
		return doomed.preview(schedules.creatorCrn(schedule), schedule.retention());
	}

	/**
	 * Starts a sweep of the schedule's retention; starting the same run again adopts its
	 * job, or restarts it when it failed.
	 * @param workspaceCrn only the backups of this workspace, or {@code null} for all
	 * @param runId names the sweep among the schedule's sweeps
	 * @return the sweep's job execution id
	 */
	public long sweep(Schedule schedule, String workspaceCrn, String runId) {
		return launcher.start(new RetentionSweep(schedule.name(), schedules.creatorCrn(schedule), schedule.retention(),
				workspaceCrn, runId));
	}

	/**
	 * Starts a sweep of every backup schedule that has a retention (drill schedules
	 * create no backups and have none).
	 * @param runId names the sweeps (one per schedule)
	 * @return their job execution ids
	 */
	public List<Long> sweepAll(String runId) {
		return schedules.all()
			.stream()
			.filter((schedule) -> !schedule.isDrill() && !schedule.retention().isEmpty())
			.map((schedule) -> sweep(schedule, null, runId))
			.toList();
	}

}
