package io.wsbackup.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.cloud.FakeCloud;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.restore.RestoreInput;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ResourceKind;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The metrics of real jobs on the real store with fakes at the ports, read through the
 * MeterRegistry and through {@code /actuator/prometheus}.
 */
class MetricsTest extends WsbackupTestSupport {

	private static final String CREATOR = "crn:cdp:iam:us-west-2:123456789012:user:tester";

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry registry;

	@Autowired
	WsbackupMetrics metrics;

	@Autowired
	Launcher launcher;

	@Autowired
	WorkspaceRepository workspaces;

	@Autowired
	EventLog events;

	@Test
	void aSucceededBackupIsCountedWithItsDurationBytesAndLastSuccess() throws Exception {
		Workspace ws = newWorkspace();
		String crn = ws.crn().toString();
		long timedBefore = timerCount("backupWorkspace", "succeeded");

		Backup backup = launcher.backupWorkspace(crn, "counted", null, CREATOR);
		assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		await().atMost(Duration.ofSeconds(10)).until(() -> finished(crn, "succeeded") == 1);
		assertThat(counter("wsbackup.backups.started", "workspace", crn)).isEqualTo(1);
		assertThat(finished(crn, "failed")).isZero();
		assertThat(finished(crn, "cancelled")).isZero();
		assertThat(counter("wsbackup.backup.bytes", "workspace", crn)).isEqualTo(3 * 100 * FakeCloud.BYTES_PER_PERCENT);
		assertThat(timerCount("backupWorkspace", "succeeded")).isGreaterThan(timedBefore);
		double recordedAt = backups.recoveryPoints(backup.crn())
			.stream()
			.map(RecoveryPoint::createdAt)
			.max(Instant::compareTo)
			.orElseThrow()
			.toEpochMilli() / 1000.0;
		await().atMost(Duration.ofSeconds(10)).until(() -> lastSuccess(crn) == recordedAt);

		String scrape = get("/actuator/prometheus");
		assertThat(sample(scrape, "wsbackup_backups_started_total", Map.of("workspace", crn))).isEqualTo(1);
		assertThat(sample(scrape, "wsbackup_backups_finished_total", Map.of("workspace", crn, "outcome", "succeeded")))
			.isEqualTo(1);
		assertThat(sample(scrape, "wsbackup_backup_bytes_total", Map.of("workspace", crn)))
			.isEqualTo(3 * 100 * FakeCloud.BYTES_PER_PERCENT);
		assertThat(sample(scrape, "wsbackup_backup_last_success_timestamp_seconds", Map.of("workspace", crn)))
			.isEqualTo(recordedAt);
		assertThat(sample(scrape, "wsbackup_job_duration_seconds_count",
				Map.of("job", "backupWorkspace", "outcome", "succeeded")))
			.isGreaterThanOrEqualTo(1);
		assertThat(sample(scrape, "wsbackup_jobs_running", Map.of("job", "restoreWorkspace"))).isNotNegative();
	}

	@Test
	void aFailedBackupIsCountedAsFailedAndLeavesTheLastSuccessAtTheRegistration() {
		Workspace ws = newWorkspace();
		String crn = ws.crn().toString();
		cloud.failStartSnapshotFor(ws.storage().protectedResources().get(1).id(), "vault is locked");

		Backup backup = launcher.backupWorkspace(crn, "failing", null, CREATOR);
		assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.FAILED);

		await().atMost(Duration.ofSeconds(10)).until(() -> finished(crn, "failed") == 1);
		assertThat(counter("wsbackup.backups.started", "workspace", crn)).isEqualTo(1);
		assertThat(finished(crn, "succeeded")).isZero();
		assertThat(counter("wsbackup.backup.bytes", "workspace", crn)).isZero();
		double registeredAt = workspaces.find(ws.crn()).orElseThrow().createdAt().toEpochMilli() / 1000.0;
		metrics.refreshFromCatalog();
		assertThat(lastSuccess(crn)).isEqualTo(registeredAt);
	}

	@Test
	void aCancelledBackupIsCountedAsCancelledAndRunsWhileItRuns() {
		Workspace ws = newWorkspace();
		String crn = ws.crn().toString();
		cloud.holdSnapshots();

		Backup backup = launcher.backupWorkspace(crn, "cancelled", null, CREATOR);
		await().atMost(Duration.ofSeconds(20))
			.until(() -> events.list(crn, backup.crn().toString(), 1000)
				.stream()
				.anyMatch((e) -> e.percentDone() != null));
		assertThat(running("backupWorkspace")).isGreaterThanOrEqualTo(1);
		launcher.cancelBackup(backup.crn().toString());
		assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.STOPPED);
		cloud.releaseSnapshots();

		await().atMost(Duration.ofSeconds(10)).until(() -> finished(crn, "cancelled") == 1);
		assertThat(finished(crn, "failed")).isZero();
		assertThat(finished(crn, "succeeded")).isZero();
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.CANCELLED);
	}

	@Test
	void aRestoreIsCountedUnderTheWorkspaceItsBackupWasTakenOf() {
		Workspace ws = newWorkspace();
		String crn = ws.crn().toString();
		Backup backup = launcher.backupWorkspace(crn, "to-restore", null, CREATOR);
		assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		String name = "r-" + Long.toHexString(System.nanoTime());
		launcher.restoreWorkspace(RestoreInput.parse(JsonMapper.shared().readTree("""
				{"backupCrn": "%s", "newWorkspaceParameters": {"environmentName": "env-test", "workspaceName": "%s"}}
				""".formatted(backup.crn(), name))));

		await().atMost(Duration.ofSeconds(30))
			.until(() -> counter("wsbackup.restores.finished", "workspace", crn, "outcome", "succeeded") == 1);
		assertThat(counter("wsbackup.restores.started", "workspace", crn)).isEqualTo(1);
		assertThat(timerCount("restoreWorkspace", "succeeded")).isGreaterThanOrEqualTo(1);
	}

	@Test
	void theLastSuccessIsReadFromTheCatalogForEveryRegisteredWorkspace() throws Exception {
		Workspace backedUp = newWorkspace();
		Workspace never = newWorkspace();
		Instant t0 = Instant.parse("2026-11-01T02:00:00Z");
		Instant recorded = Instant.parse("2026-11-02T02:40:00Z");
		insert(backedUp, "older", t0, BackupStatus.SUCCEEDED, t0.plusSeconds(600));
		insert(backedUp, "newest", recorded.minusSeconds(2400), BackupStatus.SUCCEEDED, recorded);
		insert(backedUp, "failed-later", recorded.plusSeconds(3600), BackupStatus.FAILED, null);
		insert(backedUp, "no-recovery-points", recorded.minusSeconds(7200), BackupStatus.SUCCEEDED, null);

		metrics.refreshFromCatalog();

		assertThat(lastSuccess(backedUp.crn().toString())).isEqualTo(recorded.getEpochSecond());
		double registeredAt = workspaces.find(never.crn()).orElseThrow().createdAt().toEpochMilli() / 1000.0;
		assertThat(lastSuccess(never.crn().toString())).isEqualTo(registeredAt);
		String scrape = get("/actuator/prometheus");
		assertThat(sample(scrape, "wsbackup_backup_last_success_timestamp_seconds",
				Map.of("workspace", backedUp.crn().toString())))
			.isEqualTo(recorded.getEpochSecond());
		assertThat(sample(scrape, "wsbackup_backup_last_success_timestamp_seconds",
				Map.of("workspace", never.crn().toString())))
			.isEqualTo(registeredAt);
	}

	@Test
	void theLastVerifiedIsTheNewestVerificationThatFoundABackupSoundAndTheRegistrationWithoutOne() throws Exception {
		Workspace verified = newWorkspace();
		Workspace never = newWorkspace();
		Instant t0 = Instant.parse("2026-11-01T02:00:00Z");
		Crn sound = insert(verified, "sound", t0, BackupStatus.SUCCEEDED, t0.plusSeconds(600));
		Crn damaged = insert(verified, "damaged", t0.plusSeconds(3600), BackupStatus.SUCCEEDED, t0.plusSeconds(4200));
		backups.verificationEnded(sound, List.of());
		double verifiedAt = backups.verification(sound).lastVerifiedAt().toEpochMilli() / 1000.0;
		backups.verificationEnded(damaged, List.of("volume v: recovery point rp-damaged: a.bin: missing"));

		metrics.refreshFromCatalog();

		String scrape = get("/actuator/prometheus");
		assertThat(sample(scrape, "wsbackup_backup_last_verified_timestamp_seconds",
				Map.of("workspace", verified.crn().toString())))
			.isEqualTo(verifiedAt);
		assertThat(sample(scrape, "wsbackup_backup_last_verified_timestamp_seconds",
				Map.of("workspace", never.crn().toString())))
			.isEqualTo(workspaces.find(never.crn()).orElseThrow().createdAt().toEpochMilli() / 1000.0);
	}

	@Test
	void stoppedAndStartedAgainItKeepsReadingTheCatalog() {
		SimpleMeterRegistry own = new SimpleMeterRegistry();
		WsbackupMetrics restartable = new WsbackupMetrics(own, workspaces, backups, Duration.ofMillis(100));
		restartable.start();
		restartable.stop();
		assertThat(restartable.isRunning()).isFalse();

		restartable.start();
		Workspace registeredMeanwhile = newWorkspace();
		try {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> own.find(WsbackupMetrics.LAST_SUCCESS)
					.tags("workspace", registeredMeanwhile.crn().toString())
					.gauge() != null);
		}
		finally {
			restartable.stop();
		}
	}

	@Test
	void theActuatorExposesMetricsNextToPrometheus() throws Exception {
		assertThat(get("/actuator/metrics")).contains("wsbackup.jobs.running");
		assertThat(get("/actuator/metrics/wsbackup.jobs.running")).contains("\"job\"").contains("backupWorkspace");
	}

	private Crn insert(Workspace ws, String name, Instant createdAt, BackupStatus status, Instant recordedAt) {
		Crn crn = Crn.newBackup(ws.crn());
		backups.insert(new Backup(crn, ws.crn(), name, CREATOR, createdAt, ws.version(), status, 720, ws.vaultName(),
				null, List.of(), null));
		if (recordedAt != null) {
			backups.recordRecoveryPoint(new RecoveryPoint(crn.toString(),
					new ProtectedResource(ResourceKind.VOLUME, ws.storage().volumes().get(0)), "job-" + name,
					"rp-" + name, 1024L, recordedAt));
		}
		return crn;
	}

	private double finished(String workspaceCrn, String outcome) {
		return counter("wsbackup.backups.finished", "workspace", workspaceCrn, "outcome", outcome);
	}

	private double counter(String name, String... tags) {
		Counter counter = registry.find(name).tags(tags).counter();
		return counter == null ? 0 : counter.count();
	}

	private long timerCount(String job, String outcome) {
		Timer timer = registry.find(WsbackupMetrics.JOB_DURATION).tags("job", job, "outcome", outcome).timer();
		return timer == null ? 0 : timer.count();
	}

	private double running(String job) {
		return registry.get(WsbackupMetrics.JOBS_RUNNING).tags("job", job).gauge().value();
	}

	private double lastSuccess(String workspaceCrn) {
		Gauge gauge = registry.find(WsbackupMetrics.LAST_SUCCESS).tags("workspace", workspaceCrn).gauge();
		return gauge == null ? Double.NaN : gauge.value();
	}

	/** The one place this test calls the runner over HTTP. */
	private String get(String path) throws IOException, InterruptedException {
		HttpResponse<String> response = http
			.send(WsbackupTestSupport.asViewer(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)))
				.GET()
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("GET " + path).isEqualTo(200);
		return response.body();
	}

	/**
	 * The value of the one sample of this name that has these labels, in Prometheus text.
	 */
	private static double sample(String scrape, String name, Map<String, String> labels) {
		Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
		Matcher matcher = line.matcher(scrape);
		Double found = null;
		while (matcher.find()) {
			String labelText = matcher.group(1);
			if (labels.entrySet()
				.stream()
				.allMatch((l) -> labelText.contains(l.getKey() + "=\"" + l.getValue() + "\""))) {
				assertThat(found).as("one sample of " + name + " " + labels).isNull();
				found = Double.parseDouble(matcher.group(2));
			}
		}
		assertThat(found).as("a sample of " + name + " " + labels + " in\n" + scrape).isNotNull();
		return found;
	}

}
