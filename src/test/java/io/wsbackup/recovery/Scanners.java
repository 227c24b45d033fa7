package io.wsbackup.recovery;

import io.wsbackup.execution.ExecutionEvents;

import io.wsbackup.execution.Launches;

import io.wsbackup.execution.RunnerRegistry;

import io.wsbackup.execution.Runner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import io.wsbackup.launcher.Launcher;

import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The recovery tests' other runners: scanners of runners that have reached the store for
 * long enough to judge others, runners that died an hour ago, and scans raced against
 * each other.
 */
record Scanners(RunnerRegistry registry, JobRepository jobRepository, JobOperator jobOperator, Launcher launcher,
		ExecutionEvents events, Launches launches, JdbcClient jdbc) {

	static final Duration DEAD_AFTER = Duration.ofSeconds(30);

	/** The scanner of another live runner, registered in the store. */
	RecoveryScanner of(String runnerId) {
		Runner other = new Runner(runnerId, "test-host");
		other.reachedStoreSince(System.nanoTime() - DEAD_AFTER.toNanos() - 1);
		registry.register(runnerId, "test-host");
		return new RecoveryScanner(other, registry, jobRepository, jobOperator, launcher, events, launches, DEAD_AFTER);
	}

	/** A runner that stopped heartbeating an hour ago, on host {@code gone-host}. */
	String deadRunner(String runnerId) {
		jdbc.sql("INSERT INTO WS_RUNNER (RUNNER_ID, HOST, STARTED_AT, HEARTBEAT_AT) VALUES (?, 'gone-host', "
				+ "LOCALTIMESTAMP(3) - INTERVAL 2 HOUR, LOCALTIMESTAMP(3) - INTERVAL 1 HOUR)")
			.param(runnerId)
			.update();
		return runnerId;
	}

	/**
	 * Runs {@code scan} of every scanner at the same moment, and gathers what they did.
	 */
	static <T> List<T> race(Function<RecoveryScanner, List<T>> scan, RecoveryScanner... scanners) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(scanners.length);
		try {
			CountDownLatch go = new CountDownLatch(1);
			List<Future<List<T>>> results = new ArrayList<>();
			for (RecoveryScanner scanner : scanners) {
				Callable<List<T>> one = () -> {
					go.await();
					return scan.apply(scanner);
				};
				results.add(pool.submit(one));
			}
			go.countDown();
			List<T> all = new ArrayList<>();
			for (Future<List<T>> result : results) {
				all.addAll(result.get());
			}
			return all;
		}
		finally {
			pool.shutdownNow();
		}
	}

}
