package io.wsbackup.bench;

import java.io.File;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.zaxxer.hikari.HikariDataSource;

import io.wsbackup.cloud.aws.MotoServer;
import io.wsbackup.schedule.ScheduleService;
import io.wsbackup.workspace.WorkspaceService;
import io.wsbackup.workspace.WorkspaceStorage;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Benchmark 3, a fleet night: {@value #DEFAULT_WORKSPACES} registered workspaces (each an
 * EBS volume and an EFS file system created in moto), one schedule over all of them with
 * a cap of K concurrent backups, run now; the cloud is the project's AWS Backup simulator
 * (its own process, every backup job taking 2 seconds) with moto behind it and the runner
 * in aws mode, in this JVM (which {@code bench/run} starts with {@code -Xmx512m}), its
 * Quartz scheduler on the benchmark's own schema. Figures: the night's total time (from
 * the trigger to the last backup's end) against the ideal {@code workspaces × 2 s / K},
 * the peak heap (sampled every 100 ms, and the peak left after a collection), and the
 * peak of active pooled DB connections (Hikari, sampled) with the pool's maximum. Goals:
 * at least 0.8 of the ideal throughput; heap at most 512 MB.
 */
public final class FleetNightBench {

	static final int DEFAULT_WORKSPACES = 1000;

	static final int WORKSPACES = Integer.getInteger("bench.workspaces", DEFAULT_WORKSPACES);

	/** The schedule's cap, see docs/performance.md for why. */
	static final int K = Integer.getInteger("bench.k", 20);

	static final Duration JOB = Duration.ofSeconds(2);

	static final String REGION = "us-west-1";

	static final String ACCOUNT = "123456789012";

	private FleetNightBench() {
	}

	public static void main(String[] args) throws Exception {
		System.setProperty("aws.accessKeyId", "test");
		System.setProperty("aws.secretAccessKey", "test");
		String url = Bench.schema("wsbackup_bench_fleet", true);
		Path schedules = Path.of("target", "bench", "fleet-schedules").toAbsolutePath();
		Files.createDirectories(schedules);
		Files.writeString(schedules.resolve("fleet.yaml"), """
				name: fleet
				cron: "0 0 3 1 1 ? 2099"
				workspaces: all
				backup-name: "fleet-{yyyyMMdd-HHmmss}"
				start-window: 2h
				timeout: 1h
				max-concurrent: %d
				""".formatted(K));
		try (MotoServer moto = MotoServer.start()) {
			int simPort;
			try (ServerSocket socket = new ServerSocket(0)) {
				simPort = socket.getLocalPort();
			}
			Process simulator = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
					"-Xmx256m", "-cp", System.getProperty("java.class.path"),
					"io.wsbackup.cloud.aws.simulator.AwsBackupSimulator", "--port", String.valueOf(simPort),
					"--moto-endpoint", moto.endpoint().toString(), "--job-seconds",
					String.valueOf(JOB.toMillis() / 1000.0))
				.redirectErrorStream(true)
				.redirectOutput(new File("target/bench/fleet-simulator.log"))
				.start();
			try {
				run(url, moto.endpoint(), URI.create("http://127.0.0.1:" + simPort), schedules);
			}
			finally {
				simulator.destroy();
				simulator.waitFor(10, TimeUnit.SECONDS);
			}
		}
		System.exit(0);
	}

	private static void run(String url, URI moto, URI simulator, Path schedules) throws Exception {
		List<String[]> storage = Bench.motoStorage(moto, REGION, WORKSPACES, "fleet-");
		Map<String, Object> settings = new LinkedHashMap<>();
		settings.put("spring.main.web-application-type", "none");
		settings.put("wsbackup.cloud.provider", "aws");
		settings.put("wsbackup.workloads.provider", "none");
		settings.put("wsbackup.account-id", ACCOUNT);
		settings.put("wsbackup.region", REGION);
		settings.put("wsbackup.cloud.aws.region", REGION);
		settings.put("wsbackup.cloud.aws.iam-role-arn", "arn:aws:iam::" + ACCOUNT + ":role/wsbackup-aws-backup");
		settings.put("wsbackup.cloud.aws.backup-endpoint", simulator.toString());
		for (String service : new String[] { "ec2", "efs", "sts", "iam" }) {
			settings.put("wsbackup.cloud.aws." + service + "-endpoint", moto.toString());
		}
		// as many job threads as the schedule lets backups run at once (the default, 8,
		// would be the cap otherwise)
		settings.put("wsbackup.jobs.max-concurrent", String.valueOf(K));
		// and a pool that serves them, the scheduler and the API: a step holds its
		// connection while it calls the cloud, so the default of 10 had 20 job threads
		// queueing for connections
		settings.put("spring.datasource.hikari.maximum-pool-size", String.valueOf(K + 10));
		settings.put("wsbackup.schedules-dir", schedules.toString());
		settings.put("spring.quartz.auto-startup", "true");
		settings.put("spring.quartz.scheduler-name", "wsbackup-bench-fleet");
		settings.put("logging.level.root", "WARN");
		Bench.extraSettings(settings, "bench.fleet.settings");
		try (ConfigurableApplicationContext context = Bench.runner(url, settings)) {
			WorkspaceService workspaces = context.getBean(WorkspaceService.class);
			for (int i = 0; i < WORKSPACES; i++) {
				workspaces.register(String.format("ws-%04d", i), "prod", ACCOUNT, REGION, "2.0.50",
						new WorkspaceStorage(List.of(storage.get(i)[0]), storage.get(i)[1], false), null);
			}
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			Sampler sampler = new Sampler(pool);
			String creator = "crn:cdp:iam:" + REGION + ":" + ACCOUNT + ":schedule:fleet";
			System.gc();
			sampler.start();
			long t0 = System.nanoTime();
			context.getBean(ScheduleService.class).trigger("fleet");
			long[] counts;
			long lastProgress = System.nanoTime();
			long lastDone = -1;
			try (Connection c = Bench.connect(url)) {
				while (true) {
					counts = counts(c, creator);
					sampler.peakRunning.accumulateAndGet((int) (counts[0] - counts[1] - counts[2]), Math::max);
					if (counts[1] + counts[2] >= WORKSPACES) {
						break;
					}
					if (counts[1] + counts[2] != lastDone) {
						lastDone = counts[1] + counts[2];
						lastProgress = System.nanoTime();
					}
					if (System.nanoTime() - lastProgress > TimeUnit.MINUTES.toNanos(3)) {
						throw new IllegalStateException("no backup ended for 3 minutes: " + counts[0] + " started, "
								+ counts[1] + " succeeded, " + counts[2] + " failed");
					}
					Thread.sleep(100);
				}
			}
			double total = (System.nanoTime() - t0) / 1e9;
			sampler.stop();
			double ideal = WORKSPACES * (double) JOB.toSeconds() / K;
			Bench.note(String
				.format(Locale.ROOT, "%d backups: %d succeeded, %d failed in %.1f s; peak %d backups running at once; "
						+ "peak heap %d MB (after GC %d MB), max heap %d MB; pool peak %d active of %d, peak %d waiting",
						WORKSPACES, counts[1], counts[2], total, sampler.peakRunning.get(),
						sampler.peakHeap.get() >> 20, sampler.peakAfterGc.get() >> 20,
						Runtime.getRuntime().maxMemory() >> 20, sampler.peakActive.get(), pool.getMaximumPoolSize(),
						sampler.peakWaiting.get()));
			Bench.row("3 fleet night", WORKSPACES + " workspaces, 2 s cloud jobs, cap K=" + K + ": total time",
					String.format(Locale.ROOT, "%.1f s", total),
					String.format(Locale.ROOT, "%.1f s (ideal %d x 2 s / %d)", ideal, WORKSPACES, K), ideal / total,
					"ratio >= 0.8 of ideal", ideal / total >= 0.8 && counts[2] == 0);
			long heapMb = sampler.peakHeap.get() >> 20;
			Bench.row("3 fleet night", "peak heap (sampled; after GC " + (sampler.peakAfterGc.get() >> 20) + " MB)",
					heapMb + " MB", "512 MB (goal)", heapMb / 512.0, "<= 512 MB", heapMb <= 512);
			Bench.row("3 fleet night", "peak active DB connections (Hikari, sampled)",
					String.valueOf(sampler.peakActive.get()), pool.getMaximumPoolSize() + " (pool max)",
					sampler.peakActive.get() / (double) pool.getMaximumPoolSize(), "-", true);
		}
	}

	/** {started, succeeded, failed} backups of the schedule. */
	private static long[] counts(Connection c, String creator) throws Exception {
		try (PreparedStatement s = c.prepareStatement(
				"SELECT COUNT(*), SUM(STATUS = 'succeeded'), SUM(STATUS IN ('failed', 'cancelled')) FROM WS_BACKUP"
						+ " WHERE CREATOR_CRN = ?")) {
			s.setString(1, creator);
			try (ResultSet rs = s.executeQuery()) {
				rs.next();
				return new long[] { rs.getLong(1), rs.getLong(2), rs.getLong(3) };
			}
		}
	}

	/** Samples heap, pool and running jobs every 100 ms; listens to collections. */
	static final class Sampler {

		final AtomicLong peakHeap = new AtomicLong();

		final AtomicLong peakAfterGc = new AtomicLong();

		final AtomicInteger peakActive = new AtomicInteger();

		final AtomicInteger peakWaiting = new AtomicInteger();

		final AtomicInteger peakRunning = new AtomicInteger();

		private final HikariDataSource pool;

		private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

		private volatile boolean running;

		private Thread thread;

		Sampler(HikariDataSource pool) {
			this.pool = pool;
		}

		// a collection reports every memory pool, Metaspace and the code cache too: only
		// the heap's count
		private static final java.util.Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans()
			.stream()
			.filter((pool) -> pool.getType() == java.lang.management.MemoryType.HEAP)
			.map(java.lang.management.MemoryPoolMXBean::getName)
			.collect(java.util.stream.Collectors.toSet());

		void start() {
			for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
				((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
					if (!running || !GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
						.equals(notification.getType())) {
						return;
					}
					var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
					long after = info.getGcInfo()
						.getMemoryUsageAfterGc()
						.entrySet()
						.stream()
						.filter((pool) -> HEAP_POOLS.contains(pool.getKey()))
						.mapToLong((pool) -> pool.getValue().getUsed())
						.sum();
					long before = info.getGcInfo()
						.getMemoryUsageBeforeGc()
						.entrySet()
						.stream()
						.filter((pool) -> HEAP_POOLS.contains(pool.getKey()))
						.mapToLong((pool) -> pool.getValue().getUsed())
						.sum();
					peakAfterGc.accumulateAndGet(after, Math::max);
					peakHeap.accumulateAndGet(before, Math::max);
				}, null, null);
			}
			running = true;
			thread = new Thread(() -> {
				while (running) {
					peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
					var mx = pool.getHikariPoolMXBean();
					if (mx != null) {
						peakActive.accumulateAndGet(mx.getActiveConnections(), Math::max);
						peakWaiting.accumulateAndGet(mx.getThreadsAwaitingConnection(), Math::max);
					}
					try {
						Thread.sleep(100);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}, "bench-sampler");
			thread.setDaemon(true);
			thread.start();
		}

		void stop() throws InterruptedException {
			running = false;
			thread.join();
		}

	}

}
