package io.wsbackup.backup;

import java.util.List;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.events.Event;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.workspace.Workspace;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The waiting step's progress lines on an uneven set of resources: two small volumes that
 * complete at the first poll beside a large file system that advances 10 % per poll. The
 * percent is weighted by bytes, and every line's ETA lies after the line.
 */
class BackupProgressTest extends WsbackupTestSupport {

	private static final long MB = 1_000_000;

	@Autowired
	Launcher launcher;

	@Autowired
	EventLog events;

	@Test
	void progressOfAnUnevenSetOfResourcesIsWeightedByBytes() {
		Workspace ws = newWorkspace();
		cloud.sizeOf(ws.storage().volumes().get(0), 5 * MB, 100);
		cloud.sizeOf(ws.storage().volumes().get(1), 5 * MB, 100);
		cloud.sizeOf(ws.storage().sharedFileSystem(), 290 * MB, 10);

		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "uneven", null,
				"crn:cdp:iam:us-west-2:123456789012:user:tester");
		assertThat(awaitJobEnd(backup).getStatus()).isEqualTo(BatchStatus.COMPLETED);

		List<Event> progress = events.list(ws.crn().toString(), backup.crn().toString(), 1000)
			.stream()
			.filter((e) -> e.percentDone() != null)
			.toList();
		List<Event> running = progress.stream().filter((e) -> e.percentDone() < 100).toList();
		// the first poll: both volumes done (10 MB) and the file system at 10 % (29 MB):
		// 39 of 300 MB is 13 %, where the average of the percents said 70 %
		assertThat(running.get(0).percentDone()).isEqualTo(13);
		assertThat(running.get(0).bytesTransferred()).isEqualTo(39 * MB);
		assertThat(running.get(0).message()).contains("2 of 3 snapshot(s) completed, 13% done (39.0 of 300.0 MB)");
		assertThat(running).allSatisfy((e) -> {
			assertThat(e.percentDone()).isEqualTo((int) (e.bytesTransferred() * 100 / (300 * MB)));
			assertThat(e.expectedCompletion()).isAfter(e.occurredAt());
		});
		Event last = progress.get(progress.size() - 1);
		assertThat(last.percentDone()).isEqualTo(100);
		assertThat(last.bytesTransferred()).isEqualTo(300 * MB);
		assertThat(last.message()).contains("300.0 of 300.0 MB");
	}

}
