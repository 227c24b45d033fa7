package io.wsbackup.restore;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.catalog.Verification;
import io.wsbackup.events.Event;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.system.ErrorCode;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The drillBackup job on the real store with fakes at the ports: a drill restores the
 * newest succeeded backup into a scratch workspace, checks it, records the backup
 * verified with the drill's duration and removes the scratch workspace and everything its
 * restore created; a failure at each step records the backup's verification failed with
 * the step and the reason and still leaves nothing behind, with the number of cloud
 * restores asserted exactly.
 */
class DrillJobTest extends WsbackupTestSupport {

	private static final String CREATOR = "crn:cdp:iam:us-west-2:123456789012:user:tester";

	@Autowired
	Launcher launcher;

	@Autowired
	DrillLauncher drills;

	@Autowired
	io.wsbackup.verification.VerifyLauncher verifications;

	@Autowired
	WorkspaceRepository workspaces;

	@Autowired
	EventLog events;

	@Autowired
	JdbcClient jdbc;

	private Backup succeededBackup(Workspace ws, String name) {
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), name, null, CREATOR);
		assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		return reload(backup);
	}

	private JobExecution awaitDrillEnd(DrillStarted started) {
		return await().atMost(Duration.ofSeconds(30))
			.until(() -> jobRepository.getJobExecution(started.jobExecutionId()), (e) -> e != null && !e.isRunning()
					&& e.getEndTime() != null
					&& backups.verification(Crn.parse(started.backupCrn())).status() != Verification.Status.VERIFYING);
	}

	/**
	 * Nothing of the drill is left: no scratch workspace, restored resource or namespace.
	 */
	private void assertNothingLeftBehind(DrillStarted started) {
		Crn scratch = Crn.parse(started.scratchWorkspaceCrn());
		assertThat(workspaces.find(scratch)).as("the scratch workspace's row").isEmpty();
		assertThat(workspaces.scratchWorkspaces()).extracting(Workspace::crn).doesNotContain(scratch);
		assertThat(cloud.restoredResources()).as("restored resources still there").isEmpty();
		assertThat(cloud.runningRestores()).as("cloud restores still running").isZero();
		assertThat(workloads.provisioned()).as("namespaces still there").isEmpty();
	}

	@Test
	void aDrillRestoresTheNewestSucceededBackupVerifiesItRecordsItAndRemovesEverything() {
		Workspace ws = newWorkspace();
		succeededBackup(ws, "older");
		// created in the same instant on the test clock: the one launched last is the
		// newest
		Backup newest = succeededBackup(ws, "newest");
		List<RecoveryPoint> points = backups.recoveryPoints(newest.crn());
		clock.advance(Duration.ofSeconds(5));

		DrillStarted started = drills.drillBackup(ws.crn().toString(), null, CREATOR);
		assertThat(started.backupCrn()).isEqualTo(newest.crn().toString());
		assertThat(backups.verification(newest.crn()).status()).as("from the request on")
			.isIn(Verification.Status.VERIFYING, Verification.Status.VERIFIED);
		assertThat(workspaces.list(null)).as("a scratch workspace is never listed")
			.extracting(Workspace::crn)
			.doesNotContain(Crn.parse(started.scratchWorkspaceCrn()));
		JobExecution execution = awaitDrillEnd(started);

		assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(execution.getStepExecutions()).extracting((s) -> s.getStepName())
			.containsExactly("validateRestore", "provisionWorkspace", "restoreStorage", "awaitRestores",
					"attachStorage", "startWorkspace", "verifyRestoredData", "recordVerified",
					"removeScratchWorkspace");
		Verification verification = backups.verification(newest.crn());
		assertThat(verification.status()).isEqualTo(Verification.Status.VERIFIED);
		assertThat(verification.verifiedBy()).isEqualTo("drill");
		assertThat(verification.lastVerifiedAt()).isNotNull();
		assertThat(verification.seconds()).as("from the request, on the test clock")
			.isNotNull()
			.isGreaterThanOrEqualTo(0);
		assertThat(verification.failure()).isNull();
		assertThat(cloud.startedRestores()).as("exactly one cloud restore per recovery point")
			.extracting((r) -> r.recoveryPointId())
			.containsExactlyInAnyOrderElementsOf(points.stream().map(RecoveryPoint::recoveryPointId).toList());
		assertThat(cloud.deletedRestored()).containsExactlyInAnyOrderElementsOf(
				points.stream().map((rp) -> "restored-" + rp.recoveryPointId()).toList());
		String scratchName = "drill-" + Crn.parse(started.scratchWorkspaceCrn()).resourceId().substring(0, 8);
		assertThat(workloads.calls()).containsSubsequence("provision " + scratchName, "attach " + scratchName,
				"startRestored " + scratchName, "readiness " + scratchName, "remove " + scratchName);
		assertNothingLeftBehind(started);
		assertThat(events.list(ws.crn().toString(), newest.crn().toString(), 1000)).extracting(Event::message)
			.anyMatch((m) -> m.startsWith("drill of backup newest requested by " + CREATOR))
			.anyMatch((m) -> m.contains("and verified in") && m.contains("the backup is verified"))
			.anyMatch((m) -> m.contains("scratch workspace " + scratchName + " removed from the catalog"));
		assertThat(workloads.running(ws)).as("the drilled workspace itself is never touched").isTrue();
	}

	static Stream<Arguments> failures() {
		return Stream.of(
				Arguments.of("validateRestore", 0,
						(Consumer<DrillJobTest>) (t) -> t.cloud
							.failNextListRecoveryPoints("ListRecoveryPointsByBackupVault: throttled too long"),
						"throttled too long"),
				Arguments.of("provisionWorkspace", 0,
						(Consumer<DrillJobTest>) (t) -> t.workloads.failNext("provision", "namespace quota exceeded"),
						"namespace quota exceeded"),
				Arguments.of("restoreStorage", 0,
						(Consumer<DrillJobTest>) (t) -> t.cloud.failNext("startRestore", "InvalidParameterValue"),
						"InvalidParameterValue"),
				Arguments.of("awaitRestores", 3,
						(Consumer<DrillJobTest>) (t) -> t.cloud.failNext("restoreProgress", "AccessDenied"),
						"AccessDenied"),
				Arguments.of("attachStorage", 3,
						(Consumer<DrillJobTest>) (t) -> t.workloads.failNext("attachStorage", "PV already bound"),
						"PV already bound"),
				Arguments.of("startWorkspace", 3,
						(Consumer<DrillJobTest>) (t) -> t.workloads.failNext("startRestored", "image pull failed"),
						"image pull failed"),
				Arguments.of("verifyRestoredData", 3,
						(Consumer<DrillJobTest>) (t) -> t.cloud.failNext("verifyRestored", "DescribeVolumes: denied"),
						"DescribeVolumes: denied"));
	}

	@ParameterizedTest(name = "failure in {0}")
	@MethodSource("failures")
	void aFailureAtEachStepRecordsTheVerificationFailedAndStillLeavesNothingBehind(String step, int restores,
			Consumer<DrillJobTest> inject, String reason) {
		Workspace ws = newWorkspace();
		Backup backup = succeededBackup(ws, "drilled");
		inject.accept(this);

		DrillStarted started = drills.drillBackup(null, backup.crn().toString(), CREATOR);
		JobExecution failed = awaitDrillEnd(started);

		assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(failed.getStepExecutions()).filteredOn((s) -> "FAILED".equals(s.getExitStatus().getExitCode()))
			.extracting((s) -> s.getStepName())
			.containsExactly(step);
		assertThat(failed.getStepExecutions()).filteredOn((s) -> s.getStepName().equals(step))
			.singleElement()
			.as("never run again: a drill is not resumed after its compensation")
			.satisfies((s) -> assertThat(s.getStatus()).isEqualTo(BatchStatus.ABANDONED));
		assertThat(failed.getStepExecutions()).filteredOn((s) -> s.getStepName().equals("drillFailed"))
			.singleElement()
			.satisfies((s) -> assertThat(s.getStatus()).isEqualTo(BatchStatus.COMPLETED));
		Verification verification = backups.verification(backup.crn());
		assertThat(verification.status()).isEqualTo(Verification.Status.FAILED);
		assertThat(verification.verifiedBy()).isEqualTo("drill");
		assertThat(verification.failure()).contains("the drill failed in step " + step, reason);
		assertThat(cloud.startedRestores()).as("cloud restores started").hasSize(restores);
		assertNothingLeftBehind(started);
		assertThat(events.list(ws.crn().toString(), backup.crn().toString(), 1000)).extracting(Event::message)
			.anyMatch((m) -> m.startsWith("drill of backup drilled failed: the drill failed in step " + step));
	}

	@Test
	void aCorruptedRestoredResourceFailsTheDrillNamingItAndTheRestoreIsRemoved() {
		Workspace ws = newWorkspace();
		Backup backup = succeededBackup(ws, "corrupted");
		RecoveryPoint damaged = backups.recoveryPoints(backup.crn()).get(1);
		cloud.makeRestoredUnsound("restored-" + damaged.recoveryPointId(), "models/model.bin: checksum mismatch");

		DrillStarted started = drills.drillBackup(ws.crn().toString(), null, CREATOR);
		JobExecution failed = awaitDrillEnd(started);

		assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(backups.verification(backup.crn()).failure()).contains("verifyRestoredData",
				"restored-" + damaged.recoveryPointId() + ": models/model.bin: checksum mismatch");
		assertThat(cloud.startedRestores()).hasSize(3);
		assertNothingLeftBehind(started);
	}

	@Test
	void aRestoreThatFailsInTheCloudFailsTheDrillNamingTheRecoveryPointAndWaitsForNoOther() {
		Workspace ws = newWorkspace();
		Backup backup = succeededBackup(ws, "cloud-failed");
		RecoveryPoint point = backups.recoveryPoints(backup.crn()).get(0);
		cloud.failRestoreOf(point.recoveryPointId(), "the snapshot's KMS key is disabled");

		DrillStarted started = drills.drillBackup(ws.crn().toString(), null, CREATOR);
		JobExecution failed = awaitDrillEnd(started);

		assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(backups.verification(backup.crn()).failure()).contains("awaitRestores",
				"recovery point " + point.recoveryPointId(), "the snapshot's KMS key is disabled");
		assertNothingLeftBehind(started);
	}

	@Test
	void aRemovalThatFailsOnceIsFinishedByTheCompensationAndTheBackupStaysVerified() {
		Workspace ws = newWorkspace();
		Backup backup = succeededBackup(ws, "removal");
		workloads.failNext("remove", "namespace is terminating");

		DrillStarted started = drills.drillBackup(ws.crn().toString(), null, CREATOR);
		JobExecution ended = awaitDrillEnd(started);

		assertThat(ended.getStatus()).as("a step failed").isEqualTo(BatchStatus.FAILED);
		assertThat(backups.verification(backup.crn()).status()).as("its data was verified")
			.isEqualTo(Verification.Status.VERIFIED);
		assertNothingLeftBehind(started);
	}

	@Test
	void aDrillWhoseRemovalFailsTwiceLeavesItsScratchWorkspaceUntilTheSweepRestartsItAndItIsRemoved() {
		Workspace ws = newWorkspace();
		Backup backup = succeededBackup(ws, "left-behind");
		// the removal step fails on the workloads, then the compensation on the cloud
		workloads.failNext("remove", "namespace stuck terminating");
		cloud.failNext("deleteRestored", "DeleteVolume: VolumeInUse");

		DrillStarted started = drills.drillBackup(ws.crn().toString(), null, CREATOR);
		JobExecution failed = awaitDrillEnd(started);

		assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(backups.verification(backup.crn()).status()).as("its data was verified")
			.isEqualTo(Verification.Status.VERIFIED);
		Crn scratch = Crn.parse(started.scratchWorkspaceCrn());
		assertThat(workspaces.find(scratch)).as("left behind").isPresent();
		assertThat(events.list(ws.crn().toString(), backup.crn().toString(), 1000)).extracting(Event::message)
			.anyMatch((m) -> m.contains("still there: restart job execution " + failed.getId()));
		assertThat(launcher.finishLeftBehind(java.time.Instant.now().minus(Duration.ofHours(1))))
			.as("not before it has rested")
			.isEmpty();

		List<String> restarted = launcher.finishLeftBehind(java.time.Instant.now().plusSeconds(1));

		assertThat(restarted).singleElement()
			.asString()
			.contains("scratch workspace drill-", "restarted as job execution");
		await().atMost(Duration.ofSeconds(30)).until(() -> workspaces.find(scratch).isEmpty());
		assertNothingLeftBehind(started);
		assertThat(launcher.finishLeftBehind(java.time.Instant.now().plusSeconds(1))).as("nothing left").isEmpty();
		assertThat(cloud.startedRestores()).as("the restart restores nothing again").hasSize(3);
	}

	@Test
	void whileADrillRunsItsBackupIsNeitherDeletedNorVerifiedNorDrilledAgain() {
		Workspace ws = newWorkspace();
		Backup backup = succeededBackup(ws, "busy");
		io.wsbackup.Gate gate = cloud.gateNext("verifyRestored");
		DrillStarted started = drills.drillBackup(ws.crn().toString(), null, CREATOR);
		gate.awaitReached();

		assertThatThrownBy(() -> launcher.deleteBackup(backup.crn().toString()))
			.isInstanceOfSatisfying(WsbackupException.class,
					(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
			.hasMessageContaining("is being verified");
		assertThatThrownBy(() -> verifications.verifyBackup(backup.crn().toString()))
			.isInstanceOfSatisfying(WsbackupException.class,
					(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
			.hasMessageContaining("is being verified");
		assertThatThrownBy(() -> drills.drillBackup(null, backup.crn().toString(), CREATOR))
			.isInstanceOfSatisfying(WsbackupException.class,
					(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
			.hasMessageContaining("is being verified");
		gate.open();
		assertThat(awaitDrillEnd(started).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(reload(backup).status()).as("still there").isEqualTo(io.wsbackup.catalog.BackupStatus.SUCCEEDED);
		assertNothingLeftBehind(started);
	}

	@Test
	void badRequestsAreRefusedWithNothingWritten() {
		Workspace ws = newWorkspace();
		Workspace other = newWorkspace();
		long before = count();

		assertThatThrownBy(() -> drills.drillBackup(null, null, CREATOR))
			.isInstanceOfSatisfying(WsbackupException.class,
					(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
			.hasMessageContaining("workspaceCrn or backupCrn is required");
		assertThatThrownBy(() -> drills.drillBackup("not-a-crn", null, CREATOR)).isInstanceOfSatisfying(
				WsbackupException.class, (ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
		assertThatThrownBy(() -> drills.drillBackup(ws.crn().toString(), null, CREATOR))
			.isInstanceOfSatisfying(WsbackupException.class,
					(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
			.hasMessageContaining("has no succeeded backup to drill");
		Backup backup = succeededBackup(ws, "refusals");
		assertThatThrownBy(() -> drills.drillBackup(other.crn().toString(), backup.crn().toString(), CREATOR))
			.isInstanceOfSatisfying(WsbackupException.class,
					(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
			.hasMessageContaining("is a backup of workspace " + ws.crn());
		assertThatThrownBy(() -> drills.drillBackup(null,
				"crn:cdp:ml:us-west-2:123456789012:workspace_backup:00000000-0000-0000-0000-000000000000", CREATOR))
			.isInstanceOfSatisfying(WsbackupException.class,
					(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.NOT_FOUND));
		backups.verificationStarted(backup.crn());
		assertThatThrownBy(() -> drills.drillBackup(null, backup.crn().toString(), CREATOR))
			.isInstanceOfSatisfying(WsbackupException.class,
					(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
			.hasMessageContaining("is being verified");
		backups.verificationEnded(backup.crn(), List.of());
		jdbc.sql("UPDATE WS_BACKUP SET STATUS = 'failed' WHERE CRN = ?").param(backup.crn().toString()).update();
		assertThatThrownBy(() -> drills.drillBackup(null, backup.crn().toString(), CREATOR))
			.isInstanceOfSatisfying(WsbackupException.class,
					(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
			.hasMessageContaining("only a succeeded backup can be drilled");
		assertThat(count()).as("no scratch workspace written").isEqualTo(before);
		assertThat(cloud.startedRestores()).isEmpty();
	}

	private long count() {
		return jdbc.sql("SELECT COUNT(*) FROM WS_WORKSPACE WHERE DRILL_OF_BACKUP_CRN IS NOT NULL")
			.query(Long.class)
			.single();
	}

}
