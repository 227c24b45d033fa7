package io.wsbackup.restore;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.events.EventLog;
import io.wsbackup.execution.JobStarter;
import io.wsbackup.execution.JobStarter.LaunchFailedException;
import io.wsbackup.execution.LaunchableJob;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceFields;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceService;
import io.wsbackup.workspace.WorkspaceStatus;
import io.wsbackup.workspace.WorkspaceStorage;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

/**
 * Starts and restarts the {@code restoreWorkspace} job, which restores a backup into a
 * NEW workspace.
 */
@Component
public class RestoreLauncher implements LaunchableJob {

	private final WorkspaceRepository workspaces;

	private final BackupRepository backups;

	private final Job restoreWorkspaceJob;

	private final WorkspaceService workspaceService;

	private final JobStarter starter;

	private final EventLog events;

	private final WsbackupProperties properties;

	private final Clock clock;

	public RestoreLauncher(WorkspaceRepository workspaces, BackupRepository backups,
			@Qualifier("restoreWorkspaceJob") Job restoreWorkspaceJob, WorkspaceService workspaceService,
			JobStarter starter, EventLog events, WsbackupProperties properties, Clock clock) {
		this.workspaces = workspaces;
		this.backups = backups;
		this.restoreWorkspaceJob = restoreWorkspaceJob;
		this.workspaceService = workspaceService;
		this.starter = starter;
		this.events = events;
		this.properties = properties;
		this.clock = clock;
	}

	@Override
	public String jobName() {
		return RestoreParameters.JOB_NAME;
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
		WorkspaceFields.environmentName(input.environmentName(), "newWorkspaceParameters.environmentName");
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
			starter.launch(restoreWorkspaceJob, RestoreParameters.of(backupCrn.toString(), crn, timeout),
					crn.toString(), () -> {
						workspaces.insert(restored);
						workspaces.setWarnings(crn, warnings);
						workspaces.setRestoreTimeoutMinutes(crn, timeout);
						events.info(crn.toString(), backupCrn.toString(), RestoreParameters.JOB_NAME,
								"restore of backup " + backup.name() + " into new workspace " + input.workspaceName()
										+ " requested");
					},
					(ex) -> workspaces.moveStatus(crn, WorkspaceStatus.RESTORE_STARTED, WorkspaceStatus.RESTORE_FAILED,
							"the restore job could not be started: " + ex.getMessage()));
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
		synchronized (starter.lock(crn.toString())) {
			Workspace workspace = workspaces.find(crn)
				.orElseThrow(() -> WsbackupException.notFound("workspace " + crn + " is not registered"));
			JobParameters parameters = parameters(workspace);
			JobExecution last = parameters == null ? null
					: starter.lastExecution(RestoreParameters.JOB_NAME, parameters);
			if (!(workspace.status() == WorkspaceStatus.RESTORE_FAILED
					|| workspace.status() == WorkspaceStatus.RESTORE_STARTED) || last == null
					|| !(last.getStatus() == BatchStatus.FAILED || last.getStatus() == BatchStatus.STOPPED)) {
				throw WsbackupException.failedPrecondition("workspace " + workspace.name() + " is " + workspace.status()
						+ "; only a failed restore can be restarted");
			}
			try {
				return starter.launch(restoreWorkspaceJob, parameters, crn.toString()).getId();
			}
			catch (LaunchFailedException ex) {
				throw WsbackupException.failedPrecondition(
						"the restore of workspace " + workspace.name() + " cannot be restarted: " + ex.getMessage());
			}
		}
	}

	/**
	 * A restore needs a whole new-workspace request, which name/value parameters do not
	 * carry.
	 */
	@Override
	public long launch(Map<String, String> parameters, String creatorCrn) {
		throw WsbackupException.invalid("a restore needs a whole new-workspace request: use POST "
				+ "/api/v1/ml/restoreWorkspace (or ./wsbackup restore-workspace)");
	}

	@Override
	public long restart(JobParameters parameters) {
		return restartRestore(parameters.getString(RestoreParameters.WORKSPACE_CRN));
	}

	@Override
	public void stop(JobExecution execution) {
		starter.stop(execution);
	}

	/**
	 * Restarts a restore recovered from a dead runner while its workspace was
	 * {@code restore:started}.
	 */
	@Override
	public long restartRecovered(JobParameters parameters) {
		String crn = parameters.getString(RestoreParameters.WORKSPACE_CRN);
		Workspace workspace = workspaces.find(Crn.parse(crn))
			.orElseThrow(() -> WsbackupException.failedPrecondition("workspace " + crn + " is not registered"));
		if (workspace.status() != WorkspaceStatus.RESTORE_STARTED) {
			throw WsbackupException.failedPrecondition("the restore of workspace " + workspace.name()
					+ " had already ended (" + workspace.status() + "); it is not restarted");
		}
		return restartRestore(crn);
	}

	@Override
	public Resumed resumeLaunch(String subjectCrn) {
		Crn crn = Crn.parse(subjectCrn);
		Workspace workspace = workspaces.find(crn).orElse(null);
		JobParameters parameters = workspace == null ? null : parameters(workspace);
		if (parameters == null) {
			return new Resumed(new JobParametersBuilder().addString(RestoreParameters.WORKSPACE_CRN, crn.toString())
				.toJobParameters(), "workspace " + crn + " is not a restore in the catalog; nothing to launch");
		}
		String what = "the restore job of workspace " + workspace.name();
		if (workspace.status() != WorkspaceStatus.RESTORE_STARTED) {
			return new Resumed(parameters, what + " has nothing to launch: the workspace is " + workspace.status());
		}
		return starter.resume(restoreWorkspaceJob, parameters, crn.toString(), what);
	}

	private JobParameters parameters(Workspace workspace) {
		return RestoreParameters.of(workspace, workspaces, properties.backup().defaultTimeoutMinutes());
	}

}
