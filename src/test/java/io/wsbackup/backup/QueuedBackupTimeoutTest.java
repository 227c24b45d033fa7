package io.wsbackup.backup;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.events.EventLog;
import io.wsbackup.execution.LaunchQueue;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.workspace.Workspace;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A backup's timeout counts from when its job begins, not from its request: a backup that
 * waited in the store's launch queue (here the runner runs one job at a time) keeps its
 * whole timeout, and starts once the runner has room.
 */
@TestPropertySource(properties = "wsbackup.jobs.max-concurrent=1")
class QueuedBackupTimeoutTest extends WsbackupTestSupport {

	private static final String CREATOR = "crn:cdp:iam:us-west-2:123456789012:user:queued-test";

	@Autowired
	Launcher launcher;

	@Autowired
	EventLog events;

	@Autowired
	LaunchQueue launchQueue;

	@LocalServerPort
	int port;

	@Test
	void aBackupThatWaitedForAJobThreadKeepsItsWholeTimeout() throws Exception {
		Workspace busy = newWorkspace();
		Workspace waiting = newWorkspace();
		cloud.holdSnapshots();
		Backup holding = launcher.backupWorkspace(busy.crn().toString(), "holding", null, CREATOR);
		await().atMost(Duration.ofSeconds(20))
			.until(() -> events.list(busy.crn().toString(), holding.crn().toString(), 1000)
				.stream()
				.anyMatch((e) -> e.percentDone() != null));

		Backup queued = launcher.backupWorkspace(waiting.crn().toString(), "queued", 10, CREATOR);
		assertThat(queued.status()).as("acknowledged").isEqualTo(BackupStatus.RUNNING);
		assertThat(queued.jobExecutionId()).as("no job yet").isNull();
		assertThat(launchQueue.isQueued("backupWorkspace", queued.crn().toString())).as("queued in the store").isTrue();
		JsonNode described = describe(queued);
		assertThat(described.path("backupStatus").asString()).isEqualTo("running");
		assertThat(described.path("queuedAt").asString()).as("the API tells it waits, and since when").isNotBlank();
		assertThat(described.path("currentStep").isNull()).isTrue();
		// three times its timeout goes by while the only job thread waits for the
		// holding backup's snapshots
		clock.advance(Duration.ofMinutes(30));
		assertThat(events.list(waiting.crn().toString(), queued.crn().toString(), 1000))
			.as("the queued backup's job has not begun")
			.noneMatch((e) -> e.message().contains("validated"));
		cloud.releaseSnapshots();

		assertThat(awaitJobEnd(holding).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		JobExecution queuedEnd = awaitJobEnd(queued);
		assertThat(queuedEnd.getStatus()).as(String.valueOf(reload(queued).failureReason()))
			.isEqualTo(BatchStatus.COMPLETED);
		assertThat(reload(queued).status()).isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(launchQueue.isQueued("backupWorkspace", queued.crn().toString())).isFalse();
		assertThat(describe(queued).path("queuedAt").isNull()).as("no longer queued").isTrue();
	}

	private JsonNode describe(Backup backup) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(asAdmin(HttpRequest
				.newBuilder(URI.create("http://localhost:" + port + "/api/v1/ml/describeWorkspaceBackup")))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"backupCrn\": \"" + backup.crn() + "\"}"))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JsonMapper.builder().build().readTree(response.body()).path("backup");
	}

}
