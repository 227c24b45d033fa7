package io.wsbackup.workspace;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A workspace's status, {@code <operation>:<phase>}, with the transitions it allows.
 * {@code installation:finished} is the one healthy resting state. A backup moves the
 * workspace to {@code backup:started} and, successful or not, back to the status it had
 * when the backup began.
 */
public enum WorkspaceStatus {

	INSTALLATION_STARTED("installation:started"), INSTALLATION_FINISHED("installation:finished"),
	INSTALLATION_FAILED("installation:failed"), BACKUP_STARTED("backup:started"), BACKUP_FINISHED("backup:finished"),
	BACKUP_FAILED("backup:failed"), RESTORE_STARTED("restore:started"), RESTORE_FAILED("restore:failed");

	private static final Map<WorkspaceStatus, Set<WorkspaceStatus>> ALLOWED = Map.of(INSTALLATION_STARTED,
			EnumSet.of(INSTALLATION_FINISHED, INSTALLATION_FAILED), INSTALLATION_FINISHED, EnumSet.of(BACKUP_STARTED),
			INSTALLATION_FAILED, EnumSet.of(INSTALLATION_STARTED), BACKUP_STARTED,
			EnumSet.of(BACKUP_FINISHED, BACKUP_FAILED), BACKUP_FINISHED, EnumSet.of(INSTALLATION_FINISHED),
			BACKUP_FAILED, EnumSet.of(INSTALLATION_FINISHED), RESTORE_STARTED,
			EnumSet.of(INSTALLATION_FINISHED, RESTORE_FAILED), RESTORE_FAILED, EnumSet.of(RESTORE_STARTED));

	private final String text;

	WorkspaceStatus(String text) {
		this.text = text;
	}

	/** The status as the API shows it, for example {@code installation:finished}. */
	public String text() {
		return text;
	}

	public boolean canMoveTo(WorkspaceStatus next) {
		return ALLOWED.get(this).contains(next);
	}

	/**
	 * Parses the API form.
	 * @throws IllegalArgumentException for an unknown status
	 */
	public static WorkspaceStatus of(String text) {
		return Arrays.stream(values())
			.filter((s) -> s.text.equals(text))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("unknown workspace status '" + text + "'"));
	}

	@Override
	public String toString() {
		return text;
	}

}
