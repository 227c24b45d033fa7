package io.wsbackup.cloud.aws;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.backup.model.RecoveryPointStatus;
import software.amazon.awssdk.services.backup.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Volume;

import io.wsbackup.cloud.CloudException;
import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.cloud.RestoreProgress;
import io.wsbackup.cloud.RestoreRequest;
import io.wsbackup.cloud.SnapshotProgress;
import io.wsbackup.cloud.SnapshotRequest;
import io.wsbackup.cloud.aws.simulator.AwsBackupSimulator.Outcome;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ResourceKind;
import io.wsbackup.workspace.TestWorkspaces;
import io.wsbackup.workspace.Workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What real AWS Backup does that a happy path hides (issue 14), against moto and the
 * simulator with the real SDK clients: deletes that answer success and leave the recovery
 * point, deletes that take time, PENDING, EXPIRED and PARTIAL jobs, restores whose
 * original volume is gone and EFS restores with their own KMS key.
 */
class AwsBackupBehaviourTest {

	private static final String VAULT_KEY = "arn:aws:kms:us-west-1:123456789012:key/vault-key";

	private static final String FILE_SYSTEM_KEY = "arn:aws:kms:us-west-1:123456789012:key/file-system-key";

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
		aws.cloud().ensureVault(vault, tags);
	}

	// ---- deletes

	@Test
	void deleteReturnsOnlyOnceAwsBackupNoLongerKnowsTheRecoveryPoint() {
		String point = backedUpVolume();
		aws.simulator.setDeleteDuration(Duration.ofMillis(600));

		aws.cloud().deleteRecoveryPoint(vault, point);

		assertThatThrownBy(
				() -> aws.backup.describeRecoveryPoint((r) -> r.backupVaultName(vault).recoveryPointArn(point)))
			.isInstanceOf(ResourceNotFoundException.class);
		assertThat(aws.cloud().listRecoveryPoints(vault)).isEmpty();
	}

	@Test
	void deleteThatAwsBackupLeavesExpiredFailsNamingTheMissingPermissionAndSucceedsOnceItIsGranted() {
		String point = backedUpVolume();
		aws.simulator.setServiceLinkedRoleCreatable(false);

		assertThatThrownBy(() -> aws.cloud().deleteRecoveryPoint(vault, point))
			.isInstanceOfSatisfying(CloudException.class, (ex) -> assertThat(ex.isRetryable()).isFalse())
			.hasMessageContaining("left it EXPIRED")
			.hasMessageContaining("iam:CreateServiceLinkedRole")
			.hasMessageContaining("iam:AWSServiceName");
		assertThat(aws.backup.describeRecoveryPoint((r) -> r.backupVaultName(vault).recoveryPointArn(point)).status())
			.as("AWS answered the delete with success but kept the point")
			.isEqualTo(RecoveryPointStatus.EXPIRED);

		aws.simulator.setServiceLinkedRoleCreatable(true);
		aws.cloud().deleteRecoveryPoint(vault, point);
		assertThatThrownBy(
				() -> aws.backup.describeRecoveryPoint((r) -> r.backupVaultName(vault).recoveryPointArn(point)))
			.isInstanceOf(ResourceNotFoundException.class);
	}

	@Test
	void recoveryPointStillDeletingAfterTheBoundFailsRetryably() {
		String point = backedUpVolume();
		aws.simulator.setDeleteDuration(Duration.ofHours(1));

		assertThatThrownBy(() -> aws.cloud().deleteRecoveryPoint(vault, point))
			.isInstanceOfSatisfying(CloudException.class, (ex) -> assertThat(ex.isRetryable()).isTrue())
			.hasMessageContaining("still DELETING")
			.hasMessageContaining("delete the backup again");
		// deleting again: AWS refuses a second delete of a point being deleted; the
		// adapter follows the first one on
		assertThatThrownBy(() -> aws.cloud().deleteRecoveryPoint(vault, point))
			.isInstanceOfSatisfying(CloudException.class, (ex) -> assertThat(ex.isRetryable()).isTrue())
			.hasMessageContaining("still DELETING");
	}

	@Test
	void recoveryPointThatARestoreReadsCannotBeDeleted() {
		String point = backedUpVolume();
		aws.simulator.hold();
		aws.cloud().startRestore(new RestoreRequest(vault, point, ResourceKind.VOLUME, "r-1", Map.of()));

		assertThatThrownBy(() -> aws.cloud().deleteRecoveryPoint(vault, point))
			.isInstanceOfSatisfying(CloudException.class, (ex) -> assertThat(ex.isRetryable()).isFalse())
			.hasMessageContaining("InvalidResourceStateException");
		aws.simulator.release();
	}

	// ---- states

	@Test
	void jobWaitingInItsStartWindowIsPendingAndRunsWhenAwsStartsIt() {
		String volumeId = aws.newVolume();
		aws.simulator.setOutcome(volumeId, Outcome.PENDING, null);
		String job = aws.cloud().startSnapshot(request(new ProtectedResource(ResourceKind.VOLUME, volumeId), "t-1"));

		await().atMost(Duration.ofSeconds(10))
			.until(() -> aws.cloud().snapshotProgress(job).state() == CloudJobState.PENDING);
		assertThat(aws.cloud().snapshotProgress(job).state().isTerminal()).isFalse();

		aws.simulator.clearOutcome(volumeId);
		assertThat(awaitEnd(job).state()).isEqualTo(CloudJobState.COMPLETED);
	}

	@Test
	void jobAcceptedButNotYetScheduledIsCreatedAndNotEnded() {
		String volumeId = aws.newVolume();
		aws.simulator.setOutcome(volumeId, Outcome.CREATED, null);
		String job = aws.cloud().startSnapshot(request(new ProtectedResource(ResourceKind.VOLUME, volumeId), "t-1"));

		await().during(Duration.ofMillis(500))
			.atMost(Duration.ofSeconds(5))
			.until(() -> aws.cloud().snapshotProgress(job).state() == CloudJobState.CREATED);

		aws.simulator.clearOutcome(volumeId);
		assertThat(awaitEnd(job).state()).isEqualTo(CloudJobState.COMPLETED);
	}

	@Test
	void jobWhoseStartWindowPassedIsExpiredWithTheReason() {
		String volumeId = aws.newVolume();
		aws.simulator.setOutcome(volumeId, Outcome.EXPIRED, null);

		SnapshotProgress ended = awaitEnd(
				aws.cloud().startSnapshot(request(new ProtectedResource(ResourceKind.VOLUME, volumeId), "t-1")));

		assertThat(ended.state()).isEqualTo(CloudJobState.EXPIRED);
		assertThat(ended.state().isUnsuccessful()).isTrue();
		assertThat(ended.message()).contains("start window");
		assertThat(ended.recoveryPointId()).isNull();
	}

	@Test
	void partialJobWithAUsableRecoveryPointIsPartialWithAwsMessage() {
		String volumeId = aws.newVolume();
		aws.simulator.setOutcome(volumeId, Outcome.PARTIAL, "2 files were skipped: permission denied");

		SnapshotProgress ended = awaitEnd(
				aws.cloud().startSnapshot(request(new ProtectedResource(ResourceKind.VOLUME, volumeId), "t-1")));

		assertThat(ended.state()).isEqualTo(CloudJobState.PARTIAL);
		assertThat(ended.state().hasRecoveryPoint()).isTrue();
		assertThat(ended.message()).isEqualTo("2 files were skipped: permission denied");
		assertThat(ended.recoveryPointId()).isNotNull();
	}

	@Test
	void outcomesCanBeSetThroughTheControlApiAsTheReadmeRunDoes() throws Exception {
		String volumeId = aws.newVolume();
		var http = java.net.http.HttpClient.newHttpClient();
		var set = http.send(java.net.http.HttpRequest
			.newBuilder(java.net.URI.create(aws.simulator.endpoint() + "/simulator/outcome"))
			.POST(java.net.http.HttpRequest.BodyPublishers.ofString(
					"{\"resource\": \"" + volumeId + "\", \"outcome\": \"PARTIAL\", \"message\": \"1 file skipped\"}"))
			.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
		var wrong = http.send(java.net.http.HttpRequest
			.newBuilder(java.net.URI.create(aws.simulator.endpoint() + "/simulator/outcome"))
			.POST(java.net.http.HttpRequest.BodyPublishers
				.ofString("{\"resource\": \"" + volumeId + "\", \"outcome\": \"LOST\"}"))
			.build(), java.net.http.HttpResponse.BodyHandlers.ofString());

		assertThat(set.statusCode()).isEqualTo(200);
		assertThat(wrong.statusCode()).isEqualTo(400);
		assertThat(wrong.body()).contains("PARTIAL_UNUSABLE");
		SnapshotProgress ended = awaitEnd(
				aws.cloud().startSnapshot(request(new ProtectedResource(ResourceKind.VOLUME, volumeId), "t-1")));
		assertThat(ended.state()).isEqualTo(CloudJobState.PARTIAL);
		assertThat(ended.message()).isEqualTo("1 file skipped");
	}

	@Test
	void partialJobWhoseRecoveryPointIsNotUsableIsFailed() {
		String volumeId = aws.newVolume();
		aws.simulator.setOutcome(volumeId, Outcome.PARTIAL_UNUSABLE, "the snapshot is incomplete");

		SnapshotProgress ended = awaitEnd(
				aws.cloud().startSnapshot(request(new ProtectedResource(ResourceKind.VOLUME, volumeId), "t-1")));

		assertThat(ended.state()).isEqualTo(CloudJobState.FAILED);
		assertThat(ended.message()).contains("PARTIAL").contains("not usable").contains("the snapshot is incomplete");
		assertThat(ended.recoveryPointId()).isNull();
	}

	// ---- protection tag of jobs nobody polls

	@Test
	void diskLosesItsProtectionTagWhenItsJobEndsEvenIfNobodyPollsIt() {
		String volumeId = aws.newVolume();
		aws.simulator.setOutcome(volumeId, Outcome.PENDING, null);
		AwsCloud cloud = aws.cloud();
		try {
			String job = cloud.startSnapshot(request(new ProtectedResource(ResourceKind.VOLUME, volumeId), "t-1"));
			assertThat(volumeTags(volumeId)).extracting(Tag::key).contains("wsbackup:in-use");

			aws.simulator.clearOutcome(volumeId);

			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(
						() -> assertThat(volumeTags(volumeId)).extracting(Tag::key).doesNotContain("wsbackup:in-use"));
			assertThat(cloud.followedJobs()).doesNotContain(job);
		}
		finally {
			cloud.close();
		}
	}

	@Test
	void aDiskKeepsItsProtectionTagWhileALaterJobOnItRunsWhenAnEarlierJobIsSeenToEnd() {
		String volumeId = aws.newVolume();
		ProtectedResource volume = new ProtectedResource(ResourceKind.VOLUME, volumeId);
		aws.simulator.setOutcome(volumeId, Outcome.PENDING, null);
		AwsCloud first = aws.cloud();
		String earlier = first.startSnapshot(request(volume, "t-1"));
		first.close(); // its runner is gone before it sees the job end
		aws.simulator.clearOutcome(volumeId);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> aws.backup.describeBackupJob((r) -> r.backupJobId(earlier)).stateAsString(),
					"COMPLETED"::equals);

		// a later backup of the disk (another runner) tags it and starts its own job
		aws.simulator.setOutcome(volumeId, Outcome.PENDING, null);
		AwsCloud second = aws.cloud();
		AwsCloud third = aws.cloud();
		try {
			String later = second.startSnapshot(request(volume, "t-2"));
			assertThat(third.snapshotProgress(later).state().isTerminal()).isFalse();

			// a third runner now sees the earlier job's end: the later job still runs
			assertThat(third.snapshotProgress(earlier).state()).isEqualTo(CloudJobState.COMPLETED);
			assertThat(volumeTags(volumeId)).extracting(Tag::key).contains("wsbackup:in-use");

			aws.simulator.clearOutcome(volumeId);
			await().atMost(Duration.ofSeconds(10)).until(() -> third.snapshotProgress(later).state().isTerminal());
			assertThat(volumeTags(volumeId)).extracting(Tag::key).doesNotContain("wsbackup:in-use");
		}
		finally {
			second.close();
			third.close();
		}
	}

	// ---- region settings

	@Test
	void aRegionNotOptedInForEbsIsAMissingPrerequisiteUntilItIs() {
		Workspace ws = new Workspace(Crn.newWorkspace(AwsTestEnvironment.REGION, AwsTestEnvironment.ACCOUNT), "a",
				"env", AwsTestEnvironment.ACCOUNT, AwsTestEnvironment.REGION, "2.0.50",
				io.wsbackup.workspace.WorkspaceStatus.INSTALLATION_FINISHED,
				new io.wsbackup.workspace.WorkspaceStorage(List.of(aws.newVolume()), null, false),
				java.time.Instant.now(), null, io.wsbackup.workspace.WorkloadLocation.NONE, null);
		aws.backup.updateRegionSettings((r) -> r.resourceTypeOptInPreference(Map.of("EBS", false)));

		assertThat(aws.cloud().missingPrerequisites(ws)).singleElement()
			.satisfies((m) -> assertThat(m).contains("not opted in for EBS"));

		aws.backup.updateRegionSettings((r) -> r.resourceTypeOptInPreference(Map.of("EBS", true)));
		assertThat(aws.cloud().missingPrerequisites(ws)).isEmpty();
	}

	@Test
	void aRestartedRunnerFollowsTheJobsAPreviousRunnerStartedAndUntagsTheirDisks() {
		String volumeId = aws.newVolume();
		aws.simulator.setOutcome(volumeId, Outcome.PENDING, null);
		AwsCloud before = aws.cloud();
		String job = before.startSnapshot(request(new ProtectedResource(ResourceKind.VOLUME, volumeId), "t-1"));
		before.close(); // the runner dies

		AwsCloud after = aws.cloud();
		after.followRunningJobs();
		await().atMost(Duration.ofSeconds(10)).until(() -> after.followedJobs().contains(job));
		assertThat(volumeTags(volumeId)).extracting(Tag::key).contains("wsbackup:in-use");
		aws.simulator.clearOutcome(volumeId);

		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(
					() -> assertThat(volumeTags(volumeId)).extracting(Tag::key).doesNotContain("wsbackup:in-use"));
	}

	// ---- restores

	@Test
	void volumeIsRestoredFromTheRecoveryPointsMetadataWhenTheOriginalVolumeWasDeleted() {
		String volumeId = aws.ec2
			.createVolume((r) -> r.availabilityZone(AwsTestEnvironment.REGION + "b").size(12).volumeType("gp2"))
			.volumeId();
		String point = awaitEnd(
				aws.cloud().startSnapshot(request(new ProtectedResource(ResourceKind.VOLUME, volumeId), "t-1")))
			.recoveryPointId();
		aws.ec2.deleteVolume((r) -> r.volumeId(volumeId));

		String job = aws.cloud().startRestore(new RestoreRequest(vault, point, ResourceKind.VOLUME, "r-1", Map.of()));
		RestoreProgress done = awaitRestore(job);

		assertThat(done.state()).as(done.message()).isEqualTo(CloudJobState.COMPLETED);
		assertThat(aws.simulator.restoreMetadata(job))
			.containsEntry("availabilityZone", AwsTestEnvironment.REGION + "b")
			.containsEntry("volumeSize", "12")
			.containsEntry("volumeType", "gp2")
			.containsEntry("encrypted", "false");
		Volume restored = aws.ec2.describeVolumes((r) -> r.volumeIds(done.createdResourceId())).volumes().get(0);
		assertThat(restored.availabilityZone()).isEqualTo(AwsTestEnvironment.REGION + "b");
		assertThat(restored.size()).isEqualTo(12);
	}

	@Test
	void volumeWhoseRecoveryPointNamesNoZoneTakesItFromTheOriginalVolume() {
		String volumeId = aws.newVolume();
		RestoreRequest request = new RestoreRequest(vault, "arn:aws:ec2:us-west-1::snapshot/snap-1",
				ResourceKind.VOLUME, "r-1", Map.of());

		Map<String, String> metadata = aws.cloud()
			.restoreMetadata(request, Map.of("volumeId", volumeId, "volumeSize", "20"));

		assertThat(metadata).containsEntry("availabilityZone", AwsTestEnvironment.REGION + "a")
			.as("what the recovery point says wins over the original volume")
			.containsEntry("volumeSize", "20");
		assertThatThrownBy(() -> aws.cloud()
			.restoreMetadata(request, Map.of("volumeId", "vol-0123456789abcdef0", "volumeSize", "20")))
			.isInstanceOf(CloudException.class)
			.hasMessageContaining("is gone and the restore metadata names no availability zone");
	}

	@Test
	void fileSystemRestoreWithAKeyAsksForAnEncryptedFileSystemWithTheFileSystemsKeyNotTheVaults() {
		String fs = aws.newFileSystem("projects-" + UUID.randomUUID());
		AwsCloud cloud = aws.cloud(AwsTestEnvironment.ROLE, VAULT_KEY, FILE_SYSTEM_KEY);
		String point = awaitEnd(
				cloud.startSnapshot(request(new ProtectedResource(ResourceKind.FILE_SYSTEM, fs), "t-1")))
			.recoveryPointId();

		String job = cloud.startRestore(new RestoreRequest(vault, point, ResourceKind.FILE_SYSTEM, "r-1", Map.of()));
		RestoreProgress done = await().atMost(Duration.ofSeconds(20))
			.until(() -> cloud.restoreProgress(job), (p) -> p.state().isTerminal());

		assertThat(done.state()).as(done.message()).isEqualTo(CloudJobState.COMPLETED);
		assertThat(aws.simulator.restoreMetadata(job)).containsEntry("Encrypted", "true")
			.containsEntry("KmsKeyId", FILE_SYSTEM_KEY)
			.containsEntry("newFileSystem", "true");
	}

	@Test
	void fileSystemRestoreWithoutAKeyKeepsTheSourcesEncryptionAndSendsNoKey() {
		String fs = aws.newFileSystem("projects-" + UUID.randomUUID());
		AwsCloud cloud = aws.cloud(AwsTestEnvironment.ROLE, VAULT_KEY, null);
		String point = awaitEnd(
				cloud.startSnapshot(request(new ProtectedResource(ResourceKind.FILE_SYSTEM, fs), "t-1")))
			.recoveryPointId();

		String job = cloud.startRestore(new RestoreRequest(vault, point, ResourceKind.FILE_SYSTEM, "r-1", Map.of()));

		assertThat(aws.simulator.restoreMetadata(job)).containsEntry("Encrypted", "false")
			.doesNotContainKey("KmsKeyId");
	}

	@Test
	void encryptedFileSystemRestoredWithoutAKeySettingKeepsTheSourcesKeyFromTheRestoreMetadata() {
		String fs = aws.efs
			.createFileSystem((r) -> r.creationToken("enc-" + UUID.randomUUID()).encrypted(true).kmsKeyId(VAULT_KEY))
			.fileSystemId();
		String point = backedUp(new ProtectedResource(ResourceKind.FILE_SYSTEM, fs));

		String job = aws.cloud()
			.startRestore(new RestoreRequest(vault, point, ResourceKind.FILE_SYSTEM, "r-1", Map.of()));

		assertThat(aws.simulator.restoreMetadata(job)).containsEntry("Encrypted", "true")
			.containsEntry("KmsKeyId", VAULT_KEY);
	}

	@Test
	void efsRefusesAKeyForAnUnencryptedFileSystem() {
		String fs = aws.newFileSystem("projects-" + UUID.randomUUID());
		String point = backedUp(new ProtectedResource(ResourceKind.FILE_SYSTEM, fs));

		assertThatThrownBy(() -> aws.backup.startRestoreJob((r) -> r.recoveryPointArn(point)
			.iamRoleArn(AwsTestEnvironment.ROLE)
			.resourceType("EFS")
			.metadata(Map.of("newFileSystem", "true", "Encrypted", "false", "KmsKeyId", FILE_SYSTEM_KEY))))
			.hasMessageContaining("Encrypted is not true");
	}

	private String backedUpVolume() {
		return backedUp(new ProtectedResource(ResourceKind.VOLUME, aws.newVolume()));
	}

	private String backedUp(ProtectedResource resource) {
		SnapshotProgress done = awaitEnd(aws.cloud().startSnapshot(request(resource, "t-" + UUID.randomUUID())));
		assertThat(done.state()).isEqualTo(CloudJobState.COMPLETED);
		return done.recoveryPointId();
	}

	private SnapshotRequest request(ProtectedResource resource, String token) {
		return new SnapshotRequest(vault, resource, token, tags, Duration.ofHours(12));
	}

	private SnapshotProgress awaitEnd(String jobId) {
		return await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> aws.cloud().snapshotProgress(jobId), (p) -> p.state().isTerminal());
	}

	private RestoreProgress awaitRestore(String jobId) {
		return await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> aws.cloud().restoreProgress(jobId), (p) -> p.state().isTerminal());
	}

	private List<Tag> volumeTags(String volumeId) {
		return aws.ec2.describeVolumes((r) -> r.volumeIds(volumeId)).volumes().get(0).tags();
	}

}
