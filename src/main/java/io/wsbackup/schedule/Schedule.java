package io.wsbackup.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.wsbackup.retention.Retention;

/**
 * One schedule, as declared in a file of the schedules directory (see
 * {@code schedules/README.md}): when it fires, which workspaces it backs up (or drills),
 * how the backups are named, spread and capped, and how long they are kept.
 *
 * @param kind what a fire starts per workspace: a backup, or a restore drill of its
 * newest succeeded backup
 * @param name unique among all schedule files; part of the Quartz keys and of the creator
 * CRN of its backups
 * @param cron a Quartz cron expression (seconds first)
 * @param timeZone the zone the cron expression and the backup name pattern are read in
 * @param workspaces which workspaces a fire backs up
 * @param backupName the backup name pattern, e.g. {@code nightly-{yyyyMMdd-HHmm}}: the
 * part in braces is a {@link DateTimeFormatter} pattern applied to the fire time;
 * {@code null} for a drill schedule
 * @param startWindow a workspace's backup that cannot start within this long after its
 * slot (the fire time plus its stagger offset) is skipped, with an event
 * @param timeout each backup's timeout ({@code null}: the runner's default)
 * @param stagger the workspaces' starts are spread evenly over this period
 * @param maxConcurrent at most this many backups of the schedule run at once
 * @param retention what the retention sweep keeps (always empty for a drill schedule)
 * @param paused whether the schedule is paused when it is added or its file changes
 * @param source the file and line it was declared at, for messages
 */
public record Schedule(Kind kind, String name, String cron, ZoneId timeZone, WorkspaceSelector workspaces,
		String backupName, Duration startWindow, Duration timeout, Duration stagger, int maxConcurrent,
		Retention retention, boolean paused, String source) {

	private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]+)}");

	/**
	 * What a schedule starts for each matched workspace: a backup
	 * ({@code backupWorkspace}) or a restore drill of its newest succeeded backup
	 * ({@code drillBackup}).
	 */
	public enum Kind {

		BACKUP, DRILL;

		/**
		 * The kind as files, the API and the CLI show it: {@code backup} or
		 * {@code drill}.
		 */
		public String text() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	public boolean isDrill() {
		return this.kind == Kind.DRILL;
	}

	/** The backup name for a fire at the given time. */
	public String backupNameAt(Instant fireTime) {
		Matcher m = PLACEHOLDER.matcher(this.backupName);
		StringBuilder out = new StringBuilder();
		while (m.find()) {
			String formatted = DateTimeFormatter.ofPattern(m.group(1)).withZone(this.timeZone).format(fireTime);
			m.appendReplacement(out, Matcher.quoteReplacement(formatted));
		}
		m.appendTail(out);
		return out.toString();
	}

	/**
	 * What a definition looks like to the store: when it differs from the one recorded
	 * with the schedule's Quartz job, the file changed.
	 */
	public String fingerprint() {
		// a backup schedule's fingerprint is what it was before drills existed, so that
		// no stored schedule counts as changed (and loses its pause) on the upgrade
		String prefix = isDrill() ? "drill|" : "";
		return prefix + String.join("|", this.cron, this.timeZone.getId(), this.workspaces.toString(), this.backupName,
				String.valueOf(this.startWindow), String.valueOf(this.timeout), String.valueOf(this.stagger),
				String.valueOf(this.maxConcurrent), this.retention.toString(), String.valueOf(this.paused));
	}

	/**
	 * Which workspaces a fire backs up: all registered ones, those of one environment, or
	 * a list of CRNs.
	 *
	 * @param all every registered workspace
	 * @param environment the workspaces of this environment, or {@code null}
	 * @param crns these workspaces (those no longer registered are skipped with a log
	 * line), or empty
	 */
	public record WorkspaceSelector(boolean all, String environment, List<String> crns) {

		@Override
		public String toString() {
			return this.all ? "all"
					: (this.environment != null) ? "environment=" + this.environment : "crns=" + this.crns;
		}

	}

}
