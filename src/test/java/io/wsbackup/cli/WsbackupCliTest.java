package io.wsbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class WsbackupCliTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-21T10:00:03Z"), ZoneOffset.UTC);

	private FakeRunner runner;

	@BeforeEach
	void startRunner() throws IOException {
		this.runner = new FakeRunner();
	}

	@AfterEach
	void stopRunner() {
		this.runner.close();
	}

	@Nested
	class Requests {

		@Test
		void optionsBecomeTheCamelCaseFieldsOfTheRequest() {
			WsbackupCliTest.this.runner.answer("registerWorkspace", 200, "{'workspaceCrn': 'crn:ws:1'}");

			Result result = cli("register-workspace", "--workspace-name", "ws1", "--environment-name", "env1",
					"--account-id", "123", "--region", "eu-west-1", "--version", "2.0.50", "--volumes", "vol-a",
					"--volumes", "vol-b", "--shared-file-system", "fs-1", "--external-nfs");

			assertThat(result.exit()).isZero();
			FakeRunner.Call call = WsbackupCliTest.this.runner.onlyCall();
			assertThat(call.method()).isEqualTo("POST");
			assertThat(call.operation()).isEqualTo("registerWorkspace");
			assertThat(call.contentType()).isEqualTo("application/json");
			assertThat(call.body()).isEqualTo(
					json("""
							{'workspaceName': 'ws1', 'environmentName': 'env1', 'accountId': '123', 'region': 'eu-west-1',
							 'version': '2.0.50', 'volumes': ['vol-a', 'vol-b'], 'sharedFileSystem': 'fs-1', 'externalNfs': true}"""));
			assertThat(result.stdoutJson()).isEqualTo(json("{'workspaceCrn': 'crn:ws:1'}"));
		}

		@Test
		void integerOptionIsSentAsAJsonNumberAndBooleanTakesAnExplicitValue() {
			WsbackupCliTest.this.runner.answer("backupWorkspace", 200, "{'backupCrn': 'crn:b:1', 'vaultName': 'v'}")
				.answer("registerWorkspace", 200, "{}");

			cli("backup-workspace", "--workspace-crn", "crn:ws:1", "--backup-name", "nightly",
					"--backup-job-timeout-minutes", "90");
			cli("register-workspace", "--workspace-name", "ws1", "--environment-name", "env1", "--external-nfs=false");

			assertThat(WsbackupCliTest.this.runner.calls()).extracting(FakeRunner.Call::body)
				.containsExactly(
						json("{'workspaceCrn': 'crn:ws:1', 'backupName': 'nightly', 'backupJobTimeoutMinutes': 90}"),
						json("{'workspaceName': 'ws1', 'environmentName': 'env1', 'externalNfs': false}"));
		}

		@Test
		void optionalFieldsNotGivenAreLeftOut() {
			WsbackupCliTest.this.runner.answer("listWorkspaces", 200, "{'workspaces': []}");

			Result result = cli("list-workspaces");

			assertThat(result.exit()).isZero();
			assertThat(WsbackupCliTest.this.runner.onlyCall().body()).isEqualTo(json("{}"));
		}

		@Test
		void cliInputJsonFileIsTheRequestAndOptionsOverrideItsFields(@TempDir Path dir) throws IOException {
			Path input = dir.resolve("backup-input.json");
			Files.writeString(input, json("""
					{'workspaceCrn': 'crn:ws:from-file', 'backupName': 'from-file', 'backupJobTimeoutMinutes': 30,
					 'someFutureField': 'passed on'}""").toString());
			WsbackupCliTest.this.runner.answer("backupWorkspace", 200, "{'backupCrn': 'crn:b:1', 'vaultName': 'v'}");

			Result result = cli("backup-workspace", "--cli-input-json", "file://" + input, "--backup-name", "override",
					"--backup-job-timeout-minutes", "45");

			assertThat(result.exit()).isZero();
			assertThat(WsbackupCliTest.this.runner.onlyCall().body()).isEqualTo(json("""
					{'workspaceCrn': 'crn:ws:from-file', 'backupName': 'override', 'backupJobTimeoutMinutes': 45,
					 'someFutureField': 'passed on'}"""));
		}

		@Test
		void cliInputJsonMayBeInline() {
			WsbackupCliTest.this.runner.answer("describeWorkspaceBackup", 200, "{'backup': {'backupCrn': 'crn:b:1'}}");

			Result result = cli("describe-workspace-backup", "--cli-input-json", "{\"backupCrn\": \"crn:b:1\"}");

			assertThat(result.exit()).isZero();
			assertThat(WsbackupCliTest.this.runner.onlyCall().body()).isEqualTo(json("{'backupCrn': 'crn:b:1'}"));
		}

		@Test
		void skeletonOfBackupWorkspaceShowsEveryFieldWithAnEmptyValueAndCallsNothing() {
			Result result = cli("backup-workspace", "--generate-cli-skeleton");

			assertThat(result.exit()).isZero();
			assertThat(result.stdoutJson())
				.isEqualTo(json("{'workspaceCrn': '', 'backupName': '', 'backupJobTimeoutMinutes': 0}"));
			assertThat(result.stdout()).contains("\n  \"workspaceCrn\"");
			assertThat(WsbackupCliTest.this.runner.calls()).isEmpty();
		}

		@Test
		void skeletonShowsListsAndBooleansEmpty() {
			Result result = cli("register-workspace", "--generate-cli-skeleton");

			assertThat(result.stdoutJson()).isEqualTo(json("""
					{'workspaceName': '', 'environmentName': '', 'accountId': '', 'region': '', 'version': '',
					 'volumes': [], 'sharedFileSystem': '', 'externalNfs': false,
					 'namespaces': [], 'namespaceSelector': '', 'kubeContext': ''}"""));
		}

	}

	@Nested
	class RestoreRequests {

		private static final String NEW_WORKSPACE = """
				{'workspaceName': 'ws2', 'environmentName': 'env1',
				 'existingDatabaseConfig': {'existingDatabaseHost': 'db.internal', 'existingDatabasePort': '5432'},
				 'authorizedIPRanges': ['10.0.0.0/8']}""";

		@Test
		void skeletonIsTheRequestTemplateTheRunnerValidatesAgainst() throws IOException {
			Result result = cli("restore-workspace", "--generate-cli-skeleton");

			assertThat(result.exit()).isZero();
			assertThat(result.stdoutJson()).isEqualTo(restoreTemplate());
			assertThat(WsbackupCliTest.this.runner.calls()).isEmpty();
		}

		@Test
		void filledInSkeletonIsSentUnchanged(@TempDir Path dir) throws IOException {
			ObjectNode filled = (ObjectNode) restoreTemplate();
			filled.put("backupCrn", "crn:b:1").put("restoreJobTimeoutMinutes", 120);
			ObjectNode parameters = (ObjectNode) filled.get("newWorkspaceParameters");
			parameters.put("workspaceName", "ws2").put("environmentName", "env1").put("enableMonitoring", true);
			((ObjectNode) parameters.get("existingDatabaseConfig")).put("existingDatabasePort", "5432");
			ObjectNode group = (ObjectNode) parameters.at("/provisionK8sRequest/instanceGroups/0");
			group.put("instanceType", "m5.2xlarge").put("instanceCount", 3);
			((ObjectNode) group.get("autoscaling")).put("maxInstances", 5).put("enabled", true);
			Path input = dir.resolve("restore-input.json");
			Files.writeString(input, JSON.writeValueAsString(filled));
			WsbackupCliTest.this.runner.answer("restoreWorkspace", 200, "{'workspaceCrn': 'crn:ws:2', 'warnings': []}");

			Result result = cli("restore-workspace", "--cli-input-json", "file://" + input);

			assertThat(result.exit()).isZero();
			assertThat(WsbackupCliTest.this.runner.onlyCall().body()).isEqualTo(filled);
			assertThat(result.stdoutJson()).isEqualTo(json("{'workspaceCrn': 'crn:ws:2', 'warnings': []}"));
		}

		@Test
		void objectOptionIsSentAsTheNestedObject() {
			WsbackupCliTest.this.runner.answer("restoreWorkspace", 200, "{'workspaceCrn': 'crn:ws:2', 'warnings': []}");

			Result result = cli("restore-workspace", "--backup-crn", "crn:b:1", "--new-workspace-parameters",
					NEW_WORKSPACE.replace('\'', '"'), "--use-static-subdomain", "--restore-job-timeout-minutes", "120");

			assertThat(result.exit()).isZero();
			ObjectNode expected = JSON.createObjectNode().put("backupCrn", "crn:b:1");
			expected.set("newWorkspaceParameters", json(NEW_WORKSPACE));
			expected.put("useStaticSubdomain", true).put("restoreJobTimeoutMinutes", 120);
			assertThat(WsbackupCliTest.this.runner.onlyCall().body()).isEqualTo(expected);
		}

		@Test
		void objectOptionReplacesTheFieldOfCliInputJsonWhole() {
			WsbackupCliTest.this.runner.answer("restoreWorkspace", 200, "{'workspaceCrn': 'crn:ws:2', 'warnings': []}");

			Result result = cli("restore-workspace", "--cli-input-json",
					"{\"backupCrn\": \"crn:b:1\", \"newWorkspaceParameters\": {\"workspaceName\": \"from-json\", "
							+ "\"disableSSO\": true}}",
					"--new-workspace-parameters", "{\"workspaceName\": \"from-option\"}");

			assertThat(result.exit()).isZero();
			assertThat(WsbackupCliTest.this.runner.onlyCall().body()).isEqualTo(
					json("{'backupCrn': 'crn:b:1', 'newWorkspaceParameters': {'workspaceName': 'from-option'}}"));
		}

		@Test
		void malformedObjectIsBadUsageNamingTheOption() {
			Result result = cli("restore-workspace", "--backup-crn", "crn:b:1", "--new-workspace-parameters",
					"{\"workspaceName\": ");

			assertThat(result.exit()).isEqualTo(2);
			assertThat(result.stderr()).contains("--new-workspace-parameters").contains("not valid JSON");
			assertThat(result.stdout()).isEmpty();
			assertThat(WsbackupCliTest.this.runner.calls()).isEmpty();
		}

		@Test
		void objectOptionThatIsNotAnObjectIsBadUsageNamingTheOption() {
			Result result = cli("restore-workspace", "--backup-crn", "crn:b:1", "--new-workspace-parameters",
					"[\"ws2\"]");

			assertThat(result.exit()).isEqualTo(2);
			assertThat(result.stderr()).contains("--new-workspace-parameters").contains("must be a JSON object");
			assertThat(WsbackupCliTest.this.runner.calls()).isEmpty();
		}

		@Test
		void absentObjectIsMissing() {
			Result result = cli("restore-workspace", "--backup-crn", "crn:b:1");

			assertThat(result.exit()).isEqualTo(2);
			assertThat(result.stderr()).contains("Missing required option: --new-workspace-parameters");
			assertThat(WsbackupCliTest.this.runner.calls()).isEmpty();
		}

		@Test
		void emptyObjectIsMissingWhetherFromTheOptionOrFromCliInputJson() {
			Result fromOption = cli("restore-workspace", "--backup-crn", "crn:b:1", "--new-workspace-parameters",
					"{ }");
			Result fromInput = cli("restore-workspace", "--cli-input-json",
					"{\"backupCrn\": \"crn:b:1\", \"newWorkspaceParameters\": {}}");
			Result blank = cli("restore-workspace", "--cli-input-json",
					"{\"backupCrn\": \" \", \"newWorkspaceParameters\": \"\"}");

			assertThat(fromOption.exit()).isEqualTo(2);
			assertThat(fromOption.stderr()).contains("Missing required option: --new-workspace-parameters");
			assertThat(fromInput.exit()).isEqualTo(2);
			assertThat(fromInput.stderr()).contains("Missing required option: --new-workspace-parameters");
			assertThat(blank.exit()).isEqualTo(2);
			assertThat(blank.stderr()).contains("Missing required options: --backup-crn, --new-workspace-parameters");
			assertThat(WsbackupCliTest.this.runner.calls()).isEmpty();
		}

		@Test
		void helpShowsTheObjectOption() {
			Result result = cli("restore-workspace", "--help");

			assertThat(result.exit()).isZero();
			assertThat(result.stdout()).contains("--new-workspace-parameters=<json>", "NEW workspace");
		}

		private static JsonNode restoreTemplate() throws IOException {
			try (InputStream in = WsbackupCliTest.class.getResourceAsStream("/api/restore-workspace-input.json")) {
				assertThat(in).as("the restore input template on the test class path").isNotNull();
				return JSON.readTree(in);
			}
		}

	}

	@Nested
	class Endpoint {

		@Test
		void wsbackupEndpointVariableNamesTheRunner() {
			WsbackupCliTest.this.runner.answer("listWorkspaces", 200, "{'workspaces': []}");

			Result result = cli(Map.of("WSBACKUP_ENDPOINT", WsbackupCliTest.this.runner.endpoint() + "/"),
					"list-workspaces");

			assertThat(result.exit()).isZero();
			assertThat(WsbackupCliTest.this.runner.calls()).hasSize(1);
		}

		@Test
		void endpointOptionWinsOverTheVariable() {
			WsbackupCliTest.this.runner.answer("listWorkspaces", 200, "{'workspaces': []}");

			Result result = cli(Map.of("WSBACKUP_ENDPOINT", "http://127.0.0.1:" + freePort()), "list-workspaces",
					"--endpoint", WsbackupCliTest.this.runner.endpoint());

			assertThat(result.exit()).isZero();
			assertThat(WsbackupCliTest.this.runner.calls()).hasSize(1);
		}

		@Test
		void unreachableRunnerExitsOneWithUnavailableOnStdout() {
			String endpoint = "http://127.0.0.1:" + freePort();

			Result result = cli(Map.of("WSBACKUP_ENDPOINT", endpoint), "list-workspaces");

			assertThat(result.exit()).isEqualTo(1);
			JsonNode error = result.stdoutJson();
			assertThat(error.path("code").asString()).isEqualTo("UNAVAILABLE");
			assertThat(error.path("message").asString())
				.startsWith("cannot reach the wsbackup runner at " + endpoint + ": ")
				.endsWith(". Start it (see README) or pass --endpoint");
		}

		@Test
		void endpointThatIsNotAnHttpUrlIsBadUsage() {
			Result result = cli("list-workspaces", "--endpoint", "localhost:8080");

			assertThat(result.exit()).isEqualTo(2);
			assertThat(result.stderr()).contains("--endpoint");
		}

	}

	@Nested
	class Token {

		@Test
		void theTokenOptionIsSentAsABearerHeaderAndWinsOverTheVariable() {
			WsbackupCliTest.this.runner.answer("listWorkspaces", 200, "{'workspaces': []}");

			Result result = cli(Map.of("WSBACKUP_ENDPOINT", WsbackupCliTest.this.runner.endpoint(), "WSBACKUP_TOKEN",
					"from-the-variable"), "list-workspaces", "--token", "from-the-option");

			assertThat(result.exit()).isZero();
			assertThat(WsbackupCliTest.this.runner.onlyCall().authorization()).isEqualTo("Bearer from-the-option");
		}

		@Test
		void theVariableIsSentOnEveryCallOfAWaitAndNothingWithoutEither() {
			WsbackupCliTest.this.runner.answer("backupWorkspace", 200, "{'backupCrn': 'crn:b:1', 'vaultName': 'v'}")
				.answer("describeWorkspaceBackup", 200,
						"{'backup': {'backupCrn': 'crn:b:1', 'backupStatus': 'succeeded', 'jobStatus': 'COMPLETED'}}");

			Result result = cli(
					Map.of("WSBACKUP_ENDPOINT", WsbackupCliTest.this.runner.endpoint(), "WSBACKUP_TOKEN", "t0k3n"),
					"backup-workspace", "--workspace-crn", "crn:w:1", "--backup-name", "b", "--wait", "--poll-seconds",
					"0");

			assertThat(result.exit()).as(result.stderr()).isZero();
			assertThat(WsbackupCliTest.this.runner.calls()).hasSizeGreaterThanOrEqualTo(2)
				.allSatisfy((call) -> assertThat(call.authorization()).isEqualTo("Bearer t0k3n"));

			cli("list-workspaces");
			assertThat(WsbackupCliTest.this.runner.calls()
				.get(WsbackupCliTest.this.runner.calls().size() - 1)
				.authorization()).isNull();
		}

		@Test
		void unauthenticatedExitsOneWithTheRunnersErrorAndSaysHowToPassAToken() {
			WsbackupCliTest.this.runner.answer("listWorkspaces", 401,
					"{'code': 'UNAUTHENTICATED', 'message': 'send a bearer token'}");

			Result result = cli("list-workspaces");

			assertThat(result.exit()).isEqualTo(1);
			assertThat(result.stdoutJson())
				.isEqualTo(json("{'code': 'UNAUTHENTICATED', 'message': 'send a bearer token'}"));
			assertThat(result.stderr()).contains("needs a token", "--token", "WSBACKUP_TOKEN");

			Result wrong = cli("list-workspaces", "--token", "nope");
			assertThat(wrong.exit()).isEqualTo(1);
			assertThat(wrong.stderr()).contains("does not accept this token");
		}

		@Test
		void forbiddenExitsOneWithTheRunnersErrorAndNamesTheRoleNeeded() {
			WsbackupCliTest.this.runner.answer("deleteBackup", 403,
					"{'code': 'FORBIDDEN', 'message': 'audit (role viewer) may not POST /api/v1/ml/deleteBackup'}");

			Result result = cli("delete-backup", "--backup-crn", "crn:b:1", "--token", "viewer-token");

			assertThat(result.exit()).isEqualTo(1);
			assertThat(result.stdoutJson().path("code").asString()).isEqualTo("FORBIDDEN");
			assertThat(result.stderr()).contains("may not delete-backup", "admin role");
		}

	}

	@Nested
	class Failures {

		@Test
		void refusedOperationExitsOneAndPrintsTheServersErrorOnStdout() {
			WsbackupCliTest.this.runner.answer("backupWorkspace", 409,
					"{'code': 'FAILED_PRECONDITION', 'message': 'workspace is not in installation:finished'}");

			Result result = cli("backup-workspace", "--endpoint", WsbackupCliTest.this.runner.endpoint(),
					"--workspace-crn", "crn:ws:1", "--backup-name", "b");

			assertThat(result.exit()).isEqualTo(1);
			assertThat(result.stdoutJson()).isEqualTo(
					json("{'code': 'FAILED_PRECONDITION', 'message': 'workspace is not in installation:finished'}"));
		}

		@Test
		void errorWithoutJsonBodyIsStillPrintedAsAnErrorObject() {
			WsbackupCliTest.this.runner.answer("listWorkspaces", 502, "Bad Gateway");

			Result result = cli("list-workspaces");

			assertThat(result.exit()).isEqualTo(1);
			assertThat(result.stdoutJson().path("code").asString()).isEqualTo("INTERNAL");
			assertThat(result.stdoutJson().path("message").asString()).contains("HTTP 502").contains("Bad Gateway");
		}

		@Test
		void unknownOptionIsBadUsage() {
			Result result = cli("list-workspaces", "--no-such-option", "x");

			assertThat(result.exit()).isEqualTo(2);
			assertThat(result.stderr()).contains("--no-such-option");
			assertThat(result.stdout()).isEmpty();
			assertThat(WsbackupCliTest.this.runner.calls()).isEmpty();
		}

		@Test
		void unknownCommandIsBadUsage() {
			Result result = cli("backup-everything");

			assertThat(result.exit()).isEqualTo(2);
			assertThat(result.stderr()).contains("backup-everything");
		}

		@Test
		void missingRequiredFieldIsBadUsageNamingTheOption() {
			Result result = cli("backup-workspace", "--workspace-crn", "crn:ws:1");

			assertThat(result.exit()).isEqualTo(2);
			assertThat(result.stderr()).contains("--backup-name").doesNotContain("--workspace-crn,");
			assertThat(WsbackupCliTest.this.runner.calls()).isEmpty();
		}

		@Test
		void requiredFieldMayComeFromCliInputJson() {
			WsbackupCliTest.this.runner.answer("backupWorkspace", 200, "{'backupCrn': 'crn:b:1', 'vaultName': 'v'}");

			Result result = cli("backup-workspace", "--cli-input-json", "{\"backupName\": \"b\"}", "--workspace-crn",
					"crn:ws:1");

			assertThat(result.exit()).isZero();
		}

		@Test
		void emptyStringFromTheSkeletonCountsAsMissing() {
			Result result = cli("backup-workspace", "--cli-input-json",
					"{\"workspaceCrn\": \"\", \"backupName\": \"b\", \"backupJobTimeoutMinutes\": 0}");

			assertThat(result.exit()).isEqualTo(2);
			assertThat(result.stderr()).contains("--workspace-crn");
		}

		@Test
		void badIntegerIsBadUsage() {
			Result result = cli("backup-workspace", "--workspace-crn", "c", "--backup-name", "b",
					"--backup-job-timeout-minutes", "ninety");

			assertThat(result.exit()).isEqualTo(2);
			assertThat(result.stderr()).contains("--backup-job-timeout-minutes").contains("ninety");
			assertThat(WsbackupCliTest.this.runner.calls()).isEmpty();
		}

		@Test
		void cliInputJsonFileThatIsNotJsonIsBadUsage(@TempDir Path dir) throws IOException {
			Path input = dir.resolve("input.json");
			Files.writeString(input, "{\"backupCrn\": ");

			Result result = cli("describe-workspace-backup", "--cli-input-json", "file://" + input);

			assertThat(result.exit()).isEqualTo(2);
			assertThat(result.stderr()).contains(input.toString()).contains("not valid JSON");
			assertThat(WsbackupCliTest.this.runner.calls()).isEmpty();
		}

		@Test
		void cliInputJsonFileThatDoesNotExistIsBadUsage(@TempDir Path dir) {
			Result result = cli("describe-workspace-backup", "--cli-input-json",
					"file://" + dir.resolve("missing.json"));

			assertThat(result.exit()).isEqualTo(2);
			assertThat(result.stderr()).contains("Cannot read").contains("missing.json");
		}

		@Test
		void cliInputJsonThatIsNotAnObjectIsBadUsage() {
			Result result = cli("describe-workspace-backup", "--cli-input-json", "[\"crn:b:1\"]");

			assertThat(result.exit()).isEqualTo(2);
			assertThat(result.stderr()).contains("must be a JSON object");
		}

	}

	@Nested
	class Help {

		@Test
		void helpListsTheCommandsAndExitsZero() {
			Result result = cli("--help");

			assertThat(result.exit()).isZero();
			assertThat(result.stdout()).contains("backup-workspace", "list-workspace-backups",
					"describe-workspace-backup", "register-workspace", "list-workspace-events");
		}

		@Test
		void commandHelpListsItsOptionsAndExitsZero() {
			Result result = cli("backup-workspace", "--help");

			assertThat(result.exit()).isZero();
			assertThat(result.stdout()).contains("--workspace-crn", "--backup-name", "--backup-job-timeout-minutes",
					"--cli-input-json", "--generate-cli-skeleton", "--endpoint", "--wait");
			assertThat(WsbackupCliTest.this.runner.calls()).isEmpty();
		}

		@Test
		void versionIsPrinted() {
			Result result = cli("--version");

			assertThat(result.exit()).isZero();
			assertThat(result.stdout()).startsWith("wsbackup ");
		}

		@Test
		void noCommandIsBadUsage() {
			assertThat(cli().exit()).isEqualTo(2);
		}

	}

	@Nested
	class Wait {

		private static final String STARTED = "{'backupCrn': 'crn:b:1', 'vaultName': 'vault-1'}";

		@Test
		void followsTheBackupToSuccessPrintingProgressOnStderrAndTheResultOnStdout() {
			WsbackupCliTest.this.runner.answer("backupWorkspace", 200, STARTED)
				.answer("describeWorkspaceBackup", 200, backup("running", null, null))
				.answer("describeWorkspaceBackup", 200, backup("running", null, null))
				.answer("describeWorkspaceBackup", 200, backup("running", "awaitRecoveryPoints",
						"{'percentDone': 42, 'bytesTransferred': 12300000, 'expectedCompletion': '2026-11-21T10:04:10Z'}"))
				.answer("describeWorkspaceBackup", 200, backup("succeeded", null, null));

			Result result = cli("backup-workspace", "--workspace-crn", "crn:ws:1", "--backup-name", "b", "--wait",
					"--poll-seconds", "0.01");

			assertThat(result.exit()).isZero();
			assertThat(result.stdoutJson()).isEqualTo(json(STARTED));
			assertThat(result.stderr().lines()).containsExactly("2026-11-21T10:00:03Z  running",
					"2026-11-21T10:00:03Z  running  awaitRecoveryPoints  42%  12.3 MB  ETA 10:04:10Z",
					"2026-11-21T10:00:03Z  succeeded");
			assertThat(WsbackupCliTest.this.runner.calls()).extracting(FakeRunner.Call::operation)
				.containsExactly("backupWorkspace", "describeWorkspaceBackup", "describeWorkspaceBackup",
						"describeWorkspaceBackup", "describeWorkspaceBackup");
			assertThat(WsbackupCliTest.this.runner.calls().get(1).body()).isEqualTo(json("{'backupCrn': 'crn:b:1'}"));
		}

		@Test
		void aQueuedBackupShowsQueuedAsItsStepUntilItsJobBegins() {
			WsbackupCliTest.this.runner.answer("backupWorkspace", 200, STARTED)
				.answer("describeWorkspaceBackup", 200, """
						{'backup': {'backupCrn': 'crn:b:1', 'backupStatus': 'running', 'vaultName': 'vault-1',
						 'jobStatus': null, 'currentStep': null, 'queuedAt': '2026-11-21T10:00:01Z'}}""")
				.answer("describeWorkspaceBackup", 200, backup("running", "validateWorkspace", null))
				.answer("describeWorkspaceBackup", 200, backup("succeeded", null, null));

			Result result = cli("backup-workspace", "--workspace-crn", "crn:ws:1", "--backup-name", "b", "--wait",
					"--poll-seconds", "0.01");

			assertThat(result.exit()).isZero();
			assertThat(result.stderr().lines()).containsExactly("2026-11-21T10:00:03Z  running  queued",
					"2026-11-21T10:00:03Z  running  validateWorkspace", "2026-11-21T10:00:03Z  succeeded");
		}

		@Test
		void aSucceededBackupIsFollowedUntilItsJobHasStartedTheWorkspaceAgain() {
			WsbackupCliTest.this.runner.answer("backupWorkspace", 200, STARTED)
				.answer("describeWorkspaceBackup", 200, """
						{'backup': {'backupCrn': 'crn:b:1', 'backupStatus': 'succeeded', 'vaultName': 'vault-1',
						 'jobStatus': 'STARTED', 'currentStep': 'restartWorkspace'}}""")
				.answer("describeWorkspaceBackup", 200, """
						{'backup': {'backupCrn': 'crn:b:1', 'backupStatus': 'succeeded', 'vaultName': 'vault-1',
						 'jobStatus': 'COMPLETED', 'currentStep': null}}""");

			Result result = cli("backup-workspace", "--workspace-crn", "crn:ws:1", "--backup-name", "b", "--wait",
					"--poll-seconds", "0.01");

			assertThat(result.exit()).isZero();
			assertThat(result.stdoutJson()).isEqualTo(json(STARTED));
			assertThat(result.stderr().lines()).containsExactly(
					"2026-11-21T10:00:03Z  succeeded, starting the workspace again  restartWorkspace",
					"2026-11-21T10:00:03Z  succeeded");
			assertThat(WsbackupCliTest.this.runner.calls()).hasSize(3);
		}

		@Test
		void failedBackupExitsOneWithItsReason() {
			WsbackupCliTest.this.runner.answer("backupWorkspace", 200, STARTED)
				.answer("describeWorkspaceBackup", 200, backup("running", "awaitRecoveryPoints", null))
				.answer("describeWorkspaceBackup", 200, """
						{'backup': {'backupCrn': 'crn:b:1', 'backupStatus': 'failed', 'vaultName': 'vault-1',
						 'failureReason': 'snapshot of vol-a failed: quota exceeded'}}""");

			Result result = cli("backup-workspace", "--workspace-crn", "crn:ws:1", "--backup-name", "b", "--wait",
					"--poll-seconds", "0.01");

			assertThat(result.exit()).isEqualTo(1);
			assertThat(result.stdoutJson()).isEqualTo(json("""
					{'code': 'BACKUP_FAILED', 'message': 'snapshot of vol-a failed: quota exceeded',
					 'backupCrn': 'crn:b:1'}"""));
			assertThat(result.stderr().lines()).last().isEqualTo("2026-11-21T10:00:03Z  failed");
		}

		@Test
		void cancelledBackupExitsThreeWithBackupCancelled() {
			WsbackupCliTest.this.runner.answer("backupWorkspace", 200, STARTED)
				.answer("describeWorkspaceBackup", 200, backup("cancelled", null, null));

			Result result = cli("backup-workspace", "--workspace-crn", "crn:ws:1", "--backup-name", "b", "--wait",
					"--poll-seconds", "0");

			assertThat(result.exit()).isEqualTo(3);
			assertThat(result.stdoutJson().path("code").asString()).isEqualTo("BACKUP_CANCELLED");
			assertThat(result.stdoutJson().path("backupCrn").asString()).isEqualTo("crn:b:1");
		}

		@Test
		void refusedStartIsPrintedWithoutPolling() {
			WsbackupCliTest.this.runner.answer("backupWorkspace", 409,
					"{'code': 'ALREADY_EXISTS', 'message': 'a backup named b exists'}");

			Result result = cli("backup-workspace", "--workspace-crn", "crn:ws:1", "--backup-name", "b", "--wait");

			assertThat(result.exit()).isEqualTo(1);
			assertThat(result.stdoutJson().path("code").asString()).isEqualTo("ALREADY_EXISTS");
			assertThat(WsbackupCliTest.this.runner.calls()).hasSize(1);
		}

		@Test
		void negativePollIntervalIsBadUsageBeforeAnyBackupStarts() {
			Result result = cli("backup-workspace", "--workspace-crn", "crn:ws:1", "--backup-name", "b", "--wait",
					"--poll-seconds", "-1");

			assertThat(result.exit()).isEqualTo(2);
			assertThat(result.stderr()).contains("--poll-seconds");
			assertThat(WsbackupCliTest.this.runner.calls()).isEmpty();
		}

		private static String backup(String status, String step, String progress) {
			return "{'backup': {'backupCrn': 'crn:b:1', 'backupStatus': '" + status + "', 'vaultName': 'vault-1', "
					+ "'currentStep': " + ((step != null) ? "'" + step + "'" : "null") + ", 'progress': "
					+ ((progress != null) ? progress : "null") + ", 'warnings': [], 'recoveryPoints': []}}";
		}

	}

	@Nested
	class RestoreWait {

		private static final String STARTED = "{'workspaceCrn': 'crn:ws:2', 'warnings': ['model builds are not restored']}";

		private static final String[] RESTORE = { "restore-workspace", "--backup-crn", "crn:b:1",
				"--new-workspace-parameters", "{\"workspaceName\": \"ws2\", \"environmentName\": \"env1\"}", "--wait",
				"--poll-seconds", "0" };

		@Test
		void followsTheRestoreUntilTheWorkspaceIsInstalledPrintingProgressOnStderrAndTheResultOnStdout() {
			WsbackupCliTest.this.runner.answer("restoreWorkspace", 200, STARTED)
				.answer("describeWorkspace", 200, workspace("restore:started", null, null, ""))
				.answer("describeWorkspace", 200, workspace("restore:started", null, null, ""))
				.answer("describeWorkspace", 200,
						workspace("restore:started", "restoreVolumes",
								"{'percentDone': 42.5, 'expectedCompletion': '2026-11-22T01:30:00Z'}", ""))
				.answer("describeWorkspace", 200,
						workspace("restore:started", "restoreVolumes",
								"{'percentDone': 42.5, 'expectedCompletion': '2026-11-22T01:30:00Z'}", ""))
				.answer("describeWorkspace", 200, workspace("installation:finished", null, null, """
						'modelBuildsToRebuild': ['mb-1', 'mb-2'],
						'warnings': ['model builds are not restored', 'the static subdomain changed'],"""));

			Result result = cli(RESTORE);

			assertThat(result.exit()).isZero();
			assertThat(result.stdoutJson()).isEqualTo(json("""
					{'workspaceCrn': 'crn:ws:2', 'modelBuildsToRebuild': ['mb-1', 'mb-2'],
					 'warnings': ['model builds are not restored', 'the static subdomain changed']}"""));
			assertThat(result.stderr().lines()).containsExactly("2026-11-21T10:00:03Z  restore:started",
					"2026-11-21T10:00:03Z  restore:started  restoreVolumes  42%  ETA 2026-11-22T01:30:00Z",
					"2026-11-21T10:00:03Z  installation:finished");
			assertThat(WsbackupCliTest.this.runner.calls()).extracting(FakeRunner.Call::operation)
				.containsExactly("restoreWorkspace", "describeWorkspace", "describeWorkspace", "describeWorkspace",
						"describeWorkspace", "describeWorkspace");
			assertThat(WsbackupCliTest.this.runner.calls().get(1).body())
				.isEqualTo(json("{'workspaceCrn': 'crn:ws:2'}"));
		}

		@Test
		void failedRestoreExitsOneWithItsReason() {
			WsbackupCliTest.this.runner.answer("restoreWorkspace", 200, STARTED)
				.answer("describeWorkspace", 200, workspace("restore:started", "restoreVolumes", null, ""))
				.answer("describeWorkspace", 200, workspace("restore:failed", "restoreVolumes", null,
						"'failureReason': 'volume vol-a: snapshot not found',"));

			Result result = cli(RESTORE);

			assertThat(result.exit()).isEqualTo(1);
			assertThat(result.stdoutJson()).isEqualTo(json("""
					{'code': 'RESTORE_FAILED', 'message': 'volume vol-a: snapshot not found',
					 'workspaceCrn': 'crn:ws:2'}"""));
			assertThat(result.stderr().lines()).containsExactly("2026-11-21T10:00:03Z  restore:started  restoreVolumes",
					"2026-11-21T10:00:03Z  restore:failed  restoreVolumes");
		}

		@Test
		void failedRestoreWithoutReasonNamesTheStatus() {
			WsbackupCliTest.this.runner.answer("restoreWorkspace", 200, STARTED)
				.answer("describeWorkspace", 200, workspace("restore:failed", null, null, ""));

			Result result = cli(RESTORE);

			assertThat(result.exit()).isEqualTo(1);
			assertThat(result.stdoutJson().path("code").asString()).isEqualTo("RESTORE_FAILED");
			assertThat(result.stdoutJson().path("message").asString()).contains("restore:failed");
		}

		@Test
		void describeErrorStopsFollowingWithTheErrorAndAHint() {
			WsbackupCliTest.this.runner.answer("restoreWorkspace", 200, STARTED)
				.answer("describeWorkspace", 200, workspace("restore:started", null, null, ""))
				.answer("describeWorkspace", 500, "{'code': 'INTERNAL', 'message': 'database unavailable'}");

			Result result = cli(RESTORE);

			assertThat(result.exit()).isEqualTo(1);
			assertThat(result.stdoutJson()).isEqualTo(json("{'code': 'INTERNAL', 'message': 'database unavailable'}"));
			assertThat(result.stderr().lines()).last()
				.isEqualTo("The restore into the workspace crn:ws:2 may still be running in the runner; "
						+ "follow it with: wsbackup describe-workspace --workspace-crn crn:ws:2");
		}

		@Test
		void refusedRestoreIsPrintedWithoutPolling() {
			WsbackupCliTest.this.runner.answer("restoreWorkspace", 409,
					"{'code': 'FAILED_PRECONDITION', 'message': 'the backup is not succeeded'}");

			Result result = cli(RESTORE);

			assertThat(result.exit()).isEqualTo(1);
			assertThat(result.stdoutJson().path("code").asString()).isEqualTo("FAILED_PRECONDITION");
			assertThat(WsbackupCliTest.this.runner.calls()).hasSize(1);
		}

		@Test
		void withoutWaitTheStartIsPrintedAsIs() {
			WsbackupCliTest.this.runner.answer("restoreWorkspace", 200, STARTED);

			Result result = cli(Arrays.copyOf(RESTORE, 5));

			assertThat(result.exit()).isZero();
			assertThat(result.stdoutJson()).isEqualTo(json(STARTED));
			assertThat(WsbackupCliTest.this.runner.calls()).hasSize(1);
		}

		@Test
		void helpOffersWait() {
			Result result = cli("restore-workspace", "--help");

			assertThat(result.stdout()).contains("--wait", "1 if the restore failed");
		}

		/** A describeWorkspace answer; {@code more} adds members to {@code restore}. */
		private static String workspace(String status, String step, String progress, String more) {
			return "{'workspace': {'workspaceCrn': 'crn:ws:2', 'workspaceName': 'ws2', 'workspaceStatus': '" + status
					+ "', 'restore': {'restoredFromBackupCrn': 'crn:b:1', 'jobExecutionId': 7, 'jobStatus': 'STARTED', "
					+ more + "'currentStep': " + ((step != null) ? "'" + step + "'" : "null") + ", 'progress': "
					+ ((progress != null) ? progress : "null") + "}}}";
		}

	}

	private Result cli(String... args) {
		return cli(Map.of("WSBACKUP_ENDPOINT", this.runner.endpoint()), args);
	}

	private static Result cli(Map<String, String> environment, String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int exit = new WsbackupCli(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), environment, NOW)
			.run(args);
		return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	private static JsonNode json(String singleQuoted) {
		return JSON.readTree(singleQuoted.replace('\'', '"'));
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private record Result(int exit, String stdout, String stderr) {

		JsonNode stdoutJson() {
			return JSON.readTree(this.stdout);
		}

	}

}
