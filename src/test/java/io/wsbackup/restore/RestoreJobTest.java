package io.wsbackup.restore;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.events.Event;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.system.ErrorCode;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import io.wsbackup.workspace.WorkspaceStatus;
import io.wsbackup.workspace.WorkspaceStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The restoreWorkspace job on the real store with fakes at the ports. */
class RestoreJobTest extends WsbackupTestSupport {

	private static final String CREATOR = "crn:cdp:iam:us-west-2:123456789012:user:tester";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	Launcher launcher;

	@Autowired
	RestoreLauncher restoreLauncher;

	@Autowired
	WorkspaceRepository workspaces;

	@Autowired
	EventLog events;

	@Autowired
	JdbcClient jdbc;

	private Backup succeededBackup() {
		Workspace ws = newWorkspace();
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "source", null, CREATOR);
		assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		return reload(backup);
	}

	static RestoreInput input(String backupCrn, String environment, String name) {
		return RestoreInput.parse(JSON.readTree("""
				{"backupCrn": "%s", "newWorkspaceParameters": {"environmentName": "%s", "workspaceName": "%s",
				 "enableMonitoring": true, "existingDatabaseConfig": {"existingDatabaseHost": "db",
				 "existingDatabasePassword": "s3cret"}}, "restoreJobTimeoutMinutes": 60}
				""".formatted(backupCrn, environment, name)));
	}

	private JobExecution awaitRestoreEnd(io.wsbackup.workspace.Crn crn) {
		return await().atMost(Duration.ofSeconds(30)).until(() -> {
			Long id = workspaces.restoreRecord(crn).jobExecutionId();
			JobExecution execution = id == null ? null : jobRepository.getJobExecution(id);
			return execution != null && !execution.isRunning() && execution.getEndTime() != null ? execution : null;
		}, (e) -> e != null);
	}

	private static String name() {
		return "r-" + Long.toHexString(System.nanoTime());
	}

	@Test
	void aRestoreCreatesANewWorkspaceFromTheBackupsRecoveryPoints() {
		Backup backup = succeededBackup();
		List<RecoveryPoint> points = backups.recoveryPoints(backup.crn());
		String name = name();

		RestoreStarted started = launcher.restoreWorkspace(input(backup.crn().toString(), "env-test", name));
		JobExecution execution = awaitRestoreEnd(started.workspaceCrn());

		assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		Workspace restored = workspaces.find(started.workspaceCrn()).orElseThrow();
		assertThat(restored.crn()).isNotEqualTo(backup.workspaceCrn());
		assertThat(restored.name()).isEqualTo(name);
		assertThat(restored.status()).isEqualTo(WorkspaceStatus.INSTALLATION_FINISHED);
		assertThat(restored.restoredFromBackupCrn()).isEqualTo(backup.crn().toString());
		assertThat(restored.version()).as("the runner's current version").isEqualTo("2.0.50");
		assertThat(restored.storage().protectedResources()).hasSize(3)
			.allSatisfy((r) -> assertThat(r.id()).startsWith("restored-rp-"));
		assertThat(restored.workloads().namespaces()).containsExactly(name);
		assertThat(restored.provisioningParameters()).contains("enableMonitoring").doesNotContain("s3cret");
		assertThat(cloud.startedRestores()).extracting((r) -> r.recoveryPointId())
			.containsExactlyInAnyOrderElementsOf(points.stream().map(RecoveryPoint::recoveryPointId).toList());
		assertThat(workloads.calls()).contains("provision " + name, "attach " + name, "startRestored " + name);
		var record = workspaces.restoreRecord(restored.crn());
		assertThat(record.modelBuildsToRebuild()).containsExactly("model-build churn-v3");
		assertThat(record.warnings()).anyMatch((w) -> w.contains("roles and secrets are not copied"))
			.anyMatch((w) -> w.contains("password was not stored"));
		assertThat(started.warnings()).isEqualTo(record.warnings());
		assertThat(events.list(restored.crn().toString(), null, 1000)).extracting(Event::step)
			.contains("validateRestore", "provisionWorkspace", "restoreStorage", "awaitRestores", "attachStorage",
					"startWorkspace");
	}

	static Stream<Arguments> failures() {
		return Stream.of(
				Arguments.of("validateRestore",
						(Consumer<RestoreJobTest>) (t) -> t.cloud
							.failNextListRecoveryPoints("ListRecoveryPointsByBackupVault: throttled too long"),
						none()),
				Arguments.of("provisionWorkspace",
						(Consumer<RestoreJobTest>) (t) -> t.workloads.failNext("provision", "namespace quota exceeded"),
						none()),
				Arguments.of("restoreStorage",
						(Consumer<RestoreJobTest>) (t) -> t.cloud.failNext("startRestore", "InvalidParameterValue"),
						none()),
				Arguments.of("awaitRestores",
						(Consumer<RestoreJobTest>) (t) -> t.cloud.failNext("restoreProgress", "AccessDenied"), none()),
				Arguments.of("attachStorage",
						(Consumer<RestoreJobTest>) (t) -> t.workloads.failNext("attachStorage", "PV already bound"),
						none()),
				Arguments.of("startWorkspace",
						(Consumer<RestoreJobTest>) (t) -> t.workloads.failNext("startRestored", "image pull failed"),
						none()));
	}

	private static Consumer<RestoreJobTest> none() {
		return (t) -> {
		};
	}

	Backup current;

	/**
	 * Puts a backup in a status directly in the store, as if its jobs had moved it there.
	 */
	void setBackupStatus(Backup backup, String status) {
		jdbc.sql("UPDATE WS_BACKUP SET STATUS = ? WHERE CRN = ?").params(status, backup.crn().toString()).update();
	}

	@ParameterizedTest(name = "failure in {0}")
	@MethodSource("failures")
	void aFailureAtEachStepLeavesTheWorkspaceRestoreFailedAndARestartCompletesWithOneRestorePerRecoveryPoint(
			String step, Consumer<RestoreJobTest> inject, Consumer<RestoreJobTest> fix) {
		current = succeededBackup();
		String name = name();
		inject.accept(this);
		RestoreStarted started = launcher.restoreWorkspace(input(current.crn().toString(), "env-test", name));
		JobExecution failed = awaitRestoreEnd(started.workspaceCrn());

		assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(failed.getStepExecutions()).filteredOn((s) -> s.getStatus() == BatchStatus.FAILED)
			.extracting((s) -> s.getStepName())
			.containsExactly(step);
		assertThat(workspaces.find(started.workspaceCrn()).orElseThrow().status())
			.isEqualTo(WorkspaceStatus.RESTORE_FAILED);
		assertThat(events.list(started.workspaceCrn().toString(), null, 1000)).extracting(Event::message)
			.anyMatch((m) -> m.startsWith("restore failed in step " + step) && m.contains("Created so far"));

		fix.accept(this);
		long restartedAs = restoreLauncher.restartRestore(started.workspaceCrn().toString());
		// the restarted execution's own end: the workspace names it only once its job
		// began
		JobExecution restarted = await().atMost(Duration.ofSeconds(30))
			.until(() -> jobRepository.getJobExecution(restartedAs),
					(e) -> e != null && !e.isRunning() && e.getEndTime() != null);

		assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(workspaces.find(started.workspaceCrn()).orElseThrow().status())
			.isEqualTo(WorkspaceStatus.INSTALLATION_FINISHED);
		assertThat(cloud.startedRestores()).as("exactly one cloud restore per recovery point")
			.hasSize(3)
			.extracting((r) -> r.recoveryPointId())
			.doesNotHaveDuplicates();
	}

	@Test
	void aRestoreMustStayInTheBackupsAccountAndRegion() {
		Backup backup = succeededBackup();
		workspaceService.register("elsewhere-" + Long.toHexString(System.nanoTime()), "env-other-account",
				"999999999999", "eu-west-1", "2.0.50", new WorkspaceStorage(List.of("vol-x"), null, false), null);
		long before = countWorkspaces();

		assertThatThrownBy(() -> launcher.restoreWorkspace(input(backup.crn().toString(), "env-other-account", name())))
			.isInstanceOfSatisfying(WsbackupException.class,
					(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
			.hasMessageContaining("account 999999999999, region eu-west-1")
			.hasMessageContaining("account 123456789012, region us-west-2");
		assertThat(countWorkspaces()).isEqualTo(before);
	}

	@Test
	void theNewNameMustBeFreeInItsEnvironment() {
		Backup backup = succeededBackup();
		Workspace taken = newWorkspace();

		assertThatThrownBy(() -> launcher.restoreWorkspace(input(backup.crn().toString(), "env-test", taken.name())))
			.isInstanceOfSatisfying(WsbackupException.class,
					(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
	}

	@Test
	void onlyASucceededBackupRestores() {
		Backup backup = succeededBackup();
		for (String status : List.of("failed", "cancelled", "deleting", "running")) {
			setBackupStatus(backup, status);
			long before = countWorkspaces();
			assertThatThrownBy(() -> launcher.restoreWorkspace(input(backup.crn().toString(), "env-test", name())))
				.as(status)
				.isInstanceOfSatisfying(WsbackupException.class,
						(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
				.hasMessageContaining("is " + status + "; only a succeeded backup can be restored");
			assertThat(countWorkspaces()).isEqualTo(before);
		}
		setBackupStatus(backup, "succeeded");
	}

	@Test
	void unknownAndMissingFieldsAreRefusedNamingThem() {
		assertThatThrownBy(() -> RestoreInput.parse(JSON.readTree(
				"{\"backupCrn\": \"x\", \"newWorkspaceParameters\": {\"workspaceName\": \"a\", \"environmentName\": \"e\","
						+ " \"provisionK8sRequest\": {\"instanceGroups\": [{\"name\": \"g\", \"colour\": \"red\"}]}}}")))
			.isInstanceOf(WsbackupException.class)
			.hasMessageContaining(
					"unknown field 'newWorkspaceParameters.provisionK8sRequest.instanceGroups[0].colour'");
		assertThatThrownBy(() -> RestoreInput.parse(JSON.readTree("{\"backupCrn\": \"x\", \"backupName\": \"y\"}")))
			.isInstanceOf(WsbackupException.class)
			.hasMessageContaining("unknown field 'backupName'");
		assertThatThrownBy(
				() -> RestoreInput.parse(JSON.readTree("{\"backupCrn\": \"x\", \"newWorkspaceParameters\": {}}")))
			.isInstanceOf(WsbackupException.class)
			.hasMessageContaining("newWorkspaceParameters.environmentName is required");
		assertThatThrownBy(() -> RestoreInput.parse(JSON.readTree(
				"{\"backupCrn\": \"x\", \"newWorkspaceParameters\": {\"workspaceName\": \"a\", \"environmentName\": \"e\","
						+ " \"disableTLS\": \"yes\"}}")))
			.isInstanceOf(WsbackupException.class)
			.hasMessageContaining("'newWorkspaceParameters.disableTLS'")
			.hasMessageContaining("true or false");
	}

	@Test
	void theFilledInSkeletonIsAccepted() {
		var skeleton = (tools.jackson.databind.node.ObjectNode) RestoreInput.skeleton();
		skeleton.put("backupCrn", "crn:cdp:ml:us-west-2:123456789012:workspace_backup:" + java.util.UUID.randomUUID());
		var parameters = (tools.jackson.databind.node.ObjectNode) skeleton.get("newWorkspaceParameters");
		parameters.put("environmentName", "env-test");
		parameters.put("workspaceName", "from-skeleton");

		RestoreInput input = RestoreInput.parse(skeleton);

		assertThat(input.workspaceName()).isEqualTo("from-skeleton");
		assertThat(input.timeoutMinutes()).as("0 means the default").isNull();
		assertThat(input.provisioningParameters()).contains("instanceGroups")
			.doesNotContain("existingDatabasePassword");
	}

	private long countWorkspaces() {
		return jdbc.sql("SELECT COUNT(*) FROM WS_WORKSPACE").query(Long.class).single();
	}

}
