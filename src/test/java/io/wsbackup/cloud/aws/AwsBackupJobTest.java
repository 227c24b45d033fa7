package io.wsbackup.cloud.aws;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.wsbackup.metrics.WsbackupMetrics;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.catalog.Verification;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.cloud.aws.simulator.AwsBackupSimulator.Outcome;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.verification.VerifyLauncher;
import io.wsbackup.system.TestDatabase;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceService;
import io.wsbackup.workspace.WorkspaceStatus;
import io.wsbackup.workspace.WorkspaceStorage;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The backup job in aws mode: the runner with {@code wsbackup.cloud.provider=aws}, its
 * SDK clients pointed at moto and the AWS Backup simulator, backs up a workspace with two
 * EBS volumes and an EFS file system created in moto into three recovery points, with a
 * quarter of the AWS Backup calls throttled.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "wsbackup.schedules-dir=target/no-schedules", "spring.quartz.auto-startup=false",
				"wsbackup.cloud.provider=aws", "wsbackup.workloads.provider=none", "wsbackup.demo.enabled=false",
				"wsbackup.recovery.enabled=false", "wsbackup.backup.poll-initial-interval=50ms",
				"wsbackup.backup.poll-max-interval=200ms", "wsbackup.cloud.aws.region=" + AwsTestEnvironment.REGION,
				"wsbackup.cloud.aws.iam-role-arn=" + AwsTestEnvironment.ROLE,
				"wsbackup.cloud.aws.follow-interval=200ms", "wsbackup.cloud.aws.delete-wait=5s" })
class AwsBackupJobTest {

	private static AwsTestEnvironment aws;

	@Autowired
	CloudPort cloud;

	@Autowired
	WorkspaceService workspaces;

	@Autowired
	Launcher launcher;

	@Autowired
	VerifyLauncher verifications;

	@Autowired
	io.wsbackup.restore.DrillLauncher drills;

	@Autowired
	BackupRepository backups;

	@Autowired
	MeterRegistry registry;

	@Autowired
	EventLog events;

	@Autowired
	JobRepository jobRepository;

	@DynamicPropertySource
	static void awsAndDatabase(DynamicPropertyRegistry registry) {
		TestDatabase.register(registry);
		registry.add("wsbackup.data-dir", () -> Path.of("target", "test-data-aws").toAbsolutePath().toString());
		if (aws == null) {
			aws = new AwsTestEnvironment(Duration.ofSeconds(1));
		}
		// the default credentials chain reads these
		System.setProperty("aws.accessKeyId", "test");
		System.setProperty("aws.secretAccessKey", "test");
		registry.add("wsbackup.cloud.aws.backup-endpoint", () -> aws.simulator.endpoint().toString());
		for (String service : List.of("ec2", "efs", "sts", "iam")) {
			registry.add("wsbackup.cloud.aws." + service + "-endpoint", () -> aws.moto.endpoint().toString());
		}
	}

	@AfterAll
	static void stopAws() {
		if (aws != null) {
			aws.close();
			aws = null;
		}
	}

	@BeforeEach
	void noFaultsNorOutcomes() {
		aws.simulator.reset();
	}

	@Test
	void backupOfTwoVolumesAndAFileSystemCompletesWithThreeRecoveryPointsDespiteThrottling() {
		assertThat(cloud).isInstanceOf(AwsCloud.class);
		Workspace workspace = workspaces.register("aws-" + UUID.randomUUID().toString().substring(0, 8), "env-aws",
				AwsTestEnvironment.ACCOUNT, AwsTestEnvironment.REGION, "2.0.50",
				new WorkspaceStorage(List.of(aws.newVolume(), aws.newVolume()), aws.newFileSystem("projects"), false),
				null);
		aws.simulator.setFaults(new io.wsbackup.cloud.aws.simulator.AwsBackupSimulator.Faults(0.25, 0, 0, List.of()));

		Backup started = launcher.backupWorkspace(workspace.crn().toString(), "first", 60, "crn:cdp:iam:test");
		Backup done = await().atMost(Duration.ofSeconds(40))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> backups.find(started.crn()).orElseThrow(), (b) -> b.status() != BackupStatus.RUNNING);

		assertThat(done.status()).as("failure: %s", done.failureReason()).isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(backups.recoveryPoints(started.crn())).hasSize(3);
		assertThat(aws.simulator.backupJobs()).hasSize(3);
		assertThat(registry.get(WsbackupMetrics.CLOUD_REQUESTS)
			.tags("provider", "aws", "service", "Backup", "operation", "StartBackupJob", "throttled", "no")
			.counter()
			.count()).as("the runner's SDK clients count their requests").isGreaterThanOrEqualTo(3);
		assertThat(cloud.listRecoveryPoints(workspace.vaultName())).hasSize(3)
			.allSatisfy((rp) -> assertThat(rp.tags()).containsEntry("backupCrn", started.crn().toString()));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> workspaces.find(workspace.crn().toString(), null, null)
				.status()
				.equals(WorkspaceStatus.INSTALLATION_FINISHED));
	}

	@Test
	void failedBackupLeavesNoDiskProtectedOnceItsOtherSnapshotEndsLater() {
		String failing = aws.newVolume();
		String slow = aws.newVolume();
		Workspace workspace = register(failing, slow);
		aws.simulator.setOutcome(failing, Outcome.FAILED, "the volume could not be read");
		aws.simulator.setOutcome(slow, Outcome.PENDING, null);

		Backup done = awaitEnd(launcher.backupWorkspace(workspace.crn().toString(), "b", 60, "crn:cdp:iam:test"));

		assertThat(done.status()).isEqualTo(BackupStatus.FAILED);
		assertThat(done.failureReason()).contains("the volume could not be read");
		assertThat(aws.simulator.backupJobs()).as("one cloud job per volume, none started again").hasSize(2);
		assertThat(volumeTagKeys(slow)).as("its job still waits in its start window").contains("wsbackup:in-use");
		assertThat(events.list(workspace.crn().toString(), done.crn().toString(), 100)).anySatisfy(
				(e) -> assertThat(e.message()).contains("1 snapshot(s) still run in the cloud after the failure")
					.contains("volume:" + slow));
		assertThat(volumeTagKeys(failing)).doesNotContain("wsbackup:in-use");

		aws.simulator.clearOutcome(slow);

		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(volumeTagKeys(slow)).doesNotContain("wsbackup:in-use"));
		assertThat(aws.simulator.backupJobs()).hasSize(2)
			.allSatisfy((job) -> assertThat(job.get("State")).isIn("FAILED", "COMPLETED"));
	}

	@Test
	void snapshotWhoseStartWindowPassedFailsTheBackupSayingSo() {
		String volume = aws.newVolume();
		Workspace workspace = register(volume);
		aws.simulator.setOutcome(volume, Outcome.EXPIRED, null);

		Backup done = awaitEnd(launcher.backupWorkspace(workspace.crn().toString(), "b", 60, "crn:cdp:iam:test"));

		assertThat(done.status()).isEqualTo(BackupStatus.FAILED);
		assertThat(done.failureReason()).contains("ended EXPIRED").contains("start window");
		assertThat(aws.simulator.backupJobs()).hasSize(1);
		assertThat(backups.recoveryPoints(done.crn())).isEmpty();
	}

	@Test
	void snapshotCompletedWithIssuesAndAUsableRecoveryPointSucceedsWithAwsMessageAsAWarning() {
		String volume = aws.newVolume();
		Workspace workspace = register(volume);
		aws.simulator.setOutcome(volume, Outcome.PARTIAL, "3 blocks were unreadable and skipped");

		Backup done = awaitEnd(launcher.backupWorkspace(workspace.crn().toString(), "b", 60, "crn:cdp:iam:test"));

		assertThat(done.status()).as("failure: %s", done.failureReason()).isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(done.warnings())
			.anySatisfy((w) -> assertThat(w).contains("PARTIAL").contains("3 blocks were unreadable and skipped"));
		assertThat(backups.recoveryPoints(done.crn())).hasSize(1);
		assertThat(aws.simulator.backupJobs()).hasSize(1);
	}

	@Test
	void snapshotCompletedWithIssuesWithoutAUsableRecoveryPointFailsTheBackup() {
		String volume = aws.newVolume();
		Workspace workspace = register(volume);
		aws.simulator.setOutcome(volume, Outcome.PARTIAL_UNUSABLE, "the snapshot is incomplete");

		Backup done = awaitEnd(launcher.backupWorkspace(workspace.crn().toString(), "b", 60, "crn:cdp:iam:test"));

		assertThat(done.status()).isEqualTo(BackupStatus.FAILED);
		assertThat(done.failureReason()).contains("not usable").contains("the snapshot is incomplete");
		assertThat(backups.recoveryPoints(done.crn())).isEmpty();
		assertThat(aws.simulator.backupJobs()).hasSize(1);
	}

	@Test
	void snapshotWaitingInItsStartWindowIsSaidAndAwaited() {
		String volume = aws.newVolume();
		Workspace workspace = register(volume);
		aws.simulator.setOutcome(volume, Outcome.PENDING, null);

		Backup started = launcher.backupWorkspace(workspace.crn().toString(), "b", 60, "crn:cdp:iam:test");
		await().atMost(Duration.ofSeconds(20))
			.until(() -> events.list(workspace.crn().toString(), started.crn().toString(), 100)
				.stream()
				.anyMatch((e) -> e.message().contains("is waiting in its start window")));
		assertThat(backups.find(started.crn()).orElseThrow().status()).isEqualTo(BackupStatus.RUNNING);
		aws.simulator.clearOutcome(volume);

		Backup done = awaitEnd(started);
		assertThat(done.status()).as("failure: %s", done.failureReason()).isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(aws.simulator.backupJobs()).hasSize(1);
		assertThat(events.list(workspace.crn().toString(), started.crn().toString(), 100))
			.as("said once, however many polls saw it waiting")
			.filteredOn((e) -> e.message().contains("is waiting in its start window"))
			.hasSize(1);
	}

	@Test
	void deleteWhosePointAwsLeavesExpiredFailsNamingThePermissionAndTheBackupStaysDeletingUntilItIsGone() {
		String volume = aws.newVolume();
		Workspace workspace = register(volume);
		Backup done = awaitEnd(launcher.backupWorkspace(workspace.crn().toString(), "b", 60, "crn:cdp:iam:test"));
		assertThat(done.status()).as("failure: %s", done.failureReason()).isEqualTo(BackupStatus.SUCCEEDED);
		String point = backups.recoveryPoints(done.crn()).get(0).recoveryPointId();
		aws.simulator.setServiceLinkedRoleCreatable(false);

		long first = launcher.deleteBackup(done.crn().toString());

		assertThat(awaitExecution(first)).isEqualTo(BatchStatus.FAILED);
		assertThat(backups.find(done.crn()).orElseThrow().status()).isEqualTo(BackupStatus.DELETING);
		assertThat(events.list(workspace.crn().toString(), done.crn().toString(), 100)).anySatisfy(
				(e) -> assertThat(e.message()).contains("left it EXPIRED").contains("iam:CreateServiceLinkedRole"));
		assertThat(aws.backup
			.describeRecoveryPoint((r) -> r.backupVaultName(workspace.vaultName()).recoveryPointArn(point))
			.statusAsString()).isEqualTo("EXPIRED");

		aws.simulator.setServiceLinkedRoleCreatable(true);
		long second = launcher.deleteBackup(done.crn().toString());

		assertThat(awaitExecution(second)).isEqualTo(BatchStatus.COMPLETED);
		assertThat(backups.find(done.crn())).isEmpty();
		assertThat(aws.simulator.backupJobs()).as("deleting starts no cloud backup job").hasSize(1);
	}

	@Test
	void aRecoveryPointAwsLeftExpiredFailsTheVerificationNamingIt() {
		Workspace workspace = register(aws.newVolume());
		Backup done = awaitEnd(launcher.backupWorkspace(workspace.crn().toString(), "b", 60, "crn:cdp:iam:test"));
		assertThat(done.status()).as("failure: %s", done.failureReason()).isEqualTo(BackupStatus.SUCCEEDED);
		String point = backups.recoveryPoints(done.crn()).get(0).recoveryPointId();
		assertThat(awaitExecution(verifications.verifyBackup(done.crn().toString()))).isEqualTo(BatchStatus.COMPLETED);
		assertThat(backups.verification(done.crn()).status()).isEqualTo(Verification.Status.VERIFIED);

		aws.simulator.setServiceLinkedRoleCreatable(false);
		assertThatThrownBy(() -> cloud.deleteRecoveryPoint(workspace.vaultName(), point))
			.hasMessageContaining("left it EXPIRED");

		assertThat(awaitExecution(verifications.verifyBackup(done.crn().toString()))).isEqualTo(BatchStatus.COMPLETED);
		Verification verification = backups.verification(done.crn());
		assertThat(verification.status()).isEqualTo(Verification.Status.FAILED);
		assertThat(verification.failure()).contains(point, "EXPIRED", "not COMPLETED");
	}

	@Test
	void aDrillOnAwsRestoresTheVolumeChecksItRecordsTheBackupVerifiedAndDeletesTheRestoredVolume() {
		String volume = aws.newVolume();
		Workspace workspace = register(volume);
		Backup done = awaitEnd(launcher.backupWorkspace(workspace.crn().toString(), "b", 60, "crn:cdp:iam:test"));
		assertThat(done.status()).as("failure: %s", done.failureReason()).isEqualTo(BackupStatus.SUCCEEDED);
		java.util.Set<String> before = volumeIds();

		io.wsbackup.restore.DrillStarted started = drills.drillBackup(workspace.crn().toString(), null,
				"crn:cdp:iam:test");

		assertThat(awaitExecution(started.jobExecutionId())).isEqualTo(BatchStatus.COMPLETED);
		Verification verification = backups.verification(done.crn());
		assertThat(verification.status()).isEqualTo(Verification.Status.VERIFIED);
		assertThat(verification.verifiedBy()).isEqualTo("drill");
		assertThat(aws.simulator.restoreJobCount()).as("one restore job per recovery point").isEqualTo(1);
		assertThat(volumeIds()).as("the restored volume is deleted, the workspace's own stays")
			.isEqualTo(before)
			.contains(volume);
	}

	@Test
	void aDrillOfARecoveryPointAwsLeftExpiredFailsNamingItAndLeavesNoVolume() {
		Workspace workspace = register(aws.newVolume());
		Backup done = awaitEnd(launcher.backupWorkspace(workspace.crn().toString(), "b", 60, "crn:cdp:iam:test"));
		assertThat(done.status()).as("failure: %s", done.failureReason()).isEqualTo(BackupStatus.SUCCEEDED);
		String point = backups.recoveryPoints(done.crn()).get(0).recoveryPointId();
		aws.simulator.setServiceLinkedRoleCreatable(false);
		assertThatThrownBy(() -> cloud.deleteRecoveryPoint(workspace.vaultName(), point))
			.hasMessageContaining("left it EXPIRED");
		java.util.Set<String> before = volumeIds();

		io.wsbackup.restore.DrillStarted started = drills.drillBackup(null, done.crn().toString(), "crn:cdp:iam:test");

		assertThat(awaitExecution(started.jobExecutionId())).isEqualTo(BatchStatus.FAILED);
		Verification verification = backups.verification(done.crn());
		assertThat(verification.status()).isEqualTo(Verification.Status.FAILED);
		assertThat(verification.failure()).contains("the drill failed in step", point);
		assertThat(volumeIds()).as("no restored volume left").isEqualTo(before);
	}

	private java.util.Set<String> volumeIds() {
		return aws.ec2.describeVolumes()
			.volumes()
			.stream()
			.map(software.amazon.awssdk.services.ec2.model.Volume::volumeId)
			.collect(java.util.stream.Collectors.toSet());
	}

	private Workspace register(String... volumes) {
		return workspaces.register("aws-" + UUID.randomUUID().toString().substring(0, 8), "env-aws",
				AwsTestEnvironment.ACCOUNT, AwsTestEnvironment.REGION, "2.0.50",
				new WorkspaceStorage(List.of(volumes), null, false), null);
	}

	private Backup awaitEnd(Backup started) {
		return await().atMost(Duration.ofSeconds(40))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> backups.find(started.crn()).orElseThrow(), (b) -> !b.status().isActive());
	}

	private BatchStatus awaitExecution(long id) {
		return await().atMost(Duration.ofSeconds(40))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> jobRepository.getJobExecution(id).getStatus(), (s) -> !s.isRunning());
	}

	private List<String> volumeTagKeys(String volumeId) {
		return aws.ec2.describeVolumes((r) -> r.volumeIds(volumeId))
			.volumes()
			.get(0)
			.tags()
			.stream()
			.map(software.amazon.awssdk.services.ec2.model.Tag::key)
			.toList();
	}

}
