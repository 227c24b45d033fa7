package io.wsbackup.catalog;

import java.time.Instant;
import java.util.List;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.Workspace;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backup's warnings on the real store: a warning never fails the backup it warns about,
 * however long or many (a snapshot of a tree with thousands of sockets, a long message
 * from AWS); what the column cannot keep is named, and the events keep it whole.
 */
class BackupWarningsTest extends WsbackupTestSupport {

	@Test
	void longAndManyWarningsAreKeptWithinTheColumnAndSayThatMoreAreInTheEvents() {
		Workspace ws = newWorkspace();
		Backup backup = new Backup(Crn.newBackup(ws.crn()), ws.crn(), "warned", "creator", Instant.now(), "2.0.47",
				BackupStatus.RUNNING, 60, ws.vaultName(), null, List.of(), null);
		backups.insert(backup);

		backups.addWarning(backup.crn(), "x".repeat(10_000));
		for (int i = 0; i < 40; i++) {
			backups.addWarning(backup.crn(), "warning " + i + " " + "y".repeat(300));
		}
		backups.addWarning(backup.crn(), "one after the list is full");

		List<String> warnings = backups.find(backup.crn()).orElseThrow().warnings();
		assertThat(warnings.get(0)).hasSize(BackupRepository.MAX_WARNING).endsWith("…");
		assertThat(warnings).last().isEqualTo(BackupRepository.MORE_WARNINGS);
		assertThat(warnings).filteredOn(BackupRepository.MORE_WARNINGS::equals).hasSize(1);
		assertThat(warnings).hasSizeBetween(3, 20).doesNotContain("one after the list is full");
	}

}
