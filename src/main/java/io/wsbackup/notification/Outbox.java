package io.wsbackup.notification;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.wsbackup.system.Times;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The outbox, table {@code WS_NOTIFICATION}: one row per event and target, written in the
 * transaction of the change it tells, claimed compare-and-set by the runner that sends
 * it.
 */
@Repository
public class Outbox {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	/** DATA's size, in characters. */
	static final int DATA_COLUMN = 8000;

	/** Where a delivery stands. */
	public enum Status {

		PENDING, DELIVERED, FAILED;

		public String text() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

		public static Status of(String text) {
			return valueOf(text.toUpperCase(java.util.Locale.ROOT));
		}

	}

	/**
	 * One event to one target.
	 *
	 * @param id increasing with time
	 * @param eventId the CloudEvent id, shared by the event's targets
	 * @param event the event's name ({@code backup-failed}, ...)
	 * @param target the target's name
	 * @param data the event's data, the message among it
	 * @param status where it stands
	 * @param attempts how many requests were made
	 * @param nextAttemptAt when it is due (pending)
	 * @param claimedBy the runner sending it, while its claim lasts
	 * @param claimedUntil when that claim ends
	 * @param lastResponseStatus the HTTP status of the last answer, or null (no answer)
	 * @param lastError why the last attempt failed, or null
	 */
	public record Delivery(long id, String eventId, String event, String target, String workspaceCrn, String subjectCrn,
			Map<String, Object> data, Instant createdAt, Status status, int attempts, Instant nextAttemptAt,
			String claimedBy, Instant claimedUntil, Instant lastAttemptAt, Integer lastResponseStatus, String lastError,
			Instant deliveredAt) {

		public String message() {
			Object message = data.get("message");
			return message == null ? event : message.toString();
		}

	}

	private final JdbcClient jdbc;

	private final Clock clock;

	public Outbox(JdbcClient jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	/**
	 * Writes an event for each of its targets, in one statement, in the caller's
	 * transaction.
	 * @return the event's id
	 */
	public String add(Notice notice, List<String> targets) {
		String eventId = UUID.randomUUID().toString();
		if (targets.isEmpty()) {
			return eventId;
		}
		Map<String, Object> data = new java.util.LinkedHashMap<>(notice.data());
		data.put("message", notice.message());
		if (notice.schedule() != null) {
			data.putIfAbsent("schedule", notice.schedule());
		}
		String json = JSON.writeValueAsString(data);
		if (json.length() > DATA_COLUMN) {
			data.put("message", notice.message().substring(0, Math.min(notice.message().length(), 1000)) + "…");
			data.keySet().retainAll(List.of("message", "backupCrn", "workspaceCrn", "schedule", "status"));
			json = JSON.writeValueAsString(data);
		}
		LocalDateTime now = Times.toDb(clock.instant());
		List<Object> params = new ArrayList<>();
		for (String target : targets) {
			params.addAll(java.util.Arrays.asList(eventId, notice.event().configName(), target, notice.workspaceCrn(),
					notice.subjectCrn(), json, now, Status.PENDING.text(), 0, now));
		}
		jdbc.sql("INSERT INTO WS_NOTIFICATION (EVENT_ID, EVENT_TYPE, TARGET, WORKSPACE_CRN, SUBJECT_CRN, DATA, "
				+ "CREATED_AT, STATUS, ATTEMPTS, NEXT_ATTEMPT_AT) VALUES "
				+ String.join(",", Collections.nCopies(targets.size(), "(?,?,?,?,?,?,?,?,?,?)")))
			.params(params)
			.update();
		return eventId;
	}

	/**
	 * Claims up to {@code limit} due deliveries for {@code claimer} until
	 * {@code claimedUntil}: pending ones to the given targets (those the claimer knows: a
	 * runner whose configuration lacks a new target leaves it to the runners that have
	 * it) whose time has come and that no live claim holds (a claim outlived by its
	 * runner has ended). Each is taken compare-and-set, so that two runners never both
	 * take one.
	 */
	public List<Delivery> claimDue(String claimer, Instant claimedUntil, int limit,
			java.util.Collection<String> targets) {
		if (targets.isEmpty()) {
			return List.of();
		}
		LocalDateTime now = Times.toDb(clock.instant());
		List<Object> params = new ArrayList<>(List.of(Status.PENDING.text(), now, now));
		params.addAll(targets);
		params.add(limit);
		List<Long> due = jdbc.sql("SELECT ID FROM WS_NOTIFICATION WHERE STATUS = ? AND NEXT_ATTEMPT_AT <= ? "
				+ "AND (CLAIMED_UNTIL IS NULL OR CLAIMED_UNTIL < ?) AND TARGET IN ("
				+ String.join(",", Collections.nCopies(targets.size(), "?")) + ") ORDER BY NEXT_ATTEMPT_AT, ID LIMIT ?")
			.params(params)
			.query(Long.class)
			.list();
		List<Delivery> claimed = new ArrayList<>();
		for (long id : due) {
			claim(id, claimer, claimedUntil).ifPresent(claimed::add);
		}
		return claimed;
	}

	/** Claims one delivery, if it is pending and no live claim holds it. */
	public Optional<Delivery> claim(long id, String claimer, Instant claimedUntil) {
		LocalDateTime now = Times.toDb(clock.instant());
		int taken = jdbc
			.sql("UPDATE WS_NOTIFICATION SET CLAIMED_BY = ?, CLAIMED_UNTIL = ? WHERE ID = ? AND STATUS = ? "
					+ "AND (CLAIMED_UNTIL IS NULL OR CLAIMED_UNTIL < ?)")
			.params(claimer, Times.toDb(roundUp(claimedUntil)), id, Status.PENDING.text(), now)
			.update();
		return taken == 1 ? find(id) : Optional.empty();
	}

	/** Marks a claimed delivery delivered, if this claimer still holds it. */
	public boolean delivered(long id, String claimer, int responseStatus) {
		Instant now = clock.instant();
		return jdbc
			.sql("UPDATE WS_NOTIFICATION SET STATUS = ?, ATTEMPTS = ATTEMPTS + 1, LAST_ATTEMPT_AT = ?, "
					+ "LAST_RESPONSE_STATUS = ?, LAST_ERROR = NULL, DELIVERED_AT = ?, CLAIMED_UNTIL = NULL "
					+ "WHERE ID = ? AND CLAIMED_BY = ? AND STATUS = ?")
			.params(Status.DELIVERED.text(), Times.toDb(now), responseStatus, Times.toDb(now), id, claimer,
					Status.PENDING.text())
			.update() == 1;
	}

	/**
	 * Records a failed attempt: due again at {@code nextAttemptAt}, or failed for good
	 * when that is {@code null}.
	 */
	public boolean attemptFailed(long id, String claimer, Integer responseStatus, String error, Instant nextAttemptAt) {
		Instant now = clock.instant();
		String reason = error == null ? null : (error.length() > 1000 ? error.substring(0, 999) + "…" : error);
		return jdbc
			.sql("UPDATE WS_NOTIFICATION SET STATUS = ?, ATTEMPTS = ATTEMPTS + 1, LAST_ATTEMPT_AT = ?, "
					+ "LAST_RESPONSE_STATUS = ?, LAST_ERROR = ?, NEXT_ATTEMPT_AT = ?, CLAIMED_UNTIL = NULL "
					+ "WHERE ID = ? AND CLAIMED_BY = ? AND STATUS = ?")
			.params((nextAttemptAt == null ? Status.FAILED : Status.PENDING).text(), Times.toDb(now), responseStatus,
					reason, Times.toDb(nextAttemptAt == null ? now : roundUp(nextAttemptAt)), id, claimer,
					Status.PENDING.text())
			.update() == 1;
	}

	public Optional<Delivery> find(long id) {
		return jdbc.sql("SELECT * FROM WS_NOTIFICATION WHERE ID = ?").param(id).query(Outbox::map).optional();
	}

	/** The deliveries of one event, one per target. */
	public List<Delivery> ofEvent(String eventId) {
		return jdbc.sql("SELECT * FROM WS_NOTIFICATION WHERE EVENT_ID = ? ORDER BY ID")
			.param(eventId)
			.query(Outbox::map)
			.list();
	}

	/**
	 * A page of deliveries, newest first: those older than {@code beforeId} (all when
	 * null), of the given status, event and target when given.
	 */
	public List<Delivery> pageNewestFirst(Status status, String event, String target, String workspaceCrn,
			Long beforeId, int limit) {
		StringBuilder sql = new StringBuilder("SELECT * FROM WS_NOTIFICATION WHERE 1 = 1");
		List<Object> params = new ArrayList<>();
		if (status != null) {
			sql.append(" AND STATUS = ?");
			params.add(status.text());
		}
		if (event != null) {
			sql.append(" AND EVENT_TYPE = ?");
			params.add(event);
		}
		if (target != null) {
			sql.append(" AND TARGET = ?");
			params.add(target);
		}
		if (workspaceCrn != null) {
			sql.append(" AND WORKSPACE_CRN = ?");
			params.add(workspaceCrn);
		}
		if (beforeId != null) {
			sql.append(" AND ID < ?");
			params.add(beforeId);
		}
		sql.append(" ORDER BY ID DESC LIMIT ?");
		params.add(limit);
		return jdbc.sql(sql.toString()).params(params).query(Outbox::map).list();
	}

	/** How many deliveries stand in each status. */
	public Map<Status, Long> counts() {
		Map<Status, Long> counts = new java.util.EnumMap<>(Status.class);
		for (Status s : Status.values()) {
			counts.put(s, 0L);
		}
		jdbc.sql("SELECT STATUS, COUNT(*) FROM WS_NOTIFICATION GROUP BY STATUS")
			.query((rs, row) -> Map.entry(Status.of(rs.getString(1)), rs.getLong(2)))
			.list()
			.forEach((e) -> counts.put(e.getKey(), e.getValue()));
		return counts;
	}

	/**
	 * The pending deliveries written before {@code before} that no live claim holds (at
	 * most {@code limit}, oldest first).
	 */
	public List<Delivery> pendingBefore(Instant before, int limit) {
		LocalDateTime now = Times.toDb(clock.instant());
		return jdbc
			.sql("SELECT * FROM WS_NOTIFICATION WHERE STATUS = ? AND CREATED_AT < ? "
					+ "AND (CLAIMED_UNTIL IS NULL OR CLAIMED_UNTIL < ?) ORDER BY ID LIMIT ?")
			.params(Status.PENDING.text(), Times.toDb(before), now, limit)
			.query(Outbox::map)
			.list();
	}

	/**
	 * Marks a pending delivery that no live claim holds failed, without an attempt.
	 * @return whether it was still pending and unclaimed
	 */
	public boolean expire(long id, String reason) {
		LocalDateTime now = Times.toDb(clock.instant());
		return jdbc
			.sql("UPDATE WS_NOTIFICATION SET STATUS = ?, LAST_ERROR = ? WHERE ID = ? AND STATUS = ? "
					+ "AND (CLAIMED_UNTIL IS NULL OR CLAIMED_UNTIL < ?)")
			.params(Status.FAILED.text(), reason, id, Status.PENDING.text(), now)
			.update() == 1;
	}

	/**
	 * How many deliveries written since {@code since} failed for good: of the workspaces
	 * of one environment when it is given, else all.
	 */
	public int failedSince(Instant since, String environmentName) {
		if (environmentName == null) {
			return jdbc.sql("SELECT COUNT(*) FROM WS_NOTIFICATION WHERE STATUS = ? AND CREATED_AT >= ?")
				.params(Status.FAILED.text(), Times.toDb(since))
				.query(Integer.class)
				.single();
		}
		return jdbc
			.sql("SELECT COUNT(*) FROM WS_NOTIFICATION WHERE STATUS = ? AND CREATED_AT >= ? AND WORKSPACE_CRN IN "
					+ "(SELECT CRN FROM WS_WORKSPACE WHERE ENVIRONMENT_NAME = ?)")
			.params(Status.FAILED.text(), Times.toDb(since), environmentName)
			.query(Integer.class)
			.single();
	}

	/** Removes delivered and failed deliveries written before {@code before}. */
	public int removeEndedBefore(Instant before) {
		return jdbc.sql("DELETE FROM WS_NOTIFICATION WHERE STATUS <> ? AND CREATED_AT < ?")
			.params(Status.PENDING.text(), Times.toDb(before))
			.update();
	}

	/**
	 * The name and environment of a workspace, for a notification's data (absent: none).
	 */
	public Map<String, Object> workspaceNames(String workspaceCrn) {
		if (workspaceCrn == null) {
			return Map.of();
		}
		return jdbc.sql("SELECT NAME, ENVIRONMENT_NAME FROM WS_WORKSPACE WHERE CRN = ?")
			.param(workspaceCrn)
			.query((rs, row) -> Notice.fields("workspaceName", rs.getString(1), "environmentName", rs.getString(2)))
			.optional()
			.orElse(Map.of());
	}

	/**
	 * A time that gates an attempt, rounded up to a whole second: a store that drops
	 * fractional seconds (MariaDB through Connector/J) then never makes it earlier than
	 * meant.
	 */
	private static Instant roundUp(Instant time) {
		Instant whole = time.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
		return whole.equals(time) ? time : whole.plusSeconds(1);
	}

	private static Delivery map(ResultSet rs, int row) throws SQLException {
		return new Delivery(rs.getLong("ID"), rs.getString("EVENT_ID"), rs.getString("EVENT_TYPE"),
				rs.getString("TARGET"), rs.getString("WORKSPACE_CRN"), rs.getString("SUBJECT_CRN"),
				JSON.readValue(rs.getString("DATA"), MAP), time(rs, "CREATED_AT"), Status.of(rs.getString("STATUS")),
				rs.getInt("ATTEMPTS"), time(rs, "NEXT_ATTEMPT_AT"), rs.getString("CLAIMED_BY"),
				time(rs, "CLAIMED_UNTIL"), time(rs, "LAST_ATTEMPT_AT"),
				rs.getObject("LAST_RESPONSE_STATUS", Integer.class), rs.getString("LAST_ERROR"),
				time(rs, "DELIVERED_AT"));
	}

	private static Instant time(ResultSet rs, String column) throws SQLException {
		return Times.fromDb(rs.getObject(column, LocalDateTime.class));
	}

}
