package io.wsbackup.cloud.local;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the local jobs spread their files over threads: every item once, helpers really in
 * parallel, the caller alone when no helper can start, the first failure rethrown only
 * once every helper has left.
 */
class ParallelWorkTest {

	private final ExecutorService pool = Executors.newCachedThreadPool();

	@AfterEach
	void stopPool() throws InterruptedException {
		pool.shutdownNow();
		pool.awaitTermination(10, TimeUnit.SECONDS);
	}

	@Test
	void everyItemRunsOnceOnSeveralThreadsAtTheSameTime() throws Exception {
		List<Integer> items = IntStream.range(0, 200).boxed().toList();
		Set<Integer> seen = ConcurrentHashMap.newKeySet();
		AtomicInteger runs = new AtomicInteger();
		AtomicReference<Thread> holder = new AtomicReference<>();
		CountDownLatch anotherThreadWorked = new CountDownLatch(1);
		AtomicBoolean overlapped = new AtomicBoolean();

		ParallelWork.forEach(items, 4, pool, Thread::currentThread, (thread, item) -> {
			runs.incrementAndGet();
			seen.add(item);
			if (holder.compareAndSet(null, thread)) {
				// the first item is held until another thread has run one of its own
				try {
					overlapped.set(anotherThreadWorked.await(10, TimeUnit.SECONDS));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			else if (thread != holder.get()) {
				anotherThreadWorked.countDown();
			}
		});

		assertThat(runs).hasValue(200);
		assertThat(seen).hasSize(200);
		assertThat(overlapped).as("two threads worked at the same time").isTrue();
	}

	@Test
	void theCallerDoesEverythingWhenNoHelperStarts() throws Exception {
		List<Runnable> neverRun = new ArrayList<>();
		List<Integer> items = IntStream.range(0, 50).boxed().toList();
		Set<Thread> threads = ConcurrentHashMap.newKeySet();
		AtomicInteger runs = new AtomicInteger();

		ParallelWork.forEach(items, 4, neverRun::add, () -> null, (none, item) -> {
			threads.add(Thread.currentThread());
			runs.incrementAndGet();
		});

		assertThat(runs).hasValue(50);
		assertThat(threads).containsExactly(Thread.currentThread());
		assertThat(neverRun).hasSize(3);
		// a helper that starts after the work is done takes nothing
		neverRun.forEach(Runnable::run);
		assertThat(runs).hasValue(50);
	}

	@Test
	void theFirstFailureIsRethrownAfterEveryHelperLeft() {
		List<Integer> items = IntStream.range(0, 1000).boxed().toList();
		IOException broken = new IOException("disk on fire");
		Thread caller = Thread.currentThread();
		AtomicInteger helpersInside = new AtomicInteger();
		AtomicInteger insideWhenDone = new AtomicInteger(-1);
		AtomicInteger runs = new AtomicInteger();

		assertThatThrownBy(() -> ParallelWork.forEach(items, 4, pool, () -> null, (none, item) -> {
			runs.incrementAndGet();
			if (Thread.currentThread() == caller) {
				throw broken;
			}
			helpersInside.incrementAndGet();
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				helpersInside.decrementAndGet();
			}
		})).isSameAs(broken);
		insideWhenDone.set(helpersInside.get());

		assertThat(insideWhenDone).as("helpers still working after forEach returned").hasValue(0);
		assertThat(runs.get()).as("items started after the failure").isLessThan(10);
	}

	@Test
	void aRuntimeExceptionOfAHelperReachesTheCaller() {
		List<Integer> items = IntStream.range(0, 100).boxed().toList();
		Thread caller = Thread.currentThread();
		CountDownLatch helperFailed = new CountDownLatch(1);

		assertThatThrownBy(() -> ParallelWork.forEach(items, 2, pool, () -> null, (none, item) -> {
			if (Thread.currentThread() != caller) {
				helperFailed.countDown();
				throw new ActiveJob.Stopped(ActiveJob.StopReason.CANCELLED);
			}
			try {
				helperFailed.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		})).isInstanceOfSatisfying(ActiveJob.Stopped.class,
				(stopped) -> assertThat(stopped.reason()).isEqualTo(ActiveJob.StopReason.CANCELLED));
	}

}
