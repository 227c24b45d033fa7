package io.wsbackup;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.backup.BackupClient;
import software.amazon.awssdk.services.backup.model.RecoveryPointByBackupVault;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.efs.EfsClient;
import software.amazon.awssdk.services.efs.model.FileSystemDescription;
import software.amazon.awssdk.services.iam.IamClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.wsbackup.cloud.aws.MotoServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's "aws mode on one machine", end to end: moto, the AWS Backup simulator
 * started with {@code ./wsbackup aws-simulator} and the packaged runner in aws mode on
 * the embedded store, driven through the {@code ./wsbackup} script as an operator would.
 * A workspace with two EBS volumes and an EFS file system created in moto is backed up
 * into three recovery points, restored into a new workspace whose storage is new
 * resources in moto, and the backup deleted from the catalog and the simulator's vault.
 *
 * <p>
 * moto is found as by the aws tests ({@link MotoServer}); without it this test fails
 * saying how to install it.
 */
class AwsModeIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Path SCRIPT = Path.of("wsbackup").toAbsolutePath();

	private static final String REGION = "us-west-1";

	private static final String ACCOUNT = "123456789012";

	/** The simulator's backup and restore jobs take this long. */
	private static final int JOB_SECONDS = 3;

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@TempDir
	Path dataDir;

	@TempDir
	Path work;

	private MotoServer moto;

	private Process simulator;

	private Process runner;

	private String simulatorEndpoint;

	private String endpoint;

	private final List<AutoCloseable> clients = new ArrayList<>();

	@AfterEach
	void stopEverything() throws Exception {
		for (AutoCloseable client : clients) {
			client.close();
		}
		for (Process process : new Process[] { runner, simulator }) {
			if (process != null) {
				process.destroy();
				if (!process.waitFor(30, TimeUnit.SECONDS)) {
					process.destroyForcibly();
				}
			}
		}
		if (moto != null) {
			moto.close();
		}
	}

	@Test
	void backsUpRestoresAndDeletesAWorkspaceOfTwoVolumesAndAFileSystemThroughTheSimulator() throws Exception {
		long begin = System.nanoTime();
		moto = MotoServer.start();
		startSimulator();
		startRunner();
		long ready = System.nanoTime();

		var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
		Ec2Client ec2 = client(Ec2Client.builder()
			.region(Region.of(REGION))
			.credentialsProvider(credentials)
			.endpointOverride(moto.endpoint())
			.build());
		EfsClient efs = client(EfsClient.builder()
			.region(Region.of(REGION))
			.credentialsProvider(credentials)
			.endpointOverride(moto.endpoint())
			.build());
		BackupClient vaults = client(BackupClient.builder()
			.region(Region.of(REGION))
			.credentialsProvider(credentials)
			.endpointOverride(URI.create(simulatorEndpoint))
			.build());
		// the role AWS Backup assumes, as docs/aws/backup-role-trust-policy.json
		String trust = Files.readString(Path.of("docs", "aws", "backup-role-trust-policy.json"));
		try (IamClient iam = IamClient.builder()
			.region(Region.of(REGION))
			.credentialsProvider(credentials)
			.endpointOverride(moto.endpoint())
			.build()) {
			iam.createRole((r) -> r.roleName("wsbackup-aws-backup").assumeRolePolicyDocument(trust));
		}
		// of different sizes, so that which restored volume came from which shows
		String v1 = ec2.createVolume((r) -> r.availabilityZone(REGION + "a").size(8)).volumeId();
		String v2 = ec2.createVolume((r) -> r.availabilityZone(REGION + "b").size(16)).volumeId();
		String fs = efs.createFileSystem((r) -> r.creationToken("projects")).fileSystemId();

		var register = wsbackup("register-workspace", "--workspace-name", "analytics", "--environment-name", "prod",
				"--account-id", ACCOUNT, "--region", REGION, "--volumes", v1, "--volumes", v2, "--shared-file-system",
				fs);
		assertThat(register.exit()).as(register.toString()).isZero();
		JsonNode workspace = JSON.readTree(register.stdout()).path("workspace");
		String crn = workspace.path("workspaceCrn").asString();
		String vault = workspace.path("vaultName").asString();

		var prerequisites = wsbackup("check-prerequisites", "--workspace-crn", crn);
		assertThat(prerequisites.exit()).as(prerequisites.toString()).isZero();
		assertThat(JSON.readTree(prerequisites.stdout()).path("ok").asBoolean()).as(prerequisites.toString()).isTrue();
		assertThat(JSON.readTree(prerequisites.stdout()).path("missing").size()).isZero();

		// backup
		long backupBegin = System.nanoTime();
		var backup = wsbackup("backup-workspace", "--workspace-crn", crn, "--backup-name", "first", "--wait",
				"--poll-seconds", "0.5");
		long backupSeconds = seconds(backupBegin);
		assertThat(backup.exit()).as(backup.toString()).isZero();
		assertThat(backup.stderr()).as("progress while waiting").contains("awaitRecoveryPoints").contains("succeeded");
		String backupCrn = JSON.readTree(backup.stdout()).path("backupCrn").asString();
		assertThat(JSON.readTree(backup.stdout()).path("vaultName").asString()).isEqualTo(vault);

		JsonNode described = JSON.readTree(wsbackup("describe-workspace-backup", "--backup-crn", backupCrn).stdout())
			.path("backup");
		assertThat(described.path("backupStatus").asString()).as(described.toString()).isEqualTo("succeeded");
		JsonNode points = described.path("recoveryPoints");
		assertThat(points.valueStream().map((p) -> p.path("resourceId").asString())).containsExactlyInAnyOrder(v1, v2,
				fs);
		// the restore lists the restored volumes in the catalog's order of the recovery
		// points
		List<String> volumeOrigins = points.valueStream()
			.filter((p) -> p.path("resourceKind").asString().equals("volume"))
			.map((p) -> p.path("resourceId").asString())
			.toList();
		assertThat(points.valueStream().map((p) -> p.path("recoveryPointId").asString()))
			.containsExactlyInAnyOrderElementsOf(recoveryPointsIn(vaults, vault));
		assertThat(simulatorJobs()).hasSize(3)
			.allSatisfy((job) -> assertThat(job.path("State").asString()).isEqualTo("COMPLETED"));
		assertThat(status(crn)).isEqualTo("installation:finished");

		// restore
		long restoreBegin = System.nanoTime();
		var restore = wsbackup("restore-workspace", "--cli-input-json",
				"""
						{"backupCrn": "%s", "newWorkspaceParameters": {"environmentName": "prod", "workspaceName": "analytics-restored"}}
						"""
					.formatted(backupCrn),
				"--wait", "--poll-seconds", "0.5");
		long restoreSeconds = seconds(restoreBegin);
		assertThat(restore.exit()).as(restore.toString()).isZero();
		String restoredCrn = JSON.readTree(restore.stdout()).path("workspaceCrn").asString();
		assertThat(restoredCrn).isNotEqualTo(crn);
		JsonNode restored = JSON.readTree(wsbackup("describe-workspace", "--workspace-crn", restoredCrn).stdout())
			.path("workspace");
		assertThat(restored.path("workspaceStatus").asString()).as(restored.toString())
			.isEqualTo("installation:finished");
		assertThat(restored.path("restoredFromBackupCrn").asString()).isEqualTo(backupCrn);
		List<String> newVolumes = restored.path("storage")
			.path("volumes")
			.valueStream()
			.map(JsonNode::asString)
			.toList();
		String newFileSystem = restored.path("storage").path("sharedFileSystem").asString();
		assertThat(newVolumes).as("new volumes").hasSize(2).doesNotHaveDuplicates().doesNotContain(v1, v2);
		assertThat(newFileSystem).as("a new file system").startsWith("fs-").isNotEqualTo(fs);
		Map<String, Volume> inMoto = ec2.describeVolumes((r) -> r.volumeIds(newVolumes))
			.volumes()
			.stream()
			.collect(Collectors.toMap(Volume::volumeId, (v) -> v));
		assertThat(inMoto).as("the restored volumes exist in moto").containsOnlyKeys(newVolumes);
		Map<String, Volume> originals = ec2.describeVolumes((r) -> r.volumeIds(v1, v2))
			.volumes()
			.stream()
			.collect(Collectors.toMap(Volume::volumeId, (v) -> v));
		for (int i = 0; i < 2; i++) {
			Volume original = originals.get(volumeOrigins.get(i));
			Volume copy = inMoto.get(newVolumes.get(i));
			assertThat(copy.size()).as("%s restored from %s", copy.volumeId(), original.volumeId())
				.isEqualTo(original.size());
			assertThat(copy.availabilityZone()).as("%s restored from %s", copy.volumeId(), original.volumeId())
				.isEqualTo(original.availabilityZone());
			assertThat(copy.tags().stream().collect(Collectors.toMap((t) -> t.key(), (t) -> t.value())))
				.as("tags of %s", copy.volumeId())
				.containsEntry("workspaceCrn", restoredCrn)
				.containsEntry("backupCrn", backupCrn)
				.doesNotContainKey("wsbackup:in-use");
		}
		assertThat(efs.listTagsForResource((r) -> r.resourceId(newFileSystem))
			.tags()
			.stream()
			.collect(Collectors.toMap((t) -> t.key(), (t) -> t.value()))).as("tags of %s", newFileSystem)
			.containsEntry("workspaceCrn", restoredCrn)
			.containsEntry("backupCrn", backupCrn)
			.doesNotContainKey("wsbackup:in-use");
		assertThat(efs.describeFileSystems((r) -> r.fileSystemId(newFileSystem)).fileSystems())
			.as("the restored file system exists in moto")
			.extracting(FileSystemDescription::fileSystemId)
			.containsExactly(newFileSystem);
		assertThat(status(crn)).as("the original workspace is untouched").isEqualTo("installation:finished");

		// delete
		long deleteBegin = System.nanoTime();
		var delete = wsbackup("delete-backup", "--backup-crn", backupCrn);
		assertThat(delete.exit()).as(delete.toString()).isZero();
		assertThat(JSON.readTree(delete.stdout()).path("workflowId").asString()).isNotBlank();
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> wsbackup("describe-workspace-backup", "--backup-crn", backupCrn).exit() == 1);
		long deleteSeconds = seconds(deleteBegin);
		var gone = wsbackup("describe-workspace-backup", "--backup-crn", backupCrn);
		assertThat(JSON.readTree(gone.stdout()).path("code").asString()).as(gone.toString()).isEqualTo("NOT_FOUND");
		assertThat(JSON.readTree(wsbackup("list-workspace-backups", "--workspace-crn", crn).stdout())
			.path("backups")
			.size()).as("the backup left the catalog").isZero();
		assertThat(recoveryPointsIn(vaults, vault)).as("its recovery points are gone from the simulator's vault")
			.isEmpty();

		System.out.printf(
				"AwsModeIT: moto, simulator and runner up in %d s; backup %d s, restore %d s, delete %d s;"
						+ " %d s in all%n",
				(ready - begin) / 1_000_000_000, backupSeconds, restoreSeconds, deleteSeconds, seconds(begin));
	}

	private static List<String> recoveryPointsIn(BackupClient vaults, String vault) {
		return vaults.listRecoveryPointsByBackupVault((r) -> r.backupVaultName(vault))
			.recoveryPoints()
			.stream()
			.map(RecoveryPointByBackupVault::recoveryPointArn)
			.toList();
	}

	private List<JsonNode> simulatorJobs() throws Exception {
		String body = HTTP
			.send(HttpRequest.newBuilder(URI.create(simulatorEndpoint + "/simulator/jobs")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
		return JSON.readTree(body).path("BackupJobs").valueStream().toList();
	}

	private String status(String crn) throws Exception {
		return JSON.readTree(wsbackup("describe-workspace", "--workspace-crn", crn).stdout())
			.path("workspace")
			.path("workspaceStatus")
			.asString();
	}

	private <T extends AutoCloseable> T client(T client) {
		clients.add(client);
		return client;
	}

	private static long seconds(long since) {
		return (System.nanoTime() - since) / 1_000_000_000;
	}

	/** {@code ./wsbackup aws-simulator}, as the README starts it. */
	private void startSimulator() throws Exception {
		int port = PackagedRunner.freePort();
		Path log = work.resolve("simulator.log");
		simulator = new ProcessBuilder(SCRIPT.toString(), "aws-simulator", "--port", String.valueOf(port),
				"--moto-endpoint", moto.endpoint().toString(), "--job-seconds", String.valueOf(JOB_SECONDS))
			.directory(work.toFile())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		simulatorEndpoint = "http://127.0.0.1:" + port;
		PackagedRunner.awaitAnswer(simulator, log, simulatorEndpoint + "/simulator/jobs", "BackupJobs");
	}

	/**
	 * The packaged runner in aws mode on the embedded store, with the README's settings
	 * and a short polling interval.
	 */
	private void startRunner() throws Exception {
		int port = PackagedRunner.freePort();
		String motoUrl = moto.endpoint().toString();
		endpoint = "http://127.0.0.1:" + port;
		runner = PackagedRunner.start(work, port,
				java.util.Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test"),
				"--wsbackup.data-dir=" + dataDir, "--wsbackup.demo.enabled=false", "--wsbackup.cloud.provider=aws",
				"--wsbackup.cloud.aws.region=" + REGION,
				"--wsbackup.cloud.aws.iam-role-arn=arn:aws:iam::" + ACCOUNT + ":role/wsbackup-aws-backup",
				"--wsbackup.cloud.aws.backup-endpoint=" + simulatorEndpoint,
				"--wsbackup.cloud.aws.ec2-endpoint=" + motoUrl, "--wsbackup.cloud.aws.efs-endpoint=" + motoUrl,
				"--wsbackup.cloud.aws.sts-endpoint=" + motoUrl, "--wsbackup.cloud.aws.iam-endpoint=" + motoUrl,
				"--wsbackup.backup.poll-initial-interval=200ms", "--wsbackup.backup.poll-max-interval=1s");
	}

	private PackagedRunner.Script wsbackup(String... args) throws Exception {
		return PackagedRunner.script(work, endpoint, PackagedRunner.adminTokenVariable(dataDir), args);
	}

}
