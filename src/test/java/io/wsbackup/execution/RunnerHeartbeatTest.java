package io.wsbackup.execution;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a runner knows of its own heartbeat: the step guard skips its ownership read only
 * while the last heartbeat written was sent recently enough.
 */
class RunnerHeartbeatTest {

	private static final Duration PERIOD = Duration.ofSeconds(30);

	@Test
	void aHeartbeatCountsForThePeriodSinceItWasSentNotSinceItWasWritten() {
		Runner runner = new Runner("runner-test", "test-host");
		assertThat(runner.heartbeatSentWithin(PERIOD)).as("before any heartbeat").isFalse();

		runner.heartbeatSucceeded(System.nanoTime() - PERIOD.toNanos() - 1);
		assertThat(runner.heartbeatSentWithin(PERIOD)).as("sent longer ago than the period").isFalse();

		runner.heartbeatSucceeded(System.nanoTime());
		assertThat(runner.heartbeatSentWithin(PERIOD)).isTrue();

		runner.heartbeatSucceeded(System.nanoTime() - PERIOD.toNanos() - 1);
		assertThat(runner.heartbeatSentWithin(PERIOD)).as("an older heartbeat written late changes nothing").isTrue();
	}

	@Test
	void aFailedHeartbeatIsTrustedNoLongerUntilTheNextOneIsWritten() {
		Runner runner = new Runner("runner-test", "test-host");
		runner.heartbeatSucceeded(System.nanoTime());

		runner.heartbeatFailed();
		assertThat(runner.heartbeatSentWithin(PERIOD)).isFalse();

		runner.heartbeatSucceeded(System.nanoTime());
		assertThat(runner.heartbeatSentWithin(PERIOD)).isTrue();
	}

	@Test
	void aRunnerThatDistrustsItsHeartbeatsTrustsNoneWrittenLater() {
		Runner runner = new Runner("runner-test", "test-host");
		runner.heartbeatSucceeded(System.nanoTime());

		runner.distrustHeartbeats();
		runner.heartbeatSucceeded(System.nanoTime());

		assertThat(runner.heartbeatSentWithin(PERIOD)).isFalse();
		assertThat(runner.reachedStoreFor(Duration.ZERO)).as("it still reaches the store").isTrue();
	}

	@Test
	void anOwnershipReadIsTrustedOnlyWhileTheHeartbeatsHaveNotStalledSinceIt() {
		AtomicLong now = new AtomicLong(1_000_000_000L);
		Runner runner = new Runner("runner-test", "test-host", now::get);
		runner.trustHeartbeatsFor(PERIOD);
		runner.heartbeatSucceeded(now.get());
		long read = now.get();
		assertThat(runner.stillTrusted(read)).isTrue();

		now.addAndGet(PERIOD.toNanos() / 2);
		runner.heartbeatSucceeded(now.get());
		assertThat(runner.stillTrusted(read)).as("heartbeats written without a break since the read").isTrue();

		// the JVM stalls longer than the period: another runner may have taken over
		now.addAndGet(PERIOD.toNanos() * 3);
		assertThat(runner.stillTrusted(read)).isFalse();
		long sent = now.get();
		now.addAndGet(1);
		runner.heartbeatSucceeded(sent);
		assertThat(runner.stillTrusted(read)).as("a read from before the stall, heartbeats written again").isFalse();
		assertThat(runner.stillTrusted(now.get())).as("a read after the stall").isTrue();
	}

	@Test
	void noHeartbeatIsTrustedBeforeTheTrustPeriodIsSet() {
		Runner runner = new Runner("runner-test", "test-host");
		runner.heartbeatSucceeded(System.nanoTime());

		assertThat(runner.stillTrusted(System.nanoTime())).isFalse();
	}

}
