package io.wsbackup.catalog;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a backup stands in the catalog, with the transitions it allows. A failed or
 * cancelled backup may be run again (restart) and so goes back to {@code running}; only a
 * {@code succeeded} backup can be restored.
 */
public enum BackupStatus {

	RUNNING("running"), CANCELLING("cancelling"), SUCCEEDED("succeeded"), FAILED("failed"), CANCELLED("cancelled"),
	DELETING("deleting");

	private static final Map<BackupStatus, Set<BackupStatus>> ALLOWED = Map.of(RUNNING,
			EnumSet.of(CANCELLING, SUCCEEDED, FAILED, CANCELLED), CANCELLING, EnumSet.of(CANCELLED, FAILED), SUCCEEDED,
			EnumSet.of(DELETING), FAILED, EnumSet.of(RUNNING, DELETING), CANCELLED, EnumSet.of(RUNNING, DELETING),
			DELETING, EnumSet.noneOf(BackupStatus.class));

	private final String text;

	BackupStatus(String text) {
		this.text = text;
	}

	/** The status as the API shows it, for example {@code succeeded}. */
	public String text() {
		return text;
	}

	public boolean canMoveTo(BackupStatus next) {
		return ALLOWED.get(this).contains(next);
	}

	/** The backup's job may still change it: it is running or being deleted. */
	public boolean isActive() {
		return this == RUNNING || this == CANCELLING || this == DELETING;
	}

	public static BackupStatus of(String text) {
		return Arrays.stream(values())
			.filter((s) -> s.text.equals(text))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("unknown backup status '" + text + "'"));
	}

	@Override
	public String toString() {
		return text;
	}

}
