package io.wsbackup.catalog;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.wsbackup.catalog.BackupStatus.CANCELLED;
import static io.wsbackup.catalog.BackupStatus.CANCELLING;
import static io.wsbackup.catalog.BackupStatus.DELETING;
import static io.wsbackup.catalog.BackupStatus.FAILED;
import static io.wsbackup.catalog.BackupStatus.RUNNING;
import static io.wsbackup.catalog.BackupStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

/** The backup status transition table, every pair checked. */
class BackupStatusTest {

	static Set<BackupStatus> expectedNext(BackupStatus from) {
		return switch (from) {
			case RUNNING -> EnumSet.of(CANCELLING, SUCCEEDED, FAILED, CANCELLED);
			case CANCELLING -> EnumSet.of(CANCELLED, FAILED);
			case SUCCEEDED -> EnumSet.of(DELETING);
			case FAILED, CANCELLED -> EnumSet.of(RUNNING, DELETING);
			case DELETING -> EnumSet.noneOf(BackupStatus.class);
		};
	}

	@ParameterizedTest
	@EnumSource(BackupStatus.class)
	void allowsExactlyTheTransitionsOfTheTable(BackupStatus from) {
		for (BackupStatus to : BackupStatus.values()) {
			assertThat(from.canMoveTo(to)).as(from + " -> " + to).isEqualTo(expectedNext(from).contains(to));
		}
		assertThat(BackupStatus.of(from.text())).isEqualTo(from);
	}

}
