package io.wsbackup.workspace;

import java.time.Instant;

/**
 * A workspace: Kubernetes namespaces running sessions, jobs, applications and models,
 * with its data on volumes and a shared file system.
 *
 * @param crn {@code crn:cdp:ml:<region>:<account-id>:workspace:<uuid>}
 * @param name unique within its environment
 * @param environmentName the environment it runs in
 * @param accountId the cloud account
 * @param region the cloud region
 * @param version the workspace version
 * @param status its status
 * @param storage where its data lives
 * @param createdAt when it was registered
 * @param restoredFromBackupCrn the backup it was restored from, or {@code null}
 * @param workloads where its workloads run (namespaces, selector, kube context), for the
 * workload adapter
 * @param provisioningParameters the create-workspace request it was made with (JSON,
 * passwords removed), or {@code null}; kept for restored workspaces
 */
public record Workspace(Crn crn, String name, String environmentName, String accountId, String region, String version,
		WorkspaceStatus status, WorkspaceStorage storage, Instant createdAt, String restoredFromBackupCrn,
		WorkloadLocation workloads, String provisioningParameters) {

	public Workspace {
		workloads = workloads == null ? WorkloadLocation.NONE : workloads;
	}

	/** The UUID part of the CRN. */
	public String uuid() {
		return crn.resourceId();
	}

	/** The vault all of this workspace's recovery points go into. */
	public String vaultName() {
		return "mlx-" + uuid();
	}

}
