package io.wsbackup.execution;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A waiting step's pause ends early when its backup is cancelled on this runner (a wake
 * with its key), not when another backup is, and a wake just before the pause ends it at
 * once: the cancel is never lost between the step's check and its sleep.
 */
class RunnerPauseTest {

	private final Runner runner = new Runner("runner-pause-test", "localhost");

	@Test
	void aWakeWithItsKeyEndsAPauseOfAnHour() throws Exception {
		CompletableFuture<Void> paused = pauseInBackground("backup-a");
		await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> true);
		assertThat(paused).as("still pausing before any wake").isNotDone();

		runner.wake("backup-b");
		await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> true);
		assertThat(paused).as("another backup's wake leaves it pausing").isNotDone();

		runner.wake("backup-a");
		paused.get(10, TimeUnit.SECONDS);
		assertThat(paused).isCompleted();
	}

	@Test
	void aWakeJustBeforeThePauseEndsItAtOnceAndIsConsumed() throws Exception {
		runner.wake("backup-c");
		pauseInBackground("backup-c").get(10, TimeUnit.SECONDS);

		CompletableFuture<Void> again = pauseInBackground("backup-c");
		await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> true);
		assertThat(again).as("a wake ends one pause, not the next").isNotDone();
		runner.beginRelease();
		again.get(10, TimeUnit.SECONDS);
	}

	private CompletableFuture<Void> pauseInBackground(String key) {
		return CompletableFuture.runAsync(() -> {
			try {
				runner.pause(Duration.ofHours(1), key);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
	}

}
