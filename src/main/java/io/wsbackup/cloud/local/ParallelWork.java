package io.wsbackup.cloud.local;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs one action per item on several threads at once: the calling job thread and up to
 * {@code threads - 1} helpers borrowed from the local cloud's executor. A job's files are
 * copied this way because copying one file after the other leaves the disk idle while a
 * file is opened, hashed and written: several reads in flight keep it busy (measured in
 * {@code bench/local-provider}).
 *
 * <p>
 * The calling thread works too, so the work completes even when the executor has no
 * thread to spare; a helper that starts after the work is done does nothing. The first
 * failure (an I/O error, or {@link ActiveJob.Stopped} on cancel, expiry or shutdown)
 * stops the others from taking new items, and is rethrown by {@link #forEach} once every
 * helper has left: when it returns or throws, nothing writes on the job's behalf any
 * more, so its partial directory can be deleted safely.
 */
final class ParallelWork {

	private ParallelWork() {
	}

	/** The action on one item, with the state of the thread that runs it. */
	@FunctionalInterface
	interface Action<S, T> {

		void run(S state, T item) throws IOException;

	}

	/**
	 * Runs {@code action} once on every item, on up to {@code threads} threads.
	 * @param state gives each thread its own state (a buffer, a digest)
	 * @throws IOException the first I/O error of any thread
	 */
	static <S, T> void forEach(List<T> items, int threads, Executor helpers, Supplier<S> state, Action<S, T> action)
			throws IOException {
		Run<S, T> run = new Run<>(items, state, action);
		int wanted = Math.min(threads, items.size()) - 1;
		for (int i = 0; i < wanted; i++) {
			try {
				helpers.execute(run::help);
			}
			catch (RejectedExecutionException ex) {
				break;
			}
		}
		run.work();
		run.awaitHelpers();
		Throwable failure = run.failure.get();
		if (failure instanceof IOException io) {
			throw io;
		}
		if (failure instanceof RuntimeException runtime) {
			throw runtime;
		}
		if (failure instanceof Error error) {
			throw error;
		}
	}

	private static final class Run<S, T> {

		private final List<T> items;

		private final Supplier<S> state;

		private final Action<S, T> action;

		private final AtomicInteger next = new AtomicInteger();

		private final AtomicReference<Throwable> failure = new AtomicReference<>();

		/** Helpers working now; guarded by {@code this}. */
		private int helping;

		/** Set once the caller stopped taking items; guarded by {@code this}. */
		private boolean done;

		Run(List<T> items, Supplier<S> state, Action<S, T> action) {
			this.items = items;
			this.state = state;
			this.action = action;
		}

		void help() {
			synchronized (this) {
				if (done) {
					return;
				}
				helping++;
			}
			try {
				work();
			}
			finally {
				synchronized (this) {
					helping--;
					notifyAll();
				}
			}
		}

		void work() {
			S own = null;
			int index;
			while (failure.get() == null && (index = next.getAndIncrement()) < items.size()) {
				try {
					if (own == null) {
						own = state.get();
					}
					action.run(own, items.get(index));
				}
				catch (Throwable ex) {
					failure.compareAndSet(null, ex);
				}
			}
		}

		/**
		 * Waits, uninterruptibly, for the helpers at work to leave; the caller's
		 * interrupt status is kept. They leave soon: no item is left to take, and a
		 * stopped job stops them at their next chunk.
		 */
		synchronized void awaitHelpers() {
			done = true;
			boolean interrupted = false;
			while (helping > 0) {
				try {
					wait();
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
