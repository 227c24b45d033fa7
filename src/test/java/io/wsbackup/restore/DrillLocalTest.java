package io.wsbackup.restore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.catalog.Verification;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.system.TestDatabase;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceRepository;
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
 * drillBackup on the local provider, as on the embedded default: a sound backup is
 * restored under restores/drills, checked file by file against its manifest, recorded
 * verified and removed, leaving the drills' directory empty; a byte flipped in a file of
 * the vault fails the drill naming that file (the local restore checks the manifest as it
 * copies), and still leaves nothing behind; the workspace's own storage is never touched.
 */
@SpringBootTest(properties = { "wsbackup.schedules-dir=target/no-schedules", "spring.quartz.auto-startup=false",
		"wsbackup.workloads.provider=none", "wsbackup.cloud.provider=local", "wsbackup.demo.enabled=false",
		"wsbackup.recovery.enabled=false", "wsbackup.backup.poll-initial-interval=20ms",
		"wsbackup.backup.poll-max-interval=100ms" })
class DrillLocalTest {

	private static final String CREATOR = "crn:cdp:iam:us-west-2:123456789012:user:tester";

	private static final Path dataDir = tempDir();

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		TestDatabase.register(registry);
		registry.add("wsbackup.data-dir", dataDir::toString);
	}

	@Autowired
	Launcher launcher;

	@Autowired
	DrillLauncher drills;

	@Autowired
	WorkspaceService workspaceService;

	@Autowired
	WorkspaceRepository workspaces;

	@Autowired
	BackupRepository backups;

	@Autowired
	JobRepository jobRepository;

	@Test
	void aSoundBackupIsDrilledToVerifiedAndTheDrillsDirectoryIsLeftEmpty() throws IOException {
		Backup backup = succeededBackup();

		DrillStarted started = drills.drillBackup(null, backup.crn().toString(), CREATOR);

		assertThat(awaitEnd(started).getStatus()).isEqualTo(BatchStatus.COMPLETED);
		Verification verification = backups.verification(backup.crn());
		assertThat(verification.status()).isEqualTo(Verification.Status.VERIFIED);
		assertThat(verification.verifiedBy()).isEqualTo("drill");
		assertNothingLeftBehind(started);
	}

	@Test
	void aByteFlippedInTheVaultFailsTheDrillNamingTheFileAndNothingIsLeftBehind() throws IOException {
		Backup backup = succeededBackup();
		RecoveryPoint rp = backups.recoveryPoints(backup.crn()).get(0);
		Path model = dataDir.resolve("vaults")
			.resolve(backup.vaultName())
			.resolve(rp.recoveryPointId())
			.resolve("data/models/model.bin");
		byte[] bytes = Files.readAllBytes(model);
		bytes[3] ^= 1;
		Files.write(model, bytes);

		DrillStarted started = drills.drillBackup(null, backup.crn().toString(), CREATOR);

		assertThat(awaitEnd(started).getStatus()).isEqualTo(BatchStatus.FAILED);
		Verification verification = backups.verification(backup.crn());
		assertThat(verification.status()).isEqualTo(Verification.Status.FAILED);
		// the local restore checks every file against the manifest as it copies: the
		// restore itself fails, naming the recovery point and the file
		assertThat(verification.failure()).contains("the drill failed in step awaitRestores",
				"recovery point " + rp.recoveryPointId(), "models/model.bin: checksum mismatch");
		assertNothingLeftBehind(started);
	}

	private void assertNothingLeftBehind(DrillStarted started) throws IOException {
		assertThat(workspaces.find(io.wsbackup.workspace.Crn.parse(started.scratchWorkspaceCrn()))).isEmpty();
		Path drillsDir = dataDir.resolve("restores").resolve("drills");
		if (Files.exists(drillsDir)) {
			try (Stream<Path> left = Files.list(drillsDir)) {
				assertThat(left).as("restored directories left in " + drillsDir).isEmpty();
			}
		}
		assertThat(dataDir.resolve("storage")).as("the workspaces' own storage").isDirectory();
	}

	private Backup succeededBackup() throws IOException {
		String name = "drill-" + UUID.randomUUID().toString().substring(0, 8);
		Path volume = Files.createDirectories(dataDir.resolve("storage").resolve(name));
		Files.createDirectories(volume.resolve("models"));
		Files.write(volume.resolve("models/model.bin"), new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 });
		Files.writeString(volume.resolve("notes.txt"), "a note");
		Workspace ws = workspaceService.register(name, "env-local", null, null, null,
				new WorkspaceStorage(List.of(volume.toString()), null, false), null);
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "first", null, CREATOR);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> backups.find(backup.crn()).orElseThrow().status() == BackupStatus.SUCCEEDED);
		assertThat(Files.readAllBytes(volume.resolve("models/model.bin"))).hasSize(10);
		return backups.find(backup.crn()).orElseThrow();
	}

	private JobExecution awaitEnd(DrillStarted started) {
		return await().atMost(Duration.ofSeconds(30))
			.until(() -> jobRepository.getJobExecution(started.jobExecutionId()),
					(e) -> e != null && !e.isRunning() && e.getEndTime() != null
							&& backups.verification(io.wsbackup.workspace.Crn.parse(started.backupCrn()))
								.status() != Verification.Status.VERIFYING);
	}

	private static Path tempDir() {
		try {
			return Files.createTempDirectory("wsbackup-drill-local").toRealPath();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
