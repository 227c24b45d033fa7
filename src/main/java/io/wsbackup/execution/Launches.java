package io.wsbackup.execution;

import java.time.LocalDateTime;
import java.util.List;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Operations the API acknowledged whose job is not known to be in the job repository yet,
 * in {@code WS_LAUNCH} (migration V9). The launcher records a launch in the same
 * transaction as the catalog change it acknowledges, and marks it done once the job's
 * execution exists (from then on the execution's owner in {@code WS_EXECUTION_OWNER}
 * stands for it). A launch whose runner died in between is claimed, compare-and-set, by
 * the recovery scan of a live runner, which completes it. Times are the store's own.
 */
@Component
public class Launches {

	private final JdbcClient jdbc;

	public Launches(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * A launch not done yet, with its runner's last heartbeat ({@code null} when that
	 * runner is gone from {@code WS_RUNNER}).
	 */
	public record Launch(String jobName, String subjectCrn, String runnerId, LocalDateTime requestedAt,
			String runnerHost, LocalDateTime runnerHeartbeat) {
	}

	/**
	 * Records that this runner launches the job of this subject; call it in the
	 * transaction of the catalog change that the launch acknowledges. A launch of the
	 * same job and subject already recorded becomes this runner's.
	 */
	public void record(String jobName, String subjectCrn, String runnerId) {
		int updated = jdbc
			.sql("UPDATE WS_LAUNCH SET RUNNER_ID = ?, REQUESTED_AT = LOCALTIMESTAMP(3) "
					+ "WHERE JOB_NAME = ? AND SUBJECT_CRN = ?")
			.params(runnerId, jobName, subjectCrn)
			.update();
		if (updated == 0) {
			try {
				jdbc.sql("INSERT INTO WS_LAUNCH (JOB_NAME, SUBJECT_CRN, RUNNER_ID, REQUESTED_AT) "
						+ "VALUES (?, ?, ?, LOCALTIMESTAMP(3))")
					.params(jobName, subjectCrn, runnerId)
					.update();
			}
			catch (DuplicateKeyException raced) {
				// another runner recorded it meanwhile: it becomes this runner's
				record(jobName, subjectCrn, runnerId);
			}
		}
	}

	/**
	 * The launch is complete: its job's execution exists (or there is nothing left to
	 * launch). Only the runner that holds the launch removes it.
	 */
	public void done(String jobName, String subjectCrn, String runnerId) {
		jdbc.sql("DELETE FROM WS_LAUNCH WHERE JOB_NAME = ? AND SUBJECT_CRN = ? AND RUNNER_ID = ?")
			.params(jobName, subjectCrn, runnerId)
			.update();
	}

	/** The launches not done (queued ones aside: {@link LaunchQueue}), oldest first. */
	public List<Launch> pending() {
		return jdbc
			.sql("SELECT l.JOB_NAME, l.SUBJECT_CRN, l.RUNNER_ID, l.REQUESTED_AT, r.HOST, r.HEARTBEAT_AT "
					+ "FROM WS_LAUNCH l LEFT JOIN WS_RUNNER r ON r.RUNNER_ID = l.RUNNER_ID WHERE l.QUEUED_AT IS NULL "
					+ "ORDER BY l.REQUESTED_AT, l.SUBJECT_CRN")
			.query((rs, i) -> new Launch(rs.getString(1), rs.getString(2), rs.getString(3),
					rs.getObject(4, LocalDateTime.class), rs.getString(5), rs.getObject(6, LocalDateTime.class)))
			.list();
	}

	/**
	 * Takes a launch over, compare-and-set: only if it is still held by the runner the
	 * scan saw and, when that is another runner, that runner has not heartbeated since
	 * {@code deadBefore}. Of several runners claiming one launch, exactly one wins.
	 * @return whether this runner now holds the launch
	 */
	public boolean claim(Launch seen, String runnerId, LocalDateTime deadBefore) {
		return jdbc.sql("UPDATE WS_LAUNCH SET RUNNER_ID = ?, REQUESTED_AT = LOCALTIMESTAMP(3) "
				+ "WHERE JOB_NAME = ? AND SUBJECT_CRN = ? AND RUNNER_ID = ? AND QUEUED_AT IS NULL AND (RUNNER_ID = ? OR NOT EXISTS "
				+ "(SELECT 1 FROM WS_RUNNER r WHERE r.RUNNER_ID = ? AND r.HEARTBEAT_AT >= ?))")
			.params(runnerId, seen.jobName(), seen.subjectCrn(), seen.runnerId(), runnerId, seen.runnerId(), deadBefore)
			.update() == 1;
	}

	/** Whether a launch of this job and subject is recorded (for tests and checks). */
	public boolean isPending(String jobName, String subjectCrn) {
		return jdbc.sql("SELECT COUNT(*) FROM WS_LAUNCH WHERE JOB_NAME = ? AND SUBJECT_CRN = ?")
			.params(jobName, subjectCrn)
			.query(Integer.class)
			.single() > 0;
	}

}
