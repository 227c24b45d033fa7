package io.wsbackup.cloud.local;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.wsbackup.cloud.CloudJobState;

/**
 * A snapshot or restore job this {@link LocalCloud} runs: its live record, its byte
 * counter, its throttle and its stop flags. The worker thread is the only writer of the
 * record once the job started; before that, a cancel may end it. Every change of state is
 * persisted at once, the byte count at most twice a second. The job's worker may copy on
 * several threads at once ({@link ParallelWork}): the byte count, the throttle and the
 * stop checks are safe to call from any of them.
 */
final class ActiveJob {

	/** Why a running job stops before its end. */
	enum StopReason {

		CANCELLED, SHUTDOWN, EXPIRED

	}

	/** Thrown inside the worker to unwind it when the job must stop. */
	static final class Stopped extends RuntimeException {

		private final StopReason reason;

		Stopped(StopReason reason) {
			super(reason.name(), null, false, false);
			this.reason = reason;
		}

		StopReason reason() {
			return reason;
		}

	}

	private static final long PERSIST_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	private static final long MAX_SLEEP_MILLIS = 50;

	private final JobStore store;

	private final Clock clock;

	private final long maxBytesPerSecond;

	private final AtomicLong bytesDone = new AtomicLong();

	private final CountDownLatch finished = new CountDownLatch(1);

	private volatile JobRecord record;

	private volatile StopReason stopRequest;

	private boolean started;

	/** Guarded by {@code this}, like {@link #throttledBytes}. */
	private long throttleStartNanos;

	private long throttledBytes;

	/** Read without the lock to decide cheaply whether to persist. */
	private volatile long lastPersistNanos;

	private final JobStore.JobLock lock;

	ActiveJob(JobRecord record, JobStore store, Clock clock, long maxBytesPerSecond, JobStore.JobLock lock) {
		this.lock = lock;
		this.record = record;
		this.store = store;
		this.clock = clock;
		this.maxBytesPerSecond = maxBytesPerSecond;
	}

	String jobId() {
		return record.jobId();
	}

	/** The record with the live byte count. */
	JobRecord snapshot() {
		JobRecord current = record;
		return current.state() == CloudJobState.RUNNING ? current.withBytesDone(bytesDone.get()) : current;
	}

	/**
	 * Called by the worker when it starts.
	 * @return false when the job must not run (cancelled while queued, or the cloud was
	 * closed)
	 */
	synchronized boolean begin() {
		if (stopRequest != null || record.state().isTerminal()) {
			finished.countDown();
			return false;
		}
		started = true;
		return true;
	}

	/** The tree was walked: the job runs, with this many bytes to process. */
	synchronized void running(long totalBytes) {
		bytesDone.set(0);
		record = record.running(clock.instant(), totalBytes);
		store.save(record);
		throttleStartNanos = System.nanoTime();
		throttledBytes = 0;
		lastPersistNanos = throttleStartNanos;
	}

	/** Bytes processed without being copied (hard-linked files, a restore's checks). */
	void processed(long bytes) {
		bytesDone.addAndGet(bytes);
		maybePersist();
	}

	/** Bytes copied: counted, then throttled to the configured rate. */
	void transferred(long bytes) {
		bytesDone.addAndGet(bytes);
		maybePersist();
		if (maxBytesPerSecond <= 0) {
			return;
		}
		long dueNanos;
		synchronized (this) {
			// one rate for the job, whichever of its threads copies
			throttledBytes += bytes;
			dueNanos = throttleStartNanos + (long) (throttledBytes * 1_000_000_000.0 / maxBytesPerSecond);
		}
		long waitNanos;
		while ((waitNanos = dueNanos - System.nanoTime()) > 0) {
			checkStop();
			try {
				Thread.sleep(Math.min(MAX_SLEEP_MILLIS, Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos))));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new Stopped(StopReason.SHUTDOWN);
			}
		}
	}

	/**
	 * Unwinds the worker when a stop was asked for or the completion window has passed.
	 */
	void checkStop() {
		StopReason reason = stopRequest;
		if (reason != null) {
			throw new Stopped(reason);
		}
		if (Thread.currentThread().isInterrupted()) {
			throw new Stopped(StopReason.SHUTDOWN);
		}
		JobRecord current = record;
		if (current.completionWindowSeconds() > 0 && current.startedAt() != null && clock.instant()
			.isAfter(current.startedAt().plus(Duration.ofSeconds(current.completionWindowSeconds())))) {
			throw new Stopped(StopReason.EXPIRED);
		}
	}

	/**
	 * Asks the job to stop. A job still queued ends at once (ABORTED on cancel); a
	 * running one stops at its next check.
	 * @return true when the job was ended here, false when the worker will end it
	 */
	synchronized boolean requestStop(StopReason reason) {
		if (record.state().isTerminal()) {
			return false;
		}
		if (stopRequest == null || reason == StopReason.CANCELLED) {
			stopRequest = reason;
		}
		if (!started && reason == StopReason.CANCELLED) {
			end(CloudJobState.ABORTED, "cancelled before it started", null);
			return true;
		}
		return false;
	}

	/** Ends the job in a terminal state and persists it. */
	synchronized void end(CloudJobState state, String message, JobRecord completed) {
		JobRecord base = (completed != null) ? completed : record;
		long bytes = (state == CloudJobState.COMPLETED) ? base.totalBytes() : bytesDone.get();
		record = base.ended(state, clock.instant(), bytes, message);
		store.save(record);
	}

	/**
	 * Replaces the record (used to set what a job learned while running, before it ends).
	 */
	synchronized void update(JobRecord updated) {
		record = updated;
	}

	/**
	 * The worker leaves: a closing cloud may stop waiting; the job's lock is released.
	 */
	void left() {
		if (lock != null) {
			lock.close();
		}
		finished.countDown();
	}

	synchronized boolean started() {
		return started;
	}

	boolean awaitLeft(Duration timeout) throws InterruptedException {
		return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	JobRecord record() {
		return record;
	}

	private void maybePersist() {
		long now = System.nanoTime();
		if (now - lastPersistNanos >= PERSIST_INTERVAL_NANOS) {
			synchronized (this) {
				if (now - lastPersistNanos < PERSIST_INTERVAL_NANOS) {
					return; // another thread of the job just did
				}
				lastPersistNanos = now;
				if (!record.state().isTerminal()) {
					store.save(record.withBytesDone(bytesDone.get()));
				}
			}
		}
	}

}
