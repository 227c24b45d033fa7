package io.wsbackup.backup;

import io.wsbackup.execution.StepFailedException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.notification.NotificationEvent;
import io.wsbackup.cloud.CloudException;
import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.cloud.SnapshotProgress;
import io.wsbackup.events.EventLog;
import io.wsbackup.events.ProgressEstimator;
import io.wsbackup.execution.PollSchedule;
import io.wsbackup.system.WsbackupProperties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Step 4, {@code awaitRecoveryPoints}: polls the snapshot jobs, one poll per iteration
 * ({@code CONTINUABLE}; the step holds no database transaction while it sleeps), with a
 * wait that grows from the initial to the maximum interval and shrinks as the expected
 * completion nears. Writes progress (percent, bytes, estimated completion) to the event
 * log when it changes and at least every {@code progress-event-interval}. Fails when a
 * cloud job failed, aborted or expired (an expired job did not start within its start
 * window or did not complete within its completion window), and when the backup's timeout
 * has passed; a timeout leaves the cloud jobs running. A job waiting in its start window
 * ({@code PENDING}) is said once in the event log and waited for; a job that completed
 * with issues ({@code PARTIAL}) counts as completed, since the cloud reports it so only
 * with a usable recovery point, and its message becomes a warning on the backup.
 *
 * <p>
 * The deadline is the backup's timeout counted from when its job first began, stored by
 * {@code validateWorkspace} on its first run: a restart does not extend it, so restarting
 * a timed-out backup succeeds at once if its snapshots completed meanwhile, and fails
 * again otherwise.
 */
class AwaitRecoveryPointsTasklet implements Tasklet {

	static final String STEP = "awaitRecoveryPoints";

	private static final Logger log = LoggerFactory.getLogger(AwaitRecoveryPointsTasklet.class);

	private final BackupRepository backups;

	private final CloudPort cloud;

	private final EventLog events;

	private final JobRepository jobRepository;

	private final Clock clock;

	private final WsbackupProperties.Backup settings;

	private final Pause pause;

	/**
	 * A short transaction of the store for what a poll writes (never held while waiting).
	 */
	private final TransactionTemplate store;

	/** How the step sleeps between polls: returns early when the runner shuts down. */
	interface Pause {

		/**
		 * @param wakeKey the backup's CRN: a cancel of it ends the sleep
		 */
		void sleep(Duration duration, String wakeKey) throws InterruptedException;

	}

	AwaitRecoveryPointsTasklet(BackupRepository backups, CloudPort cloud, EventLog events, JobRepository jobRepository,
			Clock clock, WsbackupProperties.Backup settings, Pause pause, PlatformTransactionManager store) {
		this.store = new TransactionTemplate(store);
		this.pause = pause;
		this.backups = backups;
		this.cloud = cloud;
		this.events = events;
		this.jobRepository = jobRepository;
		this.clock = clock;
		this.settings = settings;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws InterruptedException {
		BackupRun run = BackupRun.of(chunkContext, jobRepository);
		Duration wait;
		// what one poll learnt (the job context) and its lines are written together, in
		// one transaction, before the step waits
		// (a poll that fails writes its lines on their own, as the resource closes)
		try (EventLog.Together lines = events.together()) {
			wait = poll(run);
			store.executeWithoutResult((status) -> {
				run.save();
				lines.close();
			});
		}
		if (wait == null) {
			return RepeatStatus.FINISHED;
		}
		pause.sleep(wait, run.backupCrn.toString());
		return RepeatStatus.CONTINUABLE;
	}

	/**
	 * One poll of the cloud jobs; the caller saves the job context.
	 * @return how long to wait before the next one, or {@code null} when every snapshot
	 * has completed
	 */
	private Duration poll(BackupRun run) {
		Backup backup = run.stopIfCancelled(backups, STEP);
		String ws = backup.workspaceCrn().toString();
		String bk = backup.crn().toString();
		if (!run.has(BackupContextKeys.DEADLINE)) {
			run.put(BackupContextKeys.DEADLINE, run.deadline(backup).toString());
		}
		Instant deadline = Instant.parse(run.getString(BackupContextKeys.DEADLINE));
		Map<String, String> jobs = run.getMap(BackupContextKeys.SNAPSHOT_JOBS);
		Map<String, String> recoveryPoints = run.getMap(BackupContextKeys.RECOVERY_POINTS);
		Map<String, String> bytes = run.getMap(BackupContextKeys.BYTES_TRANSFERRED);
		Map<String, String> totals = run.getMap(BackupContextKeys.TOTAL_BYTES);
		Map<String, String> pending = run.getMap(BackupContextKeys.PENDING_JOBS);
		List<ProgressEstimator.Resource> resources = new ArrayList<>();
		boolean unanswered = false;
		for (Map.Entry<String, String> job : jobs.entrySet()) {
			if (recoveryPoints.containsKey(job.getKey())) {
				resources.add(new ProgressEstimator.Resource(true, 100, longOf(bytes.get(job.getKey())),
						totals.containsKey(job.getKey()) ? longOf(totals.get(job.getKey())) : null, null));
				continue;
			}
			SnapshotProgress progress;
			try {
				progress = cloud.snapshotProgress(job.getValue());
			}
			catch (CloudException ex) {
				if (!ex.isRetryable()) {
					throw ex;
				}
				log.warn("progress of cloud job {} not available this poll: {}", job.getValue(), ex.getMessage());
				unanswered = true;
				resources.add(lastKnown(bytes.get(job.getKey()), totals.get(job.getKey())));
				continue;
			}
			bytes.put(job.getKey(), String.valueOf(progress.bytesTransferred()));
			if (progress.totalBytes() != null && progress.totalBytes() > 0) {
				totals.put(job.getKey(), String.valueOf(progress.totalBytes()));
			}
			if (progress.state().hasRecoveryPoint()) {
				recoveryPoints.put(job.getKey(), progress.recoveryPointId());
				resources.add(new ProgressEstimator.Resource(true, 100, progress.bytesTransferred(),
						progress.totalBytes(), null));
				boolean partial = progress.state() == CloudJobState.PARTIAL;
				events.info(ws, bk, STEP, "snapshot of " + job.getKey() + " completed"
						+ (partial ? " with issues (PARTIAL)" : "") + ": recovery point " + progress.recoveryPointId());
				if (partial || (progress.message() != null && !progress.message().isBlank())) {
					// completed with something to say (files left out, ...): a warning
					// on the backup, never silence
					String warning = "snapshot of " + job.getKey()
							+ (partial ? " completed with issues (PARTIAL); its recovery point is usable: " : ": ")
							+ (progress.message() == null || progress.message().isBlank() ? "the cloud gave no details"
									: progress.message());
					backups.addWarning(backup.crn(), warning);
					events.warning(ws, bk, STEP, warning);
				}
			}
			else if (progress.state().isUnsuccessful()) {
				throw new StepFailedException("the snapshot of " + job.getKey() + " (cloud job " + job.getValue()
						+ ") ended " + progress.state() + ": "
						+ (progress.message() == null ? "the cloud gave no reason" : progress.message())
						+ (progress.state() == CloudJobState.EXPIRED
								? " (a cloud job expires when it does not start within its start window or does not"
										+ " complete within its completion window; restarting the backup starts it again)"
								: ""));
			}
			else {
				if (progress.state() == CloudJobState.PENDING && !job.getValue().equals(pending.get(job.getKey()))) {
					pending.put(job.getKey(), job.getValue());
					events.info(ws, bk, STEP, "snapshot of " + job.getKey() + " (cloud job " + job.getValue()
							+ ") is waiting in its start window: the cloud starts it when it can, or expires it");
				}
				resources.add(new ProgressEstimator.Resource(false, progress.percentDone(), progress.bytesTransferred(),
						progress.totalBytes(), progress.expectedCompletion()));
			}
		}
		run.put(BackupContextKeys.PENDING_JOBS, pending);
		run.put(BackupContextKeys.RECOVERY_POINTS, recoveryPoints);
		run.put(BackupContextKeys.BYTES_TRANSFERRED, bytes);
		run.put(BackupContextKeys.TOTAL_BYTES, totals);
		Instant now = clock.instant();
		ProgressEstimator.Estimate estimate = ProgressEstimator.estimate(resources,
				ProgressEstimator.State.fromMap(run.getMap(BackupContextKeys.ESTIMATE)), now);
		run.put(BackupContextKeys.ESTIMATE, estimate.state().toMap());
		if (!unanswered && recoveryPoints.size() == jobs.size()) {
			events.progress(ws, bk, STEP,
					"all " + jobs.size() + " snapshot(s) completed, 100% done (" + estimate.bytesText() + ")", 100,
					estimate.bytesDone(), null);
			return null;
		}
		if (now.isAfter(deadline)) {
			run.save();
			throw new StepFailedException(BackupRepository.TIMED_OUT + ": its " + backup.timeoutMinutes()
					+ "-minute timeout ended at " + deadline + " with " + (jobs.size() - recoveryPoints.size())
					+ " snapshot(s) still running. They keep running in the cloud; restart the backup once they have"
					+ " completed to record it");
		}
		Instant eta = estimate.expectedCompletion();
		reportProgress(run, ws, bk, jobs.size(), recoveryPoints.size(), estimate, now);
		if (eta != null && eta.isAfter(deadline) && run.getString(BackupContextKeys.WILL_MISS_TIMEOUT) == null) {
			String message = "backup " + backup.name() + " will miss its timeout: its estimated completion "
					+ eta.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " lies after its "
					+ backup.timeoutMinutes() + "-minute timeout, which ends at " + deadline
					+ "; it fails then unless the snapshots speed up (cancel it, or let it run)";
			events.warning(ws, bk, STEP, message);
			backups.tell(NotificationEvent.BACKUP_WILL_MISS_TIMEOUT, backup, message);
			run.put(BackupContextKeys.WILL_MISS_TIMEOUT, now.toString());
		}
		return nextWait(run, eta, now, deadline);
	}

	/**
	 * A resource the cloud did not answer for this poll, as the last answer left it.
	 */
	private static ProgressEstimator.Resource lastKnown(String bytes, String total) {
		long done = longOf(bytes);
		Long size = total == null ? null : longOf(total);
		int percent = size == null || size <= 0 ? 0 : (int) Math.min(99, done * 100 / size);
		return new ProgressEstimator.Resource(false, percent, done, size, null);
	}

	private static long longOf(String value) {
		return value == null ? 0 : Long.parseLong(value);
	}

	/**
	 * Writes a progress line when the percent changed, when the ETA moved by more than a
	 * minute (or a tenth of the time left), or when {@code progress-event-interval} has
	 * passed since the last one.
	 */
	private void reportProgress(BackupRun run, String ws, String bk, int total, int completed,
			ProgressEstimator.Estimate estimate, Instant now) {
		int percent = estimate.percentDone();
		Instant eta = estimate.expectedCompletion();
		String lastAt = run.getString(BackupContextKeys.LAST_PROGRESS_AT);
		String lastEta = run.getString(BackupContextKeys.LAST_ETA);
		boolean changed = !String.valueOf(percent).equals(run.getString(BackupContextKeys.LAST_PERCENT))
				|| etaMoved(lastEta == null || lastEta.isEmpty() ? null : Instant.parse(lastEta), eta, now);
		boolean due = lastAt == null
				|| !Duration.between(Instant.parse(lastAt), now).minus(settings.progressEventInterval()).isNegative();
		if (changed || due) {
			events.progress(ws, bk, STEP, completed + " of " + total + " snapshot(s) completed, " + percent + "% done ("
					+ estimate.bytesText() + ")"
					+ (eta == null ? ", estimated completion not known yet"
							: ", estimated completion " + eta.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)),
					percent, estimate.bytesDone(), eta);
			run.put(BackupContextKeys.LAST_PERCENT, String.valueOf(percent));
			run.put(BackupContextKeys.LAST_PROGRESS_AT, now.toString());
			run.put(BackupContextKeys.LAST_ETA, eta == null ? "" : eta.toString());
		}
	}

	private static boolean etaMoved(Instant written, Instant eta, Instant now) {
		if (written == null || eta == null) {
			return (written == null) != (eta == null);
		}
		Duration moved = Duration.between(written, eta).abs();
		Duration left = Duration.between(now, eta);
		return moved.compareTo(Duration.ofMinutes(1)) > 0 && moved.compareTo(left.dividedBy(10)) > 0;
	}

	private Duration nextWait(BackupRun run, Instant eta, Instant now, Instant deadline) {
		String last = run.getString(BackupContextKeys.POLL_INTERVAL_MILLIS);
		String lastLine = run.getString(BackupContextKeys.LAST_PROGRESS_AT);
		Duration wait = PollSchedule.of(settings)
			.next(last == null ? null : Duration.ofMillis(Long.parseLong(last)), eta, now, deadline,
					lastLine == null ? null : Instant.parse(lastLine));
		run.put(BackupContextKeys.POLL_INTERVAL_MILLIS, String.valueOf(wait.toMillis()));
		return wait;
	}

}
