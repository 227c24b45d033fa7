package io.wsbackup.notification;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every outcome an operator can be told of. A target names the ones it wants by
 * {@link #configName()} in {@code wsbackup.notifications.targets.<name>.events}; a
 * CloudEvent carries {@link #type()}.
 */
public enum NotificationEvent {

	BACKUP_SUCCEEDED("backup-succeeded", "a backup succeeded: its workspace is protected"),

	BACKUP_FAILED("backup-failed", "a backup failed (not a timeout)"),

	BACKUP_CANCELLED("backup-cancelled", "a backup was cancelled"),

	BACKUP_TIMED_OUT("backup-timed-out", "a backup failed because its timeout ended"),

	BACKUP_WILL_MISS_TIMEOUT("backup-will-miss-timeout",
			"a running backup's estimated completion lies after its timeout (told once per backup)"),

	RESTORE_SUCCEEDED("restore-succeeded", "a restore ended with its new workspace installed"),

	RESTORE_FAILED("restore-failed", "a restore failed"),

	DELETE_FAILED("delete-failed", "deleting a backup failed; it stays deleting"),

	VERIFICATION_FAILED("verification-failed", "a verifyBackup found a backup unsound"),

	DRILL_FAILED("drill-failed", "a restore drill failed: the backup was not proven restorable"),

	SCHEDULE_SKIPPED("schedule-skipped", "a schedule skipped a workspace's backup or drill"),

	RUNNER_TOOK_OVER("runner-took-over", "a runner took over a job (or a launch) of a runner that died"),

	TEST("test", "sent by sendTestNotification; a target always receives it");

	private final String configName;

	private final String meaning;

	NotificationEvent(String configName, String meaning) {
		this.configName = configName;
		this.meaning = meaning;
	}

	/** How configuration, the API and the metric's {@code event} tag name it. */
	public String configName() {
		return configName;
	}

	/** The CloudEvent type: {@code io.wsbackup.backup.failed}, ... */
	public String type() {
		return "io.wsbackup." + configName.replaceFirst("-", ".");
	}

	public String meaning() {
		return meaning;
	}

	public static Optional<NotificationEvent> of(String configName) {
		return Arrays.stream(values()).filter((e) -> e.configName.equals(configName)).findFirst();
	}

	/** The events a target may name (the test event is not one: every target gets it). */
	public static List<NotificationEvent> subscribable() {
		return Arrays.stream(values()).filter((e) -> e != TEST).toList();
	}

}
