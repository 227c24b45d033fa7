package io.wsbackup.cloud.aws;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.wsbackup.metrics.WsbackupMetrics;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.system.TestDatabase;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceService;
import io.wsbackup.workspace.WorkspaceStatus;
import io.wsbackup.workspace.WorkspaceStorage;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
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
				"wsbackup.cloud.aws.iam-role-arn=" + AwsTestEnvironment.ROLE })
class AwsBackupJobTest {

	private static AwsTestEnvironment aws;

	@Autowired
	CloudPort cloud;

	@Autowired
	WorkspaceService workspaces;

	@Autowired
	Launcher launcher;

	@Autowired
	BackupRepository backups;

	@Autowired
	MeterRegistry registry;

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

}
