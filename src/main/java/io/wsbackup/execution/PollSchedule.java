package io.wsbackup.execution;

import io.wsbackup.system.WsbackupProperties;

import java.time.Duration;
import java.time.Instant;

/**
 * How long a waiting step sleeps before its next poll of the cloud: it backs off from the
 * initial interval, doubling up to the maximum; when the cloud gives an expected
 * completion, it waits about a quarter of the time left, within those bounds; never past
 * the deadline or the next due progress line.
 *
 * @param initial the first wait
 * @param max the longest wait
 * @param progressEvery a progress line is due at least this often
 */
public record PollSchedule(Duration initial, Duration max, Duration progressEvery) {

	public static PollSchedule of(WsbackupProperties.Backup settings) {
		return new PollSchedule(settings.pollInitialInterval(), settings.pollMaxInterval(),
				settings.progressEventInterval());
	}

	/**
	 * @param previous the last wait, or {@code null} before the first
	 * @param eta the expected completion, or {@code null} when unknown
	 */
	public Duration next(Duration previous, Instant eta, Instant now, Instant deadline) {
		return next(previous, eta, now, deadline, null);
	}

	/**
	 * @param previous the last wait, or {@code null} before the first
	 * @param eta the expected completion, or {@code null} when unknown
	 * @param lastProgressLine when the last progress line was written, or {@code null}:
	 * the wait ends when the next one is due ({@code progressEvery} after it), so that
	 * two progress lines are never further apart than that
	 */
	public Duration next(Duration previous, Instant eta, Instant now, Instant deadline, Instant lastProgressLine) {
		Duration wait = previous == null ? initial : previous.multipliedBy(2);
		if (eta != null) {
			wait = Duration.between(now, eta).dividedBy(4);
		}
		wait = wait.compareTo(initial) < 0 ? initial : wait.compareTo(max) > 0 ? max : wait;
		wait = wait.compareTo(progressEvery) > 0 ? progressEvery : wait;
		if (lastProgressLine != null) {
			Duration untilLineDue = Duration.between(now, lastProgressLine.plus(progressEvery));
			if (untilLineDue.compareTo(wait) < 0) {
				wait = untilLineDue.compareTo(initial) < 0 ? initial : untilLineDue;
			}
		}
		Duration untilDeadline = Duration.between(now, deadline);
		if (!untilDeadline.isNegative() && untilDeadline.plusMillis(1).compareTo(wait) < 0) {
			wait = untilDeadline.plusMillis(1);
		}
		return wait;
	}

}
