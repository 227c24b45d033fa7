package io.wsbackup.catalog;

import java.time.Instant;
import java.util.List;

import io.wsbackup.workspace.Crn;

/**
 * One backup of one workspace, as the catalog keeps it.
 *
 * @param crn {@code crn:cdp:ml:<region>:<account-id>:workspace_backup:<uuid>}
 * @param workspaceCrn the workspace backed up
 * @param name unique per workspace
 * @param creatorCrn who asked for it
 * @param createdAt when it was asked for; the timeout counts from here
 * @param workspaceVersion the workspace's version at backup time
 * @param status where it stands
 * @param timeoutMinutes how long it may take, from when its job first began
 * @param vaultName where its recovery points go, {@code mlx-<workspace uuid>}
 * @param failureReason why it failed, or {@code null}
 * @param warnings what the operator should know although it did not fail (an external NFS
 * not backed up, ...)
 * @param jobExecutionId the latest job execution working on it, or {@code null}
 */
public record Backup(Crn crn, Crn workspaceCrn, String name, String creatorCrn, Instant createdAt,
		String workspaceVersion, BackupStatus status, int timeoutMinutes, String vaultName, String failureReason,
		List<String> warnings, Long jobExecutionId) {

	public Backup {
		warnings = List.copyOf(warnings);
	}

}
