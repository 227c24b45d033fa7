package io.wsbackup.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;

/**
 * Which of a schedule's backups a retention sweep ({@code enforceRetention}) deletes, per
 * workspace: of the succeeded ones, those beyond the newest {@code keep-last} and those
 * older than {@code max-age}, but never the newest succeeded one; of the failed and
 * cancelled ones, those older than {@code max-age}. Running, cancelling and deleting
 * backups are left alone. Pure: the same backups and time give the same answer.
 */
public final class RetentionPolicy {

	/** A backup the sweep deletes, and why. */
	public record Doomed(Backup backup, String reason) {
	}

	private RetentionPolicy() {
	}

	/**
	 * @param backups the schedule's backups, of any workspaces
	 * @param now the time ages are counted to
	 */
	public static List<Doomed> doomed(Retention retention, List<Backup> backups, Instant now) {
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
		byWorkspace.values().forEach((list) -> doomed.addAll(doomedOfOneWorkspace(retention, list, now)));
		return doomed;
	}

	private static List<Doomed> doomedOfOneWorkspace(Retention retention, List<Backup> newestFirst, Instant now) {
		List<Doomed> doomed = new ArrayList<>();
		int succeeded = 0;
		for (Backup b : newestFirst) {
			Duration age = Duration.between(b.createdAt(), now);
			boolean tooOld = retention.maxAge() != null && age.compareTo(retention.maxAge()) > 0;
			if (b.status() == BackupStatus.SUCCEEDED) {
				succeeded++;
				if (succeeded == 1) {
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
