package io.wsbackup.events;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.wsbackup.system.Times;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.stereotype.Component;

/**
 * The event log of every workspace, in table {@code WS_EVENT}: what each job step did,
 * progress and the estimated time to completion. Every line is also logged.
 */
@Component
public class EventLog {

	private static final Logger log = LoggerFactory.getLogger(EventLog.class);

	private static final ThreadLocal<List<Object[]>> TOGETHER = new ThreadLocal<>();

	private final JdbcClient jdbc;

	private final Clock clock;

	private final DataSource dataSource;

	public EventLog(JdbcClient jdbc, Clock clock, DataSource dataSource) {
		this.jdbc = jdbc;
		this.clock = clock;
		this.dataSource = dataSource;
	}

	public void info(String workspaceCrn, String backupCrn, String step, String message) {
		write(workspaceCrn, backupCrn, step, "INFO", message, null, null, null);
	}

	public void warning(String workspaceCrn, String backupCrn, String step, String message) {
		write(workspaceCrn, backupCrn, step, "WARNING", message, null, null, null);
	}

	public void error(String workspaceCrn, String backupCrn, String step, String message) {
		write(workspaceCrn, backupCrn, step, "ERROR", message, null, null, null);
	}

	/**
	 * A progress line: percent done, bytes transferred and the estimated time of
	 * completion (may be null).
	 */
	public void progress(String workspaceCrn, String backupCrn, String step, String message, int percentDone,
			Long bytesTransferred, Instant expectedCompletion) {
		write(workspaceCrn, backupCrn, step, "INFO", message, percentDone, bytesTransferred, expectedCompletion);
	}

	/**
	 * The latest events of a workspace, oldest first.
	 * @param backupCrn only those about this backup, when given
	 * @param maxItems at most this many, the newest ones
	 */
	public List<Event> list(String workspaceCrn, String backupCrn, int maxItems) {
		List<Event> newestFirst;
		if (backupCrn == null) {
			newestFirst = jdbc.sql("SELECT * FROM WS_EVENT WHERE WORKSPACE_CRN = ? ORDER BY ID DESC LIMIT ?")
				.params(workspaceCrn, maxItems)
				.query(EventLog::map)
				.list();
		}
		else {
			newestFirst = jdbc
				.sql("SELECT * FROM WS_EVENT WHERE WORKSPACE_CRN = ? AND BACKUP_CRN = ? ORDER BY ID DESC LIMIT ?")
				.params(workspaceCrn, backupCrn, maxItems)
				.query(EventLog::map)
				.list();
		}
		List<Event> oldestFirst = new ArrayList<>(newestFirst);
		Collections.reverse(oldestFirst);
		return oldestFirst;
	}

	/**
	 * A page of a workspace's events, newest first: those older than {@code beforeId}
	 * (all when {@code null}), at most {@code limit}.
	 * @param backupCrn only those about this backup, when given
	 */
	public List<Event> pageNewestFirst(String workspaceCrn, String backupCrn, Long beforeId, int limit) {
		StringBuilder sql = new StringBuilder("SELECT * FROM WS_EVENT WHERE WORKSPACE_CRN = ?");
		List<Object> params = new ArrayList<>(List.of(workspaceCrn));
		if (backupCrn != null) {
			sql.append(" AND BACKUP_CRN = ?");
			params.add(backupCrn);
		}
		if (beforeId != null) {
			sql.append(" AND ID < ?");
			params.add(beforeId);
		}
		sql.append(" ORDER BY ID DESC LIMIT ?");
		params.add(limit);
		return jdbc.sql(sql.toString()).params(params).query(EventLog::map).list();
	}

	/**
	 * The newest progress line of a workspace (for a restored one: its restore's), if
	 * any.
	 */
	public java.util.Optional<Event> latestProgressOfWorkspace(String workspaceCrn) {
		return jdbc
			.sql("SELECT * FROM WS_EVENT WHERE WORKSPACE_CRN = ? AND PERCENT_DONE IS NOT NULL ORDER BY ID DESC LIMIT 1")
			.param(workspaceCrn)
			.query(EventLog::map)
			.optional();
	}

	/** The newest progress line about a backup, if any. */
	public java.util.Optional<Event> latestProgress(String backupCrn) {
		return jdbc
			.sql("SELECT * FROM WS_EVENT WHERE BACKUP_CRN = ? AND PERCENT_DONE IS NOT NULL ORDER BY ID DESC LIMIT 1")
			.param(backupCrn)
			.query(EventLog::map)
			.optional();
	}

	private void write(String workspaceCrn, String backupCrn, String step, String level, String message,
			Integer percentDone, Long bytesTransferred, Instant expectedCompletion) {
		String text = message.length() > 2000 ? message.substring(0, 1999) + "…" : message;
		log.info("[{}] {} {}: {}", level, backupCrn != null ? backupCrn : workspaceCrn, step, text);
		Object[] row = { Times.toDb(clock.instant()), workspaceCrn, backupCrn, step, level, text, percentDone,
				bytesTransferred, Times.toDb(expectedCompletion) };
		if (TransactionSynchronizationManager.isSynchronizationActive()
				&& TransactionSynchronizationManager.getResource(dataSource) != null) {
			// inside a transaction of the store (a step's chunk): the lines are seen at
			// its
			// commit anyway, so they are written then, in one statement
			pendingInThisTransaction().add(row);
			return;
		}
		List<Object[]> together = TOGETHER.get();
		if (together != null) {
			together.add(row);
			return;
		}
		insert(List.<Object[]>of(row));
	}

	/**
	 * Gathers the lines this thread writes outside a transaction of the store (a waiting
	 * step's poll) until {@link Together#close()}, which inserts them in one statement.
	 * Close it before the thread waits, so that no line is held back while it does.
	 */
	public Together together() {
		if (TOGETHER.get() != null) {
			return () -> {
			};
		}
		List<Object[]> rows = new ArrayList<>();
		TOGETHER.set(rows);
		return new Together() {

			private boolean closed;

			@Override
			public void close() {
				if (closed) {
					return;
				}
				closed = true;
				TOGETHER.remove();
				if (!rows.isEmpty()) {
					insert(rows);
				}
			}

		};
	}

	/**
	 * Lines gathered by {@link #together()}: closing it writes them (in the caller's
	 * transaction, if any); closing it again does nothing.
	 */
	public interface Together extends AutoCloseable {

		@Override
		void close();

	}

	/**
	 * The lines written in the current transaction of the store, inserted together just
	 * before it commits (and dropped with it when it rolls back, as they were before).
	 */
	@SuppressWarnings("unchecked")
	private List<Object[]> pendingInThisTransaction() {
		List<Object[]> pending = (List<Object[]>) TransactionSynchronizationManager.getResource(this);
		if (pending == null) {
			List<Object[]> rows = new ArrayList<>();
			TransactionSynchronizationManager.bindResource(this, rows);
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void beforeCommit(boolean readOnly) {
					if (!rows.isEmpty()) {
						insert(rows);
						rows.clear();
					}
				}

				@Override
				public void afterCompletion(int status) {
					TransactionSynchronizationManager.unbindResourceIfPossible(EventLog.this);
				}

			});
			pending = rows;
		}
		return pending;
	}

	private void insert(List<Object[]> rows) {
		List<Object> params = new ArrayList<>(rows.size() * 9);
		rows.forEach((row) -> params.addAll(java.util.Arrays.asList(row)));
		jdbc.sql("INSERT INTO WS_EVENT (OCCURRED_AT, WORKSPACE_CRN, BACKUP_CRN, STEP, LEVEL, MESSAGE, PERCENT_DONE, "
				+ "BYTES_TRANSFERRED, EXPECTED_COMPLETION) VALUES "
				+ String.join(",", Collections.nCopies(rows.size(), "(?,?,?,?,?,?,?,?,?)")))
			.params(params)
			.update();
	}

	private static Event map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
		return new Event(rs.getLong("ID"), Times.fromDb(rs.getObject("OCCURRED_AT", LocalDateTime.class)),
				rs.getString("WORKSPACE_CRN"), rs.getString("BACKUP_CRN"), rs.getString("STEP"), rs.getString("LEVEL"),
				rs.getString("MESSAGE"), rs.getObject("PERCENT_DONE", Integer.class),
				rs.getObject("BYTES_TRANSFERRED", Long.class),
				Times.fromDb(rs.getObject("EXPECTED_COMPLETION", LocalDateTime.class)));
	}

}
