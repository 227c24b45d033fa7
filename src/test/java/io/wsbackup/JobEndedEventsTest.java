package io.wsbackup;

import java.time.Duration;

import io.wsbackup.backup.BackupEnded;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.deletion.DeleteEnded;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.restore.RestoreEnded;
import io.wsbackup.restore.RestoreInput;
import io.wsbackup.restore.RestoreStarted;
import io.wsbackup.workspace.Workspace;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every job wing tells how its execution ended through an application event
 * ({@link BackupEnded}, {@link RestoreEnded}, {@link DeleteEnded}), after the catalog
 * took the outcome, so that schedules, metrics and notifications listen instead of being
 * called.
 */
class JobEndedEventsTest extends WsbackupTestSupport {

	@Autowired
	Launcher launcher;

	@Autowired
	JobEnds ends;

	@Test
	void aSucceededAndAFailedBackupAreHeardWithTheirOutcomeAfterTheCatalogTookIt() {
		Workspace ws = newWorkspace();
		Backup good = launcher.backupWorkspace(ws.crn().toString(), "good", null, "crn:test:events");
		awaitJobEnd(good);
		cloud.failJobOf("fs-" + ws.name(), "the vault is on fire");
		Backup bad = launcher.backupWorkspace(ws.crn().toString(), "bad", null, "crn:test:events");
		awaitJobEnd(bad);

		BackupEnded goodEnd = heardBackup(good);
		BackupEnded badEnd = heardBackup(bad);
		assertThat(goodEnd.outcome()).isEqualTo(BackupStatus.SUCCEEDED).isEqualTo(reload(good).status());
		assertThat(goodEnd.succeeded()).isTrue();
		assertThat(goodEnd.workspaceCrn()).isEqualTo(ws.crn().toString());
		assertThat(badEnd.outcome()).isEqualTo(BackupStatus.FAILED).isEqualTo(reload(bad).status());
		assertThat(badEnd.succeeded()).isFalse();
		// heard in the jobs' own threads, which are virtual: a job that waits for the
		// cloud holds no platform thread
		assertThat(ends.backupThreads()).isNotEmpty().allSatisfy((thread) -> {
			assertThat(thread.isVirtual()).as(thread.toString()).isTrue();
			assertThat(thread.getName()).startsWith("job-");
		});
	}

	@Test
	void aRestoreAndADeleteAreHeardWhenTheyEnd() {
		Workspace ws = newWorkspace();
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "kept", null, "crn:test:events");
		awaitJobEnd(backup);
		String name = "r-" + ws.name();
		RestoreStarted started = launcher.restoreWorkspace(RestoreInput.parse(JsonMapper.builder().build().readTree("""
				{"backupCrn": "%s", "newWorkspaceParameters": {"environmentName": "env-test", "workspaceName": "%s"}}
				""".formatted(backup.crn(), name))));

		RestoreEnded restored = await().atMost(Duration.ofSeconds(30))
			.until(() -> ends.of(RestoreEnded.class)
				.stream()
				.filter((e) -> e.workspaceCrn().equals(started.workspaceCrn().toString()))
				.findFirst()
				.orElse(null), (e) -> e != null);
		assertThat(restored.succeeded()).isTrue();
		assertThat(restored.backupCrn()).isEqualTo(backup.crn().toString());
		assertThat(restored.failureReason()).isNull();

		launcher.deleteBackup(backup.crn().toString());
		DeleteEnded deleted = await().atMost(Duration.ofSeconds(30))
			.until(() -> ends.of(DeleteEnded.class)
				.stream()
				.filter((e) -> e.backupCrn().equals(backup.crn().toString()))
				.findFirst()
				.orElse(null), (e) -> e != null);
		assertThat(deleted.deleted()).isTrue();
		assertThat(backups.find(backup.crn())).as("heard after the catalog entry left").isEmpty();
	}

	private BackupEnded heardBackup(Backup backup) {
		return await().atMost(Duration.ofSeconds(30))
			.until(() -> ends.of(BackupEnded.class)
				.stream()
				.filter((e) -> e.backupCrn().equals(backup.crn().toString()))
				.findFirst()
				.orElse(null), (e) -> e != null);
	}

}
