package io.wsbackup.workspace;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import io.wsbackup.notification.Notice;
import io.wsbackup.notification.NotificationEvent;
import io.wsbackup.notification.Notifications;
import io.wsbackup.system.Json;
import io.wsbackup.system.Times;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The registered workspaces, in table {@code WS_WORKSPACE}. */
@Repository
public class WorkspaceRepository {

	private static final String COLUMNS = "CRN, NAME, ENVIRONMENT_NAME, ACCOUNT_ID, REGION, VERSION, STATUS, VOLUMES, "
			+ "SHARED_FILE_SYSTEM, EXTERNAL_NFS, CREATED_AT, RESTORED_FROM_BACKUP_CRN, NAMESPACES, NAMESPACE_SELECTOR, "
			+ "KUBE_CONTEXT, PROVISIONING_PARAMETERS";

	/**
	 * A drill's scratch workspace is never listed (so never scheduled, counted or shown
	 * among the workspaces): it exists only while its drill runs.
	 */
	public static final String NOT_SCRATCH = "DRILL_OF_BACKUP_CRN IS NULL";

	private final JdbcClient jdbc;

	private final Clock clock;

	private final Notifications notifications;

	public WorkspaceRepository(JdbcClient jdbc, Clock clock, Notifications notifications) {
		this.jdbc = jdbc;
		this.clock = clock;
		this.notifications = notifications;
	}

	/**
	 * Adds a workspace.
	 * @throws org.springframework.dao.DuplicateKeyException when its name is taken in its
	 * environment
	 */
	public void insert(Workspace w) {
		jdbc.sql("INSERT INTO WS_WORKSPACE (" + COLUMNS + ", UPDATED_AT) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
			.params(w.crn().toString(), w.name(), w.environmentName(), w.accountId(), w.region(), w.version(),
					w.status().text(), Json.writeStrings(w.storage().volumes()), w.storage().sharedFileSystem(),
					w.storage().externalNfs(), Times.toDb(w.createdAt()), w.restoredFromBackupCrn(),
					Json.writeStrings(w.workloads().namespaces()), w.workloads().namespaceSelector(),
					w.workloads().kubeContext(), w.provisioningParameters(), Times.toDb(clock.instant()))
			.update();
	}

	/**
	 * Marks a workspace as the scratch workspace of a drill of this backup (in the
	 * drill's launch transaction, after {@link #insert}).
	 */
	public void markScratch(Crn crn, String backupCrn) {
		jdbc.sql("UPDATE WS_WORKSPACE SET DRILL_OF_BACKUP_CRN = ? WHERE CRN = ?")
			.params(backupCrn, crn.toString())
			.update();
	}

	/**
	 * The backup whose drill this scratch workspace serves, or empty for any other
	 * workspace.
	 */
	public Optional<String> drillOf(Crn crn) {
		return jdbc
			.sql("SELECT DRILL_OF_BACKUP_CRN FROM WS_WORKSPACE WHERE CRN = ? AND DRILL_OF_BACKUP_CRN IS NOT NULL")
			.param(crn.toString())
			.query(String.class)
			.optional();
	}

	/**
	 * Deletes a drill's scratch workspace from the catalog; never any other workspace.
	 * @return whether it was there
	 */
	public boolean deleteScratch(Crn crn) {
		return jdbc.sql("DELETE FROM WS_WORKSPACE WHERE CRN = ? AND DRILL_OF_BACKUP_CRN IS NOT NULL")
			.param(crn.toString())
			.update() == 1;
	}

	/** The scratch workspaces of drills, oldest first. */
	public List<Workspace> scratchWorkspaces() {
		return jdbc
			.sql("SELECT " + COLUMNS + " FROM WS_WORKSPACE WHERE DRILL_OF_BACKUP_CRN IS NOT NULL ORDER BY CREATED_AT")
			.query(WorkspaceRepository::map)
			.list();
	}

	public Optional<Workspace> find(Crn crn) {
		return jdbc.sql("SELECT " + COLUMNS + " FROM WS_WORKSPACE WHERE CRN = ?")
			.param(crn.toString())
			.query(WorkspaceRepository::map)
			.optional();
	}

	public Optional<Workspace> findByName(String environmentName, String name) {
		return jdbc.sql("SELECT " + COLUMNS + " FROM WS_WORKSPACE WHERE ENVIRONMENT_NAME = ? AND NAME = ?")
			.params(environmentName, name)
			.query(WorkspaceRepository::map)
			.optional();
	}

	/**
	 * Holds the store's storage-admission lock until the caller's transaction ends, so
	 * that one registration at a time, on any runner, reads every workspace's storage and
	 * inserts its own (V10__registration_lock.sql).
	 */
	public void lockStorageAdmission() {
		jdbc.sql("SELECT NAME FROM WS_LOCK WHERE NAME = 'storage-admission' FOR UPDATE").query(String.class).list();
	}

	/**
	 * Every workspace, or those of one environment when it is given, by environment and
	 * name.
	 */
	public List<Workspace> list(String environmentName) {
		if (environmentName == null) {
			return jdbc
				.sql("SELECT " + COLUMNS + " FROM WS_WORKSPACE WHERE " + NOT_SCRATCH
						+ " ORDER BY ENVIRONMENT_NAME, NAME")
				.query(WorkspaceRepository::map)
				.list();
		}
		return jdbc
			.sql("SELECT " + COLUMNS + " FROM WS_WORKSPACE WHERE ENVIRONMENT_NAME = ? AND " + NOT_SCRATCH
					+ " ORDER BY NAME")
			.param(environmentName)
			.query(WorkspaceRepository::map)
			.list();
	}

	/**
	 * A page of workspaces by environment and name, after the given one (both
	 * {@code null} for the first page); of one environment and with a name containing a
	 * text (ignoring case) when given.
	 */
	public List<Workspace> page(String environmentName, String nameContains, String afterEnvironment, String afterName,
			int limit) {
		StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM WS_WORKSPACE WHERE " + NOT_SCRATCH);
		List<Object> params = new java.util.ArrayList<>();
		if (environmentName != null) {
			sql.append(" AND ENVIRONMENT_NAME = ?");
			params.add(environmentName);
		}
		if (nameContains != null && !nameContains.isEmpty()) {
			sql.append(" AND LOWER(NAME) LIKE ? ESCAPE '!'");
			params.add("%" + nameContains.toLowerCase(java.util.Locale.ROOT)
				.replace("!", "!!")
				.replace("%", "!%")
				.replace("_", "!_") + "%");
		}
		if (afterEnvironment != null && afterName != null) {
			sql.append(" AND (ENVIRONMENT_NAME > ? OR (ENVIRONMENT_NAME = ? AND NAME > ?))");
			params.add(afterEnvironment);
			params.add(afterEnvironment);
			params.add(afterName);
		}
		sql.append(" ORDER BY ENVIRONMENT_NAME, NAME LIMIT ?");
		params.add(limit);
		return jdbc.sql(sql.toString()).params(params).query(WorkspaceRepository::map).list();
	}

	/** Where the workspace's workloads run (set when a restore provisioned them). */
	public void updateWorkloads(Crn crn, WorkloadLocation location) {
		jdbc.sql("UPDATE WS_WORKSPACE SET NAMESPACES = ?, NAMESPACE_SELECTOR = ?, KUBE_CONTEXT = ?, UPDATED_AT = ? "
				+ "WHERE CRN = ?")
			.params(Json.writeStrings(location.namespaces()), location.namespaceSelector(), location.kubeContext(),
					Times.toDb(clock.instant()), crn.toString())
			.update();
	}

	/**
	 * The workspace's storage (set when a restore attached the restored volumes and file
	 * system).
	 */
	public void updateStorage(Crn crn, WorkspaceStorage storage) {
		jdbc.sql("UPDATE WS_WORKSPACE SET VOLUMES = ?, SHARED_FILE_SYSTEM = ?, EXTERNAL_NFS = ?, UPDATED_AT = ? "
				+ "WHERE CRN = ?")
			.params(Json.writeStrings(storage.volumes()), storage.sharedFileSystem(), storage.externalNfs(),
					Times.toDb(clock.instant()), crn.toString())
			.update();
	}

	/** The restore's outcome kept on the workspace it created. */
	public RestoreRecord restoreRecord(Crn crn) {
		return jdbc
			.sql("SELECT RESTORE_JOB_EXECUTION_ID, WARNINGS, MODEL_BUILDS_TO_REBUILD, RESTORE_TIMEOUT_MINUTES "
					+ "FROM WS_WORKSPACE WHERE CRN = ?")
			.param(crn.toString())
			.query((rs, row) -> new RestoreRecord(rs.getObject(1, Long.class), Json.readStrings(rs.getString(2)),
					Json.readStrings(rs.getString(3)), rs.getObject(4, Integer.class)))
			.optional()
			.orElse(new RestoreRecord(null, List.of(), List.of(), null));
	}

	/** Keeps the timeout a restore into this workspace was asked for. */
	public void setRestoreTimeoutMinutes(Crn crn, int minutes) {
		jdbc.sql("UPDATE WS_WORKSPACE SET RESTORE_TIMEOUT_MINUTES = ?, UPDATED_AT = ? WHERE CRN = ?")
			.params(minutes, Times.toDb(clock.instant()), crn.toString())
			.update();
	}

	public void setRestoreJobExecutionId(Crn crn, long jobExecutionId) {
		jdbc.sql("UPDATE WS_WORKSPACE SET RESTORE_JOB_EXECUTION_ID = ?, UPDATED_AT = ? WHERE CRN = ?")
			.params(jobExecutionId, Times.toDb(clock.instant()), crn.toString())
			.update();
	}

	public void setWarnings(Crn crn, List<String> warnings) {
		jdbc.sql("UPDATE WS_WORKSPACE SET WARNINGS = ?, UPDATED_AT = ? WHERE CRN = ?")
			.params(Json.writeStrings(warnings), Times.toDb(clock.instant()), crn.toString())
			.update();
	}

	public void setModelBuildsToRebuild(Crn crn, List<String> modelBuilds) {
		jdbc.sql("UPDATE WS_WORKSPACE SET MODEL_BUILDS_TO_REBUILD = ?, UPDATED_AT = ? WHERE CRN = ?")
			.params(Json.writeStrings(modelBuilds), Times.toDb(clock.instant()), crn.toString())
			.update();
	}

	/**
	 * The workspaces being restored from this backup right now ({@code restore:started}).
	 */
	public List<Workspace> restoringFrom(String backupCrn) {
		return jdbc.sql("SELECT " + COLUMNS + " FROM WS_WORKSPACE WHERE RESTORED_FROM_BACKUP_CRN = ? AND STATUS = ?")
			.params(backupCrn, WorkspaceStatus.RESTORE_STARTED.text())
			.query(WorkspaceRepository::map)
			.list();
	}

	/**
	 * Moves a workspace from one status to another if it is still in the first: a
	 * compare-and-set, so that two jobs cannot both take a workspace.
	 * @return whether the workspace was in {@code from} and is now in {@code to}
	 * @throws IllegalStateException when the transition table does not allow the move
	 */
	public boolean moveStatus(Crn crn, WorkspaceStatus from, WorkspaceStatus to) {
		return moveStatus(crn, from, to, null);
	}

	/**
	 * Moves a workspace's status like
	 * {@link #moveStatus(Crn, WorkspaceStatus, WorkspaceStatus)}; a restore that ends
	 * (its new workspace installed, or restore:failed, with {@code reason}) is told to
	 * the notification targets that want it, in the same transaction. A drill's scratch
	 * workspace tells nothing: its drill does.
	 */
	public boolean moveStatus(Crn crn, WorkspaceStatus from, WorkspaceStatus to, String reason) {
		if (!from.canMoveTo(to)) {
			throw new IllegalStateException("a workspace cannot go from " + from + " to " + to);
		}
		NotificationEvent restore = from != WorkspaceStatus.RESTORE_STARTED ? null
				: to == WorkspaceStatus.RESTORE_FAILED ? NotificationEvent.RESTORE_FAILED
						: to == WorkspaceStatus.INSTALLATION_FINISHED ? NotificationEvent.RESTORE_SUCCEEDED : null;
		java.util.function.BooleanSupplier move = () -> jdbc
			.sql("UPDATE WS_WORKSPACE SET STATUS = ?, UPDATED_AT = ? WHERE CRN = ? AND STATUS = ?")
			.params(to.text(), Times.toDb(clock.instant()), crn.toString(), from.text())
			.update() == 1;
		if (restore == null) {
			return move.getAsBoolean();
		}
		return notifications.atomically(() -> {
			boolean moved = move.getAsBoolean();
			if (moved) {
				notifications.record(restore, () -> drillOf(crn).isPresent() ? null
						: find(crn).map((w) -> restoreNotice(restore, w, reason)).orElse(null));
			}
			return moved;
		});
	}

	private static Notice restoreNotice(NotificationEvent event, Workspace w, String reason) {
		boolean failed = event == NotificationEvent.RESTORE_FAILED;
		String text = "restore of backup " + w.restoredFromBackupCrn() + " into workspace " + w.name() + " ("
				+ w.environmentName() + ") " + (failed ? "failed" : "succeeded: the workspace is " + w.status())
				+ (reason == null ? "" : ": " + reason);
		return new Notice(event, w.crn().toString(), w.crn().toString(), null, text,
				Notice.fields("workspaceCrn", w.crn().toString(), "workspaceName", w.name(), "environmentName",
						w.environmentName(), "backupCrn", w.restoredFromBackupCrn(), "status", w.status().text(),
						"failureReason", reason));
	}

	private static Workspace map(ResultSet rs, int row) throws SQLException {
		return map(rs, "");
	}

	/**
	 * The columns of a workspace for a query that joins {@code WS_WORKSPACE} as
	 * {@code alias} to another table, each named {@code prefix + column} (read them with
	 * {@link #map(ResultSet, String)}).
	 */
	public static String columns(String alias, String prefix) {
		return java.util.Arrays.stream(COLUMNS.split(", "))
			.map((c) -> alias + "." + c + " AS " + prefix + c)
			.collect(java.util.stream.Collectors.joining(", "));
	}

	/**
	 * The workspace of the current row, its columns named {@code prefix + column}, or
	 * {@code null} when the row has none (an outer join that found no workspace).
	 */
	public static Workspace map(ResultSet rs, String prefix) throws SQLException {
		String crn = rs.getString(prefix + "CRN");
		if (crn == null) {
			return null;
		}
		return new Workspace(Crn.parse(crn), rs.getString(prefix + "NAME"), rs.getString(prefix + "ENVIRONMENT_NAME"),
				rs.getString(prefix + "ACCOUNT_ID"), rs.getString(prefix + "REGION"), rs.getString(prefix + "VERSION"),
				WorkspaceStatus.of(rs.getString(prefix + "STATUS")),
				new WorkspaceStorage(Json.readStrings(rs.getString(prefix + "VOLUMES")),
						rs.getString(prefix + "SHARED_FILE_SYSTEM"), rs.getBoolean(prefix + "EXTERNAL_NFS")),
				Times.fromDb(rs.getObject(prefix + "CREATED_AT", java.time.LocalDateTime.class)),
				rs.getString(prefix + "RESTORED_FROM_BACKUP_CRN"),
				new WorkloadLocation(Json.readStrings(rs.getString(prefix + "NAMESPACES")),
						rs.getString(prefix + "NAMESPACE_SELECTOR"), rs.getString(prefix + "KUBE_CONTEXT")),
				rs.getString(prefix + "PROVISIONING_PARAMETERS"));
	}

}
