package io.wsbackup.schedule;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.wsbackup.system.Times;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The runs of the schedules: tables {@code WS_SCHEDULE_RUN} (one per fire or manual
 * trigger) and {@code WS_SCHEDULE_RUN_ITEM} (one per workspace the run matched). A run's
 * outcome follows its items: {@code running} while one is pending or running, then
 * {@code succeeded} (every backup succeeded; of a drill schedule: every drilled backup
 * was verified), {@code failed} (none did), {@code skipped} (every workspace was skipped)
 * or {@code partial}.
 */
@Repository
public class ScheduleRunRepository {

	/** A workspace's part of a run. */
	public enum ItemStatus {

		PENDING, RUNNING, SKIPPED, SUCCEEDED, FAILED, CANCELLED;

		public String text() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

		static ItemStatus of(String text) {
			return valueOf(text.toUpperCase(java.util.Locale.ROOT));
		}

		boolean ended() {
			return this != PENDING && this != RUNNING;
		}

	}

	/**
	 * A run as {@code listSchedules} shows it.
	 *
	 * @param items how many of its workspaces are in each status
	 */
	public record Run(String id, String scheduleName, Instant fireTime, Instant startedAt, String kind, String outcome,
			String message, Map<String, Integer> items) {
	}

	private final JdbcClient jdbc;

	private final Clock clock;

	public ScheduleRunRepository(JdbcClient jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	/** Records a run and its workspaces' slots, all pending. */
	public void insert(String id, String scheduleName, Instant fireTime, String kind, Map<String, Instant> slots) {
		String outcome = slots.isEmpty() ? "empty" : "running";
		jdbc.sql("INSERT INTO WS_SCHEDULE_RUN (ID, SCHEDULE_NAME, FIRE_TIME, STARTED_AT, KIND, OUTCOME, MESSAGE) "
				+ "VALUES (?,?,?,?,?,?,?)")
			.params(id, scheduleName, Times.toDb(fireTime), Times.toDb(clock.instant()), kind, outcome,
					slots.isEmpty() ? "no workspace matched" : null)
			.update();
		slots.forEach((workspaceCrn, slot) -> jdbc.sql(
				"INSERT INTO WS_SCHEDULE_RUN_ITEM (RUN_ID, WORKSPACE_CRN, SLOT_TIME, STATUS, UPDATED_AT) VALUES (?,?,?,?,?)")
			.params(id, workspaceCrn, Times.toDb(slot), ItemStatus.PENDING.text(), Times.toDb(clock.instant()))
			.update());
	}

	/** Records a fire that was skipped as a whole (it could not start in its window). */
	public void insertSkipped(String id, String scheduleName, Instant fireTime, String kind, String message) {
		jdbc.sql("INSERT INTO WS_SCHEDULE_RUN (ID, SCHEDULE_NAME, FIRE_TIME, STARTED_AT, KIND, OUTCOME, MESSAGE) "
				+ "VALUES (?,?,?,?,?,?,?)")
			.params(id, scheduleName, Times.toDb(fireTime), Times.toDb(clock.instant()), kind, "skipped",
					truncate(message))
			.update();
	}

	/**
	 * Moves one workspace's item on, and the run's outcome with it. The run stays
	 * {@code running} while an item is pending or running, so only the end of its last
	 * such item counts the items (a night of thousands would otherwise read every item at
	 * each one's start and end).
	 */
	public void updateItem(String runId, String workspaceCrn, ItemStatus status, String backupCrn, String reason) {
		jdbc.sql("UPDATE WS_SCHEDULE_RUN_ITEM SET STATUS = ?, BACKUP_CRN = COALESCE(?, BACKUP_CRN), REASON = ?, "
				+ "UPDATED_AT = ? WHERE RUN_ID = ? AND WORKSPACE_CRN = ?")
			.params(status.text(), backupCrn, truncate(reason), Times.toDb(clock.instant()), runId, workspaceCrn)
			.update();
		if (!status.ended() || open(runId)) {
			return;
		}
		Map<ItemStatus, Integer> counts = new TreeMap<>();
		jdbc.sql("SELECT STATUS, COUNT(*) FROM WS_SCHEDULE_RUN_ITEM WHERE RUN_ID = ? GROUP BY STATUS")
			.param(runId)
			.query((rs) -> {
				counts.put(ItemStatus.of(rs.getString(1)), rs.getInt(2));
			});
		jdbc.sql("UPDATE WS_SCHEDULE_RUN SET OUTCOME = ? WHERE ID = ?").params(outcome(counts), runId).update();
	}

	/**
	 * A workspace of a run still waiting for its start.
	 *
	 * @param waited whether it was due once while the schedule's cap was reached
	 */
	public record PendingItem(String workspaceCrn, Instant slot, boolean waited) {
	}

	/** The run's pending items, earliest slot first. */
	public List<PendingItem> pending(String runId) {
		return jdbc
			.sql("SELECT WORKSPACE_CRN, SLOT_TIME, REASON FROM WS_SCHEDULE_RUN_ITEM WHERE RUN_ID = ? AND STATUS = ? "
					+ "ORDER BY SLOT_TIME, WORKSPACE_CRN")
			.params(runId, ItemStatus.PENDING.text())
			.query((rs, row) -> new PendingItem(rs.getString(1),
					Times.fromDb(rs.getObject(2, java.time.LocalDateTime.class)), rs.getString(3) != null))
			.list();
	}

	/**
	 * Notes on the run's pending items due by then that they wait for the cap (one
	 * statement, however many).
	 */
	public void waiting(String runId, Instant dueBy, String reason) {
		jdbc.sql("UPDATE WS_SCHEDULE_RUN_ITEM SET REASON = ?, UPDATED_AT = ? WHERE RUN_ID = ? AND STATUS = ? "
				+ "AND SLOT_TIME <= ? AND REASON IS NULL")
			.params(truncate(reason), Times.toDb(clock.instant()), runId, ItemStatus.PENDING.text(), Times.toDb(dueBy))
			.update();
	}

	/** A workspace of a run whose backup (of a drill schedule: drill) is followed. */
	public record FollowedItem(String workspaceCrn, String backupCrn) {
	}

	/** The run's running items that follow a backup (or a drill of one). */
	public List<FollowedItem> following(String runId) {
		return jdbc
			.sql("SELECT WORKSPACE_CRN, BACKUP_CRN FROM WS_SCHEDULE_RUN_ITEM WHERE RUN_ID = ? AND STATUS = ? "
					+ "AND BACKUP_CRN IS NOT NULL ORDER BY WORKSPACE_CRN")
			.params(runId, ItemStatus.RUNNING.text())
			.query((rs, row) -> new FollowedItem(rs.getString(1), rs.getString(2)))
			.list();
	}

	/** Whether the run has an item still pending or running. */
	public boolean open(String runId) {
		return jdbc.sql("SELECT COUNT(*) FROM WS_SCHEDULE_RUN_ITEM WHERE RUN_ID = ? AND STATUS IN (?, ?)")
			.params(runId, ItemStatus.PENDING.text(), ItemStatus.RUNNING.text())
			.query(Long.class)
			.single() > 0;
	}

	/**
	 * Whether a run of the schedule has a due start waiting for its cap
	 * ({@link #waiting}).
	 */
	public boolean waitsAtCap(String scheduleName) {
		return jdbc
			.sql("SELECT COUNT(*) FROM WS_SCHEDULE_RUN_ITEM I JOIN WS_SCHEDULE_RUN R ON R.ID = I.RUN_ID "
					+ "WHERE R.SCHEDULE_NAME = ? AND R.OUTCOME = 'running' AND I.STATUS = ? AND I.REASON IS NOT NULL")
			.params(scheduleName, ItemStatus.PENDING.text())
			.query(Long.class)
			.single() > 0;
	}

	/**
	 * The backups the schedule's items started and still follow (status {@code running}):
	 * for a drill schedule, the backups its drills verify.
	 */
	public List<String> runningBackupCrns(String scheduleName) {
		return jdbc
			.sql("SELECT I.BACKUP_CRN FROM WS_SCHEDULE_RUN_ITEM I JOIN WS_SCHEDULE_RUN R ON R.ID = I.RUN_ID "
					+ "WHERE R.SCHEDULE_NAME = ? AND I.STATUS = ? AND I.BACKUP_CRN IS NOT NULL")
			.params(scheduleName, ItemStatus.RUNNING.text())
			.query(String.class)
			.list();
	}

	/** The schedules whose running items follow this backup (a drill's, for one). */
	public List<String> schedulesFollowing(String backupCrn) {
		return jdbc.sql(
				"SELECT DISTINCT R.SCHEDULE_NAME FROM WS_SCHEDULE_RUN_ITEM I JOIN WS_SCHEDULE_RUN R ON R.ID = I.RUN_ID "
						+ "WHERE I.BACKUP_CRN = ? AND I.STATUS = ?")
			.params(backupCrn, ItemStatus.RUNNING.text())
			.query(String.class)
			.list();
	}

	static String outcome(Map<ItemStatus, Integer> counts) {
		int total = counts.values().stream().mapToInt(Integer::intValue).sum();
		if (counts.keySet().stream().anyMatch((s) -> !s.ended())) {
			return "running";
		}
		int succeeded = counts.getOrDefault(ItemStatus.SUCCEEDED, 0);
		if (total == 0) {
			return "empty";
		}
		if (succeeded == total) {
			return "succeeded";
		}
		if (counts.getOrDefault(ItemStatus.SKIPPED, 0) == total) {
			return "skipped";
		}
		return (succeeded == 0) ? "failed" : "partial";
	}

	/** The schedule's latest run, if it ever ran. */
	public Optional<Run> lastRun(String scheduleName) {
		return jdbc.sql(
				"SELECT ID, FIRE_TIME, STARTED_AT, KIND, OUTCOME, MESSAGE FROM WS_SCHEDULE_RUN WHERE SCHEDULE_NAME = ? "
						+ "ORDER BY STARTED_AT DESC, FIRE_TIME DESC")
			.param(scheduleName)
			.query((rs, row) -> new Run(rs.getString(1), scheduleName,
					Times.fromDb(rs.getObject(2, java.time.LocalDateTime.class)),
					Times.fromDb(rs.getObject(3, java.time.LocalDateTime.class)), rs.getString(4), rs.getString(5),
					rs.getString(6), Map.of()))
			.list()
			.stream()
			.findFirst()
			.map((run) -> new Run(run.id(), run.scheduleName(), run.fireTime(), run.startedAt(), run.kind(),
					run.outcome(), run.message(), itemCounts(run.id())));
	}

	/** The runs of a schedule, newest first. */
	public List<String> runIds(String scheduleName) {
		return jdbc.sql("SELECT ID FROM WS_SCHEDULE_RUN WHERE SCHEDULE_NAME = ? ORDER BY STARTED_AT DESC")
			.param(scheduleName)
			.query(String.class)
			.list();
	}

	private Map<String, Integer> itemCounts(String runId) {
		Map<String, Integer> counts = new TreeMap<>();
		jdbc.sql("SELECT STATUS FROM WS_SCHEDULE_RUN_ITEM WHERE RUN_ID = ?")
			.param(runId)
			.query(String.class)
			.list()
			.forEach((s) -> counts.merge(s, 1, Integer::sum));
		return counts;
	}

	private static String truncate(String text) {
		return text == null || text.length() <= 2000 ? text : text.substring(0, 2000);
	}

}
