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

/**
 * {@code --wait}, the same for every {@link Follower}: polls the follower's describe
 * operation until the work no longer runs, printing a progress line on stderr whenever it
 * changes, then prints the outcome on stdout. An error answer or an unreachable runner
 * ends following with exit code 1 and a hint that the work may go on. Stopping the CLI
 * does not stop the work; it goes on in the runner.
 */
final class FollowLoop {

	private static final DateTimeFormatter TIME_OF_DAY = DateTimeFormatter.ofPattern("HH:mm:ss'Z'")
		.withZone(ZoneOffset.UTC);

	private final RunnerClient runner;

	private final JsonMapper json;

	private final Output out;

	private final PrintStream err;

	private final Clock clock;

	private final Duration pollInterval;

	FollowLoop(RunnerClient runner, JsonMapper json, Output out, PrintStream err, Clock clock, Duration pollInterval) {
		this.runner = runner;
		this.json = json;
		this.out = out;
		this.err = err;
		this.clock = clock;
		this.pollInterval = pollInterval;
	}

	/**
	 * Follows the work to its end.
	 * @return the exit code: the outcome's, or 1 if following stopped on an error
	 */
	int follow(Follower follower) {
		String lastLine = null;
		try {
			while (true) {
				RunnerClient.Answer answer = this.runner.call(follower.describeOperation(), follower.describeRequest());
				if (!answer.ok()) {
					Follower.Outcome end = follower.outcomeOfError(answer);
					if (end != null) {
						this.err.println(this.clock.instant().truncatedTo(ChronoUnit.SECONDS) + "  " + end.line());
						print(end.result());
						return end.exitCode();
					}
					print(answer.body());
					this.err.println(follower.stillRunningHint());
					return WsbackupCli.FAILED;
				}
				Follower.Progress progress = follower.progress(answer.body());
				String line = line(progress);
				if (!line.equals(lastLine)) {
					this.err.println(this.clock.instant().truncatedTo(ChronoUnit.SECONDS) + "  " + line);
					lastLine = line;
				}
				if (!follower.running(progress.status())) {
					Follower.Outcome outcome = follower.outcome(answer.body());
					print(outcome.result());
					return outcome.exitCode();
				}
				pause();
			}
		}
		catch (RunnerClient.UnreachableException ex) {
			print(ex.toError(this.json));
			this.err.println(follower.stillRunningHint());
			return WsbackupCli.FAILED;
		}
	}

	/**
	 * The progress line without its time stamp: status, step, percent, bytes, ETA, each
	 * if known.
	 */
	String line(Follower.Progress progress) {
		List<String> parts = new ArrayList<>();
		parts.add(progress.status().isBlank() ? "?" : progress.status());
		text(progress.currentStep()).ifPresent(parts::add);
		JsonNode numbers = progress.progress();
		if (numbers.path("percentDone").isNumber()) {
			parts.add((int) Math.floor(numbers.path("percentDone").asDouble()) + "%");
		}
		if (numbers.path("bytesTransferred").isNumber()) {
			parts.add(bytes(numbers.path("bytesTransferred").asLong()));
		}
		text(numbers.path("expectedCompletion")).ifPresent((eta) -> parts.add("ETA " + eta(eta)));
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

	private void print(JsonNode body) {
		this.out.print(body);
	}

	private void pause() {
		if (this.pollInterval.isZero()) {
			return;
		}
		try {
			Thread.sleep(this.pollInterval.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RunnerClient.UnreachableException(this.runner.endpoint(), "interrupted while waiting");
		}
	}

}
