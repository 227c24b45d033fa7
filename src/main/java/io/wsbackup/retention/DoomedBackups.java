package io.wsbackup.retention;

import java.time.Clock;
import java.util.List;

import io.wsbackup.catalog.BackupRepository;

import org.springframework.stereotype.Component;

/**
 * The backups a schedule's retention no longer keeps, as of now: the
 * {@link RetentionPolicy} applied to the catalog's backups of the schedule's creator CRN.
 * Both the preview and the sweep ask it; it deletes nothing.
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
		return RetentionPolicy.doomed(retention, backups.listByCreator(creatorCrn), clock.instant());
	}

}
