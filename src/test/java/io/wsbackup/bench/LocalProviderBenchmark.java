package io.wsbackup.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.cloud.RestoreProgress;
import io.wsbackup.cloud.RestoreRequest;
import io.wsbackup.cloud.SnapshotProgress;
import io.wsbackup.cloud.SnapshotRequest;
import io.wsbackup.cloud.local.LocalCloud;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ResourceKind;

/**
 * Our side of {@code bench/local-provider}: the real {@link LocalCloud} (unthrottled, as
 * {@code wsbackup.cloud.local.max-bytes-per-second=0} makes it), driven through its
 * {@code CloudPort} methods, one command at a time so that the script can drop the page
 * cache and run the baselines between two commands in the same JVM.
 *
 * <p>
 * Usage: {@code LocalProviderBenchmark <vaultsDir> <restoresDir>}; then one command per
 * line on stdin, one answer per line on stdout:
 * <ul>
 * <li>{@code snapshot <absolute dir>} answers
 * {@code ok <seconds> <recoveryPointId> <cpu seconds>};</li>
 * <li>{@code restore <recoveryPointId>} answers
 * {@code ok <seconds> <target dir> <cpu seconds>};</li>
 * <li>{@code quit} closes the cloud and exits.</li>
 * </ul>
 * A failed job answers {@code error <state> <message>}. The seconds are from the start
 * call to the terminal state seen by polling every 2 ms; the CPU seconds are those the
 * whole JVM used meanwhile (every thread: copying, hashing, JIT, GC). Logs go to stderr.
 */
public final class LocalProviderBenchmark {

	private static final String VAULT = "bench-local";

	private static final Duration POLL = Duration.ofMillis(2);

	private LocalProviderBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length != 2) {
			System.err.println("usage: LocalProviderBenchmark <vaultsDir> <restoresDir>");
			System.exit(2);
		}
		PrintStream answers = System.out;
		// keep stdout for the answers: anything else written there goes to stderr
		System.setOut(System.err);
		((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);

		ExecutorService executor = Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "local-cloud");
			thread.setDaemon(true);
			return thread;
		});
		try (LocalCloud cloud = new LocalCloud(Path.of(args[0]), Path.of(args[1]), 0, executor, Clock.systemUTC())) {
			cloud.ensureVault(VAULT, Map.of());
			answers.println("ready");
			answers.flush();
			BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
			String line;
			while ((line = commands.readLine()) != null) {
				String[] words = line.strip().split(" ", 2);
				if (words[0].equals("quit")) {
					break;
				}
				String answer;
				try {
					answer = switch (words[0]) {
						case "snapshot" -> snapshot(cloud, words[1]);
						case "restore" -> restore(cloud, words[1]);
						default -> "error unknown command: " + line;
					};
				}
				catch (RuntimeException ex) {
					answer = "error " + ex;
				}
				answers.println(answer.replace('\n', ' '));
				answers.flush();
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static String snapshot(LocalCloud cloud, String dir) {
		long start = System.nanoTime();
		long cpuStart = cpuNanos();
		String jobId = cloud
			.startSnapshot(new SnapshotRequest(VAULT, new ProtectedResource(ResourceKind.FILE_SYSTEM, dir),
					UUID.randomUUID().toString(), Map.of(), Duration.ofHours(2)));
		SnapshotProgress done = awaitEnd(() -> cloud.snapshotProgress(jobId), (p) -> p.state());
		double seconds = (System.nanoTime() - start) / 1e9;
		if (done.state() != CloudJobState.COMPLETED) {
			return "error " + done.state() + " " + done.message();
		}
		return String.format(Locale.ROOT, "ok %.3f %s %.3f", seconds, done.recoveryPointId(),
				(cpuNanos() - cpuStart) / 1e9);
	}

	private static String restore(LocalCloud cloud, String recoveryPointId) {
		long start = System.nanoTime();
		long cpuStart = cpuNanos();
		String jobId = cloud.startRestore(new RestoreRequest(VAULT, recoveryPointId, ResourceKind.FILE_SYSTEM,
				UUID.randomUUID().toString(), Map.of()));
		RestoreProgress done = awaitEnd(() -> cloud.restoreProgress(jobId), (p) -> p.state());
		double seconds = (System.nanoTime() - start) / 1e9;
		if (done.state() != CloudJobState.COMPLETED) {
			return "error " + done.state() + " " + done.message();
		}
		return String.format(Locale.ROOT, "ok %.3f %s %.3f", seconds, done.createdResourceId(),
				(cpuNanos() - cpuStart) / 1e9);
	}

	private static long cpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	private static <P> P awaitEnd(Supplier<P> progress, Function<P, CloudJobState> state) {
		while (true) {
			P current = progress.get();
			if (state.apply(current).isTerminal()) {
				return current;
			}
			try {
				Thread.sleep(POLL.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted while waiting for a job", ex);
			}
		}
	}

}
