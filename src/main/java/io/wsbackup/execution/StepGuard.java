package io.wsbackup.execution;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.wsbackup.system.WsbackupProperties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.scope.context.StepContext;
import org.springframework.batch.core.scope.context.StepSynchronizationManager;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.builder.TaskletStepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatContext;
import org.springframework.batch.infrastructure.repeat.RepeatListener;
import org.springframework.batch.infrastructure.repeat.RepeatOperations;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.batch.infrastructure.repeat.exception.ExceptionHandler;
import org.springframework.batch.infrastructure.repeat.support.RepeatTemplate;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Put on every step and job of wsbackup: what makes a job survive a store outage, a
 * shutdown and a takeover by another runner.
 *
 * <ul>
 * <li>Before each chunk (outside its transaction) the step checks, in the store, that
 * this runner still owns the execution; while the store cannot be reached it waits and
 * asks again, so an outage between chunks only delays the job. Once the store has said so
 * for an execution, the check is skipped while this runner's last heartbeat was sent less
 * than half of {@code dead-after} ago: another runner takes an execution over only from a
 * runner whose heartbeat is older than {@code dead-after} (or that released it at its
 * shutdown, before which the step parks), so the store could not answer otherwise.</li>
 * <li>A chunk that fails because the store could not be reached is rolled back (Spring
 * Batch restores the step's state) and run again once the store answers, instead of
 * failing the step. When the outcome of a commit is unknown, or the store refuses a write
 * because the record changed (another runner took over), the job thread parks for good
 * and the recovery scan restarts the execution from what was committed.</li>
 * <li>When the runner shuts down, or another runner owns the execution, the thread parks
 * before the chunk: no compensation runs, nothing half done.</li>
 * </ul>
 */
@Component
public class StepGuard {

	private static final Logger log = LoggerFactory.getLogger(StepGuard.class);

	/** Store failures in a row, with the store answering in between, before giving up. */
	private static final int MAX_FAILED_CHUNKS = 10;

	private static final Duration FIRST_WAIT = Duration.ofSeconds(1);

	private static final Duration LONGEST_WAIT = Duration.ofSeconds(10);

	private final Runner runner;

	private final RunnerRegistry registry;

	private final ExecutionEvents events;

	private final JobRepository jobRepository;

	private final Map<Long, Integer> failedChunks = new ConcurrentHashMap<>();

	private final ConnectionSlots connectionSlots;

	/**
	 * Executions of this JVM that the store said this runner owns, with the nanoTime at
	 * which that read started.
	 */
	private final Map<Long, Long> owned = new ConcurrentHashMap<>();

	StepGuard(Runner runner, RunnerRegistry registry, ExecutionEvents events, @Lazy JobRepository jobRepository,
			WsbackupProperties properties, DataSource dataSource) {
		// another runner may call this one dead once its heartbeat is dead-after old
		runner.trustHeartbeatsFor(properties.recovery().deadAfter().dividedBy(2));
		this.connectionSlots = new ConnectionSlots(poolSize(dataSource));
		log.info("steps that hold a pooled connection run {} chunks at once", connectionSlots.size());
		this.jobRepository = jobRepository;
		this.runner = runner;
		this.registry = registry;
		this.events = events;
	}

	/**
	 * The one way every job builds a step: the tasklet in the transaction manager given
	 * (a waiting step passes one that holds no connection), its chunks guarded. The
	 * caller adds what is its own (whether the step runs again on a restart, listeners)
	 * and builds it.
	 */
	public TaskletStepBuilder step(String name, Tasklet tasklet, PlatformTransactionManager transactionManager) {
		return new StepBuilder(name, jobRepository).tasklet(tasklet, transactionManager)
			.stepOperations((transactionManager instanceof ResourcelessTransactionManager) ? stepOperations()
					: stepOperations(connectionSlots));
	}

	/** The repeat operations of a step: one chunk after the other, guarded. */
	public RepeatOperations stepOperations() {
		return stepOperations(null);
	}

	/**
	 * The repeat operations of a step whose chunks hold a pooled connection: each chunk
	 * waits for a slot first ({@link ConnectionSlots}).
	 */
	private RepeatOperations stepOperations(ConnectionSlots slots) {
		RepeatTemplate template = new RepeatTemplate();
		template.setListeners(
				(slots == null) ? new RepeatListener[] { new Before() } : new RepeatListener[] { new Before(), slots });
		template.setExceptionHandler(new OnFailure());
		return template;
	}

	/** Put first on every job: tells the runner which execution its thread runs. */
	public JobExecutionListener jobListener() {
		return new JobExecutionListener() {

			@Override
			public void beforeJob(JobExecution execution) {
				runner.begins(execution.getId());
			}

			@Override
			public void afterJob(JobExecution execution) {
				owned.remove(execution.getId());
			}

		};
	}

	/** How many chunks that hold a pooled connection run at once. */
	public int connectionSlots() {
		return connectionSlots.size();
	}

	/** The connection pool's size (Hikari's; its default of 10 for any other pool). */
	private static int poolSize(DataSource dataSource) {
		try {
			if (dataSource.isWrapperFor(HikariDataSource.class)) {
				return dataSource.unwrap(HikariDataSource.class).getMaximumPoolSize();
			}
		}
		catch (SQLException ex) {
			log.debug("the pool's size cannot be read: {}", ex.toString());
		}
		return 10;
	}

	private static StepExecution currentStep() {
		StepContext context = StepSynchronizationManager.getContext();
		return context == null ? null : context.getStepExecution();
	}

	private final class Before implements RepeatListener {

		@Override
		public void before(RepeatContext context) {
			StepExecution step = currentStep();
			if (step == null) {
				return;
			}
			long id = step.getJobExecutionId();
			Duration wait = FIRST_WAIT;
			boolean waited = false;
			while (true) {
				if (runner.releasing()) {
					log.info("runner {} shuts down: execution {} parks before the next chunk of step {}", runner.id(),
							id, step.getStepName());
					runner.parkForShutdown(id);
				}
				Long readAt = owned.get(id);
				if (readAt != null && runner.stillTrusted(readAt)) {
					return;
				}
				long reading = System.nanoTime();
				Optional<RunnerRegistry.Owner> owner;
				try {
					owner = registry.owner(id);
				}
				catch (RuntimeException ex) {
					if (!StoreFailures.unreachable(ex)) {
						throw ex;
					}
					log.warn("execution {}, step {}: the store cannot be reached ({}); the next chunk waits for it", id,
							step.getStepName(), ex.getMessage());
					waited = true;
					pause(wait);
					wait = wait.multipliedBy(2).compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait.multipliedBy(2);
					continue;
				}
				if (owner.isEmpty()) {
					registry.own(id, runner.id());
				}
				else if (!runner.id().equals(owner.get().runnerId())
						|| !RunnerRegistry.RUNNING.equals(owner.get().state())) {
					String message = "runner " + runner.describe() + " no longer owns job execution " + id + " (it is "
							+ owner.get().state() + " by runner " + owner.get().runnerId()
							+ "); it stops working on it before step " + step.getStepName() + " goes on";
					log.warn(message);
					events.warning(step.getJobExecution().getJobParameters(), message);
					owned.remove(id);
					runner.abandon(id);
				}
				else {
					owned.put(id, reading);
				}
				if (waited) {
					log.info("execution {}, step {}: the store answers again; the step goes on", id,
							step.getStepName());
				}
				return;
			}
		}

		@Override
		public void after(RepeatContext context, RepeatStatus result) {
			StepExecution step = currentStep();
			if (step != null) {
				failedChunks.remove(step.getId());
			}
		}

		@Override
		public void close(RepeatContext context) {
			StepExecution step = currentStep();
			if (step != null) {
				failedChunks.remove(step.getId());
			}
		}

	}

	private final class OnFailure implements ExceptionHandler {

		@Override
		public void handleException(RepeatContext context, Throwable failure) throws Throwable {
			StepExecution step = currentStep();
			if (step == null) {
				throw failure;
			}
			long id = step.getJobExecutionId();
			if (StoreFailures.conflict(failure) && !beingStopped(step)) {
				log.warn(
						"execution {}, step {}: the store refused a write because the record changed ({}); "
								+ "this runner leaves the execution to the recovery scan",
						id, step.getStepName(), failure.getMessage());
				owned.remove(id);
				runner.abandon(id);
			}
			if (!StoreFailures.unreachable(failure)) {
				throw failure;
			}
			if (step.isTerminateOnly() || step.getStatus() == BatchStatus.UNKNOWN) {
				log.warn(
						"execution {}, step {}: the store failed during a commit whose outcome is unknown ({}); "
								+ "this runner leaves the execution to the recovery scan",
						id, step.getStepName(), failure.getMessage());
				owned.remove(id);
				runner.abandon(id);
			}
			int failures = failedChunks.merge(step.getId(), 1, Integer::sum);
			if (failures > MAX_FAILED_CHUNKS) {
				failedChunks.remove(step.getId());
				throw failure;
			}
			log.warn(
					"execution {}, step {}: a chunk failed because the store could not be reached ({}); "
							+ "it is rolled back and run again once the store answers",
					id, step.getStepName(), failure.getMessage());
		}

	}

	/**
	 * Whether an operator stopped the execution ({@code JobOperator.stop}): its step then
	 * fails as it always did, a write conflict included (spring-batch #5308).
	 */
	private boolean beingStopped(StepExecution step) {
		try {
			JobExecution stored = jobRepository.getJobExecution(step.getJobExecutionId());
			return stored != null && stored.getStatus() == BatchStatus.STOPPING;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private void pause(Duration wait) {
		try {
			runner.pause(wait);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for the store", ex);
		}
	}

}
