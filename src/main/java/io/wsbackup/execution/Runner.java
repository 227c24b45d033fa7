package io.wsbackup.execution;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;

/**
 * This runner process: its id (fresh at every start), its host, whether it reaches the
 * store, and the job executions it runs in this JVM (queued, running, or parked at a
 * commit point).
 *
 * <p>
 * A job thread never stops half-way through a chunk: when the runner shuts down, or when
 * it finds that another runner has taken one of its executions over, the thread
 * <em>parks</em> before its next chunk and never runs again. What it committed stays
 * committed; the execution is left to the recovery scan of a runner (another one, or this
 * one later), exactly as if this process had been killed at that commit point, but
 * without running any compensation.
 */
@Component
public class Runner {

	private static final Logger log = LoggerFactory.getLogger(Runner.class);

	/** Where an execution of this JVM stands. */
	public enum Local {

		/** Launched, its thread has not begun. */
		QUEUED,
		/** Its thread runs it. */
		RUNNING,
		/** Its thread parked at a commit point for the shutdown. */
		PARKED

	}

	private static final ThreadLocal<Long> CURRENT = new ThreadLocal<>();

	private final String id;

	private final String host;

	private final Map<Long, Local> executions = new ConcurrentHashMap<>();

	private final Set<Long> endedBeforeLaunchReturned = ConcurrentHashMap.newKeySet();

	/** Launches of this JVM between their catalog change and their job's execution. */
	private final Set<String> launching = ConcurrentHashMap.newKeySet();

	private final Object monitor = new Object();

	/** Wake keys given to {@link #wake} and not yet consumed by a pause, with when. */
	private final Map<String, Long> wakes = new ConcurrentHashMap<>();

	private volatile boolean releasing;

	private volatile Runnable jobEnded = () -> {
	};

	/** nanoTime of the first successful heartbeat after the last failure, or null. */
	private volatile Long reachableSince;

	/** nanoTime at which the last heartbeat that was written had been sent, or null. */
	private volatile Long lastHeartbeatSent;

	/** The nanoTime the heartbeats are timed with. */
	private final LongSupplier clock;

	/**
	 * nanoTime from which this runner's heartbeats have kept it trusted without a break:
	 * an ownership read older than that may have been overtaken by another runner's
	 * takeover.
	 */
	private volatile long trustedSince;

	/**
	 * How long a heartbeat keeps this runner trusted (well below dead-after), or null
	 * while nothing has set it: then no heartbeat is trusted.
	 */
	private volatile Duration heartbeatTrust;

	private volatile boolean heartbeatsDistrusted;

	private volatile ThreadPoolTaskExecutor jobExecutor;

	public Runner() {
		this("runner-" + UUID.randomUUID().toString().substring(0, 13), hostName());
	}

	public Runner(String id, String host) {
		this(id, host, System::nanoTime);
	}

	/** For tests: a runner whose heartbeats are timed by {@code clock} (nanoTime). */
	Runner(String id, String host, LongSupplier clock) {
		this.id = id;
		this.host = host;
		this.clock = clock;
		this.trustedSince = clock.getAsLong();
	}

	public String id() {
		return id;
	}

	public String host() {
		return host;
	}

	/** "runner-… (host, pid N)" for events and logs. */
	public String describe() {
		return id + " (" + host + ")";
	}

	// --- the store

	public void heartbeatSucceeded() {
		heartbeatSucceeded(clock.getAsLong());
	}

	/**
	 * The heartbeat sent at {@code sentAt} (nanoTime, taken before the statement) was
	 * written.
	 */
	public void heartbeatSucceeded(long sentAt) {
		long now = clock.getAsLong();
		if (reachableSince == null) {
			// since it was written: the store may not have answered while it was sent
			reachableSince = now;
		}
		Long last = lastHeartbeatSent;
		if (!trusted(last, now)) {
			// the trust lapsed since the last heartbeat (the JVM stalled, the store was
			// slow or unreachable): another runner may have taken this one's executions
			// over meanwhile, so every ownership read before now is stale
			trustedSince = now;
		}
		if (!heartbeatsDistrusted && (last == null || sentAt - last > 0)) {
			lastHeartbeatSent = sentAt;
		}
	}

	/**
	 * How long a heartbeat keeps this runner trusted: the step guard sets half of
	 * dead-after, the least age at which another runner may call this one dead.
	 */
	public void trustHeartbeatsFor(Duration period) {
		heartbeatTrust = period;
	}

	/** For tests: a runner that has reached the store since {@code nanoTime}. */
	public void reachedStoreSince(long nanoTime) {
		reachableSince = nanoTime;
	}

	public void heartbeatFailed() {
		reachableSince = null;
		lastHeartbeatSent = null;
	}

	/**
	 * Whether this runner's last successful heartbeat was sent less than {@code period}
	 * ago. Another runner may declare this one dead (and take its executions over) only
	 * once its heartbeat in the store is older than {@code dead-after}: with a period
	 * well below that, no other runner can have taken an execution of this one since that
	 * heartbeat.
	 */
	public boolean heartbeatSentWithin(Duration period) {
		Long last = lastHeartbeatSent;
		return last != null && clock.getAsLong() - last < period.toNanos();
	}

	/**
	 * Whether what an ownership read started at {@code readAt} (nanoTime) found still
	 * holds without reading it again: this runner's heartbeats have kept it trusted
	 * ({@link #trustHeartbeatsFor}) without a break since then, so no other runner can
	 * have called it dead and taken its executions over. A stall longer than the trust
	 * period (a long pause of the JVM, a store that did not answer) breaks it even once
	 * the heartbeats are written again.
	 */
	public boolean stillTrusted(long readAt) {
		return trusted(lastHeartbeatSent, clock.getAsLong()) && readAt - trustedSince >= 0;
	}

	private boolean trusted(Long lastSent, long now) {
		Duration period = heartbeatTrust;
		return period != null && lastSent != null && now - lastSent < period.toNanos();
	}

	/**
	 * For tests that make this runner look dead to the others while it still runs a job
	 * (by handing its execution to a dead runner in the store): from now on this runner
	 * relies on none of its heartbeats, so its job threads read their ownership in the
	 * store before every chunk, as they would after a lost heartbeat.
	 */
	public void distrustHeartbeats() {
		heartbeatsDistrusted = true;
		lastHeartbeatSent = null;
	}

	/**
	 * Whether this runner has reached the store without interruption for at least
	 * {@code period}: only then may it call another runner dead, since after an outage
	 * every heartbeat is stale and each runner needs that long to show it is alive.
	 */
	public boolean reachedStoreFor(Duration period) {
		Long since = reachableSince;
		return since != null && clock.getAsLong() - since >= period.toNanos();
	}

	// --- launches of this JVM

	/**
	 * The launcher begins a launch (before it records it in {@link Launches}); the
	 * recovery scan leaves a launch of this runner alone while it is under way.
	 */
	public void beginLaunch(String jobName, String subjectCrn) {
		launching.add(jobName + " " + subjectCrn);
	}

	/** The launcher is done with a launch, whatever its outcome. */
	public void endLaunch(String jobName, String subjectCrn) {
		launching.remove(jobName + " " + subjectCrn);
	}

	/** Whether this JVM is launching the job of this subject right now. */
	public boolean launching(String jobName, String subjectCrn) {
		return launching.contains(jobName + " " + subjectCrn);
	}

	// --- executions of this JVM

	/** The launcher started or restarted this execution here. */
	public void launched(long executionId) {
		if (endedBeforeLaunchReturned.remove(executionId)) {
			return;
		}
		executions.putIfAbsent(executionId, Local.QUEUED);
	}

	/** A job thread begins an execution. */
	void begins(long executionId) {
		CURRENT.set(executionId);
		endedBeforeLaunchReturned.remove(executionId);
		executions.put(executionId, Local.RUNNING);
	}

	/** A job thread has left the execution, its last write done. */
	void ended(long executionId) {
		if (executions.remove(executionId) == null) {
			endedBeforeLaunchReturned.add(executionId);
		}
		jobEnded.run();
	}

	/**
	 * The jobs that take room on this runner: executions launched or running here (not
	 * those parked for good) and launches under way.
	 */
	public int activeJobs() {
		int active = launching.size();
		for (Local local : executions.values()) {
			if (local != Local.PARKED) {
				active++;
			}
		}
		return active;
	}

	/**
	 * What to do when a job's thread has left its execution (room freed on this runner).
	 */
	public void onJobEnded(Runnable action) {
		this.jobEnded = action;
	}

	/** Whether this execution is queued, running or parked in this JVM. */
	public boolean runsHere(long executionId) {
		return executions.containsKey(executionId);
	}

	public Map<Long, Local> executions() {
		return Map.copyOf(executions);
	}

	/**
	 * Wraps every job thread's task: once the task ends (after the job's last write to
	 * the store), its execution no longer counts as running here.
	 */
	public TaskDecorator taskDecorator() {
		return (task) -> () -> {
			try {
				task.run();
			}
			finally {
				Long executionId = CURRENT.get();
				CURRENT.remove();
				if (executionId != null) {
					ended(executionId);
				}
			}
		};
	}

	/** The job thread pool, which grows by one for every thread parked for good. */
	public void useJobExecutor(ThreadPoolTaskExecutor executor) {
		this.jobExecutor = executor;
	}

	// --- shutdown and parking

	public boolean releasing() {
		return releasing;
	}

	/** The shutdown began: running steps park before their next chunk. */
	public void beginRelease() {
		releasing = true;
		synchronized (monitor) {
			monitor.notifyAll();
		}
	}

	/**
	 * Sleeps like {@link Thread#sleep}, but returns early when the runner shuts down, so
	 * that a waiting step reaches its next commit point at once.
	 */
	public void pause(Duration duration) throws InterruptedException {
		pause(duration, null);
	}

	/**
	 * Sleeps like {@link #pause(Duration)}, and returns early too when {@link #wake} is
	 * called with the same key (a backup cancelled while its step waits: the step polls,
	 * sees the cancel and hands over to the compensation at once rather than after a wait
	 * of up to {@code poll-max-interval}). A wake that comes just before the pause ends
	 * it at once.
	 * @param wakeKey what a wake names (a backup's CRN), or {@code null}
	 */
	public void pause(Duration duration, String wakeKey) throws InterruptedException {
		long end = System.nanoTime() + Math.max(1, duration.toNanos());
		try {
			synchronized (monitor) {
				long left;
				while (!releasing && (wakeKey == null || !wakes.containsKey(wakeKey))
						&& (left = end - System.nanoTime()) > 0) {
					monitor.wait(Math.max(1, left / 1_000_000));
				}
			}
		}
		finally {
			if (wakeKey != null) {
				wakes.remove(wakeKey);
			}
		}
	}

	/**
	 * Ends the pause of the step waiting under this key on this runner, if any, or the
	 * next one it begins. A step on another runner is not reached: it notices at its next
	 * poll. Wakes nobody consumed are forgotten after an hour.
	 */
	public void wake(String wakeKey) {
		long now = System.nanoTime();
		if (wakes.size() > 1_000) {
			wakes.values().removeIf((at) -> now - at > Duration.ofHours(1).toNanos());
		}
		wakes.put(wakeKey, now);
		synchronized (monitor) {
			monitor.notifyAll();
		}
	}

	/**
	 * The runner runs jobs again after a stop (a context stopped and started again, as
	 * the test framework does with the contexts it caches).
	 */
	public void endRelease() {
		releasing = false;
	}

	/**
	 * Parks the calling job thread for the shutdown, never to return. Should the runner
	 * start again in this JVM, the job pool has grown by one thread to make up for it.
	 */
	void parkForShutdown(long executionId) {
		executions.put(executionId, Local.PARKED);
		growJobPool();
		parkForever();
	}

	/** Called by the shutdown once it released the executions parked for it. */
	public void forget(long executionId) {
		if (executions.get(executionId) != Local.RUNNING) {
			executions.remove(executionId);
		}
	}

	/**
	 * Parks the calling job thread for good while this JVM goes on: the execution is no
	 * longer run here, and a recovery scan takes it over. The job pool grows by one
	 * thread so that it keeps its capacity.
	 */
	void abandon(long executionId) {
		executions.remove(executionId);
		CURRENT.remove();
		growJobPool();
		parkForever();
	}

	private void growJobPool() {
		ThreadPoolTaskExecutor executor = jobExecutor;
		if (executor != null) {
			synchronized (executor) {
				executor.setMaxPoolSize(executor.getMaxPoolSize() + 1);
				executor.setCorePoolSize(executor.getCorePoolSize() + 1);
			}
		}
	}

	private static void parkForever() {
		log.info("job thread {} parked for good", Thread.currentThread().getName());
		while (true) {
			LockSupport.park(Runner.class);
			Thread.interrupted();
		}
	}

	private static String hostName() {
		String name;
		try {
			name = InetAddress.getLocalHost().getHostName();
		}
		catch (Exception ex) {
			name = "unknown-host";
		}
		return name + ", pid " + ProcessHandle.current().pid();
	}

}
