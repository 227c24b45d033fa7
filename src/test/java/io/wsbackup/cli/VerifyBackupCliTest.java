package io.wsbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code verify-backup --wait} against a fake runner: it follows the backup while it is
 * {@code verifying} and exits 0 when verified, 1 with what failed otherwise.
 */
class VerifyBackupCliTest {

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

	@Test
	void verifyWaitEndsWithExitZeroOnceTheBackupIsVerified() {
		this.runner.answer("verifyBackup", 200, "{'workflowId': '21'}")
			.answer("describeWorkspaceBackup", 200, verification("verifying", null, null))
			.answer("describeWorkspaceBackup", 200, verification("verified", "2026-11-21T10:00:02Z", null));

		Result result = cli("verify-backup", "--backup-crn", "crn:b:1", "--wait", "--poll-seconds", "0");

		assertThat(result.exit()).isZero();
		assertThat(result.stdoutJson()).isEqualTo(JSON.readTree(
				"{\"backupCrn\": \"crn:b:1\", \"workflowId\": \"21\", \"status\": \"verified\", \"lastVerifiedAt\": \"2026-11-21T10:00:02Z\"}"));
		assertThat(this.runner.calls()).hasSize(3);
		assertThat(this.runner.calls().get(0).body().toString()).contains("crn:b:1");
	}

	@Test
	void verifyWaitEndsWithExitOneAndWhatFailedWhenTheVerificationFailed() {
		this.runner.answer("verifyBackup", 200, "{'workflowId': '21'}")
			.answer("describeWorkspaceBackup", 200, verification("verifying", null, null))
			.answer("describeWorkspaceBackup", 200, verification("failed", "2026-11-21T10:00:02Z",
					"volume /data/a: recovery point rp-1 of vault v: models/model.bin: checksum mismatch"));

		Result result = cli("verify-backup", "--backup-crn", "crn:b:1", "--wait", "--poll-seconds", "0");

		assertThat(result.exit()).isEqualTo(1);
		assertThat(result.stdoutJson().path("code").asString()).isEqualTo("VERIFICATION_FAILED");
		assertThat(result.stdoutJson().path("message").asString()).contains("models/model.bin: checksum mismatch");
	}

	@Test
	void drillWaitByWorkspaceFollowsTheBackupItsAnswerNamesAndExitsZeroOnceVerified() {
		this.runner
			.answer("drillBackup", 200,
					"{'backupCrn': 'crn:b:7', 'scratchWorkspaceCrn': 'crn:w:scratch', 'workflowId': '22'}")
			.answer("describeWorkspaceBackup", 200, verification("verifying", null, null))
			.answer("describeWorkspaceBackup", 200, verification("verified", "2026-11-21T10:00:02Z", null));

		Result result = cli("drill-backup", "--workspace-crn", "crn:w:1", "--wait", "--poll-seconds", "0");

		assertThat(result.exit()).isZero();
		assertThat(result.stdoutJson()).isEqualTo(JSON.readTree(
				"{\"backupCrn\": \"crn:b:7\", \"workflowId\": \"22\", \"status\": \"verified\", \"lastVerifiedAt\": \"2026-11-21T10:00:02Z\"}"));
		assertThat(this.runner.calls()).hasSize(3);
		assertThat(this.runner.calls().get(0).body().toString()).contains("crn:w:1").doesNotContain("backupCrn");
		assertThat(this.runner.calls().get(1).body().toString()).contains("crn:b:7");
	}

	@Test
	void drillWaitExitsOneWithWhatFailed() {
		this.runner.answer("drillBackup", 200, "{'backupCrn': 'crn:b:7', 'workflowId': '22'}")
			.answer("describeWorkspaceBackup", 200, verification("failed", "2026-11-21T10:00:02Z",
					"the drill failed in step verifyRestoredData: restored directory /r/drills/x: a.bin: missing"));

		Result result = cli("drill-backup", "--backup-crn", "crn:b:7", "--wait", "--poll-seconds", "0");

		assertThat(result.exit()).isEqualTo(1);
		assertThat(result.stdoutJson().path("code").asString()).isEqualTo("VERIFICATION_FAILED");
		assertThat(result.stdoutJson().path("message").asString()).contains("verifyRestoredData", "a.bin: missing");
	}

	@Test
	void withoutWaitItPrintsTheWorkflowIdAtOnce() {
		this.runner.answer("verifyBackup", 200, "{'workflowId': '21'}");

		Result result = cli("verify-backup", "--backup-crn", "crn:b:1");

		assertThat(result.exit()).isZero();
		assertThat(result.stdoutJson().path("workflowId").asString()).isEqualTo("21");
		assertThat(this.runner.calls()).hasSize(1);
	}

	private static String verification(String status, String lastVerifiedAt, String failure) {
		return "{'backup': {'backupCrn': 'crn:b:1', 'backupStatus': 'succeeded', 'verificationStatus': '" + status
				+ "', 'lastVerifiedAt': " + quoted(lastVerifiedAt) + ", 'verificationFailure': " + quoted(failure)
				+ "}}";
	}

	private static String quoted(String value) {
		return value == null ? "null" : "'" + value + "'";
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

	private record Result(int exit, String stdout, String stderr) {

		JsonNode stdoutJson() {
			return JSON.readTree(this.stdout);
		}

	}

}
