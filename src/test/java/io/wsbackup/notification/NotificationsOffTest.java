package io.wsbackup.notification;

import io.wsbackup.WsbackupTestSupport;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.workspace.Workspace;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** With no target configured (the default), an outcome writes nothing to the outbox. */
class NotificationsOffTest extends WsbackupTestSupport {

	@Autowired
	Launcher launcher;

	@Autowired
	Notifications notifications;

	@Autowired
	Outbox outbox;

	@Test
	void withoutTargetsABackupsEndWritesNoNotification() {
		assertThat(notifications.enabled()).isFalse();
		Workspace ws = newWorkspace();
		cloud.failJobOf("fs-" + ws.name(), "the vault is on fire");
		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "unheard", null, "crn:test:off");
		awaitJobEnd(backup);
		assertThat(reload(backup).status()).isEqualTo(BackupStatus.FAILED);
		assertThat(outbox.pageNewestFirst(null, null, null, ws.crn().toString(), null, 10)).isEmpty();
	}

}
