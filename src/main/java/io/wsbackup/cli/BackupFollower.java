package io.wsbackup.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code backup-workspace --wait}: polls {@code describeWorkspaceBackup} until the backup
 * is no longer running, printing a progress line on stderr whenever it changes, then
 * prints the outcome on stdout. Stopping the CLI does not stop the backup; it goes on in
 * the runner.
 */
final class BackupFollower {

	private static final String RUNNING = "running";

	private static final String SUCCEEDED = "succeeded";

	private static final String CANCELLED = "cancelled";

	private static final DateTimeFormatter TIME_OF_DAY = DateTimeFormatter.ofPattern("HH:mm:ss'Z'")
		.withZone(ZoneOffset.UTC);

	private final RunnerClient runner;

	private final JsonMapper json;

	private final PrintStream out;

	private final PrintStream err;

	private final Clock clock;

	private final Duration pollInterval;

	BackupFollower(RunnerClient runner, JsonMapper json, PrintStream out, PrintStream err, Clock clock,
			Duration pollInterval) {
		this.runner = runner;
		this.json = json;
		this.out = out;
		this.err = err;
		this.clock = clock;
		this.pollInterval = pollInterval;
	}

	/**
	 * Follows the backup that {@code backupWorkspace} started.
	 * @param started the answer of {@code backupWorkspace}: {@code {backupCrn,
	 * vaultName}}
	 * @return the exit code: 0 if the backup succeeded, 1 otherwise
	 */
	int follow(JsonNode started) {
		String backupCrn = started.path("backupCrn").asString();
		ObjectNode describe = this.json.createObjectNode().put("backupCrn", backupCrn);
		String lastProgress = null;
		try {
			while (true) {
				RunnerClient.Answer answer = this.runner.call(Operations.DESCRIBE_WORKSPACE_BACKUP, describe);
				if (!answer.ok()) {
					print(answer.body());
					stillRunningHint(backupCrn);
					return WsbackupCli.FAILED;
				}
				JsonNode backup = answer.body().path("backup");
				String status = backup.path("backupStatus").asString("");
				String progress = progress(backup);
				if (!progress.equals(lastProgress)) {
					this.err.println(this.clock.instant().truncatedTo(ChronoUnit.SECONDS) + "  " + progress);
					lastProgress = progress;
				}
				if (!RUNNING.equals(status)) {
					return outcome(started, backupCrn, backup, status);
				}
				pause();
			}
		}
		catch (RunnerClient.UnreachableException ex) {
			print(ex.toError(this.json));
			stillRunningHint(backupCrn);
			return WsbackupCli.FAILED;
		}
	}

	private int outcome(JsonNode started, String backupCrn, JsonNode backup, String status) {
		if (SUCCEEDED.equals(status)) {
			ObjectNode result = this.json.createObjectNode();
			result.put("backupCrn", backupCrn);
			result.put("vaultName", backup.path("vaultName").asString(started.path("vaultName").asString(null)));
			print(result);
			return WsbackupCli.OK;
		}
		String reason = backup.path("failureReason").asString("");
		ObjectNode error = this.json.createObjectNode();
		error.put("code", CANCELLED.equals(status) ? "BACKUP_CANCELLED" : "BACKUP_FAILED");
		error.put("message", reason.isBlank() ? "the backup ended with status '" + status + "'" : reason);
		error.put("backupCrn", backupCrn);
		print(error);
		return WsbackupCli.FAILED;
	}

	/**
	 * The progress line without its time stamp: status, step, percent, bytes, ETA, each
	 * if known.
	 */
	String progress(JsonNode backup) {
		List<String> parts = new ArrayList<>();
		parts.add(backup.path("backupStatus").asString("?"));
		text(backup.path("currentStep")).ifPresent(parts::add);
		JsonNode progress = backup.path("progress");
		if (progress.path("percentDone").isNumber()) {
			parts.add((int) Math.floor(progress.path("percentDone").asDouble()) + "%");
		}
		if (progress.path("bytesTransferred").isNumber()) {
			parts.add(bytes(progress.path("bytesTransferred").asLong()));
		}
		text(progress.path("expectedCompletion")).ifPresent((eta) -> parts.add("ETA " + eta(eta)));
		return String.join("  ", parts);
	}

	private static Optional<String> text(JsonNode node) {
		return (node.isString() && !node.stringValue().isBlank()) ? Optional.of(node.stringValue()) : Optional.empty();
	}

	/** Decimal units, one decimal: {@code 12.3 MB}. */
	static String bytes(long bytes) {
		if (bytes < 1000) {
			return bytes + " B";
		}
		String units = "kMGTPE";
		double value = bytes;
		int unit = -1;
		while (value >= 999.95 && unit < units.length() - 1) {
			value /= 1000;
			unit++;
		}
		return String.format(Locale.ROOT, "%.1f %sB", value, units.charAt(unit));
	}

	/**
	 * The expected completion: the time alone if it is today (UTC), else the whole
	 * instant.
	 */
	private String eta(String expectedCompletion) {
		try {
			Instant eta = Instant.parse(expectedCompletion).truncatedTo(ChronoUnit.SECONDS);
			if (eta.atOffset(ZoneOffset.UTC)
				.toLocalDate()
				.equals(this.clock.instant().atOffset(ZoneOffset.UTC).toLocalDate())) {
				return TIME_OF_DAY.format(eta);
			}
			return eta.toString();
		}
		catch (DateTimeParseException ex) {
			return expectedCompletion;
		}
	}

	private void stillRunningHint(String backupCrn) {
		this.err.println("The backup " + backupCrn + " may still be running in the runner; follow it with: "
				+ "wsbackup describe-workspace-backup --backup-crn " + backupCrn);
	}

	private void print(JsonNode body) {
		this.out.println(this.json.writeValueAsString(body));
	}

	private void pause() {
		try {
			Thread.sleep(this.pollInterval.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RunnerClient.UnreachableException(this.runner.endpoint(), "interrupted while waiting");
		}
	}

}
