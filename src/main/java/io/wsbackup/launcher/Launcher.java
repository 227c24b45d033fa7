package io.wsbackup.launcher;

import java.util.List;
import java.util.regex.Pattern;

import io.wsbackup.backup.BackupParameters;
import io.wsbackup.catalog.Backup;
import io.wsbackup.deletion.DeleteParameters;
import io.wsbackup.restore.RestoreInput;
import io.wsbackup.restore.RestoreParameters;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.events.EventLog;
import io.wsbackup.execution.Launches;
import io.wsbackup.execution.Runner;
import io.wsbackup.execution.RunnerRegistry;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceService;
import io.wsbackup.workspace.WorkspaceStorage;
import io.wsbackup.workspace.WorkspaceStatus;
import io.wsbackup.workspace.RestoreRecord;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.launch.JobRestartException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The one place jobs are started from: REST, CLI (through REST), the actuator endpoint
 * and schedules are thin adapters over it. It checks a request, mints the backup CRN,
 * writes the catalog entry and starts the job, which runs in the background; bad requests
 * are refused before anything is written.
 *
 * <p>
 * Every launch is durable before it is acknowledged: the catalog change it answers for (a
 * backup {@code running}, a restore's new workspace {@code restore:started}, a backup
 * {@code deleting}, a restart) is committed in one transaction with a launch record
 * ({@link Launches}); the job is started after that commit and the record removed once
 * its execution exists. A runner killed in between leaves the launch to the recovery scan
 * of a live runner, which completes it ({@link #resumeLaunch}). Starting a job whose
 * execution another runner (or thread) has just started adopts that execution, so one
 * operation never runs twice, and every caller is answered with the same execution.
 */
@Service
public class Launcher {

	private static final Logger log = LoggerFactory.getLogger(Launcher.class);

	/**
	 * Backup names: letters, digits, '.', '_' and '-', starting with a letter or digit,
	 * at most 100.
	 */
	private static final Pattern BACKUP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

	/** Launches of one subject in this JVM go one at a time (striped by the subject). */
	private static final int SUBJECT_LOCKS = 64;

	private final Object[] subjectLocks = new Object[SUBJECT_LOCKS];

	private final WorkspaceRepository workspaces;

	private final BackupRepository backups;

	private final JobOperator jobOperator;

	private final JobRepository jobRepository;

	private final Job backupWorkspaceJob;

	private final Job deleteBackupJob;

	private final Job restoreWorkspaceJob;

	private final WorkspaceService workspaceService;

	private final EventLog events;

	private final WsbackupProperties properties;

	private final Clock clock;

	private final Runner runner;

	private final RunnerRegistry runners;

	private final Launches launches;

	private final TransactionTemplate transaction;

	public Launcher(WorkspaceRepository workspaces, BackupRepository backups, JobOperator jobOperator,
			JobRepository jobRepository, @Qualifier("backupWorkspaceJob") Job backupWorkspaceJob,
			@Qualifier("deleteBackupJob") Job deleteBackupJob,
			@Qualifier("restoreWorkspaceJob") Job restoreWorkspaceJob, WorkspaceService workspaceService,
			EventLog events, WsbackupProperties properties, Clock clock, Runner runner, RunnerRegistry runners,
			Launches launches, PlatformTransactionManager transactionManager) {
		this.runner = runner;
		this.runners = runners;
		this.workspaces = workspaces;
		this.backups = backups;
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.backupWorkspaceJob = backupWorkspaceJob;
		this.deleteBackupJob = deleteBackupJob;
		this.restoreWorkspaceJob = restoreWorkspaceJob;
		this.workspaceService = workspaceService;
		this.events = events;
		this.properties = properties;
		this.clock = clock;
		this.launches = launches;
		this.transaction = new TransactionTemplate(transactionManager);
		for (int i = 0; i < SUBJECT_LOCKS; i++) {
			this.subjectLocks[i] = new Object();
		}
	}

	/**
	 * Whether a name can be a backup's name: letters, digits, '.', '_' and '-', starting
	 * with a letter or digit, at most 100.
	 */
	public static boolean isValidBackupName(String name) {
		return name != null && BACKUP_NAME.matcher(name).matches();
	}

	/**
	 * Starts a backup of a workspace and returns at once.
	 * @param timeoutMinutes the backup's timeout, or {@code null} for the default (12
	 * hours)
	 * @throws WsbackupException {@code INVALID_ARGUMENT}, {@code NOT_FOUND},
	 * {@code ALREADY_EXISTS} or {@code FAILED_PRECONDITION}, with nothing written
	 */
	public Backup backupWorkspace(String workspaceCrn, String backupName, Integer timeoutMinutes, String creatorCrn) {
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
		JobExecution execution;
		try {
			execution = launch(backupWorkspaceJob, backupParameters(backup), backup.crn().toString(), () -> {
				backups.insert(backup);
				events.info(crn.toString(), backup.crn().toString(), BackupParameters.JOB_NAME, "backup " + backupName
						+ " requested by " + creatorCrn + " with a timeout of " + timeout + " minutes");
			}, (ex) -> backups.moveStatus(backup.crn(), BackupStatus.RUNNING, BackupStatus.FAILED,
					"the backup job could not be started: " + ex.getMessage()));
		}
		catch (DuplicateKeyException raced) {
			throw WsbackupException
				.alreadyExists("workspace " + workspace.name() + " already has a backup named " + backupName);
		}
		catch (LaunchFailedException ex) {
			throw new IllegalStateException("the backup job could not be started: " + ex.getMessage(), ex);
		}
		backups.setJobExecutionId(backup.crn(), execution.getId());
		log.info("backup {} of workspace {} started as job execution {}", backup.crn(), crn, execution.getId());
		return backups.find(backup.crn()).orElseThrow();
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
		synchronized (lock(crn.toString())) {
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
		JobParameters parameters = backupParameters(backup);
		JobExecution last = jobRepository.getLastJobExecution(BackupParameters.JOB_NAME, parameters);
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
			execution = launch(backupWorkspaceJob, parameters, crn.toString(), () -> {
				if (reopens && !backups.moveStatus(crn, before, BackupStatus.RUNNING, null)) {
					throw WsbackupException
						.failedPrecondition("backup " + backup.name() + " changed meanwhile; try again");
				}
			}, (ex) -> {
				if (reopens) {
					backups.moveStatus(crn, BackupStatus.RUNNING, before, backup.failureReason());
				}
			});
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
	 * recovery scan. It does not call {@code JobOperator.stop}: in Spring Batch 6.0 that
	 * races the running step's own updates (spring-batch #5308, #5484) and can leave the
	 * step UNKNOWN, never to be restarted.
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
		transaction.executeWithoutResult((status) -> {
			if (!backups.moveStatus(crn, BackupStatus.RUNNING, BackupStatus.CANCELLING, null)) {
				throw WsbackupException.failedPrecondition(
						"backup " + backup.name() + " is no longer running; only a running backup can be cancelled");
			}
			events.warning(backup.workspaceCrn().toString(), crn.toString(), BackupParameters.JOB_NAME,
					"cancel requested for backup " + backup.name() + "; the running step stops at its next poll");
		});
		return backup;
	}

	/**
	 * Deletes a backup in the background: marks it {@code deleting} and starts the
	 * {@code deleteBackup} job, which deletes its recovery points from the vault and then
	 * removes it from the catalog. Deleting a backup already being deleted returns the
	 * running job (the same workflow id to every caller, however many ask at once), or
	 * restarts it where it stopped if it failed.
	 * @return the workflow id: the job execution's id
	 * @throws WsbackupException {@code NOT_FOUND}, or {@code FAILED_PRECONDITION} while
	 * the backup runs or a restore reads from it
	 */
	public long deleteBackup(String backupCrn) {
		Crn crn = Crn.parseField(backupCrn, Crn.BACKUP, "backupCrn");
		synchronized (lock(crn.toString())) {
			// a second attempt when another runner changed the backup between the read
			// and the compare-and-set: it is deleting now, and its delete is adopted
			for (int attempt = 1;; attempt++) {
				try {
					return deleteBackup(crn);
				}
				catch (ChangedMeanwhileException ex) {
					if (attempt == 3) {
						throw WsbackupException.failedPrecondition(ex.getMessage());
					}
				}
			}
		}
	}

	private long deleteBackup(Crn crn) {
		Backup backup = backups.find(crn).orElseThrow(() -> WsbackupException.notFound("backup " + crn + " not found"));
		if (backup.status() == BackupStatus.RUNNING || backup.status() == BackupStatus.CANCELLING) {
			throw WsbackupException.failedPrecondition("backup " + backup.name() + " is " + backup.status()
					+ "; cancel it or wait for it to end before deleting it");
		}
		var restores = workspaces.restoringFrom(crn.toString());
		if (!restores.isEmpty()) {
			throw WsbackupException.failedPrecondition("backup " + backup.name() + " is being restored into workspace "
					+ restores.get(0).name() + " (" + restores.get(0).crn() + "); delete it once the restore ended");
		}
		JobParameters parameters = deleteParameters(crn);
		if (backup.status() == BackupStatus.DELETING) {
			JobExecution last = jobRepository.getLastJobExecution(DeleteParameters.JOB_NAME, parameters);
			if (last != null && last.isRunning()) {
				return last.getId();
			}
		}
		BackupStatus before = backup.status();
		try {
			return launch(deleteBackupJob, parameters, crn.toString(), () -> {
				if (before != BackupStatus.DELETING && !backups.moveStatus(crn, before, BackupStatus.DELETING, null)) {
					throw new ChangedMeanwhileException(
							"backup " + backup.name() + " changed while it was being deleted; try again");
				}
				events.info(backup.workspaceCrn().toString(), crn.toString(), DeleteParameters.JOB_NAME,
						"delete of backup " + backup.name()
								+ (before == BackupStatus.DELETING ? " resumed where it stopped" : " requested"));
			}, null).getId();
		}
		catch (LaunchFailedException ex) {
			throw new IllegalStateException(
					"the delete job of backup " + backup.name() + " could not be started: " + ex.getMessage(), ex);
		}
	}

	/**
	 * What a restore request got: the new workspace and what the operator should know.
	 */
	public record RestoreStarted(Crn workspaceCrn, List<String> warnings) {
	}

	/**
	 * Restores a backup into a NEW workspace and returns at once: checks the request,
	 * writes the new workspace ({@code restore:started}, new CRN, at this runner's
	 * workspace version, marked as restored from the backup, with the provisioning
	 * parameters, the warnings and the timeout) and starts the {@code restoreWorkspace}
	 * job.
	 * @throws WsbackupException {@code INVALID_ARGUMENT}, {@code NOT_FOUND},
	 * {@code ALREADY_EXISTS} or {@code FAILED_PRECONDITION}, with nothing written
	 */
	public RestoreStarted restoreWorkspace(RestoreInput input) {
		Crn backupCrn = Crn.parseField(input.backupCrn(), Crn.BACKUP, "backupCrn");
		WorkspaceService.checkName(input.workspaceName(), "newWorkspaceParameters.workspaceName");
		io.wsbackup.workspace.WorkspaceFields.environmentName(input.environmentName(),
				"newWorkspaceParameters.environmentName");
		int timeout = input.timeoutMinutes() == null ? properties.backup().defaultTimeoutMinutes()
				: input.timeoutMinutes();
		if (timeout < 1 || timeout > properties.backup().maxTimeoutMinutes()) {
			throw WsbackupException.invalid("restoreJobTimeoutMinutes must be between 1 and "
					+ properties.backup().maxTimeoutMinutes() + ", not " + timeout);
		}
		Backup backup = backups.find(backupCrn)
			.orElseThrow(() -> WsbackupException.notFound("backup " + backupCrn + " not found"));
		if (backup.status() != BackupStatus.SUCCEEDED) {
			throw WsbackupException.failedPrecondition(
					"backup " + backup.name() + " is " + backup.status() + "; only a succeeded backup can be restored");
		}
		String[] target = workspaceService.environmentLocation(input.environmentName());
		if (!target[0].equals(backupCrn.accountId()) || !target[1].equals(backupCrn.region())) {
			throw WsbackupException.failedPrecondition(
					"environment " + input.environmentName() + " is in account " + target[0] + ", region " + target[1]
							+ ", but backup " + backup.name() + " is in account " + backupCrn.accountId() + ", region "
							+ backupCrn.region() + ": a backup can only be restored in its own account and region");
		}
		if (workspaces.findByName(input.environmentName(), input.workspaceName()).isPresent()) {
			throw WsbackupException.alreadyExists("environment " + input.environmentName()
					+ " already has a workspace named " + input.workspaceName());
		}
		Crn crn = Crn.newWorkspace(backupCrn.region(), backupCrn.accountId());
		Workspace restored = new Workspace(crn, input.workspaceName(), input.environmentName(), backupCrn.accountId(),
				backupCrn.region(), properties.workspaceVersion(), WorkspaceStatus.RESTORE_STARTED,
				new WorkspaceStorage(List.of(), null, false), clock.instant(), backupCrn.toString(), null,
				input.provisioningParameters());
		List<String> warnings = new ArrayList<>();
		warnings.add("user roles and secrets are not copied: grant access to workspace " + input.workspaceName()
				+ " again and recreate its secrets");
		warnings.addAll(input.warnings());
		backup.warnings().stream().filter((w) -> w.contains("external NFS")).forEach(warnings::add);
		try {
			launch(restoreWorkspaceJob, restoreParameters(backupCrn.toString(), crn, timeout), crn.toString(), () -> {
				workspaces.insert(restored);
				workspaces.setWarnings(crn, warnings);
				workspaces.setRestoreTimeoutMinutes(crn, timeout);
				events.info(crn.toString(), backupCrn.toString(), RestoreParameters.JOB_NAME, "restore of backup "
						+ backup.name() + " into new workspace " + input.workspaceName() + " requested");
			}, (ex) -> workspaces.moveStatus(crn, WorkspaceStatus.RESTORE_STARTED, WorkspaceStatus.RESTORE_FAILED));
		}
		catch (DuplicateKeyException raced) {
			throw WsbackupException.alreadyExists("environment " + input.environmentName()
					+ " already has a workspace named " + input.workspaceName());
		}
		catch (LaunchFailedException ex) {
			throw new IllegalStateException("the restore job could not be started: " + ex.getMessage(), ex);
		}
		return new RestoreStarted(crn, warnings);
	}

	/**
	 * Runs a failed restore again from the step where it stopped, reusing the cloud
	 * restore jobs already started.
	 * @return the new job execution's id
	 */
	public long restartRestore(String workspaceCrn) {
		Crn crn = Crn.parseField(workspaceCrn, Crn.WORKSPACE, "workspaceCrn");
		synchronized (lock(crn.toString())) {
			Workspace workspace = workspaces.find(crn)
				.orElseThrow(() -> WsbackupException.notFound("workspace " + crn + " is not registered"));
			JobParameters parameters = restoreParameters(workspace);
			JobExecution last = parameters == null ? null
					: jobRepository.getLastJobExecution(RestoreParameters.JOB_NAME, parameters);
			if (!(workspace.status() == WorkspaceStatus.RESTORE_FAILED
					|| workspace.status() == WorkspaceStatus.RESTORE_STARTED) || last == null
					|| !(last.getStatus() == BatchStatus.FAILED || last.getStatus() == BatchStatus.STOPPED)) {
				throw WsbackupException.failedPrecondition("workspace " + workspace.name() + " is " + workspace.status()
						+ "; only a failed restore can be restarted");
			}
			try {
				return launch(restoreWorkspaceJob, parameters, crn.toString(), () -> {
				}, null).getId();
			}
			catch (LaunchFailedException ex) {
				throw WsbackupException.failedPrecondition(
						"the restore of workspace " + workspace.name() + " cannot be restarted: " + ex.getMessage());
			}
		}
	}

	/**
	 * Starts a job by name, for the actuator endpoint: {@code backupWorkspace}
	 * (parameters {@code workspaceCrn}, {@code backupName}, optional
	 * {@code backupJobTimeoutMinutes}) or {@code deleteBackup} ({@code backupCrn}), with
	 * the same checks as the API. A restore needs a whole new-workspace request: use the
	 * {@code restoreWorkspace} operation of the API.
	 * @return the job execution's id
	 * @throws WsbackupException {@code INVALID_ARGUMENT} for an unknown job or missing
	 * parameter, or the refusal of the job's own launch
	 */
	public long launch(String jobName, Map<String, String> parameters, String creatorCrn) {
		Map<String, String> p = parameters == null ? Map.of() : parameters;
		if (BackupParameters.JOB_NAME.equals(jobName)) {
			String timeout = p.get("backupJobTimeoutMinutes");
			Integer minutes;
			try {
				minutes = timeout == null ? null : Integer.valueOf(timeout);
			}
			catch (NumberFormatException ex) {
				throw WsbackupException.invalid("backupJobTimeoutMinutes must be a number, not '" + timeout + "'");
			}
			Backup backup = backupWorkspace(p.get(BackupParameters.WORKSPACE_CRN), p.get("backupName"), minutes,
					creatorCrn);
			return backup.jobExecutionId();
		}
		if (DeleteParameters.JOB_NAME.equals(jobName)) {
			return deleteBackup(p.get(DeleteParameters.BACKUP_CRN));
		}
		if (RestoreParameters.JOB_NAME.equals(jobName)) {
			throw WsbackupException.invalid("a restore needs a whole new-workspace request: use POST "
					+ "/api/v1/ml/restoreWorkspace (or ./wsbackup restore-workspace)");
		}
		throw WsbackupException.invalid("unknown job '" + jobName + "'; the jobs are: " + BackupParameters.JOB_NAME
				+ ", " + DeleteParameters.JOB_NAME);
	}

	/**
	 * Restarts a failed (or stopped) job execution where it stopped, through the restart
	 * of its own job: a backup keeps its CRN and cloud jobs, a restore its new workspace,
	 * a delete resumes with the recovery points not yet deleted.
	 * @return the new job execution's id
	 */
	public long restartExecution(long executionId) {
		JobExecution execution = execution(executionId);
		String job = execution.getJobInstance().getJobName();
		var parameters = execution.getJobParameters();
		if (BackupParameters.JOB_NAME.equals(job)) {
			return restartBackup(parameters.getString(BackupParameters.BACKUP_CRN));
		}
		if (RestoreParameters.JOB_NAME.equals(job)) {
			return restartRestore(parameters.getString(RestoreParameters.WORKSPACE_CRN));
		}
		if (DeleteParameters.JOB_NAME.equals(job)) {
			return deleteBackup(parameters.getString(DeleteParameters.BACKUP_CRN));
		}
		throw WsbackupException.failedPrecondition("job " + job + " cannot be restarted here");
	}

	/**
	 * Stops a running job execution. A backup is stopped the way {@link #cancelBackup}
	 * does it, cooperatively: its job ends STOPPED through the compensation, which puts
	 * the workspace back. {@code JobOperator.stop} on a backup races the running step's
	 * own updates in Spring Batch 6.0 (it ended FAILED with "JobRepository failure
	 * forcing rollback" in BatchJobsEndpointTest); should a backup be stopped from
	 * outside anyway, the backup job's listener (BackupJobListener) puts the workspace
	 * back. Other jobs are stopped with {@code JobOperator.stop}.
	 */
	public void stopExecution(long executionId) {
		JobExecution execution = execution(executionId);
		if (!execution.isRunning()) {
			throw WsbackupException.failedPrecondition("job execution " + executionId + " is " + execution.getStatus()
					+ "; only a running one can be stopped");
		}
		if (BackupParameters.JOB_NAME.equals(execution.getJobInstance().getJobName())) {
			cancelBackup(execution.getJobParameters().getString(BackupParameters.BACKUP_CRN));
			return;
		}
		try {
			jobOperator.stop(execution);
			log.info("job execution {} ({}) asked to stop", executionId, execution.getJobInstance().getJobName());
		}
		catch (Exception ex) {
			throw WsbackupException
				.failedPrecondition("job execution " + executionId + " cannot be stopped: " + ex.getMessage());
		}
	}

	/**
	 * Restarts an execution the recovery scan recovered from a dead runner (it is FAILED
	 * now), through the same restart as an operator's, when its job was still under way:
	 * a backup {@code running}, {@code cancelling} or {@code succeeded} (its workspace
	 * may still be stopped), a restore whose workspace is {@code restore:started}, a
	 * delete. A job that had already failed stays failed.
	 * @return the new job execution's id
	 * @throws WsbackupException {@code FAILED_PRECONDITION} saying why it is not
	 * restarted
	 */
	public long restartRecovered(JobExecution recovered) {
		String job = recovered.getJobInstance().getJobName();
		var parameters = recovered.getJobParameters();
		if (BackupParameters.JOB_NAME.equals(job)) {
			Crn crn = Crn.parse(parameters.getString(BackupParameters.BACKUP_CRN));
			synchronized (lock(crn.toString())) {
				Backup backup = backups.find(crn)
					.orElseThrow(() -> WsbackupException
						.failedPrecondition("backup " + crn + " is no longer in the catalog"));
				if (backup.status() == BackupStatus.FAILED || backup.status() == BackupStatus.CANCELLED) {
					throw WsbackupException.failedPrecondition("backup " + backup.name() + " had already ended "
							+ backup.status() + " (its workspace put back); it is not restarted");
				}
				return restartBackup(crn, true);
			}
		}
		if (RestoreParameters.JOB_NAME.equals(job)) {
			String crn = parameters.getString(RestoreParameters.WORKSPACE_CRN);
			Workspace workspace = workspaces.find(Crn.parse(crn))
				.orElseThrow(() -> WsbackupException.failedPrecondition("workspace " + crn + " is not registered"));
			if (workspace.status() != WorkspaceStatus.RESTORE_STARTED) {
				throw WsbackupException.failedPrecondition("the restore of workspace " + workspace.name()
						+ " had already ended (" + workspace.status() + "); it is not restarted");
			}
			return restartRestore(crn);
		}
		if (DeleteParameters.JOB_NAME.equals(job)) {
			return deleteBackup(parameters.getString(DeleteParameters.BACKUP_CRN));
		}
		throw WsbackupException.failedPrecondition("job " + job + " is not one of wsbackup's; it is not restarted");
	}

	/**
	 * What completing a launch did: the parameters of its job (for the event log) and a
	 * sentence.
	 */
	public record Resumed(JobParameters parameters, String outcome) {
	}

	/**
	 * Completes a launch whose runner died between the catalog change it acknowledged and
	 * its job's execution (the recovery scan found it and holds it): starts the job, or
	 * restarts it when a restart was cut short; adopts the execution when it exists after
	 * all (a running one is the recovery scan's to take over); ends {@code cancelled} a
	 * backup cancelled before its job began, which never touched the workspace; does
	 * nothing for an operation that ended meanwhile. The launch is done afterwards.
	 * @param claimedBy the runner that claimed the launch
	 */
	public Resumed resumeLaunch(String jobName, String subjectCrn, String claimedBy) {
		synchronized (lock(subjectCrn)) {
			try {
				return switch (jobName) {
					case BackupParameters.JOB_NAME -> resumeBackupLaunch(Crn.parse(subjectCrn));
					case RestoreParameters.JOB_NAME -> resumeRestoreLaunch(Crn.parse(subjectCrn));
					case DeleteParameters.JOB_NAME -> resumeDeleteLaunch(Crn.parse(subjectCrn));
					default -> new Resumed(new JobParameters(), "job " + jobName + " is not one of wsbackup's");
				};
			}
			finally {
				launches.done(jobName, subjectCrn, claimedBy);
			}
		}
	}

	private Resumed resumeBackupLaunch(Crn crn) {
		Backup backup = backups.find(crn).orElse(null);
		if (backup == null) {
			return new Resumed(
					new JobParametersBuilder().addString(BackupParameters.BACKUP_CRN, crn.toString()).toJobParameters(),
					"backup " + crn + " is no longer in the catalog; nothing to launch");
		}
		JobParameters parameters = backupParameters(backup);
		String what = "the backup job of " + backup.name();
		if (backup.status() != BackupStatus.RUNNING && backup.status() != BackupStatus.CANCELLING) {
			return new Resumed(parameters, what + " has nothing to launch: the backup is " + backup.status());
		}
		JobExecution last = jobRepository.getLastJobExecution(BackupParameters.JOB_NAME, parameters);
		if (last != null && last.isRunning()) {
			return new Resumed(parameters, what + " exists as job execution " + last.getId()
					+ "; the recovery scan takes it over if no runner runs it");
		}
		if (last == null && backup.status() == BackupStatus.CANCELLING) {
			String reason = "cancelled before its job began; the workspace was not touched";
			transaction.executeWithoutResult((status) -> {
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
		JobExecution execution = launch(backupWorkspaceJob, parameters, crn.toString(), () -> {
		}, null);
		backups.setJobExecutionId(crn, execution.getId());
		return new Resumed(parameters,
				what + (last == null ? " started" : " restarted") + " as job execution " + execution.getId());
	}

	private Resumed resumeRestoreLaunch(Crn crn) {
		Workspace workspace = workspaces.find(crn).orElse(null);
		JobParameters parameters = workspace == null ? null : restoreParameters(workspace);
		if (parameters == null) {
			return new Resumed(new JobParametersBuilder().addString(RestoreParameters.WORKSPACE_CRN, crn.toString())
				.toJobParameters(), "workspace " + crn + " is not a restore in the catalog; nothing to launch");
		}
		String what = "the restore job of workspace " + workspace.name();
		if (workspace.status() != WorkspaceStatus.RESTORE_STARTED) {
			return new Resumed(parameters, what + " has nothing to launch: the workspace is " + workspace.status());
		}
		JobExecution last = jobRepository.getLastJobExecution(RestoreParameters.JOB_NAME, parameters);
		if (last != null && (last.isRunning() || last.getStatus() == BatchStatus.COMPLETED)) {
			return new Resumed(parameters, what + " exists as job execution " + last.getId());
		}
		JobExecution execution = launch(restoreWorkspaceJob, parameters, crn.toString(), () -> {
		}, null);
		return new Resumed(parameters,
				what + (last == null ? " started" : " restarted") + " as job execution " + execution.getId());
	}

	private Resumed resumeDeleteLaunch(Crn crn) {
		JobParameters parameters = deleteParameters(crn);
		Backup backup = backups.find(crn).orElse(null);
		if (backup == null || backup.status() != BackupStatus.DELETING) {
			return new Resumed(parameters, "the delete of backup " + crn + " has nothing to launch: the backup is "
					+ (backup == null ? "no longer in the catalog" : backup.status()));
		}
		String what = "the delete job of backup " + backup.name();
		JobExecution last = jobRepository.getLastJobExecution(DeleteParameters.JOB_NAME, parameters);
		if (last != null && last.isRunning()) {
			return new Resumed(parameters, what + " exists as job execution " + last.getId());
		}
		JobExecution execution = launch(deleteBackupJob, parameters, crn.toString(), () -> {
		}, null);
		return new Resumed(parameters,
				what + (last == null ? " started" : " restarted") + " as job execution " + execution.getId());
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
	private JobExecution launch(Job job, JobParameters parameters, String subjectCrn, Runnable change,
			Consumer<RuntimeException> undo) {
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
				launches.done(jobName, subjectCrn, runner.id());
				return execution;
			}
			finally {
				runner.endLaunch(jobName, subjectCrn);
			}
		}
	}

	/**
	 * Starts a job, or restarts it when its last execution failed or stopped; when
	 * another runner or thread has just started it, that execution is returned (and not
	 * owned here). Spring Batch keeps one running execution per job instance.
	 */
	private JobExecution startOrAdopt(Job job, JobParameters parameters) {
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

	private Object lock(String subjectCrn) {
		return subjectLocks[Math.floorMod(subjectCrn.hashCode(), SUBJECT_LOCKS)];
	}

	private static JobParameters backupParameters(Backup backup) {
		return new JobParametersBuilder().addString(BackupParameters.WORKSPACE_CRN, backup.workspaceCrn().toString())
			.addString(BackupParameters.BACKUP_CRN, backup.crn().toString())
			.toJobParameters();
	}

	private static JobParameters deleteParameters(Crn backupCrn) {
		return new JobParametersBuilder().addString(DeleteParameters.BACKUP_CRN, backupCrn.toString())
			.toJobParameters();
	}

	private static JobParameters restoreParameters(String backupCrn, Crn workspaceCrn, int timeoutMinutes) {
		return new JobParametersBuilder().addString(RestoreParameters.BACKUP_CRN, backupCrn)
			.addString(RestoreParameters.WORKSPACE_CRN, workspaceCrn.toString())
			.addLong(RestoreParameters.TIMEOUT_MINUTES, (long) timeoutMinutes, false)
			.toJobParameters();
	}

	/**
	 * The parameters of the restore that created this workspace, with the timeout it was
	 * asked for; {@code null} for a workspace no restore created.
	 */
	private JobParameters restoreParameters(Workspace workspace) {
		if (workspace.restoredFromBackupCrn() == null) {
			return null;
		}
		RestoreRecord record = workspaces.restoreRecord(workspace.crn());
		int timeout = record.timeoutMinutes() != null ? record.timeoutMinutes()
				: properties.backup().defaultTimeoutMinutes();
		return restoreParameters(workspace.restoredFromBackupCrn(), workspace.crn(), timeout);
	}

	private JobExecution execution(long executionId) {
		JobExecution execution;
		try {
			execution = jobRepository.getJobExecution(executionId);
		}
		catch (org.springframework.dao.EmptyResultDataAccessException ex) {
			execution = null;
		}
		if (execution == null) {
			throw WsbackupException.notFound("job execution " + executionId + " not found");
		}
		return execution;
	}

	/** A job that could not be started; its launch was undone. */
	static final class LaunchFailedException extends RuntimeException {

		LaunchFailedException(String message, Throwable cause) {
			super(message, cause);
		}

	}

	/** A compare-and-set lost to another runner or thread. */
	private static final class ChangedMeanwhileException extends RuntimeException {

		ChangedMeanwhileException(String message) {
			super(message);
		}

	}

}
