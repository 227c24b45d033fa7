package io.wsbackup.verification;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.wsbackup.Gate;
import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.catalog.Verification;
import io.wsbackup.execution.Launches;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.system.ErrorCode;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The verifyBackup job on the real store with the fake cloud. */
class VerifyBackupTest extends WsbackupTestSupport {

	private static final String CREATOR = "crn:cdp:iam:us-west-2:123456789012:user:tester";

	@Autowired
	Launcher launcher;

	@Autowired
	VerifyLauncher verifications;

	@Autowired
	Launches launches;

	private Backup succeededBackup(Workspace ws, String name) {
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), name, null, CREATOR);
		assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		return reload(backup);
	}

	private JobExecution awaitExecution(long id) {
		return await().atMost(Duration.ofSeconds(30))
			.until(() -> jobRepository.getJobExecution(id),
					(e) -> e != null && !e.isRunning() && e.getEndTime() != null);
	}

	private List<String> points(Backup backup) {
		return backups.recoveryPoints(backup.crn()).stream().map(RecoveryPoint::recoveryPointId).toList();
	}

	@Test
	void aSoundBackupIsVerifiedWithTheTimeItEnded() {
		Backup backup = succeededBackup(newWorkspace(), "sound");
		assertThat(backups.verification(backup.crn())).isEqualTo(Verification.NEVER);

		// the test store may keep whole seconds only
		Instant asked = clock.instant().truncatedTo(ChronoUnit.SECONDS);
		long workflowId = verifications.verifyBackup(backup.crn().toString());

		assertThat(awaitExecution(workflowId).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		Verification verification = backups.verification(backup.crn());
		assertThat(verification.status()).isEqualTo(Verification.Status.VERIFIED);
		assertThat(verification.lastVerifiedAt()).isBetween(asked, clock.instant());
		assertThat(verification.failure()).isNull();
		assertThat(cloud.verifyCalls()).containsExactlyElementsOf(points(backup));
	}

	@Test
	void anUnsoundRecoveryPointFailsTheVerificationNamingItsResourceAndTheProblem() {
		Backup backup = succeededBackup(newWorkspace(), "unsound");
		RecoveryPoint damaged = backups.recoveryPoints(backup.crn()).get(1);
		cloud.makeUnsound(damaged.recoveryPointId(), "data/model.bin: checksum mismatch");

		long workflowId = verifications.verifyBackup(backup.crn().toString());

		assertThat(awaitExecution(workflowId).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		Verification verification = backups.verification(backup.crn());
		assertThat(verification.status()).isEqualTo(Verification.Status.FAILED);
		assertThat(verification.lastVerifiedAt()).isNotNull();
		assertThat(verification.failure()).contains(damaged.resource().id(), damaged.recoveryPointId(),
				"data/model.bin: checksum mismatch");
	}

	@Test
	void aVerificationThatFailsAtItsStepRestartsWhereItStoppedWithoutCheckingAPointTwice() {
		Backup backup = succeededBackup(newWorkspace(), "flaky-verify");
		List<String> points = points(backup);
		assertThat(points).hasSize(3);
		cloud.failVerifyAfter(1, "AccessDeniedException: not authorized to perform backup:DescribeRecoveryPoint");

		long first = verifications.verifyBackup(backup.crn().toString());
		JobExecution failed = awaitExecution(first);

		assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
		Verification stopped = backups.verification(backup.crn());
		assertThat(stopped.status()).isEqualTo(Verification.Status.FAILED);
		assertThat(stopped.failure()).contains("backup:DescribeRecoveryPoint", "restart job execution " + first);
		assertThat(cloud.verifyCalls()).containsExactly(points.get(0), points.get(1));

		long second = launcher.restartExecution(first);

		assertThat(second).isNotEqualTo(first);
		assertThat(awaitExecution(second).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(backups.verification(backup.crn()).status()).isEqualTo(Verification.Status.VERIFIED);
		assertThat(cloud.verifyCalls()).as("after the restart only the points not checked yet")
			.containsExactly(points.get(0), points.get(1), points.get(1), points.get(2));
	}

	@Test
	void aVerificationAlreadyRunningIsReturnedAndEachNewOneIsAJobInstanceOfItsOwn() {
		Backup backup = succeededBackup(newWorkspace(), "twice");
		Gate gate = cloud.gateNext("verifyRecoveryPoint");

		long first = verifications.verifyBackup(backup.crn().toString());
		gate.awaitReached();
		assertThat(backups.verification(backup.crn()).status()).isEqualTo(Verification.Status.VERIFYING);
		assertThat(verifications.verifyBackup(backup.crn().toString())).isEqualTo(first);
		gate.open();
		assertThat(awaitExecution(first).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		long again = verifications.verifyBackup(backup.crn().toString());
		assertThat(again).isNotEqualTo(first);
		assertThat(awaitExecution(again).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(jobRepository.getJobExecution(again).getJobInstance().getId())
			.isNotEqualTo(jobRepository.getJobExecution(first).getJobInstance().getId());
	}

	@Test
	void aVerificationWhoseRunnerDiedBeforeItsJobBeganIsStartedByTheRecoveryOfItsLaunch() {
		Backup backup = succeededBackup(newWorkspace(), "resumed");
		// what verifyBackup commits before it starts the job, by a runner that then died
		backups.verificationStarted(backup.crn());
		launches.record(VerifyParameters.JOB_NAME, backup.crn().toString(), "dead-runner");

		var resumed = launcher.resumeLaunch(VerifyParameters.JOB_NAME, backup.crn().toString(), "dead-runner");

		assertThat(resumed.outcome()).contains("started as job execution");
		assertThat(launches.isPending(VerifyParameters.JOB_NAME, backup.crn().toString())).isFalse();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> backups.verification(backup.crn()).status() == Verification.Status.VERIFIED);
		assertThat(launcher.resumeLaunch(VerifyParameters.JOB_NAME, backup.crn().toString(), "dead-runner").outcome())
			.as("a verification no longer verifying has nothing to launch")
			.contains("nothing to launch");
	}

	@Test
	void onlyASucceededBackupInTheCatalogCanBeVerified() {
		Workspace ws = newWorkspace();
		cloud.failJobOf(ws.storage().volumes().get(0), "the snapshot failed");
		Backup failed = launcher.backupWorkspace(ws.crn().toString(), "failed", null, CREATOR);
		awaitJobEnd(failed);

		assertThatThrownBy(() -> verifications.verifyBackup(failed.crn().toString())).isInstanceOfSatisfying(
				WsbackupException.class, (ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION));
		assertThatThrownBy(() -> verifications.verifyBackup(Crn.newBackup(ws.crn()).toString())).isInstanceOfSatisfying(
				WsbackupException.class, (ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.NOT_FOUND));
		assertThatThrownBy(() -> verifications.verifyBackup(ws.crn().toString())).isInstanceOfSatisfying(
				WsbackupException.class, (ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
	}

}
