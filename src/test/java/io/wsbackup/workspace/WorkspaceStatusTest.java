package io.wsbackup.workspace;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.wsbackup.workspace.WorkspaceStatus.BACKUP_FAILED;
import static io.wsbackup.workspace.WorkspaceStatus.BACKUP_FINISHED;
import static io.wsbackup.workspace.WorkspaceStatus.BACKUP_STARTED;
import static io.wsbackup.workspace.WorkspaceStatus.INSTALLATION_FAILED;
import static io.wsbackup.workspace.WorkspaceStatus.INSTALLATION_FINISHED;
import static io.wsbackup.workspace.WorkspaceStatus.INSTALLATION_STARTED;
import static io.wsbackup.workspace.WorkspaceStatus.RESTORE_FAILED;
import static io.wsbackup.workspace.WorkspaceStatus.RESTORE_STARTED;
import static org.assertj.core.api.Assertions.assertThat;

/** The workspace status transition table, every pair checked. */
class WorkspaceStatusTest {

	static Set<WorkspaceStatus> expectedNext(WorkspaceStatus from) {
		return switch (from) {
			case INSTALLATION_STARTED -> EnumSet.of(INSTALLATION_FINISHED, INSTALLATION_FAILED);
			case INSTALLATION_FINISHED -> EnumSet.of(BACKUP_STARTED);
			case INSTALLATION_FAILED -> EnumSet.of(INSTALLATION_STARTED);
			case BACKUP_STARTED -> EnumSet.of(BACKUP_FINISHED, BACKUP_FAILED);
			case BACKUP_FINISHED, BACKUP_FAILED -> EnumSet.of(INSTALLATION_FINISHED);
			case RESTORE_STARTED -> EnumSet.of(INSTALLATION_FINISHED, RESTORE_FAILED);
			case RESTORE_FAILED -> EnumSet.of(RESTORE_STARTED);
		};
	}

	@ParameterizedTest
	@EnumSource(WorkspaceStatus.class)
	void allowsExactlyTheTransitionsOfTheTable(WorkspaceStatus from) {
		for (WorkspaceStatus to : WorkspaceStatus.values()) {
			assertThat(from.canMoveTo(to)).as(from + " -> " + to).isEqualTo(expectedNext(from).contains(to));
		}
	}

	@ParameterizedTest
	@EnumSource(WorkspaceStatus.class)
	void readsBackItsApiForm(WorkspaceStatus status) {
		assertThat(WorkspaceStatus.of(status.text())).isEqualTo(status);
		assertThat(status.text()).matches("[a-z]+:[a-z]+");
	}

}
