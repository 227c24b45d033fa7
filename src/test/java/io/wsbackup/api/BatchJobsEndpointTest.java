package io.wsbackup.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/batchjobs} over HTTP: launch, list, stop and restart through the
 * launcher.
 */
class BatchJobsEndpointTest extends WsbackupTestSupport {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	record Reply(int status, JsonNode body) {
	}

	private Reply call(String method, String path, String body) throws Exception {
		HttpRequest.Builder request = asAdmin(
				HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/batchjobs" + path)))
			.header("Content-Type", "application/json");
		request = method.equals("GET") ? request.GET() : request.POST(HttpRequest.BodyPublishers.ofString(body));
		HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		return new Reply(response.statusCode(), JSON.readTree(response.body()));
	}

	private JobExecution awaitEnd(long id) {
		return await().atMost(Duration.ofSeconds(30))
			.until(() -> jobRepository.getJobExecution(id),
					(e) -> e != null && !e.isRunning() && e.getEndTime() != null);
	}

	@Test
	void launchesABackupAndListsItsExecutionWithParametersAndStatus() throws Exception {
		Workspace ws = newWorkspace();

		Reply launched = call("POST", "/launch", "{\"jobName\": \"backupWorkspace\", \"parameters\": \"workspaceCrn="
				+ ws.crn() + ",backupName=from-actuator\"}");

		assertThat(launched.status()).as(launched.body().toString()).isEqualTo(200);
		long id = launched.body().path("executionId").asLong();
		assertThat(awaitEnd(id).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		Reply listed = call("GET", "", null);
		JsonNode mine = null;
		for (JsonNode e : listed.body()) {
			mine = e.path("executionId").asLong() == id ? e : mine;
		}
		assertThat(mine).isNotNull();
		assertThat(mine.path("jobName").asString()).isEqualTo("backupWorkspace");
		assertThat(mine.path("status").asString()).isEqualTo("COMPLETED");
		assertThat(mine.at("/parameters/workspaceCrn").asString()).isEqualTo(ws.crn().toString());
		// names instead of CRNs, and an operator's word for how it ended
		assertThat(mine.path("backupName").asString()).isEqualTo("from-actuator");
		assertThat(mine.path("workspaceName").asString()).isEqualTo(ws.name());
		assertThat(mine.path("outcome").asString()).isEqualTo("completed");
	}

	@Test
	void stopsARunningBackupWhichPutsTheWorkspaceBackAndRestartsItToCompletion() throws Exception {
		Workspace ws = newWorkspace();
		cloud.holdSnapshots();
		long id = call("POST", "/launch", "{\"jobName\": \"backupWorkspace\", \"parameters\": \"workspaceCrn="
				+ ws.crn() + ",backupName=to-stop\"}")
			.body()
			.path("executionId")
			.asLong();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> jobRepository.getJobExecution(id)
				.getStepExecutions()
				.stream()
				.anyMatch((s) -> s.getStepName().equals("awaitRecoveryPoints")));

		assertThat(call("POST", "/stop", "{\"executionId\": " + id + "}").status()).isEqualTo(200);

		JobExecution stopped = awaitEnd(id);
		assertThat(stopped.getStatus()).isEqualTo(BatchStatus.STOPPED);
		Crn backupCrn = Crn.parse(stopped.getJobParameters().getString("backupCrn"));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> backups.find(backupCrn).orElseThrow().status() == BackupStatus.CANCELLED);
		JsonNode listed = null;
		for (JsonNode e : call("GET", "", null).body()) {
			listed = e.path("executionId").asLong() == id ? e : listed;
		}
		assertThat(listed.path("outcome").asString()).as("a cancel, not a failure").isEqualTo("cancelled");
		cloud.releaseSnapshots();

		Reply restarted = call("POST", "/restart", "{\"executionId\": " + id + "}");
		assertThat(restarted.status()).isEqualTo(200);
		assertThat(awaitEnd(restarted.body().path("executionId").asLong()).getStatus())
			.isEqualTo(BatchStatus.COMPLETED);
		assertThat(backups.find(backupCrn).orElseThrow().status()).isEqualTo(BackupStatus.SUCCEEDED);
	}

	@Test
	void listsAFailedBackupWithItsFailedStepAndWhyAndRestartsIt() throws Exception {
		Workspace ws = newWorkspace();
		cloud.failNextStartSnapshot("the vault is on fire");
		long id = call("POST", "/launch", "{\"jobName\": \"backupWorkspace\", \"parameters\": \"workspaceCrn="
				+ ws.crn() + ",backupName=to-fail\"}")
			.body()
			.path("executionId")
			.asLong();
		assertThat(awaitEnd(id).getStatus()).isEqualTo(BatchStatus.FAILED);

		JsonNode failed = null;
		for (JsonNode e : call("GET", "", null).body()) {
			failed = e.path("executionId").asLong() == id ? e : failed;
		}
		assertThat(failed).isNotNull();
		assertThat(failed.path("status").asString()).isEqualTo("FAILED");
		assertThat(failed.path("failedStep").asString()).isEqualTo("snapshotStorage");
		assertThat(failed.path("failure").asString()).contains("the vault is on fire").doesNotContain("Exception:");
		assertThat(failed.hasNonNull("currentStep")).isFalse();
		assertThat(failed.path("startTime").asString()).as("an ISO instant").endsWith("Z");
		long instance = failed.path("jobInstanceId").asLong();

		Reply restarted = call("POST", "/restart", "{\"executionId\": " + id + "}");
		assertThat(restarted.status()).as(restarted.body().toString()).isEqualTo(200);
		long again = restarted.body().path("executionId").asLong();
		assertThat(awaitEnd(again).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		for (JsonNode e : call("GET", "", null).body()) {
			if (e.path("executionId").asLong() == again) {
				assertThat(e.path("jobInstanceId").asLong()).as("the same job instance").isEqualTo(instance);
				assertThat(e.hasNonNull("failedStep")).isFalse();
				assertThat(e.hasNonNull("failure")).isFalse();
			}
		}
	}

	@Test
	void firstLineOfAnExitDescriptionDropsTheExceptionClassAndTheStackTrace() {
		assertThat(BatchJobsEndpoint.ExecutionView.firstLine(
				"io.wsbackup.cloud.CloudException: cannot create the vault v: Is a directory\n\tat io.wsbackup.X.y(X.java:1)"))
			.isEqualTo("cannot create the vault v: Is a directory");
		assertThat(BatchJobsEndpoint.ExecutionView.firstLine(
				"Could not update: nested exception is org.springframework.dao.OptimisticLockingFailureException: version 3 is stale"))
			.isEqualTo("Could not update: nested exception is version 3 is stale");
		assertThat(BatchJobsEndpoint.ExecutionView.firstLine("plain words")).isEqualTo("plain words");
		assertThat(BatchJobsEndpoint.ExecutionView.firstLine("  ")).isNull();
		assertThat(BatchJobsEndpoint.ExecutionView.firstLine(null)).isNull();
	}

	@Test
	void refusesAnUnknownJobAndAStopOfAnEndedExecutionWithTheApisErrorCodes() throws Exception {
		Reply unknown = call("POST", "/launch", "{\"jobName\": \"nope\"}");
		assertThat(unknown.status()).isEqualTo(400);
		assertThat(unknown.body().path("code").asString()).isEqualTo("INVALID_ARGUMENT");
		assertThat(call("POST", "/stop", "{\"executionId\": 999999999}").body().path("code").asString())
			.isEqualTo("NOT_FOUND");
	}

}
