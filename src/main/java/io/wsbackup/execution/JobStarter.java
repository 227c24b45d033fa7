package io.wsbackup.execution;

import java.time.LocalDateTime;
import java.util.Optional;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.launch.JobRestartException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.wsbackup.system.WsbackupException;

/**
 * Starts the jobs of every wing the same durable way. Every launch is durable before it
 * is acknowledged: the catalog change it answers for (a backup {@code running}, a
 * restore's new workspace {@code restore:started}, a backup {@code deleting}, a restart)
 * is committed in one transaction with a launch record ({@link Launches}); the job is
 * started after that commit and the record removed once its execution exists. A runner
 * killed in between leaves the launch to the recovery scan of a live runner, which
 * completes it ({@link LaunchableJob#resumeLaunch}). Starting a job whose execution
 * another runner (or thread) has just started adopts that execution, so one operation
 * never runs twice, and every caller is answered with the same execution.
 */
@Component
public class JobStarter {

	private static final Logger log = LoggerFactory.getLogger(JobStarter.class);

	/** Launches of one subject in this JVM go one at a time (striped by the subject). */
	private static final int SUBJECT_LOCKS = 64;

	private final Object[] subjectLocks = new Object[SUBJECT_LOCKS];

	private final JobOperator jobOperator;

	private final JobRepository jobRepository;

	private final Runner runner;

	private final RunnerRegistry runners;

	private final Launches launches;

	private final TransactionTemplate transaction;

	private final LaunchQueue queue;

	public JobStarter(JobOperator jobOperator, JobRepository jobRepository, Runner runner, RunnerRegistry runners,
			Launches launches, LaunchQueue queue, PlatformTransactionManager transactionManager) {
		this.queue = queue;
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.runner = runner;
		this.runners = runners;
		this.launches = launches;
		this.transaction = new TransactionTemplate(transactionManager);
		for (int i = 0; i < SUBJECT_LOCKS; i++) {
			this.subjectLocks[i] = new Object();
		}
	}

	/**
	 * Launches a job for an operation: its acknowledged catalog change and the launch
	 * record are committed together, then the job is started (or, when it was started
	 * meanwhile, its execution adopted) and the launch record removed. A crash after the
	 * commit leaves the launch to the recovery scan; a start that fails is undone in one
	 * transaction with the launch record.
	 * @param change the catalog change, run in the transaction; it throws to refuse
	 * @param undo what puts the catalog back when the job cannot be started, or
	 * {@code null} to leave it as it is (a delete stays {@code deleting})
	 * @throws LaunchFailedException when the job could not be started (undone)
	 */
	public JobExecution launch(Job job, JobParameters parameters, String subjectCrn, Runnable change,
			Consumer<RuntimeException> undo) {
		return launch(job, parameters, subjectCrn, change, undo, null);
	}

	/**
	 * Launches a job like
	 * {@link #launch(Job, JobParameters, String, Runnable, Consumer)}, and records what
	 * the catalog keeps of the started execution (its id) in the transaction that removes
	 * the launch record.
	 * @param started the catalog's record of the execution, or {@code null}
	 */
	public JobExecution launch(Job job, JobParameters parameters, String subjectCrn, Runnable change,
			Consumer<RuntimeException> undo, Consumer<JobExecution> started) {
		String jobName = job.getName();
		synchronized (lock(subjectCrn)) {
			runner.beginLaunch(jobName, subjectCrn);
			try {
				transaction.executeWithoutResult((status) -> {
					change.run();
					launches.record(jobName, subjectCrn, runner.id());
				});
				JobExecution execution;
				try {
					execution = startOrAdopt(job, parameters);
				}
				catch (RuntimeException ex) {
					log.warn("the {} job of {} could not be started: {}", jobName, subjectCrn, ex.toString());
					transaction.executeWithoutResult((status) -> {
						if (undo != null) {
							undo.accept(ex);
						}
						launches.done(jobName, subjectCrn, runner.id());
					});
					throw new LaunchFailedException(ex.getMessage(), ex);
				}
				JobExecution begun = execution;
				transaction.executeWithoutResult((status) -> {
					if (started != null) {
						started.accept(begun);
					}
					launches.done(jobName, subjectCrn, runner.id());
				});
				return execution;
			}
			finally {
				runner.endLaunch(jobName, subjectCrn);
			}
		}
	}

	/**
	 * Whether a launch for a workspace of this cloud account starts on this runner at
	 * once ({@link #launch}) or is queued ({@link #queue}); see
	 * {@link LaunchQueue#startsHere}.
	 */
	public boolean startsHere(String accountId, LaunchQueue.Placement placement) {
		return queue.startsHere(accountId, placement);
	}

	/**
	 * Acknowledges an operation whose job waits for room: its catalog change and its
	 * queued launch are committed together; the first runner with room takes the launch
	 * and completes it ({@link LaunchableJob#resumeLaunch}).
	 * @param change the catalog change, run in the transaction; it throws to refuse
	 */
	public void queue(Job job, String subjectCrn, String accountId, Runnable change) {
		synchronized (lock(subjectCrn)) {
			transaction.executeWithoutResult((status) -> {
				change.run();
				queue.add(job.getName(), subjectCrn, accountId);
			});
		}
		queue.wake();
	}

	/**
	 * When the launch of this job for this subject was queued, while it waits for room.
	 */
	public Optional<LocalDateTime> queuedAt(String jobName, String subjectCrn) {
		return queue.queuedAt(jobName, subjectCrn);
	}

	/**
	 * Removes a launch still queued (its operation is cancelled before it began); call it
	 * in the cancel's transaction.
	 * @return whether it was queued
	 */
	public boolean withdrawQueued(String jobName, String subjectCrn) {
		return queue.withdraw(jobName, subjectCrn);
	}

	/** Launches a job whose catalog change is already made (a resumed launch). */
	public JobExecution launch(Job job, JobParameters parameters, String subjectCrn) {
		return launch(job, parameters, subjectCrn, () -> {
		}, null);
	}

	/** Runs a catalog change in one transaction of its own. */
	public void inTransaction(Runnable change) {
		transaction.executeWithoutResult((status) -> change.run());
	}

	/**
	 * The lock of one subject (a backup or workspace CRN) in this JVM: launches, restarts
	 * and resumed launches of one subject go one at a time. Reentrant.
	 */
	public Object lock(String subjectCrn) {
		return subjectLocks[Math.floorMod(subjectCrn.hashCode(), SUBJECT_LOCKS)];
	}

	/** The last execution of a job instance, or {@code null}. */
	public JobExecution lastExecution(String jobName, JobParameters parameters) {
		return jobRepository.getLastJobExecution(jobName, parameters);
	}

	/**
	 * A job execution by id.
	 * @throws WsbackupException {@code NOT_FOUND}
	 */
	public JobExecution execution(long executionId) {
		JobExecution execution;
		try {
			execution = jobRepository.getJobExecution(executionId);
		}
		catch (EmptyResultDataAccessException ex) {
			execution = null;
		}
		if (execution == null) {
			throw WsbackupException.notFound("job execution " + executionId + " not found");
		}
		return execution;
	}

	/**
	 * Stops a running execution with {@code JobOperator.stop}.
	 * @throws WsbackupException {@code FAILED_PRECONDITION} when it cannot be stopped
	 */
	public void stop(JobExecution execution) {
		try {
			jobOperator.stop(execution);
			log.info("job execution {} ({}) asked to stop", execution.getId(), execution.getJobInstance().getJobName());
		}
		catch (Exception ex) {
			throw WsbackupException
				.failedPrecondition("job execution " + execution.getId() + " cannot be stopped: " + ex.getMessage());
		}
	}

	/**
	 * Completes a launch cut short for a job instance of a subject: leaves a running or
	 * completed execution of it as it is, else starts (or restarts) it.
	 * @param what the job and its subject, in words, for the sentence
	 */
	public LaunchableJob.Resumed resume(Job job, JobParameters parameters, String subjectCrn, String what) {
		JobExecution last = lastExecution(job.getName(), parameters);
		if (last != null && (last.isRunning() || last.getStatus() == BatchStatus.COMPLETED)) {
			return new LaunchableJob.Resumed(parameters, what + " exists as job execution " + last.getId());
		}
		JobExecution execution = launch(job, parameters, subjectCrn);
		return new LaunchableJob.Resumed(parameters,
				what + (last == null ? " started" : " restarted") + " as job execution " + execution.getId());
	}

	/**
	 * Starts a job, or restarts it when its last execution failed or stopped; when
	 * another runner or thread has just started it, that execution is returned (and not
	 * owned here). Spring Batch keeps one running execution per job instance. Without a
	 * launch record: for a job that answers no operator and changes nothing before it
	 * starts (a retention sweep, which its schedule starts again).
	 */
	public JobExecution startOrAdopt(Job job, JobParameters parameters) {
		try {
			return owned(jobOperator.start(job, parameters));
		}
		catch (JobExecutionAlreadyRunningException | JobInstanceAlreadyCompleteException
				| DataIntegrityViolationException raced) {
			JobExecution last = jobRepository.getLastJobExecution(job.getName(), parameters);
			if (last == null) {
				throw new IllegalStateException(raced.getMessage(), raced);
			}
			log.info("job {} with {} was launched meanwhile as job execution {} ({}); adopted", job.getName(),
					parameters, last.getId(), last.getStatus());
			return last;
		}
		catch (JobRestartException | InvalidJobParametersException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
	}

	/**
	 * This runner owns the execution it has just started or restarted (crash recovery
	 * finds it by its owner).
	 */
	private JobExecution owned(JobExecution execution) {
		try {
			runners.own(execution.getId(), runner.id());
		}
		catch (RuntimeException ex) {
			// the job's first step records it when it begins
			log.warn("the owner of job execution {} could not be recorded yet: {}", execution.getId(), ex.getMessage());
		}
		runner.launched(execution.getId());
		return execution;
	}

	/** A job that could not be started; its launch was undone. */
	public static final class LaunchFailedException extends RuntimeException {

		LaunchFailedException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
