package io.wsbackup.api;

import java.util.Comparator;
import java.util.List;

import io.wsbackup.api.Views.BackupResponse;
import io.wsbackup.api.Views.BackupStarted;
import io.wsbackup.api.Views.BackupView;
import io.wsbackup.api.Views.ProgressView;
import io.wsbackup.api.Views.RecoveryPointView;
import io.wsbackup.api.Views.WorkspaceResponse;
import io.wsbackup.api.Views.WorkspaceView;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.catalog.Verification;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.restore.DrillLauncher;
import io.wsbackup.verification.VerifyLauncher;
import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.restore.RestoreInput;
import io.wsbackup.execution.JobFailures;
import io.wsbackup.system.security.Callers;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.RestoreRecord;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceService;
import io.wsbackup.workspace.WorkloadLocation;
import io.wsbackup.workspace.WorkspaceStorage;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The RPC-style REST API, {@code POST /api/v1/ml/<operation>} with a JSON body, mirroring
 * the {@code cdp ml} commands. Thin: it reads the request strictly and hands it to the
 * launcher or a service.
 */
@RestController
@RequestMapping(path = "/api/v1/ml", produces = "application/json")
class MlApiController {

	static final List<String> OPERATIONS = List.of("registerWorkspace", "listWorkspaces", "describeWorkspace",
			"backupWorkspace", "listWorkspaceBackups", "listBackups", "describeWorkspaceBackup", "listWorkspaceEvents",
			"cancelBackup", "deleteBackup", "verifyBackup", "drillBackup", "restoreWorkspace", "checkPrerequisites",
			"listSchedules", "pauseSchedule", "resumeSchedule", "triggerSchedule", "previewRetention",
			"listNotifications", "sendTestNotification");

	private final RequestReader reader;

	private final WorkspaceService workspaces;

	private final BackupRepository backups;

	private final EventLog events;

	private final Launcher launcher;

	private final JobRepository jobRepository;

	private final WsbackupProperties properties;

	private final WorkspaceRepository workspaceRepository;

	private final Listings listings;

	private final VerifyLauncher verifications;

	private final DrillLauncher drills;

	MlApiController(RequestReader reader, WorkspaceService workspaces, BackupRepository backups, EventLog events,
			Launcher launcher, JobRepository jobRepository, WsbackupProperties properties,
			WorkspaceRepository workspaceRepository, Listings listings, VerifyLauncher verifications,
			DrillLauncher drills) {
		this.drills = drills;
		this.listings = listings;
		this.verifications = verifications;
		this.reader = reader;
		this.workspaces = workspaces;
		this.backups = backups;
		this.events = events;
		this.launcher = launcher;
		this.jobRepository = jobRepository;
		this.properties = properties;
		this.workspaceRepository = workspaceRepository;
	}

	@PostMapping("/registerWorkspace")
	Views.RegisteredWorkspaceResponse registerWorkspace(@RequestBody(required = false) String body) {
		var r = reader.read("registerWorkspace", body, Requests.RegisterWorkspace.class);
		Workspace w = workspaces.register(r.workspaceName(), r.environmentName(), r.accountId(), r.region(),
				r.version(),
				new WorkspaceStorage(r.volumes(), r.sharedFileSystem(), Boolean.TRUE.equals(r.externalNfs())),
				new WorkloadLocation(r.namespaces(), r.namespaceSelector(), r.kubeContext()));
		List<String> warnings = workspaceRepository.restoreRecord(w.crn()).warnings();
		warnings.forEach((warning) -> events.warning(w.crn().toString(), null, "registerWorkspace", warning));
		return new Views.RegisteredWorkspaceResponse(WorkspaceView.of(w), warnings);
	}

	@PostMapping("/listWorkspaces")
	ListViews.WorkspacesPage listWorkspaces(@RequestBody(required = false) String body) {
		var r = reader.read("listWorkspaces", body, Requests.ListWorkspaces.class);
		return listings.listWorkspaces(r);
	}

	@PostMapping("/describeWorkspace")
	Object describeWorkspace(@RequestBody(required = false) String body) {
		var r = reader.read("describeWorkspace", body, Requests.DescribeWorkspace.class);
		Workspace w = workspaces.find(r.workspaceCrn(), r.workspaceName(), r.environmentName());
		if (w.restoredFromBackupCrn() == null) {
			return new WorkspaceResponse(WorkspaceView.of(w));
		}
		RestoreRecord record = workspaceRepository.restoreRecord(w.crn());
		JobExecution execution = record.jobExecutionId() == null ? null
				: jobRepository.getJobExecution(record.jobExecutionId());
		String failure = execution != null && execution.getStatus() == BatchStatus.FAILED
				? JobFailures.reason(execution) : null;
		ProgressView progress = events.latestProgressOfWorkspace(w.crn().toString()).map(ProgressView::of).orElse(null);
		return new Views.RestoredWorkspaceResponse(Views.RestoredWorkspaceView.of(WorkspaceView.of(w),
				new Views.RestoreView(w.restoredFromBackupCrn(), record.jobExecutionId(),
						execution == null ? null : execution.getStatus().name(), currentStep(execution), progress,
						record.modelBuildsToRebuild(), record.warnings(), failure)));
	}

	@PostMapping("/restoreWorkspace")
	Views.RestoreStartedView restoreWorkspace(@RequestBody(required = false) String body) {
		var started = launcher.restoreWorkspace(RestoreInput.parse(reader.readTree("restoreWorkspace", body)));
		return new Views.RestoreStartedView(started.workspaceCrn().toString(), started.warnings());
	}

	@PostMapping("/backupWorkspace")
	BackupStarted backupWorkspace(@RequestBody(required = false) String body) {
		var r = reader.read("backupWorkspace", body, Requests.BackupWorkspace.class);
		Backup backup = launcher.backupWorkspace(r.workspaceCrn(), r.backupName(), r.backupJobTimeoutMinutes(),
				Callers.currentCreatorCrn(properties));
		return new BackupStarted(backup.crn().toString(), backup.vaultName());
	}

	@PostMapping("/listWorkspaceBackups")
	ListViews.BackupsPage listWorkspaceBackups(@RequestBody(required = false) String body) {
		var r = reader.read("listWorkspaceBackups", body, Requests.ListWorkspaceBackups.class);
		Workspace w = workspaces.find(r.workspaceCrn(), r.workspaceName(), r.environmentName());
		return listings.listWorkspaceBackups(w, r);
	}

	@PostMapping("/listBackups")
	ListViews.AllBackupsPage listBackups(@RequestBody(required = false) String body) {
		var r = reader.read("listBackups", body, Requests.ListBackups.class);
		return listings.listBackups(r);
	}

	@PostMapping("/describeWorkspaceBackup")
	BackupResponse describeWorkspaceBackup(@RequestBody(required = false) String body) {
		var r = reader.read("describeWorkspaceBackup", body, Requests.DescribeWorkspaceBackup.class);
		Crn crn = Crn.parseField(r.backupCrn(), Crn.BACKUP, "backupCrn");
		Backup b = backups.find(crn).orElseThrow(() -> WsbackupException.notFound("backup " + crn + " not found"));
		JobExecution execution = b.jobExecutionId() == null ? null : jobRepository.getJobExecution(b.jobExecutionId());
		String currentStep = currentStep(execution);
		// a launch waiting for a runner with room has no job execution yet
		String queuedAt = (execution == null && b.status() == BackupStatus.RUNNING)
				? launcher.backupQueuedSince(crn).map(Views::time).orElse(null) : null;
		ProgressView progress = events.latestProgress(crn.toString()).map(ProgressView::of).orElse(null);
		Verification v = backups.verification(crn);
		return new BackupResponse(new BackupView(b.crn().toString(), b.name(), b.workspaceCrn().toString(),
				Views.time(b.createdAt()), b.creatorCrn(), b.workspaceVersion(), b.status().text(), b.vaultName(),
				b.timeoutMinutes(), ListViews.failureReason(b.status(), b.failureReason()), b.warnings(),
				backups.recoveryPoints(crn).stream().map(RecoveryPointView::of).toList(), b.jobExecutionId(),
				execution == null ? null : execution.getStatus().name(), currentStep, queuedAt, progress,
				v.status().text(), Views.time(v.lastVerifiedAt()), v.failure(), v.verifiedBy(), v.seconds()));
	}

	@PostMapping("/cancelBackup")
	Views.CancelRequested cancelBackup(@RequestBody(required = false) String body) {
		var r = reader.read("cancelBackup", body, Requests.CancelBackup.class);
		Backup backup = launcher.cancelBackup(r.backupCrn());
		// a backup whose launch was still queued is cancelled at once
		return new Views.CancelRequested(backup.crn().toString(), backup.status().text());
	}

	@PostMapping("/deleteBackup")
	Views.DeleteStarted deleteBackup(@RequestBody(required = false) String body) {
		var r = reader.read("deleteBackup", body, Requests.DeleteBackup.class);
		return new Views.DeleteStarted(String.valueOf(launcher.deleteBackup(r.backupCrn())));
	}

	@PostMapping("/verifyBackup")
	Views.VerifyStarted verifyBackup(@RequestBody(required = false) String body) {
		var r = reader.read("verifyBackup", body, Requests.VerifyBackup.class);
		return new Views.VerifyStarted(String.valueOf(verifications.verifyBackup(r.backupCrn())));
	}

	/**
	 * Restores a backup ({@code backupCrn}, or the newest succeeded one of
	 * {@code workspaceCrn}) into a scratch workspace, checks it there, records it on the
	 * backup and removes the scratch workspace.
	 */
	@PostMapping("/drillBackup")
	Views.DrillStarted drillBackup(@RequestBody(required = false) String body) {
		var r = reader.read("drillBackup", body, Requests.DrillBackup.class);
		var started = drills.drillBackup(r.workspaceCrn(), r.backupCrn(), Callers.currentCreatorCrn(properties));
		return new Views.DrillStarted(started.backupCrn(), started.scratchWorkspaceCrn(),
				String.valueOf(started.jobExecutionId()));
	}

	@PostMapping("/listWorkspaceEvents")
	ListViews.EventsPage listWorkspaceEvents(@RequestBody(required = false) String body) {
		var r = reader.read("listWorkspaceEvents", body, Requests.ListWorkspaceEvents.class);
		Workspace w = workspaces.find(r.workspaceCrn(), null, null);
		String backupCrn = r.backupCrn() == null ? null
				: Crn.parseField(r.backupCrn(), Crn.BACKUP, "backupCrn").toString();
		return listings.listWorkspaceEvents(w, backupCrn, r);
	}

	@PostMapping("/{operation}")
	void unknown(@PathVariable String operation) {
		throw WsbackupException
			.notFound("unknown operation '" + operation + "'; the operations are: " + String.join(", ", OPERATIONS));
	}

	private static String currentStep(JobExecution execution) {
		return execution == null ? null
				: execution.getStepExecutions()
					.stream()
					.filter((s) -> s.getStatus() == BatchStatus.STARTED || s.getStatus() == BatchStatus.STARTING)
					.max(Comparator.comparing(StepExecution::getId))
					.map(StepExecution::getStepName)
					.orElse(null);
	}

}
