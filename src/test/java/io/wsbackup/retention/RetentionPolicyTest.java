package io.wsbackup.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.workspace.Crn;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetentionPolicyTest {

	private static final Crn WORKSPACE = Crn
		.parse("crn:cdp:ml:us-west-2:123456789012:workspace:0b7c3b8e-5f0e-4c55-9a0e-1b7d2f1c0a11");

	private static final Instant NOW = Instant.parse("2026-11-21T02:00:00Z");

	@Test
	void twoBackupsOfOneSecondKeepTheLaterLaunched() {
		// the store keeps whole seconds on MariaDB 10.x: both were created "at" the same
		// second
		Backup earlier = backup("earlier", NOW, 7L);
		Backup later = backup("later", NOW, 8L);

		for (List<Backup> order : List.of(List.of(earlier, later), List.of(later, earlier))) {
			assertThat(RetentionPolicy.doomed(new Retention(1, null), order, NOW.plusSeconds(60)))
				.extracting((d) -> d.backup().name())
				.containsExactly("earlier");
		}
	}

	@Test
	void theNewestSucceededBackupStaysWhateverItsAge() {
		Backup old = backup("old", NOW.minus(Duration.ofDays(10)), 1L);
		Backup older = backup("older", NOW.minus(Duration.ofDays(20)), 2L);

		assertThat(RetentionPolicy.doomed(new Retention(null, Duration.ofDays(1)), List.of(older, old), NOW))
			.extracting((d) -> d.backup().name())
			.containsExactly("older");
	}

	@Test
	void theNewestVerifiedBackupStaysBesideTheNewestSucceededAndThePreviewSaysWhy() {
		Backup newest = backup("newest", NOW.minus(Duration.ofDays(1)), 4L);
		Backup verified = backup("verified", NOW.minus(Duration.ofDays(2)), 3L);
		Backup olderVerified = backup("older-verified", NOW.minus(Duration.ofDays(3)), 2L);
		Backup oldest = backup("oldest", NOW.minus(Duration.ofDays(4)), 1L);
		List<Backup> all = List.of(oldest, olderVerified, verified, newest);
		var verifiedCrns = java.util.Set.of(verified.crn(), olderVerified.crn());

		assertThat(RetentionPolicy.doomed(new Retention(1, null), all, verifiedCrns, NOW))
			.extracting((d) -> d.backup().name())
			.containsExactly("older-verified", "oldest");
		assertThat(RetentionPolicy.keptAsNewestVerified(new Retention(1, null), all, verifiedCrns, NOW)).singleElement()
			.satisfies((k) -> {
				assertThat(k.backup().name()).isEqualTo("verified");
				assertThat(k.reason()).isEqualTo("the newest verified backup of its workspace");
			});
		assertThat(
				RetentionPolicy.keptAsNewestVerified(new Retention(1, null), all, java.util.Set.of(newest.crn()), NOW))
			.as("the newest succeeded backup stays anyway")
			.isEmpty();
	}

	private static Backup backup(String name, Instant createdAt, Long jobExecutionId) {
		return new Backup(Crn.newBackup(WORKSPACE), WORKSPACE, name, "crn:test", createdAt, "2.0.50",
				BackupStatus.SUCCEEDED, 720, "vault", null, List.of(), jobExecutionId);
	}

}
