package io.wsbackup.metrics;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleBiFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Every metric of wsbackup (docs/metrics.md), in Micrometer, exposed by
 * {@code /actuator/prometheus}. Two kinds:
 * <ul>
 * <li>events counted where they happen, in this runner: jobs started and ended (the jobs'
 * listeners call {@link #jobStarted} and {@link #jobEnded}), bytes backed up, schedule
 * skips, cloud API requests. Each replica counts its own; Prometheus sums them.
 * <li>the last successful backup of every registered workspace, read from the catalog
 * every {@code wsbackup.metrics.refresh-interval} (and soon after a backup ends here), so
 * that every replica reports the same value, also after a restart.
 * </ul>
 * Workspaces are tagged {@code workspace} with their CRN.
 */
@Component
public class WsbackupMetrics implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(WsbackupMetrics.class);

	/** Tag of a workspace's CRN. */
	public static final String WORKSPACE = "workspace";

	public static final String JOB_DURATION = "wsbackup.job.duration";

	public static final String JOBS_RUNNING = "wsbackup.jobs.running";

	public static final String BACKUP_BYTES = "wsbackup.backup.bytes";

	public static final String LAST_SUCCESS = "wsbackup.backup.last.success.timestamp";

	public static final String LAST_VERIFIED = "wsbackup.backup.last.verified.timestamp";

	public static final String SCHEDULE_SKIPS = "wsbackup.schedule.skips";

	public static final String CLOUD_REQUESTS = "wsbackup.cloud.requests";

	/** The jobs measured, with the prefix of their per-workspace counters. */
	public enum JobKind {

		BACKUP("backupWorkspace", "wsbackup.backups"), RESTORE("restoreWorkspace", "wsbackup.restores"),
		DELETE("deleteBackup", null), VERIFY("verifyBackup", null), DRILL("drillBackup", null);

		private final String jobName;

		private final String counterPrefix;

		JobKind(String jobName, String counterPrefix) {
			this.jobName = jobName;
			this.counterPrefix = counterPrefix;
		}

		/** The Spring Batch job's name, the {@code job} tag. */
		public String jobName() {
			return jobName;
		}

	}

	/** How a job execution ended, the {@code outcome} tag. */
	public enum Outcome {

		SUCCEEDED, FAILED, CANCELLED;

		/**
		 * From the execution's status alone: COMPLETED succeeded, STOPPED was cancelled,
		 * anything else failed.
		 */
		public static Outcome of(BatchStatus status) {
			return switch (status) {
				case COMPLETED -> SUCCEEDED;
				case STOPPED -> CANCELLED;
				default -> FAILED;
			};
		}

		public String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	/** Why a schedule did not start a workspace's backup, the {@code reason} tag. */
	public enum SkipReason {

		/** The whole fire came later than its start window (no runner was up). */
		MISFIRE,
		/** The workspace's slot came later than the start window. */
		WINDOW,
		/**
		 * The slot waited at the schedule's cap of concurrent backups past its window.
		 */
		CAP,
		/** The workspace already had a backup running. */
		OVERLAP,
		/**
		 * The workspace was not {@code installation:finished} (a backup or restore of it
		 * running, or a failed one).
		 */
		STATUS,
		/** The launcher refused the backup. */
		REFUSED,
		/** The workspace or the schedule was removed meanwhile. */
		REMOVED;

		public String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	private final MeterRegistry registry;

	private final WorkspaceRepository workspaces;

	private final BackupRepository backups;

	private final Duration refreshInterval;

	private final Map<JobKind, AtomicInteger> running = new EnumMap<>(JobKind.class);

	private final MultiGauge lastSuccess;

	private volatile Map<String, Double> lastSuccessSeconds = Map.of();

	private final MultiGauge lastVerified;

	private volatile Map<String, Double> lastVerifiedSeconds = Map.of();

	/** The least time between the beginnings of two refreshes after job ends. */
	static final Duration SOON_SPACING = Duration.ofSeconds(1);

	/** Whether a refresh after a job end is queued and has not begun. */
	private final AtomicBoolean refreshQueued = new AtomicBoolean();

	/** nanoTime at which the last refresh began. */
	private volatile long lastRefreshBegan = System.nanoTime() - SOON_SPACING.toNanos();

	/**
	 * Reads the catalog while started (a test context may be stopped and started again).
	 */
	private volatile ScheduledExecutorService refresher;

	@Autowired
	public WsbackupMetrics(MeterRegistry registry, WorkspaceRepository workspaces, BackupRepository backups,
			WsbackupProperties properties) {
		this(registry, workspaces, backups, properties.metrics().refreshInterval());
	}

	/**
	 * @param refreshInterval how often the last successful backups are read from the
	 * catalog once started
	 */
	public WsbackupMetrics(MeterRegistry registry, WorkspaceRepository workspaces, BackupRepository backups,
			Duration refreshInterval) {
		this.registry = registry;
		this.workspaces = workspaces;
		this.backups = backups;
		this.refreshInterval = refreshInterval;
		for (JobKind job : JobKind.values()) {
			AtomicInteger count = new AtomicInteger();
			running.put(job, count);
			Gauge.builder(JOBS_RUNNING, count, AtomicInteger::get)
				.description("job executions running in this runner")
				.tag("job", job.jobName)
				.register(registry);
		}
		this.lastSuccess = MultiGauge.builder(LAST_SUCCESS)
			.baseUnit("seconds")
			.description("when the workspace's newest succeeded backup was recorded in the catalog (epoch seconds); "
					+ "its registration time while it has none")
			.register(registry);
		this.lastVerified = MultiGauge.builder(LAST_VERIFIED)
			.baseUnit("seconds")
			.description("when the verification of the workspace's newest verified backup ended (epoch seconds); "
					+ "its registration time while it has none")
			.register(registry);
	}

	/** A job execution of this kind began in this runner (its listener's beforeJob). */
	public void jobStarted(JobKind job, String workspaceCrn) {
		running.get(job).incrementAndGet();
		if (job.counterPrefix != null && workspaceCrn != null) {
			counter(job.counterPrefix + ".started", Tags.of(WORKSPACE, workspaceCrn)).increment();
		}
	}

	/**
	 * A job execution of this kind ended in this runner with this outcome (its listener's
	 * afterJob): its duration, and the workspace's count of that outcome.
	 */
	public void jobEnded(JobKind job, JobExecution execution, String workspaceCrn, Outcome outcome) {
		running.get(job).updateAndGet((n) -> Math.max(0, n - 1));
		Timer.builder(JOB_DURATION)
			.description("how long job executions took, from start to end")
			.tags("job", job.jobName, "outcome", outcome.tag())
			.register(registry)
			.record(duration(execution));
		if (job.counterPrefix != null && workspaceCrn != null) {
			counter(job.counterPrefix + ".finished", Tags.of(WORKSPACE, workspaceCrn, "outcome", outcome.tag()))
				.increment();
		}
		if (job == JobKind.BACKUP || job == JobKind.VERIFY) {
			refreshSoon();
		}
	}

	/** A backup of this workspace succeeded with recovery points of this total size. */
	public void backedUp(String workspaceCrn, long bytes) {
		Counter.builder(BACKUP_BYTES)
			.baseUnit("bytes")
			.description("size of the recovery points of the workspace's succeeded backups")
			.tag(WORKSPACE, workspaceCrn)
			.register(registry)
			.increment(bytes);
	}

	/** A schedule did not start a workspace's backup. */
	public void scheduleSkipped(String schedule, SkipReason reason) {
		Counter.builder(SCHEDULE_SKIPS)
			.description("backups (or drills) a schedule did not start, by reason")
			.tags("schedule", schedule, "reason", reason.tag())
			.register(registry)
			.increment();
	}

	/**
	 * One request to a cloud API that got an answer (on AWS every attempt, retries
	 * included).
	 * @param provider {@code aws} or {@code local}
	 * @param service the service as the SDK names it, such as {@code Backup} or
	 * {@code Ec2}
	 * @param operation the operation, such as {@code StartBackupJob}
	 * @param throttled whether the cloud refused it for its rate
	 */
	public void cloudRequest(String provider, String service, String operation, boolean throttled) {
		Counter.builder(CLOUD_REQUESTS)
			.description("requests to cloud APIs (each attempt), throttled or not")
			.tags("provider", provider, "service", service, "operation", operation, "throttled",
					throttled ? "yes" : "no")
			.register(registry)
			.increment();
	}

	/**
	 * Reads the last successful backup and the last verified one of every registered
	 * workspace from the catalog into
	 * {@code wsbackup_backup_last_success_timestamp_seconds} and
	 * {@code wsbackup_backup_last_verified_timestamp_seconds}; a workspace without one
	 * shows its registration time. Workspaces no longer registered leave the gauges.
	 */
	public void refreshFromCatalog() {
		List<Workspace> registered = workspaces.list(null);
		lastSuccessSeconds = seconds(registered, backups.lastSucceededAt());
		lastVerifiedSeconds = seconds(registered, backups.lastVerifiedAt());
		lastSuccess.register(rows(registered, (self, crn) -> self.lastSuccessSeconds.getOrDefault(crn, Double.NaN)),
				true);
		lastVerified.register(rows(registered, (self, crn) -> self.lastVerifiedSeconds.getOrDefault(crn, Double.NaN)),
				true);
	}

	/**
	 * Each workspace's time, in epoch seconds; its registration time when it has none.
	 */
	private static Map<String, Double> seconds(List<Workspace> registered, Map<Crn, Instant> times) {
		Map<String, Double> seconds = new ConcurrentHashMap<>();
		for (Workspace workspace : registered) {
			Instant last = times.getOrDefault(workspace.crn(), workspace.createdAt());
			seconds.put(workspace.crn().toString(), last.toEpochMilli() / 1000.0);
		}
		return seconds;
	}

	/** One gauge row per workspace, reading its value when scraped. */
	private List<MultiGauge.Row<?>> rows(List<Workspace> registered,
			ToDoubleBiFunction<WsbackupMetrics, String> value) {
		List<MultiGauge.Row<?>> rows = new ArrayList<>();
		for (Workspace workspace : registered) {
			String crn = workspace.crn().toString();
			rows.add(MultiGauge.Row.of(Tags.of(WORKSPACE, crn), this, (self) -> value.applyAsDouble(self, crn)));
		}
		return rows;
	}

	/**
	 * A refresh after a backup or verification ended, coalesced: one at a time is queued,
	 * and it begins at least {@link #SOON_SPACING} after the last refresh began. A night
	 * of thousands of backups ending would otherwise read the whole catalog once per end.
	 * The refresh that runs reads every end before it began.
	 */
	private void refreshSoon() {
		ScheduledExecutorService current = refresher;
		if (current == null || !refreshQueued.compareAndSet(false, true)) {
			return;
		}
		long wait = SOON_SPACING.toNanos() - (System.nanoTime() - lastRefreshBegan);
		try {
			current.schedule(this::refreshQuietly, Math.max(0, Math.min(wait, SOON_SPACING.toNanos())),
					TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException stopping) {
			// the runner is shutting down
			refreshQueued.set(false);
		}
	}

	private void refreshQuietly() {
		// an end after this point queues the next refresh: this one may not read it
		refreshQueued.set(false);
		lastRefreshBegan = System.nanoTime();
		try {
			refreshFromCatalog();
		}
		catch (RuntimeException ex) {
			// the store may be away for a while; the gauge keeps its last values
			log.warn("metrics: could not read the last successful backups from the store: {}", ex.getMessage());
		}
	}

	private Counter counter(String name, Tags tags) {
		return Counter.builder(name).tags(tags).register(registry);
	}

	private static Duration duration(JobExecution execution) {
		LocalDateTime start = execution.getStartTime() != null ? execution.getStartTime() : execution.getCreateTime();
		LocalDateTime end = execution.getEndTime() != null ? execution.getEndTime() : LocalDateTime.now();
		Duration duration = start == null ? Duration.ZERO : Duration.between(start, end);
		return duration.isNegative() ? Duration.ZERO : duration;
	}

	@Override
	public synchronized void start() {
		if (refresher != null) {
			return;
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "wsbackup-metrics");
			thread.setDaemon(true);
			return thread;
		});
		executor.scheduleWithFixedDelay(this::refreshQuietly, 0, refreshInterval.toMillis(), TimeUnit.MILLISECONDS);
		refresher = executor;
	}

	@Override
	public synchronized void stop() {
		if (refresher != null) {
			refresher.shutdownNow();
			refresher = null;
		}
	}

	@Override
	public boolean isRunning() {
		return refresher != null;
	}

}
