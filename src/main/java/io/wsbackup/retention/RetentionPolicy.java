package io.wsbackup.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.workspace.Crn;

/**
 * Which of a schedule's backups a retention sweep ({@code enforceRetention}) deletes, per
 * workspace: of the succeeded ones, those beyond the newest {@code keep-last} and those
 * older than {@code max-age}, but never the newest succeeded one nor the newest verified
 * one (found sound where it lies by {@code verifyBackup}); of the failed and cancelled
 * ones, those older than {@code max-age}. Running, cancelling and deleting backups are
 * left alone. Pure: the same backups and time give the same answer.
 */
public final class RetentionPolicy {

	/** A backup the sweep deletes, and why. */
	public record Doomed(Backup backup, String reason) {
	}

	/** A backup the sweep would delete but keeps, and why. */
	public record Kept(Backup backup, String reason) {
	}

	/** Why the newest verified backup of a workspace stays. */
	static final String NEWEST_VERIFIED = "the newest verified backup of its workspace";

	private RetentionPolicy() {
	}

	/**
	 * @param backups the schedule's backups, of any workspaces
	 * @param now the time ages are counted to
	 */
	public static List<Doomed> doomed(Retention retention, List<Backup> backups, Instant now) {
		return doomed(retention, backups, Set.of(), now);
	}

	/**
	 * @param backups the schedule's backups, of any workspaces
	 * @param verified which of them are {@code verified}
	 * @param now the time ages are counted to
	 */
	public static List<Doomed> doomed(Retention retention, List<Backup> backups, Set<Crn> verified, Instant now) {
		if (retention.isEmpty()) {
			return List.of();
		}
		Map<String, List<Backup>> byWorkspace = new LinkedHashMap<>();
		backups.stream()
			// MariaDB 10.x through Connector/J keeps whole seconds, so two backups of one
			// second tie on createdAt: the later launched (higher job execution) is newer
			.sorted(Comparator.comparing(Backup::createdAt)
				.thenComparing(Backup::jobExecutionId, Comparator.nullsFirst(Comparator.naturalOrder()))
				.reversed())
			.forEach((b) -> byWorkspace.computeIfAbsent(b.workspaceCrn().toString(), (k) -> new ArrayList<>()).add(b));
		List<Doomed> doomed = new ArrayList<>();
		byWorkspace.values().forEach((list) -> doomed.addAll(doomedOfOneWorkspace(retention, list, verified, now)));
		return doomed;
	}

	/**
	 * The backups that {@link #doomed} keeps only because each is the newest verified
	 * backup of its workspace (what the retention preview says it kept).
	 */
	public static List<Kept> keptAsNewestVerified(Retention retention, List<Backup> backups, Set<Crn> verified,
			Instant now) {
		Set<Crn> doomed = new HashSet<>();
		doomed(retention, backups, verified, now).forEach((d) -> doomed.add(d.backup().crn()));
		return doomed(retention, backups, now).stream()
			.filter((d) -> !doomed.contains(d.backup().crn()))
			.map((d) -> new Kept(d.backup(), NEWEST_VERIFIED))
			.toList();
	}

	private static List<Doomed> doomedOfOneWorkspace(Retention retention, List<Backup> newestFirst, Set<Crn> verified,
			Instant now) {
		List<Doomed> doomed = new ArrayList<>();
		int succeeded = 0;
		boolean verifiedKept = false;
		for (Backup b : newestFirst) {
			Duration age = Duration.between(b.createdAt(), now);
			boolean tooOld = retention.maxAge() != null && age.compareTo(retention.maxAge()) > 0;
			if (b.status() == BackupStatus.SUCCEEDED) {
				succeeded++;
				boolean newestVerified = !verifiedKept && verified.contains(b.crn());
				verifiedKept |= newestVerified;
				if (succeeded == 1 || newestVerified) {
					continue;
				}
				if (retention.keepLast() != null && succeeded > retention.keepLast()) {
					doomed.add(new Doomed(b, "beyond the newest " + retention.keepLast() + " succeeded backups"));
				}
				else if (tooOld) {
					doomed.add(new Doomed(b, "older than " + retention.maxAge()));
				}
			}
			else if ((b.status() == BackupStatus.FAILED || b.status() == BackupStatus.CANCELLED) && tooOld) {
				doomed.add(new Doomed(b, b.status().text() + " and older than " + retention.maxAge()));
			}
		}
		return doomed;
	}

}
