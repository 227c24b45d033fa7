package io.wsbackup.bench;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import tools.jackson.databind.json.JsonMapper;

import io.wsbackup.cloud.aws.MotoServer;
import io.wsbackup.execution.Runner;
import io.wsbackup.schedule.ScheduleService;
import io.wsbackup.workspace.WorkspaceService;
import io.wsbackup.workspace.WorkspaceStorage;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Benchmark 9, a fleet night of long jobs (issue 17): {@value #DEFAULT_WORKSPACES}
 * workspaces (an EBS volume and an EFS file system each, created once in moto and reused
 * by every night), one schedule over all of them with no cap ({@code max-concurrent}
 * 5000, no stagger), the AWS Backup simulator in its own process with backup jobs of
 * {@value #JOB_SECONDS} s, and the runner's job limit raised so that every backup can run
 * at once ({@code wsbackup.jobs.max-concurrent=2000}), its pool at most 30 connections.
 * Three nights on one schema ({@code wsbackup_bench_fleet_long}), each its own schedule:
 * <ol>
 * <li>one runner, in this JVM ({@code bench/run} gives it {@code -Xmx512m}): total time
 * against the ideal (the job time plus the start time the simulator's rate limits allow:
 * it has none, see the row), peak heap, peak platform threads, peak active pooled
 * connections, DescribeBackupJob calls per second (counted by the simulator);</li>
 * <li>two runners on the same schema (this one and a second JVM started with the same
 * class path, {@link FleetRunnerProcess}), the night fired through the second one's API:
 * the share of the backups each runner ran (the runner that owns the job execution that
 * completed each backup, {@code WS_EXECUTION_OWNER}) and the total time against the first
 * night's;</li>
 * <li>the same, with the second runner killed ({@code SIGKILL}) once half the cloud jobs
 * were started: every workspace must end the night with exactly one succeeded backup and
 * none failed, and the simulator must have started exactly one backup job per resource in
 * the night.</li>
 * </ol>
 * Extra runner settings (for both runners) go in the system property
 * {@code bench.fleet.long.settings}, {@code key=value} pairs separated by commas (for
 * instance {@code wsbackup.jobs.max-concurrent-per-account=500}).
 */
public final class FleetLongJobsBench {

	static final int DEFAULT_WORKSPACES = 2000;

	static final int WORKSPACES = Integer.getInteger("bench.workspaces", DEFAULT_WORKSPACES);

	static final int JOB_SECONDS = 60;

	static final int POOL = 30;

	/**
	 * A night is given up (its rows say "NOT COMPLETE") after this many minutes, or when
	 * no backup was created or ended for 2 minutes: the whole benchmark stays bounded.
	 */
	static final int NIGHT_MINUTES = Integer.getInteger("bench.night-minutes", 5);

	/**
	 * How many of the three nights to run ({@code bench.nights}, 1 for the first only).
	 */
	static final int NIGHTS = Integer.getInteger("bench.nights", 3);

	static final String REGION = FleetNightBench.REGION;

	static final String ACCOUNT = FleetNightBench.ACCOUNT;

	static final String NAME = "9 fleet long jobs";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private FleetLongJobsBench() {
	}

	public static void main(String[] args) throws Exception {
		System.setProperty("aws.accessKeyId", "test");
		System.setProperty("aws.secretAccessKey", "test");
		String url = Bench.schema("wsbackup_bench_fleet_long", true);
		Path schedules = Path.of("target", "bench", "fleet-long-schedules").toAbsolutePath();
		Files.createDirectories(schedules);
		for (String night : new String[] { "long-one", "long-two", "long-kill" }) {
			Files.writeString(schedules.resolve(night + ".yaml"), """
					name: %s
					cron: "0 0 3 1 1 ? 2099"
					workspaces: all
					backup-name: "%s-{yyyyMMdd-HHmmss}"
					start-window: 2h
					timeout: 1h
					stagger: 0s
					max-concurrent: 5000
					""".formatted(night, night));
		}
		try (MotoServer moto = MotoServer.start()) {
			int simPort = freePort();
			Process simulator = new ProcessBuilder(java(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
					"io.wsbackup.cloud.aws.simulator.AwsBackupSimulator", "--port", String.valueOf(simPort),
					"--moto-endpoint", moto.endpoint().toString(), "--job-seconds", String.valueOf(JOB_SECONDS))
				.redirectErrorStream(true)
				.redirectOutput(new File("target/bench/fleet-long-simulator.log"))
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
		db(url);
		List<String[]> storage = Bench.motoStorage(moto, REGION, WORKSPACES, "fleet-long-");
		Map<String, Object> settings = settings(moto, simulator, schedules);
		long t0 = System.nanoTime();
		try (ConfigurableApplicationContext context = Bench.runner(url, settings)) {
			Bench.note("runner up in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
			WorkspaceService workspaces = context.getBean(WorkspaceService.class);
			t0 = System.nanoTime();
			for (int i = 0; i < WORKSPACES; i++) {
				workspaces.register(String.format("ws-%04d", i), "prod", ACCOUNT, REGION, "2.0.50",
						new WorkspaceStorage(List.of(storage.get(i)[0]), storage.get(i)[1], false), null);
			}
			Bench.note(WORKSPACES + " workspaces registered in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
			String here = context.getBean(Runner.class).id();

			// the machine's start floor: as many empty six-step jobs as the night has
			// backups, on this runner's store, pool and job threads
			Floor floor = emptyJobsFloor(context, url);

			// night 1: one runner
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			FleetNightBench.Sampler sampler = new FleetNightBench.Sampler(pool);
			ThreadMXBean threads = ManagementFactory.getThreadMXBean();
			System.gc();
			threads.resetPeakThreadCount();
			sampler.start();
			Night one = night(url, simulator, "long-one",
					() -> context.getBean(ScheduleService.class).trigger("long-one"), null, threads);
			sampler.stop();
			int peakThreads = Math.max(threads.getPeakThreadCount(), one.peakThreads);
			double ideal = JOB_SECONDS;
			Bench.row(NAME, WORKSPACES
					+ " workspaces, " + JOB_SECONDS + " s cloud jobs, no cap, 1 runner: total time" + outcome(one),
					String.format(Locale.ROOT, "%.1f s", one.seconds),
					String.format(Locale.ROOT,
							"%.1f s (ideal: %d s jobs + 0 s of starts: the simulator has no rate limit,"
									+ " only an injected ThrottlingException share, 0 here)",
							ideal, JOB_SECONDS),
					ideal / one.seconds, "ratio >= 0.8 of ideal", one.complete() && ideal / one.seconds >= 0.8);
			Bench.row(NAME,
					WORKSPACES + " empty six-step Spring Batch jobs launched together on the same runner, store and"
							+ " pool (the start floor of this machine: no cloud, no checks)"
							+ (floor.failed > 0 ? " (" + floor.failed + " FAILED)" : ""),
					String.format(Locale.ROOT, "%.1f s", floor.seconds),
					String.format(Locale.ROOT, "%.1f s (night 1)", one.seconds), floor.seconds / one.seconds,
					"reported", true);
			double floorIdeal = JOB_SECONDS + floor.seconds;
			Bench.row(NAME, "1 runner: total time against the jobs plus the start floor above" + outcome(one),
					String.format(Locale.ROOT, "%.1f s", one.seconds), String.format(Locale.ROOT,
							"%.1f s (%d s jobs + %.1f s floor)", floorIdeal, JOB_SECONDS, floor.seconds),
					floorIdeal / one.seconds, "reported", true);
			if (NIGHTS < 2) {
				Bench.note("bench.nights=" + NIGHTS + ": the two-runner nights are left out");
				return;
			}
			long heapMb = sampler.peakHeap.get() >> 20;
			Bench.row(NAME, "1 runner: peak heap (sampled; after GC " + (sampler.peakAfterGc.get() >> 20) + " MB)",
					heapMb + " MB", "512 MB (goal)", heapMb / 512.0, "<= 512 MB", heapMb <= 512);
			Bench.row(NAME,
					"1 runner: peak platform threads of the runner's JVM (ThreadMXBean peak; virtual threads"
							+ " not counted)",
					String.valueOf(peakThreads), "200 (goal)", peakThreads / 200.0, "<= 200", peakThreads <= 200);
			Bench.row(NAME,
					"1 runner: peak active pooled DB connections (Hikari, sampled; peak " + sampler.peakWaiting.get()
							+ " threads waiting)",
					String.valueOf(sampler.peakActive.get()), pool.getMaximumPoolSize() + " (pool max)",
					sampler.peakActive.get() / (double) POOL, "<= " + POOL, sampler.peakActive.get() <= POOL);
			Bench.row(NAME, "1 runner: DescribeBackupJob calls/s (simulator's count over the night)",
					String.format(Locale.ROOT, "%.1f /s", one.describeCalls / one.seconds),
					one.describeCalls + " calls in " + String.format(Locale.ROOT, "%.0f s", one.seconds), 1.0,
					"reported", true);

			// nights 2 and 3: a second runner process on the same schema
			int port = freePort();
			URI second = URI.create("http://127.0.0.1:" + port);
			Process other = startRunner(url, settings, port);
			try {
				Night two = night(url, simulator, "long-two",
						() -> Bench.post(second, "/api/v1/ml/triggerSchedule", "{\"schedule\":\"long-two\"}"), null,
						threads);
				Map<String, Long> shares = shares(url, "long-two");
				long mine = shares.getOrDefault(here, 0L);
				long theirs = shares.entrySet()
					.stream()
					.filter((e) -> !e.getKey().equals(here) && !e.getKey().equals("none"))
					.mapToLong(Map.Entry::getValue)
					.sum();
				double share = (mine + theirs) == 0 ? 0 : mine / (double) (mine + theirs);
				Bench.note("night long-two: backups by the runner whose execution completed them: " + shares
						+ " (this JVM's runner is " + here + ")");
				boolean even = share >= 0.35 && share <= 0.65;
				Bench.row(NAME,
						"2 runners: share of the backups each ran (owner of the completing job execution;"
								+ " fired through the second's API)" + outcome(two),
						String.format(Locale.ROOT, "this JVM %d (%.0f%%), second process %d (%.0f%%), not completed %d",
								mine, share * 100, theirs, (mine + theirs) == 0 ? 0 : (1 - share) * 100,
								shares.getOrDefault("none", 0L)),
						"35-65% each", Math.min(share, 1 - share) / 0.5, "each 35-65%", even && two.complete());
				Bench.row(NAME, "2 runners: total time" + outcome(two),
						String.format(Locale.ROOT, "%.1f s", two.seconds),
						String.format(Locale.ROOT, "%.1f s (1 runner)", one.seconds), two.seconds / one.seconds,
						"ratio two/one <= 1.05", two.complete() && two.seconds / one.seconds <= 1.05);

				Map<String, Long> jobsBefore = jobsByResource(simulator);
				Map<String, Long> startsBefore = startCalls(simulator);
				Night three = night(url, simulator, "long-kill",
						() -> Bench.post(second, "/api/v1/ml/triggerSchedule", "{\"schedule\":\"long-kill\"}"), other,
						threads);
				Map<String, Long> jobs = delta(jobsByResource(simulator), jobsBefore);
				Map<String, Long> starts = delta(startCalls(simulator), startsBefore);
				long[] once = exactlyOnce(url, "long-kill");
				long resourcesOnce = jobs.values().stream().filter((n) -> n == 1).count();
				long resourcesMore = jobs.values().stream().filter((n) -> n > 1).count();
				long repeatedStarts = starts.values().stream().filter((n) -> n > 1).count();
				Bench.note(String.format(Locale.ROOT,
						"night long-kill: second runner killed after %d of %d StartBackupJob calls, %.1f s into the"
								+ " night (-1: not killed); workspaces with exactly one succeeded backup %d of %d, with one not succeeded (running or failed) %d;"
								+ " resources with one backup job %d, with more %d, of %d; resources whose"
								+ " StartBackupJob was called more than once %d; shares %s",
						three.killedAt, 2 * WORKSPACES, three.killSeconds, once[0], WORKSPACES, once[1], resourcesOnce,
						resourcesMore, 2 * WORKSPACES, repeatedStarts, shares(url, "long-kill")));
				boolean exact = three.complete() && three.killedAt >= 0 && once[0] == WORKSPACES && once[1] == 0
						&& resourcesOnce == 2L * WORKSPACES && resourcesMore == 0;
				Bench.row(NAME,
						"backups succeeded exactly once after kill -9 of one of 2 runners at half the cloud jobs"
								+ " started" + outcome(three),
						String.format(Locale.ROOT,
								"%d of %d workspaces, %d with one not succeeded; %d of %d resources with exactly 1 cloud job; %.1f s%s",
								once[0], WORKSPACES, once[1], resourcesOnce, 2 * WORKSPACES, three.seconds,
								three.killedAt < 0 ? " (NOT KILLED: half the cloud jobs never started)"
										: String.format(Locale.ROOT, "; killed at %.0f s", three.killSeconds)),
						WORKSPACES + " workspaces, 0 failed, " + 2 * WORKSPACES + " resources",
						once[0] / (double) WORKSPACES, "all exactly once", exact);
			}
			finally {
				other.destroyForcibly();
				other.waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	/**
	 * What the floor measured: its wall time and the empty jobs that did not complete.
	 */
	record Floor(double seconds, long failed) {
	}

	/**
	 * Runs {@link #WORKSPACES} empty six-step jobs (as
	 * {@link RunnerOverheadBench#emptyJob} builds them) through the runner's
	 * {@link JobOperator}, each on the runner's job threads as a backup's would be, at
	 * most {@link #POOL} at once (one per pooled connection: launched all together,
	 * hundreds of them time out waiting for the pool), and waits until all of them ended:
	 * the time Spring Batch alone needs on this store, pool and machine for as many jobs
	 * as the night has backups.
	 */
	private static Floor emptyJobsFloor(ConfigurableApplicationContext context, String url) throws Exception {
		JobOperator operator = context.getBean(JobOperator.class);
		JobRepository repository = context.getBean(JobRepository.class);
		PlatformTransactionManager tx = context.getBean(PlatformTransactionManager.class);
		Semaphore running = new Semaphore(POOL);
		Job empty = RunnerOverheadBench.emptyJob(repository, tx, new JobExecutionListener() {
			@Override
			public void afterJob(JobExecution execution) {
				running.release();
			}
		});
		int refused = 0;
		long t0 = System.nanoTime();
		for (int i = 0; i < WORKSPACES; i++) {
			running.acquire();
			try {
				operator.start(empty, new JobParametersBuilder().addLong("run", (long) i).toJobParameters());
			}
			catch (Exception ex) {
				running.release();
				if (refused++ == 0) {
					Bench.note("start floor: a launch failed: " + ex);
				}
			}
		}
		boolean all = running.tryAcquire(POOL, NIGHT_MINUTES, TimeUnit.MINUTES);
		long[] ended = emptyJobsEnded(db(url));
		// the last executions' closing writes come right after their listeners
		for (int i = 0; i < 50 && all && ended[0] + ended[1] + refused < WORKSPACES; i++) {
			Thread.sleep(100);
			ended = emptyJobsEnded(db(url));
		}
		double seconds = (System.nanoTime() - t0) / 1e9;
		Bench.note(String.format(Locale.ROOT,
				"start floor: %d empty six-step jobs completed, %d ended otherwise, %d launches failed, in %.1f s%s",
				ended[0], ended[1], refused, seconds, all ? "" : " (GIVEN UP)"));
		return new Floor(seconds, WORKSPACES - ended[0]);
	}

	/** {completed, ended otherwise} executions of the empty job. */
	private static long[] emptyJobsEnded(Connection c) throws Exception {
		try (PreparedStatement s = c.prepareStatement(
				"SELECT COALESCE(SUM(e.STATUS = 'COMPLETED'), 0), COALESCE(SUM(e.STATUS IN ('FAILED', 'STOPPED',"
						+ " 'ABANDONED')), 0) FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_INSTANCE i"
						+ " ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID WHERE i.JOB_NAME = 'emptySixSteps'");
				ResultSet rs = s.executeQuery()) {
			rs.next();
			return new long[] { rs.getLong(1), rs.getLong(2) };
		}
	}

	private static String outcome(Night night) {
		if (night.complete()) {
			return "";
		}
		return String.format(Locale.ROOT, " (NOT COMPLETE: %d of %d backups ended, %d succeeded, %d failed%s)",
				night.succeeded + night.failed, WORKSPACES, night.succeeded, night.failed,
				night.finished ? "" : ", given up");
	}

	/** What a night measured. */
	record Night(double seconds, long succeeded, long failed, long describeCalls, int peakThreads, boolean finished,
			long killedAt, double killSeconds) {

		boolean complete() {
			return this.finished && this.succeeded == WORKSPACES;
		}

	}

	/**
	 * Fires the schedule (on a thread of its own: the turn may take a while), polls the
	 * store until every workspace's backup of the night ended (or nothing moved for 2
	 * minutes, or {@link #NIGHT_MINUTES} passed), and kills {@code victim} once half the
	 * night's cloud jobs were asked for.
	 */
	private static Night night(String url, URI simulator, String schedule, Runnable trigger, Process victim,
			ThreadMXBean threads) throws Exception {
		String creator = "crn:cdp:iam:" + REGION + ":" + ACCOUNT + ":schedule:" + schedule;
		long describeBefore = operationCalls(simulator, "DescribeBackupJob");
		long startsBefore = operationCalls(simulator, "StartBackupJob");
		AtomicInteger peakThreads = new AtomicInteger();
		long t0 = System.nanoTime();
		Thread firing = Thread.ofPlatform().name("bench-trigger").start(() -> {
			try {
				trigger.run();
			}
			catch (RuntimeException ex) {
				Bench.note("trigger of " + schedule + ": " + ex.getMessage());
			}
		});
		long[] counts;
		long lastProgress = System.nanoTime();
		long lastDone = -1;
		long killedAt = -1;
		double killSeconds = -1;
		boolean finished;
		long lastNote = 0;
		{
			while (true) {
				counts = counts(db(url), creator);
				peakThreads.accumulateAndGet(threads.getThreadCount(), Math::max);
				long done = counts[1] + counts[2];
				if (done >= WORKSPACES) {
					finished = true;
					break;
				}
				long moved = counts[0] * 1_000_000 + done;
				if (moved != lastDone) {
					lastDone = moved;
					lastProgress = System.nanoTime();
				}
				if (System.nanoTime() - lastProgress > TimeUnit.MINUTES.toNanos(2)
						|| System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(NIGHT_MINUTES)) {
					finished = false;
					break;
				}
				if (victim != null && killedAt < 0) {
					long started = operationCalls(simulator, "StartBackupJob") - startsBefore;
					if (started >= WORKSPACES) {
						victim.destroyForcibly();
						killedAt = started;
						killSeconds = (System.nanoTime() - t0) / 1e9;
						Bench.note(String.format(Locale.ROOT,
								"%s: second runner killed (SIGKILL) at %.1f s, after %d" + " StartBackupJob calls",
								schedule, killSeconds, started));
					}
				}
				if (System.nanoTime() - lastNote > TimeUnit.SECONDS.toNanos(15)) {
					lastNote = System.nanoTime();
					Bench.note(String.format(Locale.ROOT, "%s at %.0f s: %d backups, %d succeeded, %d failed", schedule,
							(System.nanoTime() - t0) / 1e9, counts[0], counts[1], counts[2]));
				}
				Thread.sleep(victim != null && killedAt < 0 ? 100 : 250);
			}
		}
		double seconds = (System.nanoTime() - t0) / 1e9;
		firing.join(TimeUnit.SECONDS.toMillis(30));
		long describe = operationCalls(simulator, "DescribeBackupJob") - describeBefore;
		Bench.note(String.format(Locale.ROOT,
				"night %s: %d backups, %d succeeded, %d failed in %.1f s%s; %d DescribeBackupJob calls (%.1f/s),"
						+ " %d StartBackupJob calls; peak %d platform threads sampled",
				schedule, counts[0], counts[1], counts[2], seconds,
				finished ? "" : " (GIVEN UP: stalled or over " + NIGHT_MINUTES + " min)", describe, describe / seconds,
				operationCalls(simulator, "StartBackupJob") - startsBefore, peakThreads.get()));
		return new Night(seconds, counts[1], counts[2], describe, peakThreads.get(), finished, killedAt, killSeconds);
	}

	/** The settings of both runners. */
	private static Map<String, Object> settings(URI moto, URI simulator, Path schedules) {
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
		// every backup of the night may run at once
		settings.put("wsbackup.jobs.max-concurrent", "2000");
		settings.put("spring.datasource.hikari.maximum-pool-size", String.valueOf(POOL));
		settings.put("wsbackup.schedules-dir", schedules.toString());
		settings.put("spring.quartz.auto-startup", "true");
		settings.put("spring.quartz.scheduler-name", "wsbackup-bench-fleet-long");
		// a dead runner is noticed within ~25 s instead of ~70 s (the third night)
		settings.put("wsbackup.recovery.heartbeat-interval", "3s");
		settings.put("wsbackup.recovery.dead-after", "20s");
		settings.put("wsbackup.recovery.scan-interval", "5s");
		settings.put("logging.level.root", "WARN");
		Bench.extraSettings(settings, "bench.fleet.long.settings");
		return settings;
	}

	/** The second runner: its own JVM, same class path and settings, with its API on. */
	private static Process startRunner(String url, Map<String, Object> settings, int port) throws Exception {
		List<String> command = new ArrayList<>(List.of(java(), "-Xmx512m", "-Duser.timezone=UTC",
				"-Daws.accessKeyId=test", "-Daws.secretAccessKey=test", "-cp", System.getProperty("java.class.path"),
				FleetRunnerProcess.class.getName(), url));
		Map<String, Object> theirs = new LinkedHashMap<>(settings);
		theirs.put("spring.main.web-application-type", "servlet");
		theirs.put("server.port", String.valueOf(port));
		theirs.forEach((k, v) -> command.add(k + "=" + v));
		File log = new File("target/bench/fleet-long-runner2.log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
		long t0 = System.nanoTime();
		while (!Files.readString(log.toPath()).contains("RUNNER ")) {
			if (!process.isAlive() || System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(3)) {
				throw new IllegalStateException("the second runner did not start: see " + log);
			}
			Thread.sleep(200);
		}
		Bench.note("second runner process up in " + (System.nanoTime() - t0) / 1_000_000 + " ms: "
				+ Files.readString(log.toPath()).lines().filter((l) -> l.startsWith("RUNNER ")).findFirst().orElse(""));
		return process;
	}

	/** {started, succeeded, failed} backups of the schedule. */
	private static long[] counts(Connection c, String creator) throws Exception {
		try (PreparedStatement s = c.prepareStatement(
				"SELECT COUNT(*), COALESCE(SUM(STATUS = 'succeeded'), 0), COALESCE(SUM(STATUS IN ('failed',"
						+ " 'cancelled')), 0) FROM WS_BACKUP WHERE CREATOR_CRN = ?")) {
			s.setString(1, creator);
			try (ResultSet rs = s.executeQuery()) {
				rs.next();
				return new long[] { rs.getLong(1), rs.getLong(2), rs.getLong(3) };
			}
		}
	}

	/**
	 * Backups of the night by the runner that owned the job execution which completed
	 * them (a backup recovered after its runner died counts for the runner that finished
	 * it); backups with no completed execution count under "none".
	 */
	private static Map<String, Long> shares(String url, String schedule) throws Exception {
		Map<String, Long> shares = new LinkedHashMap<>();
		try (PreparedStatement s = db(url)
			.prepareStatement("SELECT COALESCE(o.RUNNER_ID, 'none'), COUNT(*) FROM WS_BACKUP b"
					+ " LEFT JOIN BATCH_JOB_EXECUTION first ON first.JOB_EXECUTION_ID = b.JOB_EXECUTION_ID"
					+ " LEFT JOIN BATCH_JOB_EXECUTION done ON done.JOB_INSTANCE_ID = first.JOB_INSTANCE_ID"
					+ " AND done.STATUS = 'COMPLETED'"
					+ " LEFT JOIN WS_EXECUTION_OWNER o ON o.JOB_EXECUTION_ID = done.JOB_EXECUTION_ID"
					+ " WHERE b.CREATOR_CRN = ? GROUP BY 1")) {
			s.setString(1, "crn:cdp:iam:" + REGION + ":" + ACCOUNT + ":schedule:" + schedule);
			try (ResultSet rs = s.executeQuery()) {
				while (rs.next()) {
					shares.put(rs.getString(1), rs.getLong(2));
				}
			}
		}
		return shares;
	}

	/**
	 * {workspaces with exactly one succeeded backup of the night, workspaces with a
	 * backup of the night that did not succeed}.
	 */
	private static long[] exactlyOnce(String url, String schedule) throws Exception {
		try (PreparedStatement s = db(url).prepareStatement("SELECT COALESCE(SUM(ok = 1 AND bad = 0), 0),"
				+ " COALESCE(SUM(bad > 0), 0) FROM (SELECT w.CRN, SUM(b.STATUS = 'succeeded') ok,"
				+ " SUM(b.STATUS <> 'succeeded') bad FROM WS_WORKSPACE w JOIN WS_BACKUP b"
				+ " ON b.WORKSPACE_CRN = w.CRN AND b.CREATOR_CRN = ? GROUP BY w.CRN) x")) {
			s.setString(1, "crn:cdp:iam:" + REGION + ":" + ACCOUNT + ":schedule:" + schedule);
			try (ResultSet rs = s.executeQuery()) {
				rs.next();
				return new long[] { rs.getLong(1), rs.getLong(2) };
			}
		}
	}

	private static Connection db;

	/**
	 * The benchmark's one connection for its own queries, opened before the runners take
	 * theirs (the server's {@code max_connections}, 151 by default, is shared with
	 * everything else on the machine), and opened again only when it broke.
	 */
	private static Connection db(String url) throws Exception {
		if (db == null || !db.isValid(5)) {
			db = Bench.connect(url);
		}
		return db;
	}

	private static long operationCalls(URI simulator, String operation) {
		Map<?, ?> calls = JSON.readValue(Bench.get(simulator, "/simulator/calls"), Map.class);
		Object n = ((Map<?, ?>) calls.get("ByOperation")).get(operation);
		return n == null ? 0 : ((Number) n).longValue();
	}

	private static Map<String, Long> startCalls(URI simulator) {
		Map<?, ?> calls = JSON.readValue(Bench.get(simulator, "/simulator/start-calls"), Map.class);
		Map<String, Long> counts = new HashMap<>();
		((Map<?, ?>) calls.get("StartBackupJobByResource"))
			.forEach((k, v) -> counts.put((String) k, ((Number) v).longValue()));
		return counts;
	}

	/** Backup jobs the simulator ever started, by resource ARN. */
	private static Map<String, Long> jobsByResource(URI simulator) {
		Map<?, ?> jobs = JSON.readValue(Bench.get(simulator, "/simulator/jobs"), Map.class);
		Map<String, Long> counts = new HashMap<>();
		for (Object job : (List<?>) jobs.get("BackupJobs")) {
			counts.merge((String) ((Map<?, ?>) job).get("ResourceArn"), 1L, Long::sum);
		}
		return counts;
	}

	private static Map<String, Long> delta(Map<String, Long> after, Map<String, Long> before) {
		Map<String, Long> delta = new HashMap<>();
		after.forEach((k, v) -> {
			long d = v - before.getOrDefault(k, 0L);
			if (d > 0) {
				delta.put(k, d);
			}
		});
		return delta;
	}

	private static int freePort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

}
