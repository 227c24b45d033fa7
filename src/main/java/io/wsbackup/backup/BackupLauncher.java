package io.wsbackup.backup;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.events.EventLog;
import io.wsbackup.execution.JobStarter;
import io.wsbackup.execution.LaunchQueue;
import io.wsbackup.execution.Runner;
import io.wsbackup.execution.JobStarter.LaunchFailedException;
import io.wsbackup.execution.LaunchableJob;
import io.wsbackup.system.Times;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

/**
 * Starts, restarts, cancels and takes back the {@code backupWorkspace} job: checks a
 * request, mints the backup CRN, writes the catalog entry and starts the job, which runs
 * in the background; bad requests are refused before anything is written.
 */
@Component
public class BackupLauncher implements LaunchableJob {

	private static final Logger log = LoggerFactory.getLogger(BackupLauncher.class);

	/**
	 * Backup names: letters, digits, '.', '_' and '-', starting with a letter or digit,
	 * at most 100.
	 */
	private static final Pattern BACKUP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

	private final WorkspaceRepository workspaces;

	private final BackupRepository backups;

	private final Job backupWorkspaceJob;

	private final JobStarter starter;

	private final EventLog events;

	private final WsbackupProperties properties;

	private final Clock clock;

	private final Runner runner;

	public BackupLauncher(WorkspaceRepository workspaces, BackupRepository backups,
			@Qualifier("backupWorkspaceJob") Job backupWorkspaceJob, JobStarter starter, EventLog events,
			WsbackupProperties properties, Clock clock, Runner runner) {
		this.runner = runner;
		this.workspaces = workspaces;
		this.backups = backups;
		this.backupWorkspaceJob = backupWorkspaceJob;
		this.starter = starter;
		this.events = events;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Whether a name can be a backup's name: letters, digits, '.', '_' and '-', starting
	 * with a letter or digit, at most 100.
	 */
	public static boolean isValidBackupName(String name) {
		return name != null && BACKUP_NAME.matcher(name).matches();
	}

	@Override
	public String jobName() {
		return BackupParameters.JOB_NAME;
	}

	/**
	 * Starts a backup of a workspace and returns at once: its job starts on this runner,
	 * or, when the runner or the workspace's cloud account has no room (or the placement
	 * asks for any runner), its launch is queued in the store for the first runner with
	 * room ({@link io.wsbackup.execution.LaunchQueue}); the backup is {@code running}
	 * either way, without a job execution while queued, and its timeout counts from when
	 * its job begins.
	 * @param timeoutMinutes the backup's timeout, or {@code null} for the default (12
	 * hours)
	 * @throws WsbackupException {@code INVALID_ARGUMENT}, {@code NOT_FOUND},
	 * {@code ALREADY_EXISTS} or {@code FAILED_PRECONDITION}, with nothing written
	 */
	public Backup backupWorkspace(String workspaceCrn, String backupName, Integer timeoutMinutes, String creatorCrn,
			LaunchQueue.Placement placement) {
		Crn crn = Crn.parseField(workspaceCrn, Crn.WORKSPACE, "workspaceCrn");
		if (backupName == null || backupName.isBlank()) {
			throw WsbackupException.invalid("backupName is required");
		}
		if (!BACKUP_NAME.matcher(backupName).matches()) {
			throw WsbackupException.invalid("backupName '" + backupName
					+ "' is not valid: use 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit");
		}
		int timeout = timeoutMinutes == null ? properties.backup().defaultTimeoutMinutes() : timeoutMinutes;
		if (timeout < 1 || timeout > properties.backup().maxTimeoutMinutes()) {
			throw WsbackupException.invalid("backupJobTimeoutMinutes must be between 1 and "
					+ properties.backup().maxTimeoutMinutes() + ", not " + timeout);
		}
		Workspace workspace = workspaces.find(crn)
			.orElseThrow(() -> WsbackupException.notFound("workspace " + crn + " is not registered"));
		if (backups.nameTaken(crn, backupName)) {
			throw WsbackupException
				.alreadyExists("workspace " + workspace.name() + " already has a backup named " + backupName);
		}
		if (workspace.status() != WorkspaceStatus.INSTALLATION_FINISHED) {
			throw WsbackupException.failedPrecondition("workspace " + workspace.name() + " is " + workspace.status()
					+ "; a backup can start only in " + WorkspaceStatus.INSTALLATION_FINISHED);
		}
		List<Backup> active = backups.activeFor(crn);
		if (!active.isEmpty()) {
			throw WsbackupException.failedPrecondition("workspace " + workspace.name() + " already has backup "
					+ active.get(0).name() + " (" + active.get(0).crn() + ") " + active.get(0).status()
					+ "; wait for it to end or cancel it");
		}
		Backup backup = new Backup(Crn.newBackup(crn), crn, backupName, creatorCrn, clock.instant(),
				workspace.version(), BackupStatus.RUNNING, timeout, workspace.vaultName(), null, List.of(), null);
		boolean startsHere = starter.startsHere(workspace.accountId(), placement);
		String requested = "backup " + backupName + " requested by " + creatorCrn + " with a timeout of " + timeout
				+ " minutes";
		Runnable record = () -> {
			backups.insert(backup);
			events.info(crn.toString(), backup.crn().toString(), BackupParameters.JOB_NAME,
					startsHere ? requested : requested + "; queued until a runner has room for it (its timeout "
							+ "counts from when its job begins)");
		};
		JobExecution execution;
		try {
			if (!startsHere) {
				starter.queue(backupWorkspaceJob, backup.crn().toString(), workspace.accountId(), record);
				log.info("backup {} of workspace {} queued", backup.crn(), crn);
				return backups.find(backup.crn()).orElseThrow();
			}
			execution = starter.launch(backupWorkspaceJob, parameters(backup), backup.crn().toString(), record,
					(ex) -> backups.moveStatus(backup.crn(), BackupStatus.RUNNING, BackupStatus.FAILED,
							"the backup job could not be started: " + ex.getMessage()),
					(started) -> backups.setJobExecutionId(backup.crn(), started.getId()));
		}
		catch (DuplicateKeyException raced) {
			throw WsbackupException
				.alreadyExists("workspace " + workspace.name() + " already has a backup named " + backupName);
		}
		catch (LaunchFailedException ex) {
			throw new IllegalStateException("the backup job could not be started: " + ex.getMessage(), ex);
		}
		log.info("backup {} of workspace {} started as job execution {}", backup.crn(), crn, execution.getId());
		return backups.find(backup.crn()).orElseThrow();
	}

	/**
	 * When the backup's launch was queued, while it waits for a runner with room (its job
	 * has not begun); empty once it began, or if it was never queued.
	 */
	public Optional<Instant> queuedSince(Crn backupCrn) {
		return starter.queuedAt(BackupParameters.JOB_NAME, backupCrn.toString()).map(Times::fromDb);
	}

	/**
	 * Starts a backup from the actuator's parameters: {@code workspaceCrn},
	 * {@code backupName}, optional {@code backupJobTimeoutMinutes}.
	 */
	@Override
	public long launch(Map<String, String> parameters, String creatorCrn) {
		String timeout = parameters.get("backupJobTimeoutMinutes");
		Integer minutes;
		try {
			minutes = timeout == null ? null : Integer.valueOf(timeout);
		}
		catch (NumberFormatException ex) {
			throw WsbackupException.invalid("backupJobTimeoutMinutes must be a number, not '" + timeout + "'");
		}
		return backupWorkspace(parameters.get(BackupParameters.WORKSPACE_CRN), parameters.get("backupName"), minutes,
				creatorCrn, LaunchQueue.Placement.HERE)
			.jobExecutionId();
	}

	@Override
	public long restart(JobParameters parameters) {
		return restartBackup(parameters.getString(BackupParameters.BACKUP_CRN));
	}

	/**
	 * Runs a failed or cancelled backup again from the step where it stopped, with the
	 * same backup CRN and cloud jobs.
	 * @return the new job execution's id
	 * @throws WsbackupException {@code NOT_FOUND} or {@code FAILED_PRECONDITION} when
	 * there is nothing to restart
	 */
	public long restartBackup(String backupCrn) {
		Crn crn = Crn.parseField(backupCrn, Crn.BACKUP, "backupCrn");
		synchronized (starter.lock(crn.toString())) {
			return restartBackup(crn, false);
		}
	}

	/**
	 * @param recovering the restart of an execution recovered from a dead runner: the
	 * backup is still {@code running} (or {@code cancelling}, which the restarted job
	 * honours)
	 */
	private long restartBackup(Crn crn, boolean recovering) {
		Backup backup = backups.find(crn).orElseThrow(() -> WsbackupException.notFound("backup " + crn + " not found"));
		if (backup.status() == BackupStatus.DELETING) {
			throw WsbackupException
				.failedPrecondition("backup " + backup.name() + " is being deleted; it cannot be restarted");
		}
		JobParameters parameters = parameters(backup);
		JobExecution last = starter.lastExecution(BackupParameters.JOB_NAME, parameters);
		if (last == null || !(last.getStatus() == BatchStatus.FAILED || last.getStatus() == BatchStatus.STOPPED)) {
			throw WsbackupException.failedPrecondition("backup " + backup.name() + " has no failed or stopped job to"
					+ " restart (its job is " + (last == null ? "unknown" : last.getStatus()) + ")");
		}
		List<Backup> others = backups.activeFor(backup.workspaceCrn())
			.stream()
			.filter((b) -> !b.crn().equals(crn))
			.toList();
		if (!others.isEmpty()) {
			throw WsbackupException
				.failedPrecondition("backup " + backup.name() + " cannot be restarted while " + others.get(0).name()
						+ " (" + others.get(0).crn() + ") is " + others.get(0).status() + " on the same workspace");
		}
		if (!recovering && (backup.status() == BackupStatus.RUNNING || backup.status() == BackupStatus.CANCELLING)) {
			throw WsbackupException.failedPrecondition("the previous run of backup " + backup.name()
					+ " is still finishing (its job ended, the backup is " + backup.status() + "); try again shortly");
		}
		BackupStatus before = backup.status();
		boolean reopens = before == BackupStatus.FAILED || before == BackupStatus.CANCELLED;
		JobExecution execution;
		try {
			execution = starter.launch(backupWorkspaceJob, parameters, crn.toString(), () -> {
				if (reopens && !backups.moveStatus(crn, before, BackupStatus.RUNNING, null)) {
					throw WsbackupException
						.failedPrecondition("backup " + backup.name() + " changed meanwhile; try again");
				}
			}, (ex) -> {
				if (reopens) {
					backups.putBack(crn, BackupStatus.RUNNING, before, backup.failureReason());
				}
			}, (started) -> backups.setJobExecutionId(crn, started.getId()));
		}
		catch (LaunchFailedException ex) {
			throw WsbackupException
				.failedPrecondition("backup " + backup.name() + " cannot be restarted: " + ex.getMessage());
		}
		events.info(backup.workspaceCrn().toString(), crn.toString(), BackupParameters.JOB_NAME,
				"backup " + backup.name() + " restarted as job execution " + execution.getId());
		return execution.getId();
	}

	/**
	 * Cancels a running backup: the backup goes to {@code cancelling}; the running step
	 * notices (the waiting step within one poll) and hands over to the compensation,
	 * which stops the cloud snapshots still running, puts the workspace back as it was,
	 * and ends the backup {@code cancelled} and the job {@code STOPPED}. A backup whose
	 * job never began (its launch cut short by a crash) is ended {@code cancelled} by the
	 * recovery scan; one whose launch still waits in the launch queue is withdrawn and
	 * ended {@code cancelled} at once. It does not call {@code JobOperator.stop}: in
	 * Spring Batch 6.0 that races the running step's own updates (spring-batch #5308,
	 * #5484) and can leave the step UNKNOWN, never to be restarted.
	 * @return the backup as the cancel left it ({@code cancelling}, or {@code cancelled})
	 * @throws WsbackupException {@code NOT_FOUND}, or {@code FAILED_PRECONDITION} when
	 * the backup is not running
	 */
	public Backup cancelBackup(String backupCrn) {
		Crn crn = Crn.parseField(backupCrn, Crn.BACKUP, "backupCrn");
		Backup backup = backups.find(crn).orElseThrow(() -> WsbackupException.notFound("backup " + crn + " not found"));
		if (backup.status() != BackupStatus.RUNNING) {
			throw WsbackupException.failedPrecondition(
					"backup " + backup.name() + " is " + backup.status() + "; only a running backup can be cancelled");
		}
		starter.inTransaction(() -> {
			if (!backups.moveStatus(crn, BackupStatus.RUNNING, BackupStatus.CANCELLING, null)) {
				throw WsbackupException.failedPrecondition(
						"backup " + backup.name() + " is no longer running; only a running backup can be cancelled");
			}
			if (starter.withdrawQueued(BackupParameters.JOB_NAME, crn.toString())) {
				String reason = "cancelled while queued, before its job began; the workspace was not touched";
				backups.moveStatus(crn, BackupStatus.CANCELLING, BackupStatus.CANCELLED, reason);
				events.warning(backup.workspaceCrn().toString(), crn.toString(), BackupParameters.JOB_NAME,
						"backup " + backup.name() + " " + reason);
				return;
			}
			events.warning(backup.workspaceCrn().toString(), crn.toString(), BackupParameters.JOB_NAME,
					"cancel requested for backup " + backup.name() + "; the running step stops at its next poll");
		});
		// a step waiting on this runner polls now rather than after its wait
		runner.wake(crn.toString());
		return backups.find(crn).orElse(backup);
	}

	/**
	 * A backup is stopped the way {@link #cancelBackup} does it, cooperatively: its job
	 * ends STOPPED through the compensation, which puts the workspace back.
	 * {@code JobOperator.stop} on a backup races the running step's own updates in Spring
	 * Batch 6.0 (it ended FAILED with "JobRepository failure forcing rollback" in
	 * BatchJobsEndpointTest); should a backup be stopped from outside anyway, the backup
	 * job's listener (BackupJobListener) puts the workspace back.
	 */
	@Override
	public void stop(JobExecution execution) {
		cancelBackup(execution.getJobParameters().getString(BackupParameters.BACKUP_CRN));
	}

	/**
	 * Restarts a backup recovered from a dead runner while it was {@code running},
	 * {@code cancelling} or {@code succeeded} (its workspace may still be stopped); a
	 * backup that had already failed or been cancelled stays so.
	 */
	@Override
	public long restartRecovered(JobParameters parameters) {
		Crn crn = Crn.parse(parameters.getString(BackupParameters.BACKUP_CRN));
		synchronized (starter.lock(crn.toString())) {
			Backup backup = backups.find(crn)
				.orElseThrow(
						() -> WsbackupException.failedPrecondition("backup " + crn + " is no longer in the catalog"));
			if (backup.status() == BackupStatus.FAILED || backup.status() == BackupStatus.CANCELLED) {
				throw WsbackupException.failedPrecondition("backup " + backup.name() + " had already ended "
						+ backup.status() + " (its workspace put back); it is not restarted");
			}
			return restartBackup(crn, true);
		}
	}

	@Override
	public Resumed resumeLaunch(String subjectCrn) {
		Crn crn = Crn.parse(subjectCrn);
		Backup backup = backups.find(crn).orElse(null);
		if (backup == null) {
			return new Resumed(
					new JobParametersBuilder().addString(BackupParameters.BACKUP_CRN, crn.toString()).toJobParameters(),
					"backup " + crn + " is no longer in the catalog; nothing to launch");
		}
		JobParameters parameters = parameters(backup);
		String what = "the backup job of " + backup.name();
		if (backup.status() != BackupStatus.RUNNING && backup.status() != BackupStatus.CANCELLING) {
			return new Resumed(parameters, what + " has nothing to launch: the backup is " + backup.status());
		}
		JobExecution last = starter.lastExecution(BackupParameters.JOB_NAME, parameters);
		if (last != null && last.isRunning()) {
			return new Resumed(parameters, what + " exists as job execution " + last.getId()
					+ "; the recovery scan takes it over if no runner runs it");
		}
		if (last == null && backup.status() == BackupStatus.CANCELLING) {
			String reason = "cancelled before its job began; the workspace was not touched";
			starter.inTransaction(() -> {
				if (backups.moveStatus(crn, BackupStatus.CANCELLING, BackupStatus.CANCELLED, reason)) {
					events.warning(backup.workspaceCrn().toString(), crn.toString(), BackupParameters.JOB_NAME,
							"backup " + backup.name() + " " + reason);
				}
			});
			return new Resumed(parameters, what + " never began; the backup, cancelled meanwhile, ends cancelled");
		}
		if (last != null && last.getStatus() == BatchStatus.COMPLETED) {
			return new Resumed(parameters, what + " had completed as job execution " + last.getId());
		}
		JobExecution execution = starter.launch(backupWorkspaceJob, parameters, crn.toString(), () -> {
		}, null, (started) -> backups.setJobExecutionId(crn, started.getId()));
		return new Resumed(parameters,
				what + (last == null ? " started" : " restarted") + " as job execution " + execution.getId());
	}

	private static JobParameters parameters(Backup backup) {
		return new JobParametersBuilder().addString(BackupParameters.WORKSPACE_CRN, backup.workspaceCrn().toString())
			.addString(BackupParameters.BACKUP_CRN, backup.crn().toString())
			.toJobParameters();
	}

}
