package io.wsbackup.recovery;

import io.wsbackup.execution.ExecutionEvents;

import io.wsbackup.execution.Launches;

import io.wsbackup.execution.RunnerRegistry;

import io.wsbackup.execution.LaunchableJob;
import io.wsbackup.execution.Runner;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.wsbackup.launcher.Launcher;
import io.wsbackup.system.WsbackupException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/**
 * Finds the job executions no live runner works on and restarts them, every
 * {@code wsbackup.recovery.scan-interval}. An execution the job repository says is
 * running (or one claimed for recovery and not restarted yet) is taken over when:
 * <ul>
 * <li>its owner stopped heartbeating more than {@code dead-after} ago, or is gone from
 * {@code WS_RUNNER} (this runner must itself have reached the store for
 * {@code dead-after} without interruption, so that an outage does not make every runner
 * look dead);</li>
 * <li>its owner released it at a graceful shutdown;</li>
 * <li>it has no owner, or its owner is this runner but it does not run in this JVM (a
 * store failure left its status behind), for {@code dead-after} in a row.</li>
 * </ul>
 * Each is claimed compare-and-set in {@code WS_EXECUTION_OWNER}, so exactly one runner
 * takes it; then {@code JobOperator.recover} makes it FAILED (its running steps too,
 * their committed context kept), and the launcher restarts it the way an operator would:
 * a backup resumes at its step with its cloud jobs. The event log says what happened.
 *
 * <p>
 * The same scan completes the launches ({@link Launches}) a runner acknowledged and died
 * before their job's execution existed: the launch of a dead runner (by the same rules),
 * or one of this runner that it no longer launches. Each is claimed compare-and-set and
 * handed to {@link Launcher#resumeLaunch}.
 */
public class RecoveryScanner {

	private static final Logger log = LoggerFactory.getLogger(RecoveryScanner.class);

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

	private final Runner runner;

	private final RunnerRegistry registry;

	private final JobRepository jobRepository;

	private final JobOperator jobOperator;

	private final Launcher launcher;

	private final ExecutionEvents events;

	private final Launches launches;

	private final Duration deadAfter;

	/** Executions without a live owner seen in a row, since (nanoTime). */
	private final Map<Long, Long> suspectSince = new HashMap<>();

	public RecoveryScanner(Runner runner, RunnerRegistry registry, JobRepository jobRepository, JobOperator jobOperator,
			Launcher launcher, ExecutionEvents events, Launches launches, Duration deadAfter) {
		this.runner = runner;
		this.launches = launches;
		this.registry = registry;
		this.jobRepository = jobRepository;
		this.jobOperator = jobOperator;
		this.launcher = launcher;
		this.events = events;
		this.deadAfter = deadAfter;
	}

	/** What one recovery did. */
	public record Recovery(long executionId, Long restartedAs, String message) {
	}

	/** What completing one launch did. */
	public record CompletedLaunch(String jobName, String subjectCrn, String message) {
	}

	/**
	 * One scan.
	 * @return the executions this runner recovered
	 */
	public synchronized List<Recovery> scan() {
		List<Recovery> done = new ArrayList<>();
		if (runner.releasing()) {
			return done;
		}
		LocalDateTime deadBefore = registry.before(deadAfter);
		boolean mayJudgeOthers = runner.reachedStoreFor(deadAfter);
		Set<Long> suspects = new HashSet<>();
		for (RunnerRegistry.Candidate candidate : registry.candidates()) {
			String reason = orphaned(candidate, deadBefore, mayJudgeOthers, suspects);
			if (reason == null) {
				continue;
			}
			if (!registry.claim(candidate.executionId(), candidate.ownerId(), candidate.ownerState(), runner.id(),
					deadBefore)) {
				log.info("job execution {} was claimed by another runner first", candidate.executionId());
				continue;
			}
			suspects.remove(candidate.executionId());
			done.add(recover(candidate.executionId(), reason));
		}
		suspectSince.keySet().retainAll(suspects);
		return done;
	}

	/**
	 * One pass over the launches not done: completes those whose runner died, or that
	 * this runner no longer launches.
	 * @return the launches this runner completed
	 */
	public synchronized List<CompletedLaunch> completeLaunches() {
		List<CompletedLaunch> done = new ArrayList<>();
		if (runner.releasing()) {
			return done;
		}
		LocalDateTime deadBefore = registry.before(deadAfter);
		boolean mayJudgeOthers = runner.reachedStoreFor(deadAfter);
		for (Launches.Launch launch : launches.pending()) {
			String reason = abandoned(launch, deadBefore, mayJudgeOthers);
			if (reason == null) {
				continue;
			}
			if (!launches.claim(launch, runner.id(), deadBefore)) {
				log.info("the {} launch of {} was claimed by another runner first", launch.jobName(),
						launch.subjectCrn());
				continue;
			}
			done.add(complete(launch, reason));
		}
		return done;
	}

	/** Why no runner carries this launch on, or {@code null} when one does. */
	private String abandoned(Launches.Launch launch, LocalDateTime deadBefore, boolean mayJudgeOthers) {
		String owner = launch.runnerId();
		if (owner.equals(runner.id())) {
			return runner.launching(launch.jobName(), launch.subjectCrn()) ? null
					: "this runner " + runner.describe() + " no longer launches it";
		}
		if (!mayJudgeOthers || (launch.runnerHeartbeat() != null && !launch.runnerHeartbeat().isBefore(deadBefore))) {
			return null;
		}
		String ownerText = "runner " + owner + (launch.runnerHost() == null ? "" : " (" + launch.runnerHost() + ")");
		return launch.runnerHeartbeat() == null ? ownerText + " is gone from the runners"
				: ownerText + " stopped heartbeating (last heartbeat " + TIME.format(launch.runnerHeartbeat()) + ")";
	}

	private CompletedLaunch complete(Launches.Launch launch, String reason) {
		String what = "the " + launch.jobName() + " launch of " + launch.subjectCrn() + ", requested at "
				+ TIME.format(launch.requestedAt());
		try {
			LaunchableJob.Resumed resumed = launcher.resumeLaunch(launch.jobName(), launch.subjectCrn(), runner.id());
			String message = reason + " before its job began; " + what + " was completed by runner " + runner.describe()
					+ ": " + resumed.outcome();
			log.warn(message);
			events.tookOver(resumed.parameters(), message);
			return new CompletedLaunch(launch.jobName(), launch.subjectCrn(), message);
		}
		catch (RuntimeException ex) {
			// stays claimed by this runner, which no longer launches it: the next scan
			// tries again
			log.warn("completing {} failed, the next scan tries again: {}", what, ex.toString());
			return new CompletedLaunch(launch.jobName(), launch.subjectCrn(), "failed: " + ex.getMessage());
		}
	}

	/** Why this execution has no live runner, or {@code null} when it has one. */
	private String orphaned(RunnerRegistry.Candidate c, LocalDateTime deadBefore, boolean mayJudgeOthers,
			Set<Long> suspects) {
		String owner = c.ownerId();
		String ownerText = owner == null ? null
				: "runner " + owner + (c.ownerHost() == null ? "" : " (" + c.ownerHost() + ")");
		if (owner != null && RunnerRegistry.RELEASED.equals(c.ownerState())) {
			return ownerText + " shut down and released it";
		}
		if (owner != null && RunnerRegistry.RECOVERING.equals(c.ownerState())) {
			if (owner.equals(runner.id())) {
				return "its recovery by this runner did not finish";
			}
			return dead(c, deadBefore, mayJudgeOthers) ? ownerText + ", which was recovering it, stopped heartbeating"
					: null;
		}
		if (owner != null && !RunnerRegistry.RUNNING.equals(c.ownerState())) {
			return null;
		}
		if (owner != null && !owner.equals(runner.id())) {
			if (!dead(c, deadBefore, mayJudgeOthers)) {
				return null;
			}
			return c.ownerHeartbeat() == null ? ownerText + " is gone from the runners"
					: ownerText + " stopped heartbeating (last heartbeat " + TIME.format(c.ownerHeartbeat()) + ")";
		}
		// no owner, or this runner without the execution running here: wait dead-after
		// in a row, so that an execution being launched or ending is never taken
		if (owner != null && runner.runsHere(c.executionId())) {
			return null;
		}
		suspects.add(c.executionId());
		long since = suspectSince.computeIfAbsent(c.executionId(), (id) -> System.nanoTime());
		if (System.nanoTime() - since < deadAfter.toNanos()) {
			return null;
		}
		return owner == null ? "no runner owned it"
				: "this runner " + runner.describe() + " no longer ran it (a store failure left its status behind)";
	}

	private static boolean dead(RunnerRegistry.Candidate c, LocalDateTime deadBefore, boolean mayJudgeOthers) {
		return mayJudgeOthers && (c.ownerHeartbeat() == null || c.ownerHeartbeat().isBefore(deadBefore));
	}

	private Recovery recover(long executionId, String reason) {
		JobExecution execution = jobRepository.getJobExecution(executionId);
		if (execution == null) {
			registry.notRestarted(executionId, runner.id(), "not in the job repository");
			return new Recovery(executionId, null, "not in the job repository");
		}
		String step = execution.getStepExecutions()
			.stream()
			.filter((s) -> s.getStatus().isRunning())
			.map(StepExecution::getStepName)
			.findFirst()
			.orElse(null);
		String what = "job execution " + executionId + " (" + execution.getJobInstance().getJobName()
				+ (step == null ? "" : ", step " + step) + ")";
		try {
			boolean beingStopped = execution.getStatus() == BatchStatus.STOPPING;
			if (execution.getStatus().isRunning()) {
				execution = jobOperator.recover(execution);
			}
			if (beingStopped) {
				String message = reason + "; " + what + " was being stopped; recovered (FAILED) by runner "
						+ runner.describe() + " and not restarted";
				log.warn(message);
				events.tookOver(execution.getJobParameters(), message,
						() -> registry.notRestarted(executionId, runner.id(), message));
				return new Recovery(executionId, null, message);
			}
			JobExecution last = jobRepository.getLastJobExecution(execution.getJobInstance().getJobName(),
					execution.getJobParameters());
			if (last != null && last.getId() > executionId) {
				String message = reason + "; " + what + " had already been restarted as job execution " + last.getId();
				registry.recovered(executionId, runner.id(), last.getId(), message);
				return new Recovery(executionId, last.getId(), message);
			}
			long restarted = launcher.restartRecovered(execution);
			String message = reason + "; " + what + " recovered and restarted as job execution " + restarted
					+ " by runner " + runner.describe();
			log.warn(message);
			events.tookOver(execution.getJobParameters(), message,
					() -> registry.recovered(executionId, runner.id(), restarted, message));
			return new Recovery(executionId, restarted, message);
		}
		catch (WsbackupException refused) {
			String message = reason + "; " + what + " recovered (FAILED) by runner " + runner.describe()
					+ " but not restarted: " + refused.getMessage();
			log.warn(message);
			events.tookOver(execution.getJobParameters(), message,
					() -> registry.notRestarted(executionId, runner.id(), message));
			return new Recovery(executionId, null, message);
		}
		catch (RuntimeException ex) {
			// stays RECOVERING, owned by this runner: the next scan tries again
			log.warn("recovering {} failed, the next scan tries again: {}", what, ex.toString());
			return new Recovery(executionId, null, "failed: " + ex.getMessage());
		}
	}

}
