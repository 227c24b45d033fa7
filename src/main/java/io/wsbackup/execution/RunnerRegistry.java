package io.wsbackup.execution;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The runners and who owns which job execution, in {@code WS_RUNNER} and
 * {@code WS_EXECUTION_OWNER} (migration V7). Times are the store's own
 * ({@code LOCALTIMESTAMP}), so runners whose clocks differ still agree on who is dead.
 * Ownership changes are compare-and-set: of several runners claiming one execution,
 * exactly one succeeds.
 */
@Component
public class RunnerRegistry {

	/** An execution's owner row states. */
	public static final String RUNNING = "RUNNING";

	public static final String RELEASED = "RELEASED";

	public static final String RECOVERING = "RECOVERING";

	public static final String RECOVERED = "RECOVERED";

	public static final String NOT_RESTARTED = "NOT_RESTARTED";

	private final JdbcClient jdbc;

	public RunnerRegistry(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Registers a runner that has just started, heartbeat now. */
	public void register(String runnerId, String host) {
		jdbc.sql("INSERT INTO WS_RUNNER (RUNNER_ID, HOST, STARTED_AT, HEARTBEAT_AT) "
				+ "VALUES (?, ?, LOCALTIMESTAMP(3), LOCALTIMESTAMP(3))")
			.params(runnerId, host)
			.update();
	}

	/**
	 * Writes a runner's heartbeat (registering it again if its row was removed).
	 */
	public void heartbeat(String runnerId, String host) {
		int updated = jdbc.sql("UPDATE WS_RUNNER SET HEARTBEAT_AT = LOCALTIMESTAMP(3) WHERE RUNNER_ID = ?")
			.param(runnerId)
			.update();
		if (updated == 0) {
			try {
				register(runnerId, host);
			}
			catch (DuplicateKeyException raced) {
				// written meanwhile
			}
		}
	}

	/** Removes a runner that shut down. */
	public void remove(String runnerId) {
		jdbc.sql("DELETE FROM WS_RUNNER WHERE RUNNER_ID = ?").param(runnerId).update();
	}

	/** The store's clock. */
	public LocalDateTime now() {
		return jdbc.sql("SELECT LOCALTIMESTAMP(3)").query(LocalDateTime.class).single();
	}

	/** A runner as the store knows it. */
	public record RunnerRow(String runnerId, String host, LocalDateTime startedAt, LocalDateTime heartbeatAt) {
	}

	public Optional<RunnerRow> runner(String runnerId) {
		return jdbc.sql("SELECT * FROM WS_RUNNER WHERE RUNNER_ID = ?")
			.param(runnerId)
			.query((rs, i) -> new RunnerRow(rs.getString("RUNNER_ID"), rs.getString("HOST"),
					rs.getObject("STARTED_AT", LocalDateTime.class), rs.getObject("HEARTBEAT_AT", LocalDateTime.class)))
			.optional();
	}

	/**
	 * Records that this runner owns an execution it has just started or restarted. A row
	 * already there is left alone (the job's own first step may have written it first).
	 */
	public void own(long executionId, String runnerId) {
		try {
			jdbc.sql("INSERT INTO WS_EXECUTION_OWNER (JOB_EXECUTION_ID, RUNNER_ID, STATE, UPDATED_AT) "
					+ "VALUES (?, ?, 'RUNNING', LOCALTIMESTAMP(3))")
				.params(executionId, runnerId)
				.update();
		}
		catch (DuplicateKeyException already) {
			// recorded by the launcher or by the job's first step, whichever came first
		}
	}

	/** An execution's owner row. */
	public record Owner(long executionId, String runnerId, String state, String previousRunnerId, Long restartedAs,
			String note) {
	}

	public Optional<Owner> owner(long executionId) {
		return jdbc.sql("SELECT * FROM WS_EXECUTION_OWNER WHERE JOB_EXECUTION_ID = ?")
			.param(executionId)
			.query((rs, i) -> new Owner(rs.getLong("JOB_EXECUTION_ID"), rs.getString("RUNNER_ID"),
					rs.getString("STATE"), rs.getString("PREVIOUS_RUNNER_ID"), rs.getObject("RESTARTED_AS", Long.class),
					rs.getString("NOTE")))
			.optional();
	}

	/**
	 * Leaves an execution this runner owns to the others (graceful shutdown).
	 * @return whether it was released
	 */
	public boolean release(long executionId, String runnerId) {
		return jdbc
			.sql("UPDATE WS_EXECUTION_OWNER SET STATE = 'RELEASED', UPDATED_AT = LOCALTIMESTAMP(3) "
					+ "WHERE JOB_EXECUTION_ID = ? AND RUNNER_ID = ? AND STATE = 'RUNNING'")
			.params(executionId, runnerId)
			.update() == 1;
	}

	/**
	 * An execution that may need recovering: running by the job repository, or claimed
	 * for recovery and not restarted yet. Its owner, the owner's state and heartbeat are
	 * {@code null} when absent.
	 */
	public record Candidate(long executionId, String jobName, String status, String ownerId, String ownerState,
			String ownerHost, LocalDateTime ownerHeartbeat) {
	}

	public List<Candidate> candidates() {
		return jdbc
			.sql("SELECT e.JOB_EXECUTION_ID, i.JOB_NAME, e.STATUS, o.RUNNER_ID, o.STATE, r.HOST, r.HEARTBEAT_AT "
					+ "FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID "
					+ "LEFT JOIN WS_EXECUTION_OWNER o ON o.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID "
					+ "LEFT JOIN WS_RUNNER r ON r.RUNNER_ID = o.RUNNER_ID "
					+ "WHERE e.STATUS IN ('STARTING', 'STARTED', 'STOPPING') OR o.STATE = 'RECOVERING' "
					+ "ORDER BY e.JOB_EXECUTION_ID")
			.query((rs, i) -> new Candidate(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
					rs.getString(5), rs.getString(6), rs.getObject(7, LocalDateTime.class)))
			.list();
	}

	/**
	 * Claims an execution for recovery, compare-and-set: only if its owner row is still
	 * what the scan saw and that owner has not heartbeated since {@code deadBefore}.
	 * @param seenOwner the owner the scan saw, or {@code null} when it had no owner row
	 * @param seenState the owner row's state the scan saw
	 * @return whether this runner won the claim
	 */
	public boolean claim(long executionId, String seenOwner, String seenState, String runnerId,
			LocalDateTime deadBefore) {
		if (seenOwner == null) {
			try {
				return jdbc
					.sql("INSERT INTO WS_EXECUTION_OWNER (JOB_EXECUTION_ID, RUNNER_ID, STATE, UPDATED_AT) "
							+ "VALUES (?, ?, 'RECOVERING', LOCALTIMESTAMP(3))")
					.params(executionId, runnerId)
					.update() == 1;
			}
			catch (DuplicateKeyException lost) {
				return false;
			}
		}
		if (seenOwner.equals(runnerId)) {
			return jdbc
				.sql("UPDATE WS_EXECUTION_OWNER SET STATE = 'RECOVERING', UPDATED_AT = LOCALTIMESTAMP(3) "
						+ "WHERE JOB_EXECUTION_ID = ? AND RUNNER_ID = ? AND STATE = ?")
				.params(executionId, runnerId, seenState)
				.update() == 1;
		}
		return jdbc
			.sql("UPDATE WS_EXECUTION_OWNER SET RUNNER_ID = ?, STATE = 'RECOVERING', PREVIOUS_RUNNER_ID = ?, "
					+ "UPDATED_AT = LOCALTIMESTAMP(3) WHERE JOB_EXECUTION_ID = ? AND RUNNER_ID = ? AND STATE = ? "
					+ "AND NOT EXISTS (SELECT 1 FROM WS_RUNNER r WHERE r.RUNNER_ID = ? AND r.HEARTBEAT_AT >= ? "
					+ "AND ? <> 'RELEASED')")
			.params(runnerId, seenOwner, executionId, seenOwner, seenState, seenOwner, deadBefore, seenState)
			.update() == 1;
	}

	/** The recovered execution was restarted as {@code restartedAs}. */
	public void recovered(long executionId, String runnerId, long restartedAs, String note) {
		jdbc.sql("UPDATE WS_EXECUTION_OWNER SET STATE = 'RECOVERED', RESTARTED_AS = ?, NOTE = ?, "
				+ "UPDATED_AT = LOCALTIMESTAMP(3) WHERE JOB_EXECUTION_ID = ? AND RUNNER_ID = ?")
			.params(restartedAs, truncate(note), executionId, runnerId)
			.update();
	}

	/** The recovered execution is left as it is (failed, restartable by hand). */
	public void notRestarted(long executionId, String runnerId, String why) {
		jdbc.sql("UPDATE WS_EXECUTION_OWNER SET STATE = 'NOT_RESTARTED', NOTE = ?, UPDATED_AT = LOCALTIMESTAMP(3) "
				+ "WHERE JOB_EXECUTION_ID = ? AND RUNNER_ID = ?")
			.params(truncate(why), executionId, runnerId)
			.update();
	}

	/**
	 * How many runners heartbeated since {@code since}: the live runners of the cluster.
	 */
	public int live(LocalDateTime since) {
		return jdbc.sql("SELECT COUNT(*) FROM WS_RUNNER WHERE HEARTBEAT_AT >= ?")
			.param(since)
			.query(Integer.class)
			.single();
	}

	/** The store's time {@code age} ago. */
	public LocalDateTime before(Duration age) {
		return now().minus(age);
	}

	private static String truncate(String text) {
		return text == null || text.length() <= 2000 ? text : text.substring(0, 1999) + "…";
	}

}
