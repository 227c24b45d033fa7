package io.wsbackup;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Holds a fake's call until the test opens the gate, so a test can act while a job is
 * inside a step.
 */
public final class Gate {

	private final CountDownLatch reached = new CountDownLatch(1);

	private final CountDownLatch opened = new CountDownLatch(1);

	/**
	 * Called by the fake: signals arrival, then waits (at most a minute) for the test to
	 * open.
	 */
	public void pass() {
		reached.countDown();
		try {
			opened.await(1, TimeUnit.MINUTES);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Waits until a call has arrived at the gate. */
	public void awaitReached() {
		await().atMost(Duration.ofSeconds(30)).until(() -> reached.getCount() == 0);
	}

	public void open() {
		opened.countDown();
	}

}
