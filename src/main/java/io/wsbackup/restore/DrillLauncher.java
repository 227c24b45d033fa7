package io.wsbackup.restore;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.catalog.Verification;
import io.wsbackup.events.EventLog;
import io.wsbackup.execution.JobStarter;
import io.wsbackup.execution.LaunchableJob;
import io.wsbackup.execution.JobStarter.LaunchFailedException;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;
import io.wsbackup.workspace.WorkspaceStorage;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Starts the {@code drillBackup} job: a backup (named, or the newest succeeded one of a
 * workspace) is restored into a scratch workspace in its workspace's environment, checked
 * there, recorded on the backup and removed. The backup is {@code verifying} from the
 * request until the drill ends; one verification (in place or drill) of a backup at a
 * time.
 */
@Component
public class DrillLauncher implements LaunchableJob {

	private final WorkspaceRepository workspaces;

	private final BackupRepository backups;

	private final Job drillBackupJob;

	private final JobStarter starter;

	private final EventLog events;

	private final WsbackupProperties properties;

	private final Clock clock;

	public DrillLauncher(WorkspaceRepository workspaces, BackupRepository backups,
			@Qualifier("drillBackupJob") Job drillBackupJob, JobStarter starter, EventLog events,
			WsbackupProperties properties, Clock clock) {
		this.workspaces = workspaces;
		this.backups = backups;
		this.drillBackupJob = drillBackupJob;
		this.starter = starter;
		this.events = events;
		this.properties = properties;
		this.clock = clock;
	}

	@Override
	public String jobName() {
		return DrillParameters.JOB_NAME;
	}

	/**
	 * Drills a backup in the background: {@code backupCrn}, or the newest succeeded
	 * backup of {@code workspaceCrn}.
	 * @throws WsbackupException {@code INVALID_ARGUMENT} (neither given, a bad CRN, a
	 * backup of another workspace), {@code NOT_FOUND}, or {@code FAILED_PRECONDITION}
	 * (not succeeded, no succeeded backup, being verified), with nothing written
	 */
	public DrillStarted drillBackup(String workspaceCrn, String backupCrn, String creatorCrn) {
		Backup backup = backupToDrill(workspaceCrn, backupCrn);
		synchronized (starter.lock(backup.crn().toString())) {
			backup = backups.find(backup.crn())
				.orElseThrow(() -> WsbackupException.notFound("backup " + backupCrn + " not found"));
			if (backup.status() != BackupStatus.SUCCEEDED) {
				throw WsbackupException.failedPrecondition("backup " + backup.name() + " is " + backup.status()
						+ "; only a succeeded backup can be drilled");
			}
			if (backups.verification(backup.crn()).status() == Verification.Status.VERIFYING) {
				throw WsbackupException.failedPrecondition("backup " + backup.name()
						+ " is being verified (a verifyBackup or a drill runs); try again once it ended");
			}
			String backupName = backup.name();
			Workspace source = workspaces.find(backup.workspaceCrn())
				.orElseThrow(() -> WsbackupException.failedPrecondition("the workspace backup " + backupName
						+ " was taken of is no longer registered; a drill restores into its environment"));
			Crn crn = Crn.newWorkspace(backup.crn().region(), backup.crn().accountId());
			String name = "drill-" + crn.resourceId().substring(0, 8);
			Workspace scratch = new Workspace(crn, name, source.environmentName(), source.accountId(), source.region(),
					properties.workspaceVersion(), WorkspaceStatus.RESTORE_STARTED,
					new WorkspaceStorage(List.of(), null, false), clock.instant(), backup.crn().toString(), null, null);
			int timeout = properties.backup().defaultTimeoutMinutes();
			Backup drilled = backup;
			JobExecution execution;
			try {
				execution = starter.launch(drillBackupJob, RestoreParameters.of(drilled.crn().toString(), crn, timeout),
						crn.toString(), () -> {
							backups.verificationStarted(drilled.crn());
							workspaces.insert(scratch);
							workspaces.markScratch(crn, drilled.crn().toString());
							workspaces.setRestoreTimeoutMinutes(crn, timeout);
							events.info(source.crn().toString(), drilled.crn().toString(), DrillParameters.JOB_NAME,
									"drill of backup " + drilled.name() + " requested by " + creatorCrn
											+ ": restoring it into scratch workspace " + name);
						}, (ex) -> {
							backups.verificationEnded(drilled.crn(),
									List.of("the drill could not be started: " + ex.getMessage()), Verification.DRILL,
									null);
							workspaces.deleteScratch(crn);
						});
			}
			catch (LaunchFailedException ex) {
				throw new IllegalStateException(
						"the drill of backup " + drilled.name() + " could not be started: " + ex.getMessage(), ex);
			}
			return new DrillStarted(drilled.crn().toString(), crn.toString(), execution.getId());
		}
	}

	private Backup backupToDrill(String workspaceCrn, String backupCrn) {
		if (backupCrn != null && !backupCrn.isBlank()) {
			Crn crn = Crn.parseField(backupCrn, Crn.BACKUP, "backupCrn");
			Backup backup = backups.find(crn)
				.orElseThrow(() -> WsbackupException.notFound("backup " + crn + " not found"));
			if (workspaceCrn != null && !workspaceCrn.isBlank()
					&& !Crn.parseField(workspaceCrn, Crn.WORKSPACE, "workspaceCrn").equals(backup.workspaceCrn())) {
				throw WsbackupException.invalid("backup " + backup.name() + " is a backup of workspace "
						+ backup.workspaceCrn() + ", not of " + workspaceCrn + "; give one of the two");
			}
			return backup;
		}
		if (workspaceCrn == null || workspaceCrn.isBlank()) {
			throw WsbackupException.invalid("workspaceCrn or backupCrn is required");
		}
		Crn crn = Crn.parseField(workspaceCrn, Crn.WORKSPACE, "workspaceCrn");
		Workspace workspace = workspaces.find(crn)
			.orElseThrow(() -> WsbackupException.notFound("workspace " + crn + " is not registered"));
		if (workspaces.drillOf(crn).isPresent()) {
			throw WsbackupException.failedPrecondition(
					"workspace " + workspace.name() + " is the scratch workspace of a drill; it has no backups");
		}
		return backups.listByWorkspace(crn)
			.stream()
			.filter((b) -> b.status() == BackupStatus.SUCCEEDED)
			// newest: created last, and of two created in the same instant the one whose
			// job was launched last
			.max(Comparator.comparing(Backup::createdAt)
				.thenComparing((b) -> b.jobExecutionId() == null ? Long.MIN_VALUE : b.jobExecutionId()))
			.orElseThrow(() -> WsbackupException
				.failedPrecondition("workspace " + workspace.name() + " has no succeeded backup to drill"));
	}

	/**
	 * Starts a drill from the actuator's parameters: {@code backupCrn}, or
	 * {@code sourceWorkspaceCrn} for its newest succeeded backup.
	 */
	@Override
	public long launch(Map<String, String> parameters, String creatorCrn) {
		return drillBackup(parameters.get(DrillParameters.SOURCE_WORKSPACE_CRN),
				parameters.get(RestoreParameters.BACKUP_CRN), creatorCrn)
			.jobExecutionId();
	}

	/**
	 * Runs a stopped or failed drill again where it stopped, while its scratch workspace
	 * is still there (a drill whose removal did not finish); a drill that ended with its
	 * scratch workspace removed is not run again: start a new one.
	 */
	@Override
	public long restart(JobParameters parameters) {
		Crn crn = Crn.parse(parameters.getString(RestoreParameters.WORKSPACE_CRN));
		synchronized (starter.lock(crn.toString())) {
			if (workspaces.drillOf(crn).isEmpty()) {
				throw WsbackupException.failedPrecondition("this drill ended and removed its scratch workspace " + crn
						+ "; start a new drill (drillBackup) instead");
			}
			JobExecution last = starter.lastExecution(DrillParameters.JOB_NAME, parameters);
			if (last != null && last.isRunning()) {
				return last.getId();
			}
			try {
				return starter.launch(drillBackupJob, parameters, crn.toString()).getId();
			}
			catch (LaunchFailedException ex) {
				throw WsbackupException.failedPrecondition("the drill cannot be restarted: " + ex.getMessage());
			}
		}
	}

	/**
	 * Restarts each drill that ended (failed or stopped) before {@code endedBefore} with
	 * its scratch workspace still there, so that it removes it and what its restore
	 * created. A drill not yet begun is the launch recovery's, a running one its owner's.
	 */
	@Override
	public List<String> finishLeftBehind(Instant endedBefore) {
		List<String> restarted = new ArrayList<>();
		for (Workspace scratch : workspaces.scratchWorkspaces()) {
			// a scratch workspace is restored from the backup its drill drills
			String backupCrn = scratch.restoredFromBackupCrn();
			JobParameters parameters = RestoreParameters.of(scratch, workspaces,
					properties.backup().defaultTimeoutMinutes());
			JobExecution last = parameters == null ? null : starter.lastExecution(DrillParameters.JOB_NAME, parameters);
			if (last == null || last.isRunning() || last.getEndTime() == null
					|| !last.getEndTime().isBefore(LocalDateTime.ofInstant(endedBefore, ZoneId.systemDefault()))) {
				continue;
			}
			try {
				long id = restart(parameters);
				String sentence = "the drill of backup " + backupCrn + " ended " + last.getStatus() + " (job execution "
						+ last.getId() + ") leaving its scratch workspace " + scratch.name()
						+ " behind; restarted as job execution " + id + " to remove it and what its restore created";
				backups.find(Crn.parse(backupCrn))
					.ifPresent((b) -> events.warning(b.workspaceCrn().toString(), backupCrn, DrillParameters.JOB_NAME,
							sentence));
				restarted.add(sentence);
			}
			catch (WsbackupException ex) {
				restarted.add("the drill left behind in scratch workspace " + scratch.name()
						+ " could not be restarted: " + ex.getMessage());
			}
		}
		return restarted;
	}

	@Override
	public void stop(JobExecution execution) {
		starter.stop(execution);
	}

	/**
	 * A drill taken from a dead runner goes on where it stopped: its scratch workspace is
	 * still there to finish checking, or to remove.
	 */
	@Override
	public long restartRecovered(JobParameters parameters) {
		return restart(parameters);
	}

	/**
	 * A drill whose runner died before its job started: the job is started while its
	 * scratch workspace is still there (a launch undone has removed it).
	 */
	@Override
	public Resumed resumeLaunch(String subjectCrn) {
		Crn crn = Crn.parse(subjectCrn);
		String backupCrn = workspaces.drillOf(crn).orElse(null);
		Workspace scratch = backupCrn == null ? null : workspaces.find(crn).orElse(null);
		if (scratch == null) {
			return new Resumed(
					new JobParametersBuilder().addString(RestoreParameters.WORKSPACE_CRN, subjectCrn).toJobParameters(),
					"the drill with scratch workspace " + subjectCrn + " has nothing to launch");
		}
		JobParameters parameters = RestoreParameters.of(scratch, workspaces,
				properties.backup().defaultTimeoutMinutes());
		String what = "the drill of backup " + backupCrn + " into scratch workspace " + scratch.name();
		return starter.resume(drillBackupJob, parameters, crn.toString(), what);
	}

}
