package io.wsbackup.verification;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.catalog.Verification;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.system.TestDatabase;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceService;
import io.wsbackup.workspace.WorkspaceStorage;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * verifyBackup on the local provider, as on the embedded default: a backup verified where
 * it lies, then a byte flipped, a file removed, a file added, a file made a directory and
 * a file grown in its vault, each named by the failed verification.
 */
@SpringBootTest(properties = { "wsbackup.schedules-dir=target/no-schedules", "spring.quartz.auto-startup=false",
		"wsbackup.workloads.provider=none", "wsbackup.cloud.provider=local", "wsbackup.demo.enabled=false",
		"wsbackup.recovery.enabled=false", "wsbackup.backup.poll-initial-interval=20ms",
		"wsbackup.backup.poll-max-interval=100ms" })
class VerifyBackupLocalTest {

	private static final Path dataDir = tempDir();

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		TestDatabase.register(registry);
		registry.add("wsbackup.data-dir", dataDir::toString);
	}

	@Autowired
	Launcher launcher;

	@Autowired
	VerifyLauncher verifications;

	@Autowired
	WorkspaceService workspaceService;

	@Autowired
	BackupRepository backups;

	@Autowired
	JobRepository jobRepository;

	@Autowired
	Clock clock;

	@Test
	void aBackupIsVerifiedWhereItLiesAndAFlippedByteAMissingFileAndAnExtraFileAreEachNamed() throws IOException {
		Backup backup = succeededBackup();
		RecoveryPoint rp = backups.recoveryPoints(backup.crn()).get(0);
		Path data = dataDir.resolve("vaults").resolve(backup.vaultName()).resolve(rp.recoveryPointId()).resolve("data");
		assertThat(data.resolve("models/model.bin")).isRegularFile();

		Instant asked = clock.instant().truncatedTo(ChronoUnit.SECONDS);
		assertThat(verify(backup)).isEqualTo(Verification.Status.VERIFIED);
		assertThat(backups.verification(backup.crn()).lastVerifiedAt()).isBetween(asked, clock.instant());
		assertThat(backups.verification(backup.crn()).failure()).isNull();

		byte[] model = Files.readAllBytes(data.resolve("models/model.bin"));
		model[7] ^= 1;
		Files.write(data.resolve("models/model.bin"), model);

		assertThat(verify(backup)).isEqualTo(Verification.Status.FAILED);
		assertThat(backups.verification(backup.crn()).failure()).contains(rp.recoveryPointId())
			.contains("models/model.bin: checksum mismatch")
			.doesNotContain("notes.txt");

		Files.delete(data.resolve("notes.txt"));
		Files.writeString(data.resolve("stray.txt"), "not backed up");
		Files.delete(data.resolve("run.log"));
		Files.createDirectory(data.resolve("run.log"));
		Files.write(data.resolve("models/model.bin"), new byte[] { 0 }, StandardOpenOption.APPEND);

		assertThat(verify(backup)).isEqualTo(Verification.Status.FAILED);
		assertThat(backups.verification(backup.crn()).failure()).contains("models/model.bin: checksum mismatch",
				"size 11 bytes, the manifest's 10", "notes.txt: missing", "stray.txt: not in the manifest",
				"run.log: a directory, not the regular file the manifest lists");
	}

	private Verification.Status verify(Backup backup) {
		long workflowId = verifications.verifyBackup(backup.crn().toString());
		assertThat(awaitEnd(workflowId).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		return backups.verification(backup.crn()).status();
	}

	private Backup succeededBackup() throws IOException {
		String name = "verify-" + UUID.randomUUID().toString().substring(0, 8);
		Path volume = Files.createDirectories(dataDir.resolve("storage").resolve(name));
		Files.createDirectories(volume.resolve("models"));
		Files.write(volume.resolve("models/model.bin"), new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 });
		Files.writeString(volume.resolve("notes.txt"), "a note");
		Files.writeString(volume.resolve("run.log"), "a log");
		Workspace ws = workspaceService.register(name, "env-local", null, null, null,
				new WorkspaceStorage(List.of(volume.toString()), null, false), null);
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "first", null,
				"crn:cdp:iam:us-west-2:123456789012:user:tester");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> backups.find(backup.crn()).orElseThrow().status() == BackupStatus.SUCCEEDED);
		return backups.find(backup.crn()).orElseThrow();
	}

	private JobExecution awaitEnd(long id) {
		return await().atMost(Duration.ofSeconds(30))
			.until(() -> jobRepository.getJobExecution(id),
					(e) -> e != null && !e.isRunning() && e.getEndTime() != null);
	}

	private static Path tempDir() {
		try {
			return Files.createTempDirectory("wsbackup-verify-local").toRealPath();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
