package io.wsbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What issue 15 asks of the CLI for an operator: table and text output, paging, names
 * instead of CRNs, following events, a delete and a cancel to their end, and option help
 * that says what a field means.
 */
class OperatorViewsTest {

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
	class Formats {

		private static final String WORKSPACES = """
				{'workspaces': [
				 {'workspaceCrn': 'crn:ws:1', 'workspaceName': 'analytics', 'environmentName': 'prod',
				  'workspaceStatus': 'installation:finished',
				  'lastBackup': {'backupStatus': 'failed', 'createdAt': '2026-11-21T02:00:00.123Z',
				   'failureReason': 'snapshot of vol-0a1b2c3d failed: the volume is in use by another backup job of AWS Backup'},
				  'lastSuccessfulBackup': {'backupStatus': 'succeeded', 'createdAt': '2026-11-20T02:00:00Z', 'sizeBytes': 295000000}},
				 {'workspaceCrn': 'crn:ws:2', 'workspaceName': 'new', 'environmentName': 'prod',
				  'workspaceStatus': 'installation:finished', 'lastBackup': null, 'lastSuccessfulBackup': null}],
				 'summary': {'workspaces': 2}, 'nextToken': null}""";

		@Test
		void tableOfWorkspacesShowsNamesStatusesTimesSizesAndAShortenedFailureReason() {
			OperatorViewsTest.this.runner.answer("listWorkspaces", 200, WORKSPACES);

			Result result = cli("list-workspaces", "--output", "table");

			assertThat(result.exit()).isZero();
			assertThat(result.stdout().lines()).containsExactly(
					"NAME       ENVIRONMENT  STATUS                 LAST BACKUP                  LAST SUCCESS          SIZE      FAILURE",
					"analytics  prod         installation:finished  failed 2026-11-21 02:00:00Z  2026-11-20 02:00:00Z  295.0 MB  snapshot of vol-0a1b2c3d failed: the volume i...",
					"new        prod         installation:finished  never                        -                     -         -");
		}

		@Test
		void textIsTabSeparatedRowsWithTheCrnAndNoHeader() {
			OperatorViewsTest.this.runner.answer("listWorkspaceBackups", 200,
					"""
							{'workspaceCrn': 'crn:ws:1', 'backups': [{'backupCrn': 'crn:b:1', 'backupName': 'nightly',
							 'backupStatus': 'succeeded', 'createdAt': '2026-11-21T02:00:00Z', 'completedAt': '2026-11-21T03:02:05Z',
							 'durationSeconds': 3725, 'sizeBytes': 1200, 'failureReason': null}], 'nextToken': null}""");

			Result result = cli("list-workspace-backups", "--workspace-crn", "crn:ws:1", "--output", "text");

			assertThat(result.exit()).isZero();
			assertThat(result.stdout().lines()).containsExactly(
					"nightly\tsucceeded\t2026-11-21 02:00:00Z\t2026-11-21 03:02:05Z\t1h02m\t1.2 kB\t-\tcrn:b:1");
		}

		@Test
		void anAnswerThatIsNotAListIsOneLinePerValue() {
			OperatorViewsTest.this.runner.answer("backupWorkspace", 200,
					"{'backupCrn': 'crn:b:1', 'vaultName': 'mlx-1'}");

			Result result = cli("backup-workspace", "--workspace-crn", "crn:ws:1", "--backup-name", "b", "--output",
					"table");

			assertThat(result.stdout().lines()).containsExactly("FIELD      VALUE", "backupCrn  crn:b:1",
					"vaultName  mlx-1");
		}

		@Test
		void anAnswerWithAListAndMoreIsShownWholeFieldByField() {
			OperatorViewsTest.this.runner.answer("describeWorkspaceBackup", 200, """
					{'backup': {'backupCrn': 'crn:b:1', 'warnings': [],
					 'recoveryPoints': [{'resource': 'vol-a', 'sizeBytes': 5}]}}""");

			Result result = cli("describe-workspace-backup", "--backup-crn", "crn:b:1", "--output", "text");

			assertThat(result.stdout().lines()).containsExactly("backup.backupCrn\tcrn:b:1", "backup.warnings\t-",
					"backup.recoveryPoints[0].resource\tvol-a", "backup.recoveryPoints[0].sizeBytes\t5");
		}

		@Test
		void aListThatIsTheWholeAnswerIsATableOfItsPlainValues() {
			OperatorViewsTest.this.runner.answer("listSchedules", 200,
					"{'schedules': [{'schedule': 'nightly', 'state': 'NORMAL', 'workspaces': ['a']}]}");

			Result result = cli("list-schedules", "--output", "table");

			assertThat(result.stdout().lines()).containsExactly("SCHEDULE  STATE", "nightly   NORMAL");
		}

		@Test
		void anErrorInATableIsItsCodeAndMessageWithExitOne() {
			OperatorViewsTest.this.runner.answer("listWorkspaces", 401,
					"{'code': 'UNAUTHENTICATED', 'message': 'a bearer token is needed'}");

			Result result = cli("list-workspaces", "--output", "table");

			assertThat(result.exit()).isEqualTo(1);
			assertThat(result.stdout()).isEqualTo("UNAUTHENTICATED: a bearer token is needed\n");
		}

		@Test
		void anUnknownFormatIsBadUsageBeforeAnyCall() {
			Result result = cli("list-workspaces", "--output", "yaml");

			assertThat(result.exit()).isEqualTo(2);
			assertThat(result.stderr()).contains("--output takes json, text or table, not 'yaml'");
			assertThat(OperatorViewsTest.this.runner.calls()).isEmpty();
		}

	}

	@Nested
	class Paging {

		@Test
		void maxItemsAsksForPagesUntilEnoughNeverPastAPagesEndAndPrintsTheNextToken() {
			OperatorViewsTest.this.runner.answer("listWorkspaces", 200,
					"{'workspaces': [{'workspaceName': 'a'}, {'workspaceName': 'b'}], 'summary': {}, 'nextToken': 't1'}")
				.answer("listWorkspaces", 200,
						"{'workspaces': [{'workspaceName': 'c'}], 'summary': {}, 'nextToken': 't2'}");

			Result result = cli("list-workspaces", "--max-items", "3", "--page-size", "2");

			assertThat(result.exit()).isZero();
			assertThat(OperatorViewsTest.this.runner.calls()).extracting(FakeRunner.Call::body)
				.containsExactly(json("{'pageSize': 2}"), json("{'pageSize': 1, 'startingToken': 't1'}"));
			assertThat(result.stdoutJson().path("workspaces").findValuesAsString("workspaceName")).containsExactly("a",
					"b", "c");
			assertThat(result.stdoutJson().path("nextToken").asString()).isEqualTo("t2");
		}

		@Test
		void withoutMaxItemsEveryPageIsJoinedAndTheNextTokenIsNull() {
			OperatorViewsTest.this.runner
				.answer("listWorkspaceBackups", 200,
						"{'workspaceCrn': 'crn:ws:1', 'backups': [{'backupName': 'new'}], 'nextToken': 't1'}")
				.answer("listWorkspaceBackups", 200,
						"{'workspaceCrn': 'crn:ws:1', 'backups': [{'backupName': 'old'}], 'nextToken': null}");

			Result result = cli("list-workspace-backups", "--workspace-crn", "crn:ws:1", "--starting-token", "t0");

			assertThat(OperatorViewsTest.this.runner.calls()).extracting(FakeRunner.Call::body)
				.containsExactly(json("{'workspaceCrn': 'crn:ws:1', 'startingToken': 't0'}"),
						json("{'workspaceCrn': 'crn:ws:1', 'startingToken': 't1'}"));
			assertThat(result.stdoutJson().path("backups").findValuesAsString("backupName")).containsExactly("new",
					"old");
			assertThat(result.stdoutJson().path("nextToken").isNull()).isTrue();
		}

		@Test
		void olderPagesOfEventsGoBeforeTheNewerSoThatEventsStayOldestFirst() {
			OperatorViewsTest.this.runner
				.answer("listWorkspaceEvents", 200, "{'events': [{'id': 3}, {'id': 4}], 'nextToken': 'older'}")
				.answer("listWorkspaceEvents", 200, "{'events': [{'id': 1}, {'id': 2}], 'nextToken': 'oldest'}");

			Result result = cli("list-workspace-events", "--workspace-crn", "crn:ws:1", "--max-items", "4",
					"--page-size", "2");

			assertThat(result.exit()).isZero();
			assertThat(result.stdoutJson().path("events").findValuesAsString("id")).containsExactly("1", "2", "3", "4");
			assertThat(result.stdoutJson().path("nextToken").asString()).isEqualTo("oldest");
		}

		@Test
		void maxItemsBelowOneIsBadUsage() {
			Result result = cli("list-workspaces", "--max-items", "0");

			assertThat(result.exit()).isEqualTo(2);
			assertThat(OperatorViewsTest.this.runner.calls()).isEmpty();
		}

	}

	@Nested
	class WorkspaceNames {

		private static final String LOOKUP = """
				{'workspaces': [{'workspaceCrn': 'crn:ws:10', 'workspaceName': 'ws10', 'environmentName': 'env1'},
				 {'workspaceCrn': 'crn:ws:1', 'workspaceName': 'ws1', 'environmentName': 'env1'}], 'nextToken': null}""";

		@Test
		void aWorkspaceNameIsLookedUpAndSentAsItsCrn() {
			OperatorViewsTest.this.runner.answer("listWorkspaces", 200, LOOKUP)
				.answer("backupWorkspace", 200, "{'backupCrn': 'crn:b:1', 'vaultName': 'v'}");

			Result result = cli("backup-workspace", "--workspace-name", "ws1", "--environment-name", "env1",
					"--backup-name", "nightly");

			assertThat(result.exit()).isZero();
			assertThat(OperatorViewsTest.this.runner.calls()).extracting(FakeRunner.Call::body)
				.containsExactly(json("{'workspaceNameContains': 'ws1', 'environmentName': 'env1', 'pageSize': 1000}"),
						json("{'workspaceCrn': 'crn:ws:1', 'backupName': 'nightly'}"));
		}

		@Test
		void whereTheApiTakesNamesTooOnlyTheCrnIsSent() {
			OperatorViewsTest.this.runner.answer("listWorkspaces", 200, LOOKUP)
				.answer("listWorkspaceBackups", 200, "{'backups': [], 'nextToken': null}");

			cli("list-workspace-backups", "--workspace-name", "ws1", "--environment-name", "env1");

			assertThat(OperatorViewsTest.this.runner.calls().get(1).body())
				.isEqualTo(json("{'workspaceCrn': 'crn:ws:1'}"));
		}

		@Test
		void noWorkspaceOfTheNameIsBadUsage() {
			OperatorViewsTest.this.runner.answer("listWorkspaces", 200, LOOKUP);

			Result result = cli("list-workspace-events", "--workspace-name", "ws", "--environment-name", "env1");

			assertThat(result.exit()).isEqualTo(2);
			assertThat(result.stderr()).contains("No workspace is named 'ws' in environment 'env1'");
			assertThat(OperatorViewsTest.this.runner.calls()).hasSize(1);
		}

		@Test
		void severalWorkspacesOfTheNameIsBadUsageNamingTheirEnvironments() {
			OperatorViewsTest.this.runner.answer("listWorkspaces", 200,
					"""
							{'workspaces': [{'workspaceCrn': 'crn:ws:1', 'workspaceName': 'ws1', 'environmentName': 'dev'},
							 {'workspaceCrn': 'crn:ws:2', 'workspaceName': 'ws1', 'environmentName': 'prod'}], 'nextToken': null}""");

			Result result = cli("check-prerequisites", "--workspace-name", "ws1");

			assertThat(result.exit()).isEqualTo(2);
			assertThat(result.stderr()).contains("2 workspaces are named 'ws1', in the environments dev, prod",
					"--environment-name");
			assertThat(OperatorViewsTest.this.runner.calls()).hasSize(1);
		}

		@Test
		void neitherCrnNorNameIsBadUsageNamingBoth() {
			Result result = cli("backup-workspace", "--backup-name", "b");

			assertThat(result.exit()).isEqualTo(2);
			assertThat(result.stderr()).contains("--workspace-crn (or --workspace-name [--environment-name])");
		}

	}

	@Nested
	class Following {

		@Test
		void aCancelIsFollowedUntilTheBackupIsCancelledWithExitThree() {
			OperatorViewsTest.this.runner.answer("backupWorkspace", 200, "{'backupCrn': 'crn:b:1', 'vaultName': 'v'}")
				.answer("describeWorkspaceBackup", 200, backup("running"))
				.answer("describeWorkspaceBackup", 200, backup("cancelling"))
				.answer("describeWorkspaceBackup", 200, backup("cancelled"));

			Result result = cli("backup-workspace", "--workspace-crn", "crn:ws:1", "--backup-name", "b", "--wait",
					"--poll-seconds", "0");

			assertThat(result.exit()).isEqualTo(3);
			assertThat(result.stderr().lines()).containsExactly("2026-11-21T10:00:03Z  running",
					"2026-11-21T10:00:03Z  cancelling", "2026-11-21T10:00:03Z  cancelled");
			assertThat(result.stdoutJson().path("code").asString()).isEqualTo("BACKUP_CANCELLED");
		}

		@Test
		void deleteWaitEndsWithExitZeroOnceTheBackupIsGone() {
			OperatorViewsTest.this.runner.answer("deleteBackup", 200, "{'workflowId': '12'}")
				.answer("describeWorkspaceBackup", 200, deleting(5, "FAILED"))
				.answer("describeWorkspaceBackup", 200, deleting(12, "STARTED"))
				.answer("describeWorkspaceBackup", 404, "{'code': 'NOT_FOUND', 'message': 'no backup crn:b:1'}");

			Result result = cli("delete-backup", "--backup-crn", "crn:b:1", "--wait", "--poll-seconds", "0");

			assertThat(result.exit()).isZero();
			assertThat(result.stdoutJson())
				.isEqualTo(json("{'backupCrn': 'crn:b:1', 'workflowId': '12', 'status': 'deleted'}"));
			assertThat(OperatorViewsTest.this.runner.calls()).hasSize(4);
		}

		@Test
		void deleteWaitEndsWithExitOneWhenTheDeleteFailed() {
			OperatorViewsTest.this.runner.answer("deleteBackup", 200, "{'workflowId': '12'}")
				.answer("describeWorkspaceBackup", 200, deleting(12, "FAILED"));

			Result result = cli("delete-backup", "--backup-crn", "crn:b:1", "--wait", "--poll-seconds", "0");

			assertThat(result.exit()).isEqualTo(1);
			assertThat(result.stdoutJson().path("code").asString()).isEqualTo("DELETE_FAILED");
			assertThat(result.stdoutJson().path("message").asString()).contains("delete it again");
		}

		@Test
		void followPrintsEachNewEventOnceUntilTheBackupEnds() {
			OperatorViewsTest.this.runner
				.answer("listWorkspaceEvents", 200, "{'events': [{'id': 1}, {'id': 2}], 'nextToken': null}")
				.answer("listWorkspaceEvents", 200, "{'events': [{'id': 1}, {'id': 2}, {'id': 3}], 'nextToken': null}")
				.answer("listWorkspaceEvents", 200, "{'events': [{'id': 2}, {'id': 3}, {'id': 4}], 'nextToken': null}")
				.answer("describeWorkspaceBackup", 200, backup("running"))
				.answer("describeWorkspaceBackup", 200, backup("succeeded"));

			Result result = cli("list-workspace-events", "--workspace-crn", "crn:ws:1", "--backup-crn", "crn:b:1",
					"--follow", "--poll-seconds", "0");

			assertThat(result.exit()).isZero();
			assertThat(result.stdout().lines()).containsExactly("{\"id\":1}", "{\"id\":2}", "{\"id\":3}", "{\"id\":4}");
			assertThat(result.stderr()).contains("ended: succeeded");
		}

		@Test
		void followEndsWithExitThreeWhenTheBackupWasCancelled() {
			OperatorViewsTest.this.runner.answer("listWorkspaceEvents", 200, "{'events': [], 'nextToken': null}")
				.answer("describeWorkspaceBackup", 200, backup("cancelled"));

			Result result = cli("list-workspace-events", "--workspace-crn", "crn:ws:1", "--backup-crn", "crn:b:1",
					"--follow", "--poll-seconds", "0", "--output", "table");

			assertThat(result.exit()).isEqualTo(3);
			assertThat(result.stdout().lines()).first().asString().startsWith("TIME");
		}

		@Test
		void followedEventsInATableKeepTheirColumnsForTheLongestLevelAndStep() {
			OperatorViewsTest.this.runner.answer("listWorkspaceEvents", 200, """
					{'events': [{'id': 1, 'occurredAt': '2026-11-21T10:00:00Z', 'level': 'WARNING',
					 'step': 'restartWorkspaceAfterFailure', 'message': 'cancelled'},
					 {'id': 2, 'occurredAt': '2026-11-21T10:00:01Z', 'level': 'INFO', 'step': 'recordCatalog',
					 'message': 'recorded'}], 'nextToken': null}""")
				.answer("describeWorkspaceBackup", 200, backup("succeeded"));

			Result result = cli("list-workspace-events", "--workspace-crn", "crn:ws:1", "--backup-crn", "crn:b:1",
					"--follow", "--poll-seconds", "0", "--output", "table");

			List<String> lines = result.stdout().lines().toList();
			assertThat(lines).hasSize(3);
			assertThat(lines.get(1).indexOf("cancelled")).isEqualTo(lines.get(0).indexOf("MESSAGE"));
			assertThat(lines.get(2).indexOf("recorded")).isEqualTo(lines.get(0).indexOf("MESSAGE"));
		}

		private static String backup(String status) {
			return "{'backup': {'backupCrn': 'crn:b:1', 'backupStatus': '" + status + "'}}";
		}

		private static String deleting(long jobExecutionId, String jobStatus) {
			return "{'backup': {'backupCrn': 'crn:b:1', 'backupStatus': 'deleting', 'jobExecutionId': " + jobExecutionId
					+ ", 'jobStatus': '" + jobStatus + "'}}";
		}

	}

	@Nested
	class Help {

		@Test
		void anOptionsHelpSaysWhatTheFieldMeans() {
			Result result = cli("backup-workspace", "--help");

			assertThat(result.stdout().replaceAll("\\s+", " ")).contains(
					"A name for the backup, unique within its workspace", "Minutes the backup may take",
					"--workspace-name", "--output", "3 if it was cancelled");
			assertThat(result.stdout()).doesNotContain("backupName (string)");
		}

		@Test
		void pagedListsOfferMaxItemsAndTheTopLevelHelpListsExitCodeThree() {
			assertThat(cli("list-workspace-events", "--help").stdout()).contains("--max-items", "--page-size",
					"--starting-token", "--follow");
			assertThat(cli("--help").stdout()).contains("3 the backup followed by --wait or --follow was cancelled");
		}

	}

	private Result cli(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int exit = new WsbackupCli(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("WSBACKUP_ENDPOINT", this.runner.endpoint()),
				NOW)
			.run(args);
		return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	private static JsonNode json(String singleQuoted) {
		return JSON.readTree(singleQuoted.replace('\'', '"'));
	}

	private record Result(int exit, String stdout, String stderr) {

		JsonNode stdoutJson() {
			return JSON.readTree(this.stdout);
		}

	}

}
