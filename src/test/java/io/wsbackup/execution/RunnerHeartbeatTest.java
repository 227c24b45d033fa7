package io.wsbackup.execution;

import java.time.Duration;

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

}
