package io.wsbackup.api;

import java.util.List;

import io.wsbackup.api.Views.EventView;
import io.wsbackup.api.Views.ProgressView;
import io.wsbackup.api.Views.StorageView;
import io.wsbackup.api.Views.WorkloadsView;
import io.wsbackup.api.Views.WorkspaceView;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.catalog.Verification;
import io.wsbackup.overview.OverviewRepository.BackupLine;

/**
 * The answers of the list operations, with paging ({@code nextToken}, null on the last
 * page) and the fields the console and the CLI show at fleet size. Every field the lists
 * had before is kept, with its name.
 */
final class ListViews {

	private ListViews() {
	}

	/**
	 * The failure reason an operator should read: none for a cancel, which is its own
	 * outcome (older entries stored the word "cancelled" as their reason).
	 */
	static String failureReason(BackupStatus status, String reason) {
		return status == BackupStatus.CANCELLED && "cancelled".equals(reason) ? null : reason;
	}

	/**
	 * One catalog entry in a list: the fields of {@code listWorkspaceBackups} before
	 * paging, then its workspace, when it ended, how long it took, the size of its
	 * recorded recovery points (also of a failed or cancelled backup's, which it keeps
	 * for a restart), why it failed, its latest job execution, and how it was last
	 * verified.
	 */
	record BackupListing(String backupCrn, String backupName, String createdAt, String creatorCrn,
			String workspaceVersionAtBackup, String backupStatus, String workspaceCrn, String workspaceName,
			String environmentName, String completedAt, Long durationSeconds, Long sizeBytes, int recoveryPointCount,
			String failureReason, Long jobExecutionId, String verificationStatus, String lastVerifiedAt,
			String verificationFailure, String verifiedBy, Long verificationSeconds) {

		static BackupListing of(BackupLine b, Verification v) {
			return new BackupListing(b.backupCrn().toString(), b.backupName(), Views.time(b.createdAt()),
					b.creatorCrn(), b.workspaceVersion(), b.status().text(), b.workspaceCrn().toString(),
					b.workspaceName(), b.environmentName(), Views.time(b.completedAt()), b.durationSeconds(),
					b.sizeBytes(), b.recoveryPoints(), ListViews.failureReason(b.status(), b.failureReason()),
					b.jobExecutionId(), v.status().text(), Views.time(v.lastVerifiedAt()), v.failure(), v.verifiedBy(),
					v.seconds());
		}

	}

	record BackupsPage(String workspaceCrn, List<BackupListing> backups, String nextToken) {
	}

	record AllBackupsPage(List<BackupListing> backups, String nextToken) {
	}

	/**
	 * A workspace's last attempt or last success, as the Workspaces page shows it; a
	 * running one with its current step and latest progress.
	 */
	record BackupAttemptView(String backupCrn, String backupName, String backupStatus, String createdAt,
			String completedAt, Long durationSeconds, Long sizeBytes, String failureReason, String currentStep,
			ProgressView progress) {

		static BackupAttemptView of(BackupLine b, String currentStep, ProgressView progress) {
			return b == null ? null
					: new BackupAttemptView(b.backupCrn().toString(), b.backupName(), b.status().text(),
							Views.time(b.createdAt()), Views.time(b.completedAt()), b.durationSeconds(), b.sizeBytes(),
							ListViews.failureReason(b.status(), b.failureReason()), currentStep, progress);
		}

	}

	/**
	 * A workspace in {@code listWorkspaces}: every field of {@code describeWorkspace}'s
	 * workspace, then its last attempt, its last success and, while it is being restored,
	 * its restore's latest progress.
	 */
	record WorkspaceListing(String workspaceCrn, String workspaceName, String environmentName, String accountId,
			String region, String version, String workspaceStatus, StorageView storage, WorkloadsView workloads,
			String vaultName, String createdAt, String restoredFromBackupCrn, BackupAttemptView lastBackup,
			BackupAttemptView lastSuccessfulBackup, ProgressView restoreProgress) {

		static WorkspaceListing of(WorkspaceView w, BackupAttemptView last, BackupAttemptView lastSuccess,
				ProgressView restoreProgress) {
			return new WorkspaceListing(w.workspaceCrn(), w.workspaceName(), w.environmentName(), w.accountId(),
					w.region(), w.version(), w.workspaceStatus(), w.storage(), w.workloads(), w.vaultName(),
					w.createdAt(), w.restoredFromBackupCrn(), last, lastSuccess, restoreProgress);
		}

	}

	/**
	 * The fleet at a glance (of the request's environment, whatever the page and name
	 * filter): workspaces with a succeeded backup created within the last 26 hours, whose
	 * last attempt failed, with a backup or restore running, and never backed up; and the
	 * notifications of the last 7 days that no receiver took (failed for good).
	 */
	record SummaryView(int workspaces, int protectedWithin26Hours, int failing, int running, int neverBackedUp,
			int notificationsFailed, String asOf) {
	}

	record WorkspacesPage(List<WorkspaceListing> workspaces, SummaryView summary, String nextToken) {
	}

	record EventsPage(List<EventView> events, String nextToken) {
	}

}
