package io.wsbackup.retention;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.Verification;
import io.wsbackup.workspace.Crn;

import org.springframework.stereotype.Component;

/**
 * The backups a schedule's retention no longer keeps, as of now: the
 * {@link RetentionPolicy} applied to the catalog's backups of the schedule's creator CRN
 * and to which of them are verified. Both the preview and the sweep ask it; it deletes
 * nothing.
 */
@Component
public class DoomedBackups {

	private final BackupRepository backups;

	private final Clock clock;

	public DoomedBackups(BackupRepository backups, Clock clock) {
		this.backups = backups;
		this.clock = clock;
	}

	/** The schedule's doomed backups, of every workspace, and why. */
	public List<RetentionPolicy.Doomed> of(String creatorCrn, Retention retention) {
		List<Backup> listed = backups.listByCreator(creatorCrn);
		return RetentionPolicy.doomed(retention, listed, verified(listed), clock.instant());
	}

	/**
	 * What the next sweep would do, from one read of the catalog: the doomed backups, and
	 * those kept only because each is the newest verified backup of its workspace.
	 */
	public Preview preview(String creatorCrn, Retention retention) {
		List<Backup> listed = backups.listByCreator(creatorCrn);
		Set<Crn> verified = verified(listed);
		Instant now = clock.instant();
		return new Preview(RetentionPolicy.doomed(retention, listed, verified, now),
				RetentionPolicy.keptAsNewestVerified(retention, listed, verified, now));
	}

	/**
	 * A retention preview.
	 *
	 * @param doomed what the sweep would delete, and why
	 * @param kept what it keeps only as a workspace's newest verified backup
	 */
	public record Preview(List<RetentionPolicy.Doomed> doomed, List<RetentionPolicy.Kept> kept) {
	}

	private Set<Crn> verified(List<Backup> listed) {
		Set<Crn> verified = new HashSet<>();
		backups.verifications(listed.stream().map(Backup::crn).toList()).forEach((crn, v) -> {
			if (v.status() == Verification.Status.VERIFIED) {
				verified.add(crn);
			}
		});
		return verified;
	}

}
