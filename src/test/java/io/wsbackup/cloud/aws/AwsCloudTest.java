package io.wsbackup.cloud.aws;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.Tag;

import io.wsbackup.cloud.CloudException;
import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.cloud.RestoreProgress;
import io.wsbackup.cloud.RestoreRequest;
import io.wsbackup.cloud.SnapshotProgress;
import io.wsbackup.cloud.SnapshotRequest;
import io.wsbackup.cloud.aws.simulator.AwsBackupSimulator.Faults;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ResourceKind;
import io.wsbackup.workspace.TestWorkspaces;
import io.wsbackup.workspace.WorkloadLocation;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceStatus;
import io.wsbackup.workspace.WorkspaceStorage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What the aws adapter promises beyond the port's contract: restarts, throttling, access
 * denied, prerequisites, the garbage-collection tag and EFS restores, against moto and
 * the AWS Backup simulator with the real SDK clients.
 */
class AwsCloudTest {

	private static AwsTestEnvironment aws;

	private final Workspace workspace = TestWorkspaces.withStorage(List.of(), null);

	private final String vault = workspace.vaultName();

	private final Map<String, String> tags = Map.of("workspaceCrn", workspace.crn().toString(), "backupCrn",
			Crn.newBackup(workspace.crn()).toString(), "backupName", "first");

	@BeforeAll
	static void startAws() {
		aws = new AwsTestEnvironment(Duration.ofMillis(300));
	}

	@AfterAll
	static void stopAws() {
		if (aws != null) {
			aws.close();
		}
	}

	@BeforeEach
	void resetAws() {
		aws.reset();
	}

	@Test
	void crashBetweenStartBackupJobAndTheCommitOfItsIdStartsNoSecondJob() {
		aws.cloud().ensureVault(vault, tags);
		ProtectedResource volume = new ProtectedResource(ResourceKind.VOLUME, aws.newVolume());
		aws.simulator.hold();
		String jobId = aws.cloud().startSnapshot(request(volume, "token-of-attempt-1"));

		// the runner dies before the id is committed; the restarted runner builds a new
		// adapter and sends the same token
		String afterRestart = aws.cloud().startSnapshot(request(volume, "token-of-attempt-1"));

		assertThat(afterRestart).isEqualTo(jobId);
		assertThat(aws.simulator.backupJobs()).singleElement()
			.satisfies((job) -> assertThat(job.get("BackupJobId")).isEqualTo(jobId));
		aws.simulator.release();
		assertThat(awaitEnd(jobId).state()).isEqualTo(CloudJobState.COMPLETED);
	}

	@Test
	void backupCompletesWhenHalfOfTheCallsAreThrottled() {
		aws.cloud().ensureVault(vault, tags);
		ProtectedResource volume = new ProtectedResource(ResourceKind.VOLUME, aws.newVolume());
		aws.simulator.setFaults(new Faults(0.5, 0, 0, List.of()));
		long callsBefore = aws.simulator.calls();

		String jobId = aws.cloud().startSnapshot(request(volume, "token-1"));
		SnapshotProgress done = awaitEnd(jobId);

		assertThat(done.state()).isEqualTo(CloudJobState.COMPLETED);
		assertThat(aws.cloud().listRecoveryPoints(vault)).singleElement()
			.satisfies((rp) -> assertThat(rp.recoveryPointId()).isEqualTo(done.recoveryPointId()));
		assertThat(aws.simulator.backupJobs()).hasSize(1);
		assertThat(aws.simulator.calls() - callsBefore).as("throttled calls were retried").isGreaterThan(4);
	}

	@Test
	void throttlingAndServerErrorsThatOutlastTheRetriesAreRetryable() {
		aws.cloud().ensureVault(vault, tags);
		aws.simulator.setFaults(new Faults(0.5, 0.5, 0, List.of()));

		assertThatThrownBy(() -> aws.cloud().listRecoveryPoints(vault))
			.isInstanceOfSatisfying(CloudException.class, (ex) -> assertThat(ex.isRetryable()).isTrue())
			.hasMessageContaining("ListRecoveryPointsByBackupVault " + vault);
	}

	@Test
	void accessDeniedIsAClearNonRetryableFailureWithTheAwsMessage() {
		aws.cloud().ensureVault(vault, tags);
		ProtectedResource volume = new ProtectedResource(ResourceKind.VOLUME, aws.newVolume());
		aws.simulator.setFaults(new Faults(0, 0, 0, List.of("StartBackupJob")));

		assertThatThrownBy(() -> aws.cloud().startSnapshot(request(volume, "token-1")))
			.isInstanceOfSatisfying(CloudException.class, (ex) -> assertThat(ex.isRetryable()).isFalse())
			.hasMessageContaining("StartBackupJob of volume:" + volume.id())
			.hasMessageContaining("is not authorized to perform: backup:StartBackupJob")
			.hasMessageContaining("AccessDeniedException")
			.hasMessageContaining("runner-policy.json");
		assertThat(aws.simulator.backupJobs()).isEmpty();
	}

	@Test
	void diskCarriesTheProtectionTagWhileItsBackupRunsAndLosesItOnceTheJobIsSeenEnded() {
		aws.cloud().ensureVault(vault, tags);
		String volumeId = aws.newVolume();
		aws.simulator.hold();
		String jobId = aws.cloud().startSnapshot(request(new ProtectedResource(ResourceKind.VOLUME, volumeId), "t-1"));

		assertThat(volumeTags(volumeId)).contains(Tag.builder().key("wsbackup:in-use").value("true").build());
		aws.simulator.release();
		awaitEnd(jobId);
		assertThat(volumeTags(volumeId)).extracting(Tag::key).doesNotContain("wsbackup:in-use");
	}

	@Test
	void restoredVolumeCarriesTheProtectionTagAndTheRequestsTagsWhileItsRestoreRunsAndKeepsOnlyTheRequestsTagsAfter() {
		AwsCloud cloud = aws.cloud();
		cloud.ensureVault(vault, tags);
		String volumeId = aws.newVolume();
		String recoveryPoint = awaitEnd(
				cloud.startSnapshot(request(new ProtectedResource(ResourceKind.VOLUME, volumeId), "t-1")))
			.recoveryPointId();
		String newWorkspace = Crn.newWorkspace(AwsTestEnvironment.REGION, AwsTestEnvironment.ACCOUNT).toString();
		aws.simulator.hold();
		String restoreJob = cloud.startRestore(new RestoreRequest(vault, recoveryPoint, ResourceKind.VOLUME, "r-1",
				Map.of("workspaceCrn", newWorkspace, "backupCrn", tags.get("backupCrn"))));

		String restored = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
			assertThat(cloud.restoreProgress(restoreJob).state()).isNotEqualTo(CloudJobState.COMPLETED);
			return AwsResources
				.resourceIdOf(aws.backup.describeRestoreJob((r) -> r.restoreJobId(restoreJob)).createdResourceArn());
		}, (id) -> id != null && volumeTags(id).stream().anyMatch((t) -> t.key().equals("workspaceCrn")));

		assertThat(restored).startsWith("vol-").isNotEqualTo(volumeId);
		assertThat(volumeTags(restored)).contains(Tag.builder().key("wsbackup:in-use").value("true").build(),
				Tag.builder().key("workspaceCrn").value(newWorkspace).build(),
				Tag.builder().key("backupCrn").value(tags.get("backupCrn")).build());
		aws.simulator.release();
		RestoreProgress done = await().atMost(Duration.ofSeconds(20))
			.until(() -> cloud.restoreProgress(restoreJob), (p) -> p.state().isTerminal());
		assertThat(done.state()).isEqualTo(CloudJobState.COMPLETED);
		assertThat(done.createdResourceId()).isEqualTo(restored);
		assertThat(volumeTags(restored)).extracting(Tag::key).doesNotContain("wsbackup:in-use");
		assertThat(volumeTags(restored)).contains(Tag.builder().key("workspaceCrn").value(newWorkspace).build(),
				Tag.builder().key("backupCrn").value(tags.get("backupCrn")).build());
	}

	@Test
	void restoredFileSystemReportedOnlyOnCompletionCarriesTheRequestsTagsButNoProtectionTag() {
		AwsCloud cloud = aws.cloud();
		cloud.ensureVault(vault, tags);
		String fs = aws.newFileSystem("projects-" + UUID.randomUUID());
		String recoveryPoint = awaitEnd(
				cloud.startSnapshot(request(new ProtectedResource(ResourceKind.FILE_SYSTEM, fs), "t-1")))
			.recoveryPointId();
		aws.simulator.setCreatedResourceReportedWhileRunning(false);
		String newWorkspace = Crn.newWorkspace(AwsTestEnvironment.REGION, AwsTestEnvironment.ACCOUNT).toString();
		String restoreJob = cloud.startRestore(new RestoreRequest(vault, recoveryPoint, ResourceKind.FILE_SYSTEM, "r-1",
				Map.of("workspaceCrn", newWorkspace, "backupCrn", tags.get("backupCrn"))));

		RestoreProgress done = await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> cloud.restoreProgress(restoreJob), (p) -> p.state().isTerminal());

		assertThat(done.state()).as(done.message()).isEqualTo(CloudJobState.COMPLETED);
		assertThat(fileSystemTags(done.createdResourceId())).containsEntry("workspaceCrn", newWorkspace)
			.containsEntry("backupCrn", tags.get("backupCrn"))
			.doesNotContainKey("wsbackup:in-use");
	}

	@Test
	void aRestartedAdapterTagsTheRestoredResourceWithWhatTheRecoveryPointSaysAndUnprotectsIt() {
		aws.cloud().ensureVault(vault, tags);
		String volumeId = aws.newVolume();
		String recoveryPoint = awaitEnd(
				aws.cloud().startSnapshot(request(new ProtectedResource(ResourceKind.VOLUME, volumeId), "t-1")))
			.recoveryPointId();
		aws.simulator.hold();
		String restoreJob = aws.cloud()
			.startRestore(new RestoreRequest(vault, recoveryPoint, ResourceKind.VOLUME, "r-1", Map.of("workspaceCrn",
					Crn.newWorkspace(AwsTestEnvironment.REGION, AwsTestEnvironment.ACCOUNT).toString())));
		AwsCloud restarted = aws.cloud();

		String restored = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
			restarted.restoreProgress(restoreJob);
			return AwsResources
				.resourceIdOf(aws.backup.describeRestoreJob((r) -> r.restoreJobId(restoreJob)).createdResourceArn());
		}, (id) -> id != null && volumeTags(id).stream().anyMatch((t) -> t.key().equals("backupCrn")));
		assertThat(volumeTags(restored)).contains(Tag.builder().key("wsbackup:in-use").value("true").build(),
				Tag.builder().key("backupCrn").value(tags.get("backupCrn")).build(),
				Tag.builder().key("restoredFrom").value(recoveryPoint).build());
		aws.simulator.release();
		await().atMost(Duration.ofSeconds(20))
			.until(() -> restarted.restoreProgress(restoreJob), (p) -> p.state().isTerminal());
		assertThat(volumeTags(restored)).extracting(Tag::key).doesNotContain("wsbackup:in-use");
	}

	@Test
	void fileSystemIsBackedUpAndRestoredIntoANewFileSystem() {
		aws.cloud().ensureVault(vault, tags);
		String fs = aws.newFileSystem("projects-" + UUID.randomUUID());
		ProtectedResource resource = new ProtectedResource(ResourceKind.FILE_SYSTEM, fs);
		String recoveryPoint = awaitEnd(aws.cloud().startSnapshot(request(resource, "t-1"))).recoveryPointId();

		String restoreJob = aws.cloud()
			.startRestore(new RestoreRequest(vault, recoveryPoint, ResourceKind.FILE_SYSTEM, "restore-1", Map.of()));
		RestoreProgress done = await().atMost(Duration.ofSeconds(20))
			.until(() -> aws.cloud().restoreProgress(restoreJob), (p) -> p.state().isTerminal());

		assertThat(done.state()).as(done.message()).isEqualTo(CloudJobState.COMPLETED);
		assertThat(done.createdResourceId()).startsWith("fs-").isNotEqualTo(fs);
		assertThat(aws.efs.describeFileSystems((r) -> r.fileSystemId(done.createdResourceId())).fileSystems())
			.hasSize(1);
	}

	@Test
	void nothingIsMissingForAWorkspaceWhoseResourcesExist() {
		Workspace ok = withStorage(AwsTestEnvironment.ACCOUNT, AwsTestEnvironment.REGION, List.of(aws.newVolume()),
				aws.newFileSystem("fs-token"));

		assertThat(aws.cloud().missingPrerequisites(ok)).isEmpty();
	}

	@Test
	void theAccountsChecksThatFoundNothingStandForTheNextWorkspacesButAProblemIsNeverKept() {
		AwsCloud cloud = aws.cloud("arn:aws:iam::" + AwsTestEnvironment.ACCOUNT + ":role/night-role");
		Workspace first = withStorage(AwsTestEnvironment.ACCOUNT, AwsTestEnvironment.REGION, List.of(aws.newVolume()),
				null);
		assertThat(cloud.missingPrerequisites(first)).as("the role is not there yet")
			.singleElement()
			.satisfies((m) -> assertThat(m).contains("IAM role night-role").contains("does not exist"));
		aws.createBackupRole("night-role", AwsTestEnvironment.BACKUP_TRUST);
		assertThat(cloud.missingPrerequisites(first)).as("the problem was not kept: the fix is seen at once").isEmpty();

		aws.iam.deleteRole((r) -> r.roleName("night-role"));
		String gone = aws.newVolume();
		Workspace second = withStorage(AwsTestEnvironment.ACCOUNT, AwsTestEnvironment.REGION, List.of(gone), null);
		assertThat(cloud.missingPrerequisites(second))
			.as("the account's answer of a moment ago stands for the next workspace (the night's thousands)")
			.isEmpty();
		aws.ec2.deleteVolume((r) -> r.volumeId(gone));
		assertThat(cloud.missingPrerequisites(second)).as("a workspace's own storage is checked every time")
			.singleElement()
			.satisfies((m) -> assertThat(m).contains("EBS volume " + gone).contains("does not exist"));
		assertThat(aws.cloud("arn:aws:iam::" + AwsTestEnvironment.ACCOUNT + ":role/night-role")
			.missingPrerequisites(first)).as("another runner checks afresh")
			.singleElement()
			.satisfies((m) -> assertThat(m).contains("IAM role night-role").contains("does not exist"));
	}

	@Test
	void eachMissingPrerequisiteIsNamed() {
		Workspace elsewhere = withStorage("999999999999", "eu-west-1", List.of("vol-0123456789abcdef0", "disk-1"),
				"fs-0badc0de");

		List<String> missing = aws.cloud(null).missingPrerequisites(elsewhere);

		assertThat(missing).anySatisfy((m) -> assertThat(m).contains("account " + AwsTestEnvironment.ACCOUNT)
			.contains("workspace's account 999999999999"));
		assertThat(missing)
			.anySatisfy((m) -> assertThat(m).contains("region us-west-1 is not the workspace's region eu-west-1"));
		assertThat(missing).anySatisfy((m) -> assertThat(m).contains("wsbackup.cloud.aws.iam-role-arn"));
		assertThat(missing)
			.anySatisfy((m) -> assertThat(m).contains("EBS volume vol-0123456789abcdef0").contains("does not exist"));
		assertThat(missing).anySatisfy((m) -> assertThat(m).contains("'disk-1' is not an EBS volume id"));
		assertThat(missing)
			.anySatisfy((m) -> assertThat(m).contains("EFS file system fs-0badc0de").contains("does not exist"));
		assertThat(missing).hasSize(6);
	}

	@Test
	void aBackupRoleThatDoesNotExistIsAMissingPrerequisiteNamingIt() {
		Workspace ok = withStorage(AwsTestEnvironment.ACCOUNT, AwsTestEnvironment.REGION, List.of(), null);

		List<String> missing = aws.cloud("arn:aws:iam::" + AwsTestEnvironment.ACCOUNT + ":role/service/no-such-role")
			.missingPrerequisites(ok);

		assertThat(missing).singleElement()
			.satisfies((m) -> assertThat(m).contains("IAM role no-such-role")
				.contains("does not exist")
				.contains("backup-role-trust-policy.json"));
	}

	@Test
	void aBackupRoleThatDoesNotTrustAwsBackupIsAMissingPrerequisiteSayingWhatToAdd() {
		Workspace ok = withStorage(AwsTestEnvironment.ACCOUNT, AwsTestEnvironment.REGION, List.of(), null);
		aws.createBackupRole("ec2-only", """
				{"Version": "2012-10-17", "Statement": [
				  {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
				  {"Effect": "Deny", "Principal": {"Service": "backup.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
				""");

		List<String> missing = aws.cloud("arn:aws:iam::" + AwsTestEnvironment.ACCOUNT + ":role/ec2-only")
			.missingPrerequisites(ok);

		assertThat(missing).singleElement()
			.satisfies((m) -> assertThat(m).contains("IAM role ec2-only does not trust backup.amazonaws.com")
				.contains("\"Service\": \"backup.amazonaws.com\"")
				.contains("\"Action\": \"sts:AssumeRole\""));
	}

	@Test
	void aTrustPolicyMayListSeveralServicesAndActions() {
		assertThat(AwsPrerequisites.trustsBackup(
				"""
						{"Statement": {"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com", "backup.amazonaws.com"]},
						 "Action": ["sts:TagSession", "sts:AssumeRole"]}}"""))
			.isTrue();
		assertThat(AwsPrerequisites.trustsBackup(
				java.net.URLEncoder.encode(AwsTestEnvironment.BACKUP_TRUST, java.nio.charset.StandardCharsets.UTF_8)))
			.isTrue();
		assertThat(AwsPrerequisites.trustsBackup("""
				{"Statement": [{"Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"},
				 "Action": "sts:AssumeRoleWithWebIdentity"}]}""")).isFalse();
		assertThat(AwsPrerequisites.roleName("arn:aws:iam::1:role/a/b/backup")).isEqualTo("backup");
		assertThat(AwsPrerequisites.roleName("arn:aws:iam::1:user/backup")).isNull();
	}

	@Test
	void anUnreadableVaultIsAMissingPrerequisiteNamingTheVault() {
		Workspace ok = withStorage(AwsTestEnvironment.ACCOUNT, AwsTestEnvironment.REGION, List.of(), null);
		aws.simulator.setFaults(new Faults(0, 0, 0, List.of("DescribeBackupVault")));

		assertThat(aws.cloud().missingPrerequisites(ok)).singleElement()
			.satisfies((m) -> assertThat(m).contains("backup vault " + ok.vaultName() + " cannot be read")
				.contains("AccessDeniedException"));
	}

	private SnapshotRequest request(ProtectedResource resource, String token) {
		return new SnapshotRequest(vault, resource, token, tags, Duration.ofHours(12));
	}

	/**
	 * Polls a snapshot to its end as awaitRecoveryPoints does: a poll whose retries the
	 * throttling outlasted (a retryable failure) is tried again at the next poll. With
	 * half the calls throttled, ten throttles in a row come about once in a thousand
	 * calls, so a poll that failed the test for it made it fail now and then.
	 */
	private SnapshotProgress awaitEnd(String jobId) {
		return await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(50))
			.ignoreExceptionsMatching((ex) -> ex instanceof CloudException cloud && cloud.isRetryable())
			.until(() -> aws.cloud().snapshotProgress(jobId), (p) -> p.state().isTerminal());
	}

	private Map<String, String> fileSystemTags(String fileSystemId) {
		return aws.efs.listTagsForResource((r) -> r.resourceId(fileSystemId))
			.tags()
			.stream()
			.collect(java.util.stream.Collectors.toMap(software.amazon.awssdk.services.efs.model.Tag::key,
					software.amazon.awssdk.services.efs.model.Tag::value));
	}

	private List<Tag> volumeTags(String volumeId) {
		return aws.ec2.describeVolumes((r) -> r.volumeIds(volumeId)).volumes().get(0).tags();
	}

	private static Workspace withStorage(String account, String region, List<String> volumes, String fs) {
		return new Workspace(Crn.newWorkspace(region, account), "analytics", "env", account, region, "2.0.50",
				WorkspaceStatus.INSTALLATION_FINISHED, new WorkspaceStorage(volumes, fs, false), Instant.now(), null,
				WorkloadLocation.NONE, null);
	}

}
