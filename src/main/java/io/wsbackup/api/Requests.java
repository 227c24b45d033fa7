package io.wsbackup.api;

import java.util.List;

/**
 * The request bodies of the REST operations; every field is optional to Jackson and
 * checked by the services.
 */
final class Requests {

	private Requests() {
	}

	record RegisterWorkspace(String workspaceName, String environmentName, String accountId, String region,
			String version, List<String> volumes, String sharedFileSystem, Boolean externalNfs, List<String> namespaces,
			String namespaceSelector, String kubeContext) {
	}

	record ListWorkspaces(String environmentName, String workspaceNameContains, Integer pageSize,
			String startingToken) {
	}

	record DescribeWorkspace(String workspaceCrn, String workspaceName, String environmentName) {
	}

	record BackupWorkspace(String workspaceCrn, String backupName, Integer backupJobTimeoutMinutes) {
	}

	record ListWorkspaceBackups(String workspaceCrn, String workspaceName, String environmentName, String backupStatus,
			String backupNameContains, String verificationStatus, Integer pageSize, String startingToken) {
	}

	/** The catalog of every workspace (or one environment's), newest first. */
	record ListBackups(String environmentName, String backupStatus, String backupNameContains,
			String verificationStatus, Integer pageSize, String startingToken) {
	}

	record DescribeWorkspaceBackup(String backupCrn) {
	}

	record CancelBackup(String backupCrn) {
	}

	record DeleteBackup(String backupCrn) {
	}

	record VerifyBackup(String backupCrn) {
	}

	record DrillBackup(String workspaceCrn, String backupCrn) {
	}

	record ListWorkspaceEvents(String workspaceCrn, String backupCrn, Integer maxItems, Integer pageSize,
			String startingToken) {
	}

}
