package io.wsbackup.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.wsbackup.notification.Notice;
import io.wsbackup.notification.NotificationEvent;
import io.wsbackup.notification.Notifications;
import io.wsbackup.system.Json;
import io.wsbackup.system.Times;
import io.wsbackup.workspace.CapturedWorkloads;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ResourceKind;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The backup catalog: tables {@code WS_BACKUP} and {@code WS_RECOVERY_POINT}. */
@Repository
public class BackupRepository {

	private static final String COLUMNS = "CRN, WORKSPACE_CRN, NAME, CREATOR_CRN, CREATED_AT, WORKSPACE_VERSION, STATUS, "
			+ "TIMEOUT_MINUTES, VAULT_NAME, FAILURE_REASON, WARNINGS, JOB_EXECUTION_ID";

	private static final String QUALIFIED_COLUMNS = "b." + COLUMNS.replace(", ", ", b.");

	private final JdbcClient jdbc;

	private final Clock clock;

	private final Notifications notifications;

	public BackupRepository(JdbcClient jdbc, Clock clock, Notifications notifications) {
		this.jdbc = jdbc;
		this.clock = clock;
		this.notifications = notifications;
	}

	/**
	 * Adds a catalog entry.
	 * @throws DuplicateKeyException when the workspace already has a backup of that name
	 */
	public void insert(Backup b) {
		jdbc.sql("INSERT INTO WS_BACKUP (" + COLUMNS + ", UPDATED_AT) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")
			.params(b.crn().toString(), b.workspaceCrn().toString(), b.name(), b.creatorCrn(),
					Times.toDb(b.createdAt()), b.workspaceVersion(), b.status().text(), b.timeoutMinutes(),
					b.vaultName(), b.failureReason(), Json.writeStrings(b.warnings()), b.jobExecutionId(),
					Times.toDb(clock.instant()))
			.update();
	}

	public Optional<Backup> find(Crn crn) {
		return jdbc.sql("SELECT " + COLUMNS + " FROM WS_BACKUP WHERE CRN = ?")
			.param(crn.toString())
			.query(BackupRepository::map)
			.optional();
	}

	/** A backup's catalog entry and a workspace, as one statement reads them. */
	public record WithWorkspace(Backup backup, Workspace workspace) {
	}

	/**
	 * A backup's catalog entry and a workspace (the backup's, or the one a restore
	 * makes), read in one statement: what a job's step checks before each chunk.
	 * @return empty when the backup is not in the catalog; its workspace {@code null}
	 * when that is not registered
	 */
	public Optional<WithWorkspace> findWithWorkspace(Crn crn, Crn workspaceCrn) {
		return jdbc
			.sql("SELECT " + QUALIFIED_COLUMNS + ", " + WorkspaceRepository.columns("w", "W_")
					+ " FROM WS_BACKUP b LEFT JOIN WS_WORKSPACE w ON w.CRN = ? WHERE b.CRN = ?")
			.params(workspaceCrn.toString(), crn.toString())
			.query((rs, row) -> new WithWorkspace(map(rs, row), WorkspaceRepository.map(rs, "W_")))
			.optional();
	}

	/** A workspace's backups, newest first. */
	public List<Backup> listByWorkspace(Crn workspaceCrn) {
		return jdbc.sql("SELECT " + COLUMNS + " FROM WS_BACKUP WHERE WORKSPACE_CRN = ? ORDER BY CREATED_AT DESC, CRN")
			.param(workspaceCrn.toString())
			.query(BackupRepository::map)
			.list();
	}

	/** The backups one creator made (a schedule, for instance), newest first. */
	public List<Backup> listByCreator(String creatorCrn) {
		return jdbc.sql("SELECT " + COLUMNS + " FROM WS_BACKUP WHERE CREATOR_CRN = ? ORDER BY CREATED_AT DESC, CRN")
			.param(creatorCrn)
			.query(BackupRepository::map)
			.list();
	}

	/**
	 * How many backups of this creator are running or cancelling (a schedule's cap),
	 * counted in the store (index WS_BACKUP_BY_CREATOR_STATUS).
	 */
	public long countActiveByCreator(String creatorCrn) {
		return jdbc.sql("SELECT COUNT(*) FROM WS_BACKUP WHERE CREATOR_CRN = ? AND STATUS IN (?, ?)")
			.params(creatorCrn, BackupStatus.RUNNING.text(), BackupStatus.CANCELLING.text())
			.query(Long.class)
			.single();
	}

	public boolean nameTaken(Crn workspaceCrn, String name) {
		return jdbc.sql("SELECT COUNT(*) FROM WS_BACKUP WHERE WORKSPACE_CRN = ? AND NAME = ?")
			.params(workspaceCrn.toString(), name)
			.query(Integer.class)
			.single() > 0;
	}

	/**
	 * The workspace's backups still being made (running or cancelling); a delete in
	 * progress does not count.
	 */
	public List<Backup> activeFor(Crn workspaceCrn) {
		return jdbc.sql("SELECT " + COLUMNS + " FROM WS_BACKUP WHERE WORKSPACE_CRN = ? AND STATUS IN (?, ?)")
			.params(workspaceCrn.toString(), BackupStatus.RUNNING.text(), BackupStatus.CANCELLING.text())
			.query(BackupRepository::map)
			.list();
	}

	/**
	 * Moves a backup from one status to another if it is still in the first, setting or
	 * clearing its failure reason. A backup that ends (succeeded, failed, cancelled) is
	 * told to the notification targets that want it, in the same transaction.
	 * @return whether it moved
	 * @throws IllegalStateException when the transition table does not allow the move
	 */
	public boolean moveStatus(Crn crn, BackupStatus from, BackupStatus to, String failureReason) {
		NotificationEvent ended = switch (to) {
			case SUCCEEDED -> NotificationEvent.BACKUP_SUCCEEDED;
			case CANCELLED -> NotificationEvent.BACKUP_CANCELLED;
			case FAILED -> failureReason != null && failureReason.contains(TIMED_OUT)
					? NotificationEvent.BACKUP_TIMED_OUT : NotificationEvent.BACKUP_FAILED;
			default -> null;
		};
		java.util.function.BooleanSupplier move = () -> putBack(crn, from, to, failureReason);
		if (ended == null) {
			return move.getAsBoolean();
		}
		return notifications.atomically(() -> {
			boolean moved = move.getAsBoolean();
			if (moved) {
				notifications.record(ended, () -> find(crn).map((b) -> notice(ended, b, null)).orElse(null));
			}
			return moved;
		});
	}

	/**
	 * Moves a backup's status telling no notification target: to put it back in the
	 * status it had before a move that did not go on (a reopen whose restart could not be
	 * launched), since its outcome did not change. {@link #moveStatus} writes through it.
	 * @throws IllegalStateException when the transition table does not allow the move
	 */
	public boolean putBack(Crn crn, BackupStatus from, BackupStatus to, String failureReason) {
		if (!from.canMoveTo(to)) {
			throw new IllegalStateException("a backup cannot go from " + from + " to " + to);
		}
		return jdbc
			.sql("UPDATE WS_BACKUP SET STATUS = ?, FAILURE_REASON = ?, UPDATED_AT = ? WHERE CRN = ? AND STATUS = ?")
			.params(to.text(), truncate(failureReason, 2000), Times.toDb(clock.instant()), crn.toString(), from.text())
			.update() == 1;
	}

	/**
	 * What a failure reason says when the backup's timeout ended (the notification
	 * {@code backup-timed-out} tells those apart).
	 */
	public static final String TIMED_OUT = "the backup timed out";

	/**
	 * Tells the notification targets that want it something about a backup that changes
	 * nothing in the catalog (a timeout it will miss, a delete that failed), at once.
	 * @param backup the catalog entry as the caller just read it
	 */
	public void tell(NotificationEvent event, Backup backup, String message) {
		notifications.record(event, () -> notice(event, backup, message));
	}

	/** A notification about a backup, its catalog entry as data. */
	public Notice notice(NotificationEvent event, Backup b, String message) {
		Map<String, Object> data = new java.util.LinkedHashMap<>(Notice.fields("backupCrn", b.crn().toString(),
				"backupName", b.name(), "workspaceCrn", b.workspaceCrn().toString()));
		data.putAll(notifications.outbox().workspaceNames(b.workspaceCrn().toString()));
		data.putAll(Notice.fields("status", b.status().text(), "failureReason", b.failureReason(), "createdAt",
				b.createdAt().toString(), "creatorCrn", b.creatorCrn()));
		Object workspace = data.getOrDefault("workspaceName", b.workspaceCrn().toString());
		String text = message != null ? message : "backup " + b.name() + " of workspace " + workspace + " "
				+ b.status().text() + (b.failureReason() == null ? "" : ": " + b.failureReason());
		return new Notice(event, b.workspaceCrn().toString(), b.crn().toString(), Notice.scheduleOf(b.creatorCrn()),
				text, data);
	}

	public void setJobExecutionId(Crn crn, long jobExecutionId) {
		jdbc.sql("UPDATE WS_BACKUP SET JOB_EXECUTION_ID = ?, UPDATED_AT = ? WHERE CRN = ?")
			.params(jobExecutionId, Times.toDb(clock.instant()), crn.toString())
			.update();
	}

	/**
	 * Adds a warning unless the backup already has it (steps may run again on restart).
	 */
	public void addWarning(Crn crn, String warning) {
		Backup backup = find(crn).orElseThrow();
		if (backup.warnings().contains(warning)) {
			return;
		}
		if (backup.warnings().stream().anyMatch((w) -> w.startsWith(MORE_WARNINGS))) {
			return;
		}
		List<String> warnings = new ArrayList<>(backup.warnings());
		warnings.add(warning.length() > MAX_WARNING ? warning.substring(0, MAX_WARNING - 1) + "…" : warning);
		String stored = Json.writeStrings(warnings);
		if (stored.length() > WARNINGS_COLUMN) {
			// the column is full: a warning never fails the backup it warns about
			warnings.set(warnings.size() - 1, MORE_WARNINGS);
			stored = Json.writeStrings(warnings);
			while (stored.length() > WARNINGS_COLUMN && warnings.size() > 1) {
				warnings.remove(warnings.size() - 2);
				stored = Json.writeStrings(warnings);
			}
		}
		jdbc.sql("UPDATE WS_BACKUP SET WARNINGS = ?, UPDATED_AT = ? WHERE CRN = ?")
			.params(stored, Times.toDb(clock.instant()), crn.toString())
			.update();
	}

	/** WS_BACKUP.WARNINGS's size, in characters of its JSON list. */
	static final int WARNINGS_COLUMN = 4000;

	/** A warning's longest form in the catalog (its event keeps it whole). */
	static final int MAX_WARNING = 600;

	/** The last warning of a backup whose list is full. */
	static final String MORE_WARNINGS = "more warnings than the catalog keeps: see the backup's events";

	/** Removes a backup and its recovery point records from the catalog. */
	public void remove(Crn crn) {
		jdbc.sql("DELETE FROM WS_RECOVERY_POINT WHERE BACKUP_CRN = ?").param(crn.toString()).update();
		jdbc.sql("DELETE FROM WS_BACKUP WHERE CRN = ?").param(crn.toString()).update();
	}

	/** Stores what the workload adapter captured of the workspace at backup time. */
	public void saveCapturedWorkloads(Crn crn, CapturedWorkloads captured) {
		jdbc.sql(
				"UPDATE WS_BACKUP SET CAPTURED_WORKLOADS_FORMAT = ?, CAPTURED_WORKLOADS = ?, UPDATED_AT = ? WHERE CRN = ?")
			.params(captured.format(), captured.document(), Times.toDb(clock.instant()), crn.toString())
			.update();
	}

	/**
	 * What the workload adapter captured at backup time; nothing for a backup that
	 * captured nothing.
	 */
	public CapturedWorkloads capturedWorkloads(Crn crn) {
		return jdbc.sql("SELECT CAPTURED_WORKLOADS_FORMAT, CAPTURED_WORKLOADS FROM WS_BACKUP WHERE CRN = ?")
			.param(crn.toString())
			.query((rs, row) -> rs.getString(1) == null ? CapturedWorkloads.NOTHING
					: new CapturedWorkloads(rs.getString(1), rs.getString(2) == null ? "" : rs.getString(2)))
			.optional()
			.orElse(CapturedWorkloads.NOTHING);
	}

	/**
	 * Records a recovery point of a backup; recording the same resource again keeps the
	 * first record.
	 */
	public void recordRecoveryPoint(RecoveryPoint rp) {
		try {
			jdbc.sql("INSERT INTO WS_RECOVERY_POINT (BACKUP_CRN, RESOURCE_ID, RESOURCE_KIND, CLOUD_JOB_ID, "
					+ "RECOVERY_POINT_ID, SIZE_BYTES, CREATED_AT) VALUES (?,?,?,?,?,?,?)")
				.params(rp.backupCrn(), rp.resource().id(), rp.resource().kind().name(), rp.cloudJobId(),
						rp.recoveryPointId(), rp.sizeBytes(), Times.toDb(rp.createdAt()))
				.update();
		}
		catch (DuplicateKeyException alreadyRecorded) {
			// a restarted recordCatalog step: the first record stands
		}
	}

	public List<RecoveryPoint> recoveryPoints(Crn backupCrn) {
		return jdbc.sql("SELECT * FROM WS_RECOVERY_POINT WHERE BACKUP_CRN = ? ORDER BY RESOURCE_KIND DESC, RESOURCE_ID")
			.param(backupCrn.toString())
			.query((rs, row) -> new RecoveryPoint(rs.getString("BACKUP_CRN"),
					new ProtectedResource(ResourceKind.valueOf(rs.getString("RESOURCE_KIND")),
							rs.getString("RESOURCE_ID")),
					rs.getString("CLOUD_JOB_ID"), rs.getString("RECOVERY_POINT_ID"),
					(Long) rs.getObject("SIZE_BYTES", Long.class),
					Times.fromDb(rs.getObject("CREATED_AT", LocalDateTime.class))))
			.list();
	}

	/**
	 * When each workspace last had a backup succeed: the newest succeeded backup's
	 * recording in the catalog (the time its recovery points were recorded, by the step
	 * that makes it {@code succeeded}; its creation time when it has none). Workspaces
	 * without a succeeded backup are absent.
	 */
	public Map<Crn, Instant> lastSucceededAt() {
		Map<Crn, Instant> last = new HashMap<>();
		jdbc.sql("SELECT b.WORKSPACE_CRN, MAX(COALESCE(rp.RECORDED_AT, b.CREATED_AT)) FROM WS_BACKUP b "
				+ "LEFT JOIN (SELECT BACKUP_CRN, MAX(CREATED_AT) AS RECORDED_AT FROM WS_RECOVERY_POINT "
				+ "GROUP BY BACKUP_CRN) rp ON rp.BACKUP_CRN = b.CRN WHERE b.STATUS = ? GROUP BY b.WORKSPACE_CRN")
			.param(BackupStatus.SUCCEEDED.text())
			.query((rs) -> {
				last.put(Crn.parse(rs.getString(1)), Times.fromDb(rs.getObject(2, LocalDateTime.class)));
			});
		return last;
	}

	/**
	 * The status of each of these backups (absent: not in the catalog), read a few
	 * hundred at a time.
	 */
	public Map<Crn, BackupStatus> statuses(Collection<Crn> crns) {
		Map<Crn, BackupStatus> found = new HashMap<>();
		List<Crn> all = List.copyOf(crns);
		for (int from = 0; from < all.size(); from += 500) {
			List<Crn> some = all.subList(from, Math.min(all.size(), from + 500));
			jdbc.sql("SELECT CRN, STATUS FROM WS_BACKUP WHERE CRN IN ("
					+ String.join(",", Collections.nCopies(some.size(), "?")) + ")")
				.params(some.stream().map(Crn::toString).toList())
				.query((rs) -> {
					found.put(Crn.parse(rs.getString(1)), BackupStatus.of(rs.getString(2)));
				});
		}
		return found;
	}

	/** How a backup was last verified; {@link Verification#NEVER} for an unknown one. */
	public Verification verification(Crn crn) {
		return verifications(List.of(crn)).getOrDefault(crn, Verification.NEVER);
	}

	/** How each of these backups was last verified (absent: not in the catalog). */
	public Map<Crn, Verification> verifications(Collection<Crn> crns) {
		Map<Crn, Verification> found = new HashMap<>();
		if (crns.isEmpty()) {
			return found;
		}
		jdbc.sql("SELECT CRN, VERIFICATION_STATUS, LAST_VERIFIED_AT, VERIFICATION_FAILURE, VERIFIED_BY, "
				+ "VERIFICATION_SECONDS FROM WS_BACKUP WHERE CRN IN ("
				+ String.join(",", Collections.nCopies(crns.size(), "?")) + ")")
			.params(crns.stream().map(Crn::toString).toList())
			.query((rs) -> {
				found.put(Crn.parse(rs.getString(1)),
						new Verification(Verification.Status.of(rs.getString(2)),
								Times.fromDb(rs.getObject(3, LocalDateTime.class)), rs.getString(4), rs.getString(5),
								rs.getObject(6) == null ? null : rs.getLong(6)));
			});
		return found;
	}

	/**
	 * Marks a backup {@code verifying}; its last outcome's time stays until the
	 * verification ends.
	 */
	public void verificationStarted(Crn crn) {
		jdbc.sql("UPDATE WS_BACKUP SET VERIFICATION_STATUS = ?, VERIFICATION_FAILURE = NULL, UPDATED_AT = ? "
				+ "WHERE CRN = ?")
			.params(Verification.Status.VERIFYING.text(), Times.toDb(clock.instant()), crn.toString())
			.update();
	}

	/**
	 * Records how a verification ended, now: {@code verified} when it found no problem,
	 * else {@code failed} with the problems, one per line, bounded like the warnings.
	 */
	public void verificationEnded(Crn crn, List<String> problems) {
		verificationEnded(crn, problems, Verification.IN_PLACE, null);
	}

	/**
	 * Records how a verification ended, now, how it was made
	 * ({@link Verification#IN_PLACE} or {@link Verification#DRILL}) and how long it took
	 * ({@code null}: not measured).
	 */
	public void verificationEnded(Crn crn, List<String> problems, String verifiedBy, java.time.Duration took) {
		NotificationEvent failed = problems.isEmpty() ? null : Verification.DRILL.equals(verifiedBy)
				? NotificationEvent.DRILL_FAILED : NotificationEvent.VERIFICATION_FAILED;
		notifications.atomically(() -> {
			writeVerification(crn, problems, verifiedBy, took);
			if (failed != null) {
				notifications.record(failed, () -> find(crn)
					.map((b) -> notice(failed, b,
							(failed == NotificationEvent.DRILL_FAILED ? "restore drill" : "verification")
									+ " of backup " + b.name() + " found it unsound: " + String.join("; ", problems)))
					.map((n) -> withProblems(n, problems, verifiedBy))
					.orElse(null));
			}
			return null;
		});
	}

	private static Notice withProblems(Notice n, List<String> problems, String verifiedBy) {
		Map<String, Object> data = new java.util.LinkedHashMap<>(n.data());
		data.put("verifiedBy", verifiedBy);
		data.put("problems", problems);
		return new Notice(n.event(), n.workspaceCrn(), n.subjectCrn(), n.schedule(), n.message(), data);
	}

	private void writeVerification(Crn crn, List<String> problems, String verifiedBy, java.time.Duration took) {
		Instant now = clock.instant();
		String failure = problems.isEmpty() ? null : truncate(String.join("\n", problems), WARNINGS_COLUMN);
		jdbc.sql("UPDATE WS_BACKUP SET VERIFICATION_STATUS = ?, LAST_VERIFIED_AT = ?, VERIFICATION_FAILURE = ?, "
				+ "VERIFIED_BY = ?, VERIFICATION_SECONDS = ?, UPDATED_AT = ? WHERE CRN = ?")
			.params((problems.isEmpty() ? Verification.Status.VERIFIED : Verification.Status.FAILED).text(),
					Times.toDb(now), failure, verifiedBy, took == null ? null : Math.max(0, took.toSeconds()),
					Times.toDb(now), crn.toString())
			.update();
	}

	/**
	 * When each workspace's newest verification that found its backup sound ended
	 * (workspaces without a verified backup are absent).
	 */
	public Map<Crn, Instant> lastVerifiedAt() {
		Map<Crn, Instant> last = new HashMap<>();
		jdbc.sql("SELECT WORKSPACE_CRN, MAX(LAST_VERIFIED_AT) FROM WS_BACKUP WHERE VERIFICATION_STATUS = ? "
				+ "GROUP BY WORKSPACE_CRN")
			.param(Verification.Status.VERIFIED.text())
			.query((rs) -> {
				last.put(Crn.parse(rs.getString(1)), Times.fromDb(rs.getObject(2, LocalDateTime.class)));
			});
		return last;
	}

	private static String truncate(String text, int max) {
		return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
	}

	private static Backup map(ResultSet rs, int row) throws SQLException {
		return new Backup(Crn.parse(rs.getString("CRN")), Crn.parse(rs.getString("WORKSPACE_CRN")),
				rs.getString("NAME"), rs.getString("CREATOR_CRN"),
				Times.fromDb(rs.getObject("CREATED_AT", LocalDateTime.class)), rs.getString("WORKSPACE_VERSION"),
				BackupStatus.of(rs.getString("STATUS")), rs.getInt("TIMEOUT_MINUTES"), rs.getString("VAULT_NAME"),
				rs.getString("FAILURE_REASON"), Json.readStrings(rs.getString("WARNINGS")),
				rs.getObject("JOB_EXECUTION_ID", Long.class));
	}

}
