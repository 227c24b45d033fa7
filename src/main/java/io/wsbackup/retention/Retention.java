package io.wsbackup.retention;

import java.time.Duration;

/**
 * What the retention sweep keeps of a schedule's backups of each workspace (its
 * {@code retention} in the schedule file). Its text is part of the schedule's
 * fingerprint: keep the record's name and components.
 *
 * @param keepLast keep this many of the newest successful backups ({@code null}: no count
 * limit)
 * @param maxAge delete backups older than this ({@code null}: no age limit)
 */
public record Retention(Integer keepLast, Duration maxAge) {

	public boolean isEmpty() {
		return this.keepLast == null && this.maxAge == null;
	}

}
