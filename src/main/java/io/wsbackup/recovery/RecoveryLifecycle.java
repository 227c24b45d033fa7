package io.wsbackup.recovery;

import io.wsbackup.execution.ExecutionEvents;

import io.wsbackup.execution.Launches;

import io.wsbackup.execution.RunnerRegistry;

import io.wsbackup.execution.Runner;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.workspace.WorkspaceRepository;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.stereotype.Component;

/**
 * Runs this runner's heartbeat and recovery scan, and its graceful shutdown: the running
 * steps park at their next commit point (a waiting step at once), their executions are
 * released in the store without any compensation, and another runner (or this one when it
 * comes back) restarts them at its next scan. It stops after the web server and Quartz,
 * and before the job threads and the store are closed.
 */
@Component
public class RecoveryLifecycle implements SmartLifecycle, ApplicationListener<ContextClosedEvent> {

	private static final Logger log = LoggerFactory.getLogger(RecoveryLifecycle.class);

	private final Runner runner;

	private final RunnerRegistry registry;

	private final JobRepository jobRepository;

	private final ExecutionEvents events;

	private final WsbackupProperties.Recovery settings;

	private final RecoveryScanner scanner;

	private final OrphanSweep orphans;

	private final Launcher launcher;

	private volatile ScheduledExecutorService heartbeats;

	private volatile ScheduledExecutorService scans;

	private volatile ScheduledExecutorService sweeps;

	private volatile boolean running;

	private volatile boolean closing;

	RecoveryLifecycle(Runner runner, RunnerRegistry registry, JobRepository jobRepository, JobOperator jobOperator,
			Launcher launcher, ExecutionEvents events, Launches launches, WorkspaceRepository workspaces,
			BackupRepository backups, CloudPort cloud, EventLog eventLog, WsbackupProperties properties) {
		this.runner = runner;
		this.registry = registry;
		this.jobRepository = jobRepository;
		this.events = events;
		this.settings = properties.recovery();
		this.scanner = new RecoveryScanner(runner, registry, jobRepository, jobOperator, launcher, events, launches,
				settings.deadAfter());
		this.orphans = new OrphanSweep(workspaces, backups, cloud, eventLog, settings.orphanRecoveryPoints());
		this.launcher = launcher;
	}

	/** This runner's orphan sweep. */
	public OrphanSweep orphans() {
		return orphans;
	}

	/** This runner's scanner. */
	public RecoveryScanner scanner() {
		return scanner;
	}

	@Override
	public void start() {
		running = true;
		runner.endRelease();
		long sent = System.nanoTime();
		registry.heartbeat(runner.id(), runner.host());
		runner.heartbeatSucceeded(sent);
		heartbeats = Executors.newSingleThreadScheduledExecutor((task) -> daemon(task, "runner-heartbeat"));
		heartbeats.scheduleWithFixedDelay(this::heartbeat, settings.heartbeatInterval().toMillis(),
				settings.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
		if (!settings.enabled()) {
			log.info("runner {} started: heartbeat every {}; no recovery scan (wsbackup.recovery.enabled=false)",
					runner.describe(), settings.heartbeatInterval());
			return;
		}
		log.info("runner {} started: heartbeat every {}, dead after {}, recovery scan every {}", runner.describe(),
				settings.heartbeatInterval(), settings.deadAfter(), settings.scanInterval());
		scans = Executors.newSingleThreadScheduledExecutor((task) -> daemon(task, "recovery-scan"));
		scans.scheduleWithFixedDelay(this::scan, settings.scanInterval().toMillis(), settings.scanInterval().toMillis(),
				TimeUnit.MILLISECONDS);
		if (!settings.orphanSweepInterval().isZero()) {
			// first once this runner could have judged others dead, then every interval:
			// a vault listing may take long, and never delays a recovery scan
			sweeps = Executors.newSingleThreadScheduledExecutor((task) -> daemon(task, "orphan-sweep"));
			sweeps.scheduleWithFixedDelay(this::sweep, settings.deadAfter().plus(settings.scanInterval()).toMillis(),
					settings.orphanSweepInterval().toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	private void sweep() {
		try {
			if (!runner.releasing()) {
				orphans.sweep();
				// what an ended job left behind and must still clean up (a drill's
				// scratch
				// workspace whose removal failed), once it has rested a sweep interval
				launcher.finishLeftBehind(java.time.Instant.now().minus(settings.orphanSweepInterval()))
					.forEach((sentence) -> log.warn("{}", sentence));
			}
		}
		catch (RuntimeException ex) {
			log.warn("orphan sweep failed, the next one tries again: {}", ex.getMessage());
		}
	}

	private void heartbeat() {
		try {
			long sent = System.nanoTime();
			registry.heartbeat(runner.id(), runner.host());
			runner.heartbeatSucceeded(sent);
		}
		catch (RuntimeException ex) {
			runner.heartbeatFailed();
			log.warn("runner {}: heartbeat not written, the store cannot be reached: {}", runner.id(), ex.getMessage());
		}
	}

	private void scan() {
		try {
			scanner.scan();
			scanner.completeLaunches();
		}
		catch (RuntimeException ex) {
			log.warn("recovery scan failed, the next one tries again: {}", ex.getMessage());
		}
	}

	@Override
	public void stop() {
		stop(() -> {
		});
	}

	/** The context closes (published before the lifecycle stops): a real shutdown. */
	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		closing = true;
	}

	/**
	 * A shutdown releases this runner's executions. A stop that is not a shutdown (the
	 * test framework pauses the contexts it caches) changes nothing: the runner goes on
	 * heartbeating and its jobs go on running.
	 */
	@Override
	public void stop(Runnable callback) {
		if (!closing) {
			callback.run();
			return;
		}
		try {
			release();
		}
		catch (RuntimeException ex) {
			log.warn("runner {}: the graceful release failed ({}); its executions are recovered once its heartbeat "
					+ "is older than {}", runner.id(), ex.getMessage(), settings.deadAfter());
		}
		finally {
			running = false;
			callback.run();
		}
	}

	private void release() {
		if (scans != null) {
			scans.shutdownNow();
		}
		if (sweeps != null) {
			sweeps.shutdownNow();
		}
		runner.beginRelease();
		long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
		while (runner.executions().containsValue(Runner.Local.RUNNING) && System.nanoTime() < deadline) {
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		boolean allReleased = true;
		for (Map.Entry<Long, Runner.Local> entry : runner.executions().entrySet()) {
			long id = entry.getKey();
			if (entry.getValue() == Runner.Local.RUNNING) {
				allReleased = false;
				log.warn(
						"runner {} shuts down: job execution {} did not reach a commit point within {}; another "
								+ "runner recovers it once this one's heartbeat is older than {}",
						runner.id(), id, settings.shutdownTimeout(), settings.deadAfter());
				continue;
			}
			runner.forget(id);
			if (registry.release(id, runner.id())) {
				JobExecution execution = jobRepository.getJobExecution(id);
				String step = execution == null ? null
						: execution.getStepExecutions()
							.stream()
							.filter((s) -> s.getStatus().isRunning())
							.map((s) -> s.getStepName())
							.findFirst()
							.orElse(null);
				String message = "runner " + runner.describe() + " shuts down: job execution " + id
						+ (step == null ? " (not begun)" : " released at a commit point of step " + step)
						+ "; another runner, or this one when it comes back, restarts it";
				log.info(message);
				if (execution != null) {
					events.info(execution.getJobParameters(), message);
				}
			}
		}
		if (heartbeats != null) {
			heartbeats.shutdownNow();
		}
		if (allReleased) {
			registry.remove(runner.id());
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/** After the web server (and Quartz) stopped taking work, before the store closes. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

	private static Thread daemon(Runnable task, String name) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

}
