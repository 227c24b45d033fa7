package io.wsbackup.overview;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.events.Event;
import io.wsbackup.system.Times;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What the console and the CLI read about a whole fleet, each in a few statements
 * whatever the number of workspaces: pages of the catalog with each backup's size and
 * completion, every workspace's last attempt and last success, the latest progress of
 * what runs, the fleet's summary, and names for CRNs. Reads only; index-backed
 * ({@code WS_BACKUP_BY_WORKSPACE}, {@code WS_EVENT_BY_BACKUP},
 * {@code WS_EVENT_BY_WORKSPACE}).
 */
@Repository
public class OverviewRepository {

	private static final String BACKUP_COLUMNS = "b.CRN, b.NAME, b.WORKSPACE_CRN, w.NAME AS WORKSPACE_NAME, "
			+ "w.ENVIRONMENT_NAME, b.CREATED_AT, b.CREATOR_CRN, b.WORKSPACE_VERSION, b.STATUS, b.FAILURE_REASON, "
			+ "b.WARNINGS, b.JOB_EXECUTION_ID, b.UPDATED_AT, e.END_TIME, "
			+ "(SELECT SUM(rp.SIZE_BYTES) FROM WS_RECOVERY_POINT rp WHERE rp.BACKUP_CRN = b.CRN) AS SIZE_BYTES, "
			+ "(SELECT COUNT(*) FROM WS_RECOVERY_POINT rp WHERE rp.BACKUP_CRN = b.CRN) AS RECOVERY_POINTS";

	/**
	 * Newest first. MariaDB 10 through Connector/J keeps whole seconds, so two backups of
	 * one workspace can share a creation time: the later launched (a higher job
	 * execution, or none yet) is the newer, as retention decides.
	 */
	private static final String NEWEST_FIRST = " ORDER BY b2.CREATED_AT DESC, "
			+ "COALESCE(b2.JOB_EXECUTION_ID, 9223372036854775807) DESC, b2.CRN LIMIT 1";

	private static final String BACKUP_FROM = " FROM WS_BACKUP b JOIN WS_WORKSPACE w ON w.CRN = b.WORKSPACE_CRN "
			+ "LEFT JOIN BATCH_JOB_EXECUTION e ON e.JOB_EXECUTION_ID = b.JOB_EXECUTION_ID";

	private final JdbcClient jdbc;

	public OverviewRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * One catalog entry as the lists show it.
	 *
	 * @param sizeBytes the sum of its recorded recovery points' sizes, or {@code null}
	 * when none is recorded
	 * @param recoveryPoints how many recovery points are recorded
	 * @param completedAt when it ended (succeeded, failed or cancelled: its job's end),
	 * or {@code null} while it runs
	 */
	public record BackupLine(Crn backupCrn, String backupName, Crn workspaceCrn, String workspaceName,
			String environmentName, Instant createdAt, String creatorCrn, String workspaceVersion, BackupStatus status,
			String failureReason, Long jobExecutionId, Long sizeBytes, int recoveryPoints, Instant completedAt) {

		/** Seconds from its request to its end, or {@code null} while it runs. */
		public Long durationSeconds() {
			return completedAt == null || createdAt == null ? null
					: Math.max(0, java.time.Duration.between(createdAt, completedAt).toSeconds());
		}

	}

	/**
	 * Which catalog entries a list shows; every part optional.
	 *
	 * @param statuses only these statuses, when not empty
	 * @param nameContains only backups whose name contains this, ignoring case
	 * @param verificationStatus only backups whose verification stands so ({@code never},
	 * {@code verifying}, {@code verified}, {@code failed}), or {@code null}
	 */
	public record BackupFilter(Crn workspaceCrn, String environmentName, Collection<BackupStatus> statuses,
			String nameContains, String verificationStatus) {
	}

	/** Where a page of backups starts: after this entry, in the catalog's order. */
	public record BackupKey(Instant createdAt, String backupCrn) {
	}

	/**
	 * Catalog entries, newest first (creation, then CRN), after the given one.
	 * @param limit at most this many
	 */
	public List<BackupLine> backups(BackupFilter filter, BackupKey after, int limit) {
		// first the page's keys, a narrow read along WS_BACKUP_BY_CREATED (or
		// WS_BACKUP_BY_WORKSPACE), then those backups with their sizes and ends
		StringBuilder sql = new StringBuilder("SELECT b.CRN FROM WS_BACKUP b");
		List<Object> params = new ArrayList<>();
		if (filter.environmentName() != null) {
			sql.append(" JOIN WS_WORKSPACE w ON w.CRN = b.WORKSPACE_CRN AND w.ENVIRONMENT_NAME = ?");
			params.add(filter.environmentName());
		}
		sql.append(" WHERE 1 = 1");
		if (filter.workspaceCrn() != null) {
			sql.append(" AND b.WORKSPACE_CRN = ?");
			params.add(filter.workspaceCrn().toString());
		}
		if (filter.statuses() != null && !filter.statuses().isEmpty()) {
			sql.append(" AND b.STATUS IN (")
				.append(filter.statuses().stream().map((s) -> "?").collect(Collectors.joining(", ")))
				.append(")");
			filter.statuses().forEach((s) -> params.add(s.text()));
		}
		if (filter.nameContains() != null && !filter.nameContains().isEmpty()) {
			sql.append(" AND LOWER(b.NAME) LIKE ? ESCAPE '!'");
			params.add(containing(filter.nameContains()));
		}
		if (filter.verificationStatus() != null) {
			sql.append(" AND b.VERIFICATION_STATUS = ?");
			params.add(filter.verificationStatus());
		}
		if (after != null) {
			sql.append(" AND (b.CREATED_AT < ? OR (b.CREATED_AT = ? AND b.CRN > ?))");
			params.add(Times.toDb(after.createdAt()));
			params.add(Times.toDb(after.createdAt()));
			params.add(after.backupCrn());
		}
		sql.append(" ORDER BY b.CREATED_AT DESC, b.CRN LIMIT ?");
		params.add(limit);
		List<String> keys = jdbc.sql(sql.toString()).params(params).query((rs, row) -> rs.getString(1)).list();
		if (keys.isEmpty()) {
			return List.of();
		}
		Map<String, BackupLine> byCrn = new HashMap<>();
		jdbc.sql("SELECT " + BACKUP_COLUMNS + BACKUP_FROM + " WHERE b.CRN IN ("
				+ keys.stream().map((k) -> "?").collect(Collectors.joining(", ")) + ")")
			.params(new ArrayList<>(keys))
			.query(OverviewRepository::backupLine)
			.list()
			.forEach((line) -> byCrn.put(line.backupCrn().toString(), line));
		return keys.stream().map(byCrn::get).filter((line) -> line != null).toList();
	}

	/**
	 * A workspace's latest backups: the last attempt (its newest backup that is not being
	 * deleted, whatever its status) and its last success (the newest succeeded one).
	 */
	public record LastBackups(BackupLine lastAttempt, BackupLine lastSuccess) {
	}

	/** The latest backups of each of these workspaces; those without any are absent. */
	public Map<Crn, LastBackups> lastBackups(Collection<Crn> workspaces) {
		if (workspaces.isEmpty()) {
			return Map.of();
		}
		String in = workspaces.stream().map((w) -> "?").collect(Collectors.joining(", "));
		List<Object> crns = workspaces.stream().map(Crn::toString).collect(Collectors.toList());
		Map<Crn, BackupLine> attempts = latest(in, crns, "b2.STATUS <> ?", BackupStatus.DELETING.text());
		Map<Crn, BackupLine> successes = latest(in, crns, "b2.STATUS = ?", BackupStatus.SUCCEEDED.text());
		Map<Crn, LastBackups> out = new LinkedHashMap<>();
		for (Crn crn : workspaces) {
			if (attempts.containsKey(crn) || successes.containsKey(crn)) {
				out.put(crn, new LastBackups(attempts.get(crn), successes.get(crn)));
			}
		}
		return out;
	}

	/**
	 * The newest backup of each workspace that meets the condition: first the CRNs, one
	 * index probe per workspace (newest first, stopping at the first match), then those
	 * backups by primary key.
	 */
	private Map<Crn, BackupLine> latest(String in, List<Object> crns, String condition, String status) {
		List<Object> params = new ArrayList<>();
		params.add(status);
		params.addAll(crns);
		List<String> newest = jdbc
			.sql("SELECT (SELECT b2.CRN FROM WS_BACKUP b2 WHERE b2.WORKSPACE_CRN = w.CRN AND " + condition
					+ NEWEST_FIRST + ") FROM WS_WORKSPACE w WHERE w.CRN IN (" + in + ")")
			.params(params)
			.query((rs, row) -> rs.getString(1))
			.list()
			.stream()
			.filter((crn) -> crn != null)
			.toList();
		Map<Crn, BackupLine> out = new HashMap<>();
		if (newest.isEmpty()) {
			return out;
		}
		jdbc.sql("SELECT " + BACKUP_COLUMNS + BACKUP_FROM + " WHERE b.CRN IN ("
				+ newest.stream().map((c) -> "?").collect(Collectors.joining(", ")) + ")")
			.params(new ArrayList<>(newest))
			.query(OverviewRepository::backupLine)
			.list()
			.forEach((line) -> out.put(line.workspaceCrn(), line));
		return out;
	}

	/**
	 * The newest progress line of each of these backups (those without one are absent).
	 */
	public Map<String, Event> latestProgressOfBackups(Collection<String> backupCrns) {
		return latestProgress("BACKUP_CRN", backupCrns);
	}

	/**
	 * The newest progress line of each of these workspaces (a restore's, for a workspace
	 * being restored).
	 */
	public Map<String, Event> latestProgressOfWorkspaces(Collection<String> workspaceCrns) {
		return latestProgress("WORKSPACE_CRN", workspaceCrns);
	}

	private Map<String, Event> latestProgress(String column, Collection<String> crns) {
		if (crns.isEmpty()) {
			return Map.of();
		}
		String in = crns.stream().map((c) -> "?").collect(Collectors.joining(", "));
		Map<String, Event> out = new HashMap<>();
		jdbc.sql("SELECT * FROM WS_EVENT WHERE ID IN (SELECT MAX(ID) FROM WS_EVENT WHERE " + column + " IN (" + in
				+ ") AND PERCENT_DONE IS NOT NULL GROUP BY " + column + ")")
			.params(new ArrayList<>(crns))
			.query(OverviewRepository::event)
			.list()
			.forEach((e) -> out.put(column.equals("BACKUP_CRN") ? e.backupCrn() : e.workspaceCrn(), e));
		return out;
	}

	/**
	 * The step each of these backups is in: the step of its newest event written by a
	 * step of its job.
	 */
	public Map<String, String> currentSteps(Collection<String> backupCrns) {
		if (backupCrns.isEmpty()) {
			return Map.of();
		}
		String in = backupCrns.stream().map((c) -> "?").collect(Collectors.joining(", "));
		List<Object> params = new ArrayList<>(backupCrns);
		params.add("backupWorkspace");
		Map<String, String> out = new HashMap<>();
		jdbc.sql("SELECT BACKUP_CRN, STEP FROM WS_EVENT WHERE ID IN (SELECT MAX(ID) FROM WS_EVENT WHERE BACKUP_CRN IN ("
				+ in + ") AND STEP IS NOT NULL AND STEP <> ? GROUP BY BACKUP_CRN)")
			.params(params)
			.query((rs) -> {
				out.put(rs.getString(1), rs.getString(2));
			});
		return out;
	}

	/**
	 * The fleet at a glance.
	 *
	 * @param workspaces how many workspaces
	 * @param protectedRecently how many have a succeeded backup created since the given
	 * time
	 * @param failing how many have a failed last attempt
	 * @param running how many have a backup running (or cancelling) or are being backed
	 * up or restored
	 * @param neverBackedUp how many have no succeeded backup
	 */
	public record Summary(int workspaces, int protectedRecently, int failing, int running, int neverBackedUp) {
	}

	/**
	 * The summary of every workspace, or of one environment's: five counting statements,
	 * each along an index, whatever the size of the catalog (WS_BACKUP_BY_STATUS_CREATED
	 * for what is recent, running or failed; one probe per workspace for "never").
	 * @param protectedSince a succeeded backup created since then protects its workspace
	 */
	public Summary summary(String environmentName, Instant protectedSince) {
		String inEnvironment = environmentName == null ? ""
				: " AND b.WORKSPACE_CRN IN (SELECT CRN FROM WS_WORKSPACE WHERE ENVIRONMENT_NAME = ?)";
		List<Object> env = environmentName == null ? List.of() : List.of(environmentName);
		int workspaces = count("SELECT COUNT(*) FROM WS_WORKSPACE WHERE " + WorkspaceRepository.NOT_SCRATCH
				+ (environmentName == null ? "" : " AND ENVIRONMENT_NAME = ?"), env);
		int protectedRecently = count(
				"SELECT COUNT(DISTINCT b.WORKSPACE_CRN) FROM WS_BACKUP b WHERE b.STATUS = ? " + "AND b.CREATED_AT >= ?"
						+ inEnvironment,
				concat(List.of(BackupStatus.SUCCEEDED.text(), Times.toDb(protectedSince)), env));
		int never = count("SELECT COUNT(*) FROM WS_WORKSPACE w WHERE w." + WorkspaceRepository.NOT_SCRATCH
				+ " AND NOT EXISTS (SELECT 1 FROM WS_BACKUP b2 WHERE " + "b2.WORKSPACE_CRN = w.CRN AND b2.STATUS = ?)"
				+ (environmentName == null ? "" : " AND w.ENVIRONMENT_NAME = ?"),
				concat(List.of(BackupStatus.SUCCEEDED.text()), env));
		// a failed backup is the last attempt when no backup of its workspace (other than
		// one being deleted) is newer, ties broken as NEWEST_FIRST does
		int failing = count(
				"SELECT COUNT(DISTINCT b.WORKSPACE_CRN) FROM WS_BACKUP b WHERE b.STATUS = ?" + inEnvironment
						+ " AND NOT EXISTS (SELECT 1 FROM WS_BACKUP n WHERE n.WORKSPACE_CRN = b.WORKSPACE_CRN "
						+ "AND n.STATUS <> ? AND n.CRN <> b.CRN AND (n.CREATED_AT > b.CREATED_AT OR (n.CREATED_AT = "
						+ "b.CREATED_AT AND COALESCE(n.JOB_EXECUTION_ID, 9223372036854775807) > "
						+ "COALESCE(b.JOB_EXECUTION_ID, 9223372036854775807))))",
				concat(concat(List.of(BackupStatus.FAILED.text()), env), List.of(BackupStatus.DELETING.text())));
		int running = count(
				"SELECT COUNT(*) FROM WS_WORKSPACE w WHERE w." + WorkspaceRepository.NOT_SCRATCH
						+ " AND (w.STATUS IN (?, ?) OR w.CRN IN (SELECT "
						+ "b.WORKSPACE_CRN FROM WS_BACKUP b WHERE b.STATUS IN (?, ?)))"
						+ (environmentName == null ? "" : " AND w.ENVIRONMENT_NAME = ?"),
				concat(List.of(WorkspaceStatus.BACKUP_STARTED.text(), WorkspaceStatus.RESTORE_STARTED.text(),
						BackupStatus.RUNNING.text(), BackupStatus.CANCELLING.text()), env));
		return new Summary(workspaces, protectedRecently, failing, running, never);
	}

	private int count(String sql, List<Object> params) {
		return jdbc.sql(sql).params(params).query(Integer.class).single();
	}

	private static List<Object> concat(List<Object> a, List<Object> b) {
		List<Object> all = new ArrayList<>(a);
		all.addAll(b);
		return all;
	}

	/**
	 * The names of these backups and workspaces (a job's parameters name them by CRN):
	 * CRN → name, with a backup's workspace as {@code workspaceCrn → name} too. Unknown
	 * (deleted) ones are absent.
	 */
	public record Names(Map<String, String> workspaces, Map<String, String> backups,
			Map<String, String> workspaceOfBackup) {
	}

	public Names names(Collection<String> backupCrns, Collection<String> workspaceCrns) {
		Map<String, String> workspaces = new HashMap<>();
		Map<String, String> backups = new HashMap<>();
		Map<String, String> workspaceOfBackup = new HashMap<>();
		if (!backupCrns.isEmpty()) {
			jdbc.sql("SELECT b.CRN, b.NAME, w.CRN, w.NAME FROM WS_BACKUP b JOIN WS_WORKSPACE w ON w.CRN = "
					+ "b.WORKSPACE_CRN WHERE b.CRN IN ("
					+ backupCrns.stream().map((c) -> "?").collect(Collectors.joining(", ")) + ")")
				.params(new ArrayList<>(backupCrns))
				.query((rs) -> {
					backups.put(rs.getString(1), rs.getString(2));
					workspaces.put(rs.getString(3), rs.getString(4));
					workspaceOfBackup.put(rs.getString(1), rs.getString(3));
				});
		}
		if (!workspaceCrns.isEmpty()) {
			jdbc.sql("SELECT CRN, NAME FROM WS_WORKSPACE WHERE CRN IN ("
					+ workspaceCrns.stream().map((c) -> "?").collect(Collectors.joining(", ")) + ")")
				.params(new ArrayList<>(workspaceCrns))
				.query((rs) -> {
					workspaces.put(rs.getString(1), rs.getString(2));
				});
		}
		return new Names(workspaces, backups, workspaceOfBackup);
	}

	/** A LIKE pattern for "contains", with {@code !} escaping the wildcards. */
	static String containing(String text) {
		String escaped = text.toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_");
		return "%" + escaped + "%";
	}

	private static BackupLine backupLine(ResultSet rs, int row) throws SQLException {
		BackupStatus status = BackupStatus.of(rs.getString("STATUS"));
		boolean ended = status == BackupStatus.SUCCEEDED || status == BackupStatus.FAILED
				|| status == BackupStatus.CANCELLED;
		Instant completedAt = null;
		if (ended) {
			// Spring Batch keeps the JVM's local time; our own columns are UTC
			LocalDateTime end = rs.getObject("END_TIME", LocalDateTime.class);
			completedAt = end != null ? end.atZone(ZoneId.systemDefault()).toInstant()
					: Times.fromDb(rs.getObject("UPDATED_AT", LocalDateTime.class));
		}
		long points = rs.getLong("RECOVERY_POINTS");
		long size = rs.getLong("SIZE_BYTES");
		boolean sizeUnknown = rs.wasNull() || points == 0;
		return new BackupLine(Crn.parse(rs.getString("CRN")), rs.getString("NAME"),
				Crn.parse(rs.getString("WORKSPACE_CRN")), rs.getString("WORKSPACE_NAME"),
				rs.getString("ENVIRONMENT_NAME"), Times.fromDb(rs.getObject("CREATED_AT", LocalDateTime.class)),
				rs.getString("CREATOR_CRN"), rs.getString("WORKSPACE_VERSION"), status, rs.getString("FAILURE_REASON"),
				rs.getObject("JOB_EXECUTION_ID", Long.class), sizeUnknown ? null : size, (int) points, completedAt);
	}

	private static Event event(ResultSet rs, int row) throws SQLException {
		return new Event(rs.getLong("ID"), Times.fromDb(rs.getObject("OCCURRED_AT", LocalDateTime.class)),
				rs.getString("WORKSPACE_CRN"), rs.getString("BACKUP_CRN"), rs.getString("STEP"), rs.getString("LEVEL"),
				rs.getString("MESSAGE"), rs.getObject("PERCENT_DONE", Integer.class),
				rs.getObject("BYTES_TRANSFERRED", Long.class),
				Times.fromDb(rs.getObject("EXPECTED_COMPLETION", LocalDateTime.class)));
	}

}
