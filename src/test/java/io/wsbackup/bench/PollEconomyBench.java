package io.wsbackup.bench;

import java.time.Duration;
import java.time.Instant;

import io.wsbackup.execution.PollSchedule;
import io.wsbackup.system.WsbackupProperties;

/**
 * Benchmark 2, poll economy, in virtual time: a ten-hour cloud backup job (its percent
 * done growing evenly from 0 to 100) followed by the waiting step's poll schedule
 * ({@link PollSchedule} with the shipped defaults: 1 s first wait, doubling, 5 min at
 * most, a quarter of the time left when the cloud gives an expected completion) and by
 * the step's rule for progress lines (a line with the ETA when the percent changed or
 * when {@code progress-event-interval} has passed since the last one), once with an
 * expected completion from the cloud and once without. Figures: describe calls per
 * resource, and the longest gap between two progress (ETA) lines in the event log.
 * Baseline: a naive fixed 60 s poll writing a line at each poll. Goals: at most 150
 * calls, gaps at most 5 minutes.
 */
public final class PollEconomyBench {

	private static final Duration JOB = Duration.ofHours(10);

	private static final Duration NAIVE = Duration.ofSeconds(60);

	private PollEconomyBench() {
	}

	/**
	 * The outcome of one simulated job: describe calls and the longest gap between lines.
	 */
	record Outcome(long calls, Duration longestLineGap, Duration longestPollGap) {
	}

	public static void main(String[] args) {
		WsbackupProperties.Backup defaults = new WsbackupProperties.Backup(null, null, null, null, null, null, null);
		PollSchedule schedule = PollSchedule.of(defaults);
		Outcome naive = simulate(null, defaults.progressEventInterval(), false);
		for (boolean eta : new boolean[] { true, false }) {
			Outcome o = simulate(schedule, defaults.progressEventInterval(), eta);
			String with = eta ? "with expected completion" : "without expected completion";
			Bench.note("10 h job " + with + ": " + o.calls() + " describe calls, longest poll gap "
					+ o.longestPollGap().toSeconds() + " s, longest gap between progress lines "
					+ o.longestLineGap().toSeconds() + " s");
			Bench.row("2 poll economy", "describe calls per resource, 10 h job " + with, String.valueOf(o.calls()),
					naive.calls() + " (fixed 60 s poll)", (double) o.calls() / naive.calls(), "<= 150",
					o.calls() <= 150);
			Bench.row("2 poll economy", "longest gap between ETA events, 10 h job " + with,
					o.longestLineGap().toSeconds() + " s", naive.longestLineGap().toSeconds() + " s (fixed 60 s poll)",
					(double) o.longestLineGap().toMillis() / naive.longestLineGap().toMillis(), "<= 300 s",
					o.longestLineGap().compareTo(Duration.ofMinutes(5)) <= 0);
		}
		System.exit(0);
	}

	/**
	 * Follows one job from its start to the poll that sees it completed.
	 * @param schedule the step's schedule, or {@code null} for a fixed 60 s poll
	 */
	static Outcome simulate(PollSchedule schedule, Duration progressEvery, boolean cloudGivesEta) {
		Instant start = Instant.parse("2026-11-21T00:00:00Z");
		Instant completion = start.plus(JOB);
		Instant deadline = start.plus(Duration.ofHours(12));
		Instant now = start;
		Duration previous = null;
		long calls = 0;
		Instant lastLine = null;
		int lastPercent = -1;
		Duration longestLineGap = Duration.ZERO;
		Duration longestPollGap = Duration.ZERO;
		while (true) {
			calls++;
			if (!now.isBefore(completion)) {
				// the completion line ("all snapshots completed", 100%)
				longestLineGap = max(longestLineGap, Duration.between(lastLine, now));
				break;
			}
			int percent = (int) (Duration.between(start, now).toMillis() * 100 / JOB.toMillis());
			boolean due = lastLine == null || !Duration.between(lastLine, now).minus(progressEvery).isNegative();
			if (schedule == null || percent != lastPercent || due) {
				if (lastLine != null) {
					longestLineGap = max(longestLineGap, Duration.between(lastLine, now));
				}
				lastLine = now;
				lastPercent = percent;
			}
			Duration wait = schedule == null ? NAIVE
					: schedule.next(previous, cloudGivesEta ? completion : null, now, deadline, lastLine);
			longestPollGap = max(longestPollGap, wait);
			previous = wait;
			now = now.plus(wait);
		}
		return new Outcome(calls, longestLineGap, longestPollGap);
	}

	private static Duration max(Duration a, Duration b) {
		return a.compareTo(b) >= 0 ? a : b;
	}

}
