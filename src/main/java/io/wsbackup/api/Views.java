package io.wsbackup.api;

import java.time.Instant;
import java.util.List;

import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.events.Event;
import io.wsbackup.workspace.Workspace;

/** The response bodies, in the API's camelCase; times are ISO-8601 UTC strings. */
final class Views {

	private Views() {
	}

	static String time(Instant instant) {
		return instant == null ? null : instant.toString();
	}

	record StorageView(List<String> volumes, String sharedFileSystem, boolean externalNfs) {
	}

	record WorkloadsView(List<String> namespaces, String namespaceSelector, String kubeContext) {
	}

	record WorkspaceView(String workspaceCrn, String workspaceName, String environmentName, String accountId,
			String region, String version, String workspaceStatus, StorageView storage, WorkloadsView workloads,
			String vaultName, String createdAt, String restoredFromBackupCrn) {

		static WorkspaceView of(Workspace w) {
			return new WorkspaceView(w.crn().toString(), w.name(), w.environmentName(), w.accountId(), w.region(),
					w.version(), w.status().text(),
					new StorageView(w.storage().volumes(), w.storage().sharedFileSystem(), w.storage().externalNfs()),
					new WorkloadsView(w.workloads().namespaces(), w.workloads().namespaceSelector(),
							w.workloads().kubeContext()),
					w.vaultName(), time(w.createdAt()), w.restoredFromBackupCrn());
		}

	}

	record RestoreView(String restoredFromBackupCrn, Long jobExecutionId, String jobStatus, String currentStep,
			ProgressView progress, List<String> modelBuildsToRebuild, List<String> warnings, String failureReason) {
	}

	record RestoredWorkspaceView(String workspaceCrn, String workspaceName, String environmentName, String accountId,
			String region, String version, String workspaceStatus, StorageView storage, WorkloadsView workloads,
			String vaultName, String createdAt, String restoredFromBackupCrn, RestoreView restore) {

		static RestoredWorkspaceView of(WorkspaceView w, RestoreView restore) {
			return new RestoredWorkspaceView(w.workspaceCrn(), w.workspaceName(), w.environmentName(), w.accountId(),
					w.region(), w.version(), w.workspaceStatus(), w.storage(), w.workloads(), w.vaultName(),
					w.createdAt(), w.restoredFromBackupCrn(), restore);
		}

	}

	record RestoredWorkspaceResponse(RestoredWorkspaceView workspace) {
	}

	record RestoreStartedView(String workspaceCrn, List<String> warnings) {
	}

	record WorkspaceResponse(WorkspaceView workspace) {
	}

	/**
	 * A registered workspace, with what the operator should know of its storage (a
	 * symbolic link resolved).
	 */
	record RegisteredWorkspaceResponse(WorkspaceView workspace, List<String> warnings) {
	}

	record BackupStarted(String backupCrn, String vaultName) {
	}

	record RecoveryPointView(String resourceKind, String resourceId, String recoveryPointId, String cloudJobId,
			Long sizeBytes, String createdAt) {

		static RecoveryPointView of(RecoveryPoint rp) {
			return new RecoveryPointView(rp.resource().kind().name().toLowerCase(), rp.resource().id(),
					rp.recoveryPointId(), rp.cloudJobId(), rp.sizeBytes(), time(rp.createdAt()));
		}

	}

	record ProgressView(Integer percentDone, Long bytesTransferred, String expectedCompletion, String reportedAt) {

		static ProgressView of(Event e) {
			return new ProgressView(e.percentDone(), e.bytesTransferred(), time(e.expectedCompletion()),
					time(e.occurredAt()));
		}

	}

	record BackupView(String backupCrn, String backupName, String workspaceCrn, String createdAt, String creatorCrn,
			String workspaceVersionAtBackup, String backupStatus, String vaultName, int backupJobTimeoutMinutes,
			String failureReason, List<String> warnings, List<RecoveryPointView> recoveryPoints, Long jobExecutionId,
			String jobStatus, String currentStep, String queuedAt, ProgressView progress, String verificationStatus,
			String lastVerifiedAt, String verificationFailure, String verifiedBy, Long verificationSeconds) {
	}

	record BackupResponse(BackupView backup) {
	}

	record EventView(long id, String occurredAt, String workspaceCrn, String backupCrn, String step, String level,
			String message, Integer percentDone, Long bytesTransferred, String expectedCompletion) {

		static EventView of(Event e) {
			return new EventView(e.id(), time(e.occurredAt()), e.workspaceCrn(), e.backupCrn(), e.step(), e.level(),
					e.message(), e.percentDone(), e.bytesTransferred(), time(e.expectedCompletion()));
		}

	}

	record CancelRequested(String backupCrn, String backupStatus) {
	}

	record DeleteStarted(String workflowId) {
	}

	record VerifyStarted(String workflowId) {
	}

	record DrillStarted(String backupCrn, String scratchWorkspaceCrn, String workflowId) {
	}

	record ApiError(String code, String message) {
	}

}
