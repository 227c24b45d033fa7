package io.wsbackup.system;

import io.wsbackup.execution.PollSchedule;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Poll economy (issue 4): over a ten-hour cloud job a waiting step asks the cloud at most
 * 150 times, and never waits more than five minutes between two polls, with or without an
 * expected completion from the cloud.
 */
class PollScheduleTest {

	private final PollSchedule defaults = PollSchedule
		.of(new WsbackupProperties.Backup(null, null, null, null, null, null, null));

	private final Instant start = Instant.parse("2026-11-21T00:00:00Z");

	private final Instant completion = start.plus(Duration.ofHours(10));

	private final Instant deadline = start.plus(Duration.ofHours(12));

	/** Polls until the job's completion; returns {count, longest wait in seconds}. */
	private long[] simulate(boolean cloudGivesEta) {
		Instant now = start;
		Duration previous = null;
		long polls = 0;
		long longest = 0;
		while (now.isBefore(completion)) {
			polls++;
			Duration wait = defaults.next(previous, cloudGivesEta ? completion : null, now, deadline);
			longest = Math.max(longest, wait.toSeconds());
			now = now.plus(wait);
			previous = wait;
		}
		return new long[] { polls + 1, longest };
	}

	@Test
	void aTenHourJobWithAnExpectedCompletionTakesAtMost150PollsNoneMoreThanFiveMinutesApart() {
		long[] result = simulate(true);

		assertThat(result[0]).as("describe calls").isLessThanOrEqualTo(150);
		assertThat(result[1]).as("longest wait, seconds").isLessThanOrEqualTo(300);
	}

	@Test
	void aTenHourJobWithoutAnExpectedCompletionTakesAtMost150PollsNoneMoreThanFiveMinutesApart() {
		long[] result = simulate(false);

		assertThat(result[0]).as("describe calls").isLessThanOrEqualTo(150);
		assertThat(result[1]).as("longest wait, seconds").isLessThanOrEqualTo(300);
	}

	@Test
	void theWaitShrinksAsTheExpectedCompletionNearsAndNeverPassesTheDeadline() {
		Instant now = start;
		assertThat(defaults.next(Duration.ofMinutes(5), now.plusSeconds(40), now, deadline))
			.isEqualTo(Duration.ofSeconds(10));
		assertThat(defaults.next(null, null, now, now.plusMillis(300))).isEqualTo(Duration.ofMillis(301));
	}

	@Test
	void theWaitEndsWhenTheNextProgressLineIsDueSoLinesAreNeverMoreThanTheIntervalApart() {
		Instant now = start.plusSeconds(3600);
		Instant lastLine = now.minusSeconds(240);

		Duration wait = defaults.next(Duration.ofMinutes(4), null, now, deadline, lastLine);

		assertThat(wait).isEqualTo(Duration.ofSeconds(60));
		assertThat(defaults.next(Duration.ofMinutes(4), null, now, deadline, null)).isEqualTo(Duration.ofMinutes(5));
		assertThat(defaults.next(null, null, now, deadline, now.minusSeconds(300))).isEqualTo(Duration.ofSeconds(1));
	}

}
