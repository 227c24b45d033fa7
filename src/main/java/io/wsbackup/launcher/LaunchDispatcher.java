package io.wsbackup.launcher;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.wsbackup.execution.LaunchQueue;
import io.wsbackup.execution.Runner;
import io.wsbackup.execution.RunnerRegistry;
import io.wsbackup.system.WsbackupProperties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Takes queued launches ({@link LaunchQueue}) for this runner while it has room, and
 * completes them as the recovery scan completes a launch cut short (the job starts, a
 * backup cancelled meanwhile ends cancelled). It looks every
 * {@code wsbackup.jobs.queue-poll-interval}, and at once when a launch is queued or a job
 * ends on this runner.
 * <p>
 * With several runners each takes its share: at most the queue divided by the live
 * runners per look (so that a runner woken first does not take the whole night), and
 * whatever it has room for once the oldest launch has waited three looks (so that a
 * runner without room never holds the others' share back). The per-account limit is kept
 * here for queued launches. With {@code wsbackup.recovery.enabled=false} a runner takes
 * only the launches it queued itself, as it then never touches another runner's work.
 */
@Component
public class LaunchDispatcher implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(LaunchDispatcher.class);

	/** Queued launches looked at per look. */
	private static final int LOOK = 500;

	/** Launches started at once (each a few statements before its job runs). */
	private static final int PARALLEL_STARTS = 8;

	private static final ExecutorService STARTERS = Executors.newVirtualThreadPerTaskExecutor();

	private final LaunchQueue queue;

	private final Launcher launcher;

	private final Runner runner;

	private final RunnerRegistry registry;

	private final Duration pollInterval;

	private final Duration deadAfter;

	private final boolean anyRunner;

	private final Semaphore woken = new Semaphore(0);

	private final Semaphore starting = new Semaphore(PARALLEL_STARTS);

	private volatile boolean running;

	/**
	 * Whether the last look took only this runner's share of the queue: the next look
	 * then waits for the poll interval, so that the other runners look in between (a
	 * runner that looked again at once took half of what was left each time, about two
	 * thirds of a night).
	 */
	private volatile boolean heldToShare;

	private volatile Thread loop;

	@Autowired
	public LaunchDispatcher(LaunchQueue queue, Launcher launcher, Runner runner, RunnerRegistry registry,
			WsbackupProperties properties) {
		this(queue, launcher, runner, registry, properties.jobs().queuePollInterval(),
				properties.recovery().deadAfter(), properties.recovery().enabled());
	}

	/**
	 * The dispatcher of a runner (tests: of other runners, called by hand).
	 * @param anyRunner whether it takes launches other runners queued
	 */
	public LaunchDispatcher(LaunchQueue queue, Launcher launcher, Runner runner, RunnerRegistry registry,
			Duration pollInterval, Duration deadAfter, boolean anyRunner) {
		this.queue = queue;
		this.launcher = launcher;
		this.runner = runner;
		this.registry = registry;
		this.pollInterval = pollInterval;
		this.deadAfter = deadAfter;
		this.anyRunner = anyRunner;
	}

	@Override
	public void start() {
		running = true;
		queue.onWake(woken::release);
		runner.onJobEnded(woken::release);
		loop = Thread.ofVirtual().name("launch-dispatcher").start(this::run);
	}

	@Override
	public void stop() {
		running = false;
		Thread thread = loop;
		if (thread != null) {
			thread.interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	private void run() {
		while (running) {
			int started = 0;
			try {
				started = dispatch();
			}
			catch (RuntimeException ex) {
				log.warn("taking queued launches failed, trying again at the next look: {}", ex.toString());
			}
			if (started > 0 && !heldToShare) {
				continue;
			}
			try {
				// a little earlier or later each time, so that the runners' looks do not
				// keep one order
				long wait = pollInterval.toMillis() * ThreadLocalRandom.current().nextLong(75, 126) / 100;
				if (!heldToShare) {
					woken.tryAcquire(wait, TimeUnit.MILLISECONDS);
				}
				else {
					Thread.sleep(wait);
				}
				woken.drainPermits();
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	/**
	 * One look: takes the oldest queued launches this runner has room and a share for,
	 * and starts them.
	 * @return how many it started
	 */
	public int dispatch() {
		if (runner.releasing()) {
			return 0;
		}
		Map<String, Integer> loads = queue.refreshAccountLoads();
		int room = queue.room();
		List<LaunchQueue.Queued> queued = queue.oldest(LOOK, anyRunner);
		if (queued.isEmpty() || room <= 0) {
			return 0;
		}
		int take = room;
		heldToShare = false;
		if (anyRunner) {
			LocalDateTime waitedLong = registry.before(pollInterval.multipliedBy(3));
			if (!queued.get(0).queuedAt().isBefore(waitedLong)) {
				int live = Math.max(1, registry.live(registry.before(deadAfter)));
				int waiting = (queued.size() < LOOK) ? queued.size() : queue.count();
				int share = Math.ceilDiv(waiting, live);
				heldToShare = share < take && share < waiting;
				take = Math.min(take, share);
			}
		}
		int perAccount = queue.limits().maxConcurrentPerAccount();
		List<CompletableFuture<Void>> starts = new ArrayList<>();
		for (LaunchQueue.Queued launch : queued) {
			if (starts.size() >= take) {
				break;
			}
			String account = launch.accountId() == null ? "" : launch.accountId();
			if (loads.getOrDefault(account, 0) >= perAccount) {
				continue;
			}
			runner.beginLaunch(launch.jobName(), launch.subjectCrn());
			if (!queue.take(launch)) {
				runner.endLaunch(launch.jobName(), launch.subjectCrn());
				continue;
			}
			loads.merge(account, 1, Integer::sum);
			starts.add(start(launch));
		}
		CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
		if (!starts.isEmpty()) {
			log.info("runner {} took {} queued launch(es)", runner.id(), starts.size());
		}
		return starts.size();
	}

	private CompletableFuture<Void> start(LaunchQueue.Queued launch) {
		starting.acquireUninterruptibly();
		return CompletableFuture.runAsync(() -> {
			try {
				launcher.resumeLaunch(launch.jobName(), launch.subjectCrn(), runner.id());
			}
			catch (RuntimeException ex) {
				// it stays this runner's launch, which it no longer launches: the
				// recovery scan completes it
				log.warn("the queued {} launch of {} could not be started; the recovery scan tries again: {}",
						launch.jobName(), launch.subjectCrn(), ex.toString());
			}
			finally {
				runner.endLaunch(launch.jobName(), launch.subjectCrn());
				starting.release();
			}
		}, STARTERS);
	}

}
