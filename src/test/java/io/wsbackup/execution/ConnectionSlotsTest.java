package io.wsbackup.execution;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.launcher.Launcher;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many backups starting at once on a small pool: the chunks that hold a connection while
 * they call the cloud (here every snapshot start answers after 150 ms) wait for a slot,
 * not on the pool, whose wait (1 s here) would time out and fail a job's store write.
 * Every backup succeeds. (Its context is closed after it: its own pool would otherwise
 * stay open while the suite runs.)
 */
@DirtiesContext
@TestPropertySource(properties = { "spring.datasource.hikari.maximum-pool-size=4",
		"spring.datasource.hikari.connection-timeout=1000" })
class ConnectionSlotsTest extends WsbackupTestSupport {

	private static final String CREATOR = "crn:cdp:iam:us-west-2:123456789012:user:slots-test";

	@Autowired
	Launcher launcher;

	@Autowired
	StepGuard guard;

	@Test
	void backupsStartingTogetherWaitForASlotInsteadOfTimingOutOnThePool() {
		cloud.startLatency(Duration.ofMillis(150));
		List<Backup> started = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			started.add(launcher.backupWorkspace(newWorkspace().crn().toString(), "together", null, CREATOR));
		}
		assertThat(guard.connectionSlots()).as("half of the pool of 4").isEqualTo(2);
		for (Backup backup : started) {
			assertThat(awaitJobEnd(backup).getStatus()).as(String.valueOf(reload(backup).failureReason()))
				.isEqualTo(BatchStatus.COMPLETED);
			assertThat(reload(backup).status()).isEqualTo(BackupStatus.SUCCEEDED);
		}
		assertThat(cloud.startedSnapshots()).hasSize(12 * 3);
	}

}
