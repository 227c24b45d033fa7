package io.wsbackup.cloud.aws;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.backup.model.BackupJob;
import software.amazon.awssdk.services.backup.model.ListBackupJobsResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.cloud.RestoreRequest;
import io.wsbackup.cloud.SnapshotProgress;
import io.wsbackup.cloud.SnapshotRequest;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ResourceKind;
import io.wsbackup.workspace.TestWorkspaces;
import io.wsbackup.workspace.Workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The AWS Backup simulator checked against AWS's own service model: botocore's
 * {@code backup} {@code service-2.json}, installed with moto in the Python that
 * {@code WSBACKUP_TEST_MOTO_PYTHON} names (found through that Python, never a fixed
 * path). Every answer of every operation the adapter uses is validated against the
 * operation's output shape (member names, types, enums, required members), every error
 * against the operation's error list; and the list calls page and filter as the model
 * says.
 */
class AwsSimulatorModelTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Errors AWS may answer to any operation (not listed per operation in the model). */
	private static final Set<String> COMMON_ERRORS = Set.of("ThrottlingException", "AccessDeniedException",
			"ServiceUnavailableException");

	private static AwsTestEnvironment aws;

	private static JsonNode model;

	private final HttpClient http = HttpClient.newHttpClient();

	private final Workspace workspace = TestWorkspaces.withStorage(List.of(), null);

	private final String vault = workspace.vaultName();

	private final Map<String, String> tags = Map.of("workspaceCrn", workspace.crn().toString(), "backupCrn",
			Crn.newBackup(workspace.crn()).toString());

	@BeforeAll
	static void startAws() throws Exception {
		model = loadModel();
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
		aws.cloud().ensureVault(vault, tags);
	}

	@Test
	void everyAnswerTheAdapterReadsHasTheShapeOfTheModel() throws Exception {
		String volume = aws.newVolume();
		SnapshotProgress backedUp = backUp(new ProtectedResource(ResourceKind.VOLUME, volume));
		SnapshotProgress fs = backUp(new ProtectedResource(ResourceKind.FILE_SYSTEM, aws.newFileSystem("m-1")));
		String point = backedUp.recoveryPointId();
		String restore = aws.cloud()
			.startRestore(new RestoreRequest(vault, point, ResourceKind.VOLUME, "r-" + UUID.randomUUID(), Map.of()));
		String vaultPath = "/backup-vaults/" + encode(vault);
		String pointPath = vaultPath + "/recovery-points/" + encode(point);

		List<String> problems = new ArrayList<>();
		problems.addAll(check("DescribeBackupJob", "GET", "/backup-jobs/" + backedUp.jobId(), null));
		problems.addAll(check("DescribeBackupJob", "GET", "/backup-jobs/" + fs.jobId(), null));
		problems.addAll(check("ListBackupJobs", "GET", "/backup-jobs/?maxResults=1", null));
		problems.addAll(check("ListRecoveryPointsByBackupVault", "GET", vaultPath + "/recovery-points/", null));
		problems.addAll(check("DescribeRecoveryPoint", "GET", pointPath, null));
		problems.addAll(check("GetRecoveryPointRestoreMetadata", "GET", pointPath + "/restore-metadata", null));
		problems.addAll(check("DescribeRestoreJob", "GET", "/restore-jobs/" + restore, null));
		problems.addAll(check("ListRestoreJobs", "GET", "/restore-jobs/?status=RUNNING", null));
		problems.addAll(check("DescribeRegionSettings", "GET", "/account-settings", null));
		problems.addAll(check("StartBackupJob", "PUT", "/backup-jobs", """
				{"BackupVaultName": "%s", "ResourceArn": "arn:aws:ec2:us-west-1:123456789012:volume/%s",
				 "IamRoleArn": "%s", "IdempotencyToken": "model-1", "StartWindowMinutes": 60}""".formatted(vault,
				aws.newVolume(), AwsTestEnvironment.ROLE)));
		problems.addAll(check("StartRestoreJob", "PUT", "/restore-jobs", """
				{"RecoveryPointArn": "%s", "IamRoleArn": "%s", "Metadata": {"availabilityZone": "us-west-1a"}}"""
			.formatted(fs.recoveryPointId().replace("\"", ""), AwsTestEnvironment.ROLE)));

		assertThat(problems).isEmpty();
	}

	@Test
	void refusalsUseTheErrorTypesTheModelListsForTheOperation() throws Exception {
		String point = backUp(new ProtectedResource(ResourceKind.VOLUME, aws.newVolume())).recoveryPointId();
		String pointPath = "/backup-vaults/" + encode(vault) + "/recovery-points/" + encode(point);
		aws.simulator.hold();
		aws.cloud().startRestore(new RestoreRequest(vault, point, ResourceKind.VOLUME, "r-1", Map.of()));

		assertThat(errorOf("ListBackupJobs", "GET", "/backup-jobs/?maxResults=0", null))
			.isEqualTo("InvalidParameterValueException");
		assertThat(errorOf("ListBackupJobs", "GET", "/backup-jobs/?maxResults=1001", null))
			.isEqualTo("InvalidParameterValueException");
		assertThat(errorOf("ListBackupJobs", "GET", "/backup-jobs/?state=DONE", null))
			.isEqualTo("InvalidParameterValueException");
		assertThat(errorOf("ListRecoveryPointsByBackupVault", "GET",
				"/backup-vaults/" + encode(vault) + "/recovery-points/?nextToken=not-a-token", null))
			.isEqualTo("InvalidParameterValueException");
		assertThat(errorOf("StartBackupJob", "PUT", "/backup-jobs", """
				{"BackupVaultName": "%s", "ResourceArn": "arn:aws:ec2:us-west-1:123456789012:volume/%s",
				 "IamRoleArn": "%s", "StartWindowMinutes": 59}""".formatted(vault, aws.newVolume(),
				AwsTestEnvironment.ROLE)))
			.isEqualTo("InvalidParameterValueException");
		assertThat(errorOf("StartBackupJob", "PUT", "/backup-jobs", "{\"BackupVaultName\": \"" + vault + "\"}"))
			.isEqualTo("MissingParameterValueException");
		assertThat(errorOf("StartRestoreJob", "PUT", "/restore-jobs",
				"{\"RecoveryPointArn\": \"" + point + "\", \"IamRoleArn\": \"" + AwsTestEnvironment.ROLE + "\"}"))
			.isEqualTo("MissingParameterValueException");
		assertThat(errorOf("DeleteRecoveryPoint", "DELETE", pointPath, null))
			.isEqualTo("InvalidResourceStateException");
		assertThat(errorOf("DescribeBackupJob", "GET", "/backup-jobs/no-such-job", null))
			.isEqualTo("ResourceNotFoundException");
		aws.simulator.release();
	}

	@Test
	void listCallsPageByMaxResultsAndNextTokenAndHonourTheirFilters() {
		backUp(new ProtectedResource(ResourceKind.VOLUME, aws.newVolume()));
		backUp(new ProtectedResource(ResourceKind.VOLUME, aws.newVolume()));
		SnapshotProgress fs = backUp(new ProtectedResource(ResourceKind.FILE_SYSTEM, aws.newFileSystem("m-2")));

		ListBackupJobsResponse first = aws.backup.listBackupJobs((r) -> r.maxResults(2));
		ListBackupJobsResponse second = aws.backup.listBackupJobs((r) -> r.maxResults(2).nextToken(first.nextToken()));

		assertThat(first.backupJobs()).hasSize(2);
		assertThat(first.nextToken()).isNotNull();
		assertThat(second.backupJobs()).hasSize(1);
		assertThat(second.nextToken()).isNull();
		Set<String> ids = new HashSet<>();
		Stream.concat(first.backupJobs().stream(), second.backupJobs().stream())
			.map(BackupJob::backupJobId)
			.forEach(ids::add);
		assertThat(ids).hasSize(3);
		assertThat(aws.backup.listBackupJobsPaginator((r) -> r.maxResults(1)).backupJobs()).hasSize(3);
		assertThat(aws.backup.listBackupJobs((r) -> r.byResourceType("EFS")).backupJobs()).singleElement()
			.satisfies((j) -> assertThat(j.backupJobId()).isEqualTo(fs.jobId()));
		assertThat(aws.backup.listBackupJobs((r) -> r.byState("RUNNING")).backupJobs()).isEmpty();
		assertThat(aws.backup.listBackupJobs((r) -> r.byState("COMPLETED")).backupJobs()).hasSize(3);
		assertThat(aws.backup
			.listRecoveryPointsByBackupVault((r) -> r.backupVaultName(vault)
				.byResourceArn("arn:aws:elasticfilesystem:us-west-1:123456789012:file-system/" + fsId(fs)))
			.recoveryPoints()).singleElement()
			.satisfies((p) -> assertThat(p.recoveryPointArn()).isEqualTo(fs.recoveryPointId()));
		assertThat(aws.backup.listRecoveryPointsByBackupVaultPaginator((r) -> r.backupVaultName(vault).maxResults(1))
			.recoveryPoints()).hasSize(3);
		assertThat(aws.cloud().listRecoveryPoints(vault)).as("the adapter follows the pages").hasSize(3);
	}

	@Test
	void theCheckCatchesAnAnswerOutsideTheModel() {
		List<String> problems = new ArrayList<>();

		validate(JSON.readTree("""
				{"BackupJobId": "1", "State": "DONE", "PercentDone": 5, "CreationDate": "yesterday", "Colour": "red",
				 "RecoveryPointLifecycle": {"DeleteAfterDays": "soon"}}"""), "DescribeBackupJobOutput", "answer",
				problems);

		assertThat(problems).containsExactlyInAnyOrder("answer.State: 'DONE' is not one of " + enumOf("BackupJobState"),
				"answer.PercentDone: expected a string (string), got 5",
				"answer.CreationDate: expected epoch seconds (timestamp), got \"yesterday\"",
				"answer.Colour: not a member of DescribeBackupJobOutput",
				"answer.RecoveryPointLifecycle.DeleteAfterDays: expected an integer (Long), got \"soon\"");
	}

	private static Set<String> enumOf(String shape) {
		Set<String> values = new HashSet<>();
		model.path("shapes").path(shape).path("enum").forEach((e) -> values.add(e.asString()));
		return values;
	}

	// ---- checking against the model

	/** Sends a request and returns what in its answer does not fit the model. */
	private List<String> check(String operation, String method, String path, String body) throws Exception {
		HttpResponse<String> response = send(method, path, body);
		List<String> problems = new ArrayList<>();
		if (response.statusCode() != 200) {
			problems.add(operation + " answered " + response.statusCode() + ": " + response.body());
			return problems;
		}
		JsonNode output = model.path("operations").path(operation).path("output").path("shape");
		if (output.isMissingNode()) {
			return problems;
		}
		validate(JSON.readTree(response.body().isEmpty() ? "{}" : response.body()), output.asString(), operation,
				problems);
		return problems;
	}

	/** The error type of a refused request, checked to be one the model lists. */
	private String errorOf(String operation, String method, String path, String body) throws Exception {
		HttpResponse<String> response = send(method, path, body);
		assertThat(response.statusCode()).as(operation + " " + path).isBetween(400, 599);
		String type = response.headers().firstValue("x-amzn-ErrorType").orElse("").split(":")[0];
		Set<String> listed = new HashSet<>(COMMON_ERRORS);
		model.path("operations").path(operation).path("errors").forEach((e) -> listed.add(e.path("shape").asString()));
		assertThat(listed).as("errors of " + operation + " in the model").contains(type);
		JsonNode error = JSON.readTree(response.body());
		assertThat(error.path("Message").asString()).as("the refusal says why").isNotBlank();
		return type;
	}

	private void validate(JsonNode value, String shapeName, String where, List<String> problems) {
		JsonNode shape = model.path("shapes").path(shapeName);
		String type = shape.path("type").asString();
		switch (type) {
			case "structure" -> {
				if (!value.isObject()) {
					problems.add(where + ": expected an object (" + shapeName + "), got " + value);
					return;
				}
				JsonNode members = shape.path("members");
				for (String name : value.propertyNames()) {
					JsonNode member = members.path(name);
					if (member.isMissingNode()) {
						problems.add(where + "." + name + ": not a member of " + shapeName);
						continue;
					}
					validate(value.get(name), member.path("shape").asString(), where + "." + name, problems);
				}
				for (JsonNode required : shape.path("required")) {
					if (!members.path(required.asString()).has("location") && !value.has(required.asString())) {
						problems.add(where + "." + required.asString() + ": required by " + shapeName + " but absent");
					}
				}
			}
			case "list" -> {
				if (!value.isArray()) {
					problems.add(where + ": expected a list (" + shapeName + ")");
					return;
				}
				for (int i = 0; i < value.size(); i++) {
					validate(value.get(i), shape.path("member").path("shape").asString(), where + "[" + i + "]",
							problems);
				}
			}
			case "map" -> {
				if (!value.isObject()) {
					problems.add(where + ": expected a map (" + shapeName + ")");
					return;
				}
				for (String key : value.propertyNames()) {
					validate(value.get(key), shape.path("value").path("shape").asString(), where + "[" + key + "]",
							problems);
				}
			}
			case "string" -> {
				if (!value.isString()) {
					problems.add(where + ": expected a string (" + shapeName + "), got " + value);
				}
				else if (shape.has("enum")) {
					Set<String> allowed = new HashSet<>();
					shape.path("enum").forEach((e) -> allowed.add(e.asString()));
					if (!allowed.contains(value.asString())) {
						problems.add(where + ": '" + value.asString() + "' is not one of " + allowed);
					}
				}
			}
			case "integer", "long" -> {
				if (!value.isIntegralNumber()) {
					problems.add(where + ": expected an integer (" + shapeName + "), got " + value);
				}
			}
			case "double", "float" -> {
				if (!value.isNumber()) {
					problems.add(where + ": expected a number (" + shapeName + "), got " + value);
				}
			}
			case "boolean" -> {
				if (!value.isBoolean()) {
					problems.add(where + ": expected a boolean (" + shapeName + "), got " + value);
				}
			}
			case "timestamp" -> {
				if (!value.isNumber()) {
					problems.add(where + ": expected epoch seconds (" + shapeName + "), got " + value);
				}
			}
			default -> problems.add(where + ": shape " + shapeName + " of type '" + type + "' is not checked");
		}
	}

	private HttpResponse<String> send(String method, String path, String body) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(aws.simulator.endpoint() + path))
			.header("Authorization",
					"AWS4-HMAC-SHA256 Credential=test/20260101/" + AwsTestEnvironment.REGION
							+ "/backup/aws4_request, SignedHeaders=host, Signature=0")
			.header("Content-Type", "application/json")
			.method(method,
					body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private SnapshotProgress backUp(ProtectedResource resource) {
		String job = aws.cloud()
			.startSnapshot(new SnapshotRequest(vault, resource, "t-" + UUID.randomUUID(), tags, Duration.ofHours(12)));
		SnapshotProgress done = await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> aws.cloud().snapshotProgress(job), (p) -> p.state().isTerminal());
		assertThat(done.state()).isEqualTo(CloudJobState.COMPLETED);
		return done;
	}

	private static String fsId(SnapshotProgress fs) {
		return aws.backup.describeBackupJob((r) -> r.backupJobId(fs.jobId())).resourceArn().replaceAll(".*/", "");
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

	/**
	 * botocore's backup model, from the site-packages of the Python that has moto: the
	 * newest {@code botocore/data/backup/<version>/service-2.json} (or {@code .json.gz}).
	 */
	static JsonNode loadModel() throws IOException, InterruptedException {
		String python = MotoServer.python();
		Process probe = new ProcessBuilder(python, "-c",
				"import botocore, os; print(os.path.dirname(botocore.__file__))")
			.redirectErrorStream(true)
			.start();
		String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		if (!probe.waitFor(60, TimeUnit.SECONDS) || probe.exitValue() != 0) {
			throw new AssertionError("the moto Python " + python + " cannot import botocore: " + out
					+ "; set WSBACKUP_TEST_MOTO_PYTHON to a Python with moto installed");
		}
		Path versions = Path.of(out.lines().reduce((a, b) -> b).orElseThrow(), "data", "backup");
		Path newest;
		try (Stream<Path> dirs = Files.list(versions)) {
			newest = dirs.filter(Files::isDirectory).max(Comparator.naturalOrder()).orElseThrow();
		}
		Path plain = newest.resolve("service-2.json");
		Path zipped = newest.resolve("service-2.json.gz");
		try (InputStream in = Files.exists(plain) ? Files.newInputStream(plain)
				: new GZIPInputStream(Files.newInputStream(zipped))) {
			JsonNode loaded = JSON.readTree(in);
			assertThat(loaded.path("metadata").path("serviceId").asString()).isEqualTo("Backup");
			return loaded;
		}
	}

}
