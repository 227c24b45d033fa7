package io.wsbackup.cloud.aws;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.efs.EfsClient;

import io.wsbackup.cloud.CloudException;
import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.cloud.RestoreProgress;
import io.wsbackup.cloud.RestoreRequest;
import io.wsbackup.cloud.SnapshotProgress;
import io.wsbackup.cloud.SnapshotRequest;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ResourceKind;
import io.wsbackup.workspace.TestWorkspaces;
import io.wsbackup.workspace.Workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The drill side of the aws adapter: the volumes and file systems a restore created are
 * checked and deleted, and nothing else is deleted, against moto and the AWS Backup
 * simulator with the real SDK clients.
 */
class AwsRestoredResourcesTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static AwsTestEnvironment aws;

	private final Workspace workspace = TestWorkspaces.withStorage(List.of(), null);

	private final String vault = workspace.vaultName();

	private final Map<String, String> tags = Map.of("workspaceCrn", workspace.crn().toString(), "backupCrn",
			Crn.newBackup(workspace.crn()).toString());

	private AwsCloud cloud;

	@BeforeAll
	static void startAws() {
		aws = new AwsTestEnvironment(Duration.ofMillis(200));
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
		cloud = aws.cloud();
		cloud.ensureVault(vault, tags);
	}

	@Test
	void aRestoredVolumeIsSoundAndCarriesTheTagsItsDeleteRequires() {
		String recoveryPoint = recoveryPointOf(new ProtectedResource(ResourceKind.VOLUME, aws.newVolume()));

		ProtectedResource restored = restore(recoveryPoint, ResourceKind.VOLUME);

		assertThat(restored.id()).startsWith("vol-");
		assertThat(cloud.verifyRestored(restored, vault, recoveryPoint, 64L << 20)).isEmpty();
		assertThat(cloud.verifyRestored(restored, vault, recoveryPoint, null)).isEmpty();
		assertThat(volumeTags(restored.id())).contains(Tag.builder().key("managedBy").value("wsbackup").build(),
				Tag.builder().key("restoredFrom").value(recoveryPoint).build());
	}

	@Test
	void aRestoredVolumeSmallerThanTheRecoveryPointIsAProblem() {
		String recoveryPoint = recoveryPointOf(new ProtectedResource(ResourceKind.VOLUME, aws.newVolume()));
		ProtectedResource restored = restore(recoveryPoint, ResourceKind.VOLUME);

		assertThat(cloud.verifyRestored(restored, vault, recoveryPoint, 100L << 30)).singleElement()
			.asString()
			.contains("restored volume " + restored.id(), recoveryPoint, "8 GiB", "100 GiB");
	}

	@Test
	void aRestoredVolumeDeletedBehindTheAdaptersBackIsReportedMissingNamingItAndTheRecoveryPoint() {
		String recoveryPoint = recoveryPointOf(new ProtectedResource(ResourceKind.VOLUME, aws.newVolume()));
		ProtectedResource restored = restore(recoveryPoint, ResourceKind.VOLUME);

		aws.ec2.deleteVolume((r) -> r.volumeId(restored.id()));

		assertThat(cloud.verifyRestored(restored, vault, recoveryPoint, 64L << 20)).singleElement()
			.asString()
			.contains("restored volume " + restored.id(), recoveryPoint, vault, "does not exist");
	}

	@Test
	void deleteRestoredDeletesTheRestoredVolumeAndDeletingItAgainSucceeds() {
		ProtectedResource source = new ProtectedResource(ResourceKind.VOLUME, aws.newVolume());
		String recoveryPoint = recoveryPointOf(source);
		ProtectedResource restored = restore(recoveryPoint, ResourceKind.VOLUME);

		cloud.deleteRestored(restored);

		assertThatThrownBy(() -> aws.ec2.describeVolumes((r) -> r.volumeIds(restored.id()))).isInstanceOfSatisfying(
				AwsServiceException.class,
				(ex) -> assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("InvalidVolume.NotFound"));
		cloud.deleteRestored(restored);
		assertThat(aws.ec2.describeVolumes((r) -> r.volumeIds(source.id())).volumes()).as("the source stays")
			.hasSize(1);
	}

	@Test
	void deleteRestoredRefusesAVolumeAWorkspacesRestoreCreatedAndLeavesIt() {
		ProtectedResource source = new ProtectedResource(ResourceKind.VOLUME, aws.newVolume());
		ProtectedResource restored = restore(recoveryPointOf(source), ResourceKind.VOLUME,
				Map.of("workspaceCrn", workspace.crn().toString()));

		assertThatThrownBy(() -> cloud.deleteRestored(restored))
			.isInstanceOfSatisfying(CloudException.class, (ex) -> assertThat(ex.isRetryable()).isFalse())
			.hasMessageContaining("refusing to delete restored volume " + restored.id())
			.hasMessageContaining(RestoreRequest.DRILL_TAG);
		assertThat(aws.ec2.describeVolumes((r) -> r.volumeIds(restored.id())).volumes())
			.as("a restored workspace's own volume stays")
			.hasSize(1);
	}

	@Test
	void deleteRestoredRefusesAVolumeNoRestoreCreatedAndLeavesIt() {
		String untagged = aws.newVolume();
		String managedOnly = aws.newVolume();
		aws.ec2
			.createTags((r) -> r.resources(managedOnly).tags(Tag.builder().key("managedBy").value("wsbackup").build()));

		for (String volumeId : List.of(untagged, managedOnly)) {
			assertThatThrownBy(() -> cloud.deleteRestored(new ProtectedResource(ResourceKind.VOLUME, volumeId)))
				.isInstanceOfSatisfying(CloudException.class, (ex) -> assertThat(ex.isRetryable()).isFalse())
				.hasMessageContaining("refusing to delete restored volume " + volumeId)
				.hasMessageContaining("restoredFrom");
			assertThat(aws.ec2.describeVolumes((r) -> r.volumeIds(volumeId)).volumes()).hasSize(1);
		}
	}

	@Test
	void aRestoredFileSystemIsSoundAndDeleteRestoredDeletesItWithItsMountTargets() {
		String recoveryPoint = recoveryPointOf(
				new ProtectedResource(ResourceKind.FILE_SYSTEM, aws.newFileSystem("projects-" + UUID.randomUUID())));
		ProtectedResource restored = restore(recoveryPoint, ResourceKind.FILE_SYSTEM);
		assertThat(restored.id()).startsWith("fs-");
		assertThat(cloud.verifyRestored(restored, vault, recoveryPoint, 64L << 20)).isEmpty();
		String vpc = aws.ec2.createVpc((r) -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
		String subnet = aws.ec2
			.createSubnet(
					(r) -> r.vpcId(vpc).cidrBlock("10.0.1.0/24").availabilityZone(AwsTestEnvironment.REGION + "a"))
			.subnet()
			.subnetId();
		aws.efs.createMountTarget((r) -> r.fileSystemId(restored.id()).subnetId(subnet));
		assertThat(aws.efs.describeMountTargets((r) -> r.fileSystemId(restored.id())).mountTargets()).hasSize(1);

		cloud.deleteRestored(restored);

		assertThatThrownBy(() -> aws.efs.describeFileSystems((r) -> r.fileSystemId(restored.id())))
			.isInstanceOfSatisfying(AwsServiceException.class,
					(ex) -> assertThat(ex.awsErrorDetails().errorCode()).isEqualTo("FileSystemNotFound"));
		assertThat(cloud.verifyRestored(restored, vault, recoveryPoint, null)).singleElement()
			.asString()
			.contains("restored file system " + restored.id(), recoveryPoint, "does not exist");
		cloud.deleteRestored(restored);
	}

	@Test
	void deleteRestoredRefusesAFileSystemNoRestoreCreatedAndLeavesIt() {
		String fileSystem = aws.newFileSystem("projects-" + UUID.randomUUID());

		assertThatThrownBy(() -> cloud.deleteRestored(new ProtectedResource(ResourceKind.FILE_SYSTEM, fileSystem)))
			.isInstanceOfSatisfying(CloudException.class, (ex) -> assertThat(ex.isRetryable()).isFalse())
			.hasMessageContaining("refusing to delete restored file system " + fileSystem);
		assertThat(aws.efs.describeFileSystems((r) -> r.fileSystemId(fileSystem)).fileSystems()).hasSize(1);
	}

	@Test
	void throttlingAndServerErrorsOfEc2AndEfsAreRetryableCloudExceptionsNotProblems() throws IOException {
		HttpServer failing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		failing.createContext("/", (exchange) -> {
			exchange.getRequestBody().readAllBytes();
			boolean ec2 = exchange.getRequestURI().getPath().equals("/");
			byte[] body = (ec2
					? "<Response><Errors><Error><Code>RequestLimitExceeded</Code>"
							+ "<Message>Request limit exceeded.</Message></Error></Errors></Response>"
					: "{\"ErrorCode\":\"InternalServerError\",\"Message\":\"try later\"}")
				.getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(ec2 ? 503 : 500, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		failing.start();
		URI endpoint = URI.create("http://127.0.0.1:" + failing.getAddress().getPort());
		var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
		RetryStrategy retry = AwsCloudConfiguration.retryStrategy(2, Duration.ofMillis(10), Duration.ofMillis(20));
		try (Ec2Client ec2 = AwsCloudConfiguration
			.configure(Ec2Client.builder(), Region.of(AwsTestEnvironment.REGION), credentials, endpoint, retry)
			.build();
				EfsClient efs = AwsCloudConfiguration
					.configure(EfsClient.builder(), Region.of(AwsTestEnvironment.REGION), credentials, endpoint, retry)
					.build()) {
			AwsCloud throttled = new AwsCloud(aws.backup, ec2, efs, aws.sts, aws.iam, new AwsCloud.Settings(
					AwsTestEnvironment.REGION, AwsTestEnvironment.ROLE, null, "wsbackup:in-use", "true"));
			ProtectedResource volume = new ProtectedResource(ResourceKind.VOLUME, "vol-0123456789abcdef0");
			ProtectedResource fileSystem = new ProtectedResource(ResourceKind.FILE_SYSTEM, "fs-01234567");

			for (ProtectedResource restored : List.of(volume, fileSystem)) {
				assertThatThrownBy(() -> throttled.verifyRestored(restored, vault, "rp", null)).as(restored.id())
					.isInstanceOfSatisfying(CloudException.class, (ex) -> assertThat(ex.isRetryable()).isTrue())
					.hasMessageContaining(restored.id());
				assertThatThrownBy(() -> throttled.deleteRestored(restored)).as(restored.id())
					.isInstanceOfSatisfying(CloudException.class, (ex) -> assertThat(ex.isRetryable()).isTrue());
			}
			throttled.close();
		}
		finally {
			failing.stop(0);
		}
	}

	private String recoveryPointOf(ProtectedResource resource) {
		String jobId = cloud
			.startSnapshot(new SnapshotRequest(vault, resource, "t-" + resource.id(), tags, Duration.ofHours(1)));
		SnapshotProgress done = await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> cloud.snapshotProgress(jobId), (p) -> p.state().isTerminal());
		assertThat(done.state()).as(done.message()).isEqualTo(CloudJobState.COMPLETED);
		return done.recoveryPointId();
	}

	/** A drill's restore (tagged as one): only what it creates is ever deleted. */
	private ProtectedResource restore(String recoveryPoint, ResourceKind kind) {
		return restore(recoveryPoint, kind, Map.of("workspaceCrn", workspace.crn().toString(), RestoreRequest.DRILL_TAG,
				"crn:cdp:ml:us-west-2:123456789012:workspace_backup:b1"));
	}

	private ProtectedResource restore(String recoveryPoint, ResourceKind kind, Map<String, String> tags) {
		String jobId = cloud
			.startRestore(new RestoreRequest(vault, recoveryPoint, kind, "r-" + UUID.randomUUID(), tags));
		RestoreProgress done = await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> cloud.restoreProgress(jobId), (p) -> p.state().isTerminal());
		assertThat(done.state()).as(done.message()).isEqualTo(CloudJobState.COMPLETED);
		return new ProtectedResource(kind, done.createdResourceId());
	}

	private List<Tag> volumeTags(String volumeId) {
		return aws.ec2.describeVolumes((r) -> r.volumeIds(volumeId)).volumes().get(0).tags();
	}

}
