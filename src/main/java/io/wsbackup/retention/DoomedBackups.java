package io.wsbackup.retention;

import java.time.Clock;
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
	 * The schedule's backups that {@link #of} keeps only because each is the newest
	 * verified backup of its workspace.
	 */
	public List<RetentionPolicy.Kept> keptAsNewestVerified(String creatorCrn, Retention retention) {
		List<Backup> listed = backups.listByCreator(creatorCrn);
		return RetentionPolicy.keptAsNewestVerified(retention, listed, verified(listed), clock.instant());
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
