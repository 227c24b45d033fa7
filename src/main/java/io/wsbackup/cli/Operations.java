package io.wsbackup.cli;

import static io.wsbackup.cli.Field.optional;
import static io.wsbackup.cli.Field.required;
import static io.wsbackup.cli.FieldType.BOOLEAN;
import static io.wsbackup.cli.FieldType.INTEGER;
import static io.wsbackup.cli.FieldType.OBJECT;
import static io.wsbackup.cli.FieldType.STRING;
import static io.wsbackup.cli.FieldType.STRING_LIST;

import java.util.List;

/**
 * The operations the CLI offers, one row each. A command, its options, its
 * {@code --generate-cli-skeleton} and its required-field check all come from this table:
 * to add an operation, add a row.
 */
final class Operations {

	static final String BACKUP_WORKSPACE = "backupWorkspace";

	/** The operation that {@code restore-workspace --wait} polls. */
	static final String DESCRIBE_WORKSPACE = "describeWorkspace";

	/** The operation that {@code backup-workspace --wait} polls. */
	static final String DESCRIBE_WORKSPACE_BACKUP = "describeWorkspaceBackup";

	static final String RESTORE_WORKSPACE = "restoreWorkspace";

	/**
	 * The request template of {@code restoreWorkspace}: the runner validates requests
	 * against the same resource.
	 */
	static final String RESTORE_WORKSPACE_TEMPLATE = "/api/restore-workspace-input.json";

	static final String LIST_WORKSPACES = "listWorkspaces";

	static final String LIST_WORKSPACE_EVENTS = "listWorkspaceEvents";

	static final String DELETE_BACKUP = "deleteBackup";

	static final List<Operation> ALL = List.of(
			Operation.of("registerWorkspace", "Registers an existing ML workspace so that it can be backed up.",
					required("workspaceName", STRING), required("environmentName", STRING),
					optional("accountId", STRING), optional("region", STRING), optional("version", STRING),
					optional("volumes", STRING_LIST), optional("sharedFileSystem", STRING),
					optional("externalNfs",
							BOOLEAN),
					optional(
							"namespaces", STRING_LIST),
					optional("namespaceSelector", STRING), optional("kubeContext", STRING)),
			Operation.of(LIST_WORKSPACES,
					"Lists the registered workspaces (optionally of one environment) with their last backup attempt and last success.",
					optional("environmentName", STRING), optional("workspaceNameContains", STRING),
					optional("pageSize", INTEGER), optional("startingToken", STRING))
				.withPaging("workspaces", false),
			Operation.of(DESCRIBE_WORKSPACE, "Describes a workspace, by CRN or by name and environment.",
					optional("workspaceCrn", STRING), optional("workspaceName", STRING),
					optional("environmentName", STRING)),
			Operation.of(BACKUP_WORKSPACE, "Starts a backup of a workspace; --wait follows it to its end.",
					required("workspaceCrn", STRING), required("backupName", STRING),
					optional("backupJobTimeoutMinutes", INTEGER))
				.withWait(BackupFollower.WAIT_HELP, (request, started) -> new BackupFollower(started)),
			Operation
				.of("listWorkspaceBackups",
						"Lists a workspace's backups, newest first, by CRN or by name and environment.",
						optional("workspaceCrn", STRING), optional("workspaceName", STRING),
						optional("environmentName", STRING), optional("backupStatus", STRING),
						optional("backupNameContains", STRING), optional("verificationStatus", STRING),
						optional("pageSize", INTEGER), optional("startingToken", STRING))
				.withPaging("backups", false),
			Operation.of(DESCRIBE_WORKSPACE_BACKUP, "Describes a backup: status, progress, recovery points.",
					required("backupCrn", STRING)),
			Operation.of(LIST_WORKSPACE_EVENTS,
					"Lists a workspace's events (optionally of one backup), oldest first; --follow prints new ones as they come.",
					required("workspaceCrn", STRING), optional("backupCrn", STRING), optional("pageSize", INTEGER),
					optional("startingToken", STRING))
				.withPaging("events", true),
			Operation.of("cancelBackup",
					"Cancels a running backup: its cloud snapshots are stopped and the workspace put back as it was.",
					required("backupCrn", STRING)),
			Operation.of(DELETE_BACKUP,
					"Deletes a backup: its recovery points leave the vault, then it leaves the catalog (in the background); --wait follows it to its end.",
					required("backupCrn", STRING))
				.withWait(DeleteFollower.WAIT_HELP, DeleteFollower::new),
			Operation.of("verifyBackup",
					"Checks every recovery point of a succeeded backup where it lies (local: every file against its manifest; aws: each point COMPLETED, its size and restore metadata) and keeps the outcome on the backup; --wait follows it to its end.",
					required("backupCrn", STRING))
				.withWait(VerifyFollower.WAIT_HELP, VerifyFollower::new),
			Operation.of("drillBackup",
					"Restores a backup (--backup-crn, or the newest succeeded one of --workspace-crn) into a scratch workspace, checks the restored data and the workloads' readiness, records the outcome on the backup (verificationStatus, lastVerifiedAt, verifiedBy drill) and removes the scratch workspace and everything its restore created; --wait follows it until the outcome is recorded.",
					optional("workspaceCrn", STRING), optional("backupCrn", STRING))
				.withWait(VerifyFollower.WAIT_HELP,
						(request, started) -> new VerifyFollower(request, started, "drill")),
			Operation.of(RESTORE_WORKSPACE,
					"Restores a backup into a NEW workspace, made from newWorkspaceParameters; --wait follows the restore until the workspace is installed.",
					required("backupCrn", STRING), required("newWorkspaceParameters", OBJECT),
					optional("useStaticSubdomain", BOOLEAN), optional("restoreJobTimeoutMinutes", INTEGER))
				.withSkeletonTemplate(RESTORE_WORKSPACE_TEMPLATE)
				.withWait(RestoreFollower.WAIT_HELP, (request, started) -> new RestoreFollower(started)),
			Operation.of("checkPrerequisites",
					"Says what is missing before a workspace can be backed up (account, role, opt-in, vault, resources).",
					required("workspaceCrn", STRING)),
			Operation.of("listSchedules",
					"Lists the schedules of the runner's schedules directory (or one): kind (backup or drill), state, next fire time, last run and its outcome.",
					optional("schedule", STRING)),
			Operation.of("pauseSchedule", "Pauses a schedule until it is resumed or its file changes.",
					required("schedule", STRING)),
			Operation.of("resumeSchedule", "Resumes a paused schedule.", required("schedule", STRING)),
			Operation.of("triggerSchedule",
					"Runs a schedule now, paused or not: same workspaces, stagger, cap and skips as a fire (backups, or drills of a drill schedule).",
					required("schedule", STRING)),
			Operation.of("previewRetention",
					"Shows which backups the next retention sweep of a backup schedule would delete, and why; deletes nothing.",
					required("schedule", STRING)),
			Operation.of("listNotifications",
					"Lists the notifications' deliveries, newest first (one per event and target: status, attempts, last error), the configured targets (their URL's origin only) and how many are pending, delivered and failed.",
					optional("status", STRING), optional("event", STRING), optional("target", STRING),
					optional("workspaceCrn", STRING), optional("pageSize", INTEGER), optional("startingToken", STRING))
				.withPaging("notifications", false),
			Operation.of("sendTestNotification",
					"Sends a test event to one configured target now, signed as any notification, and answers its delivery after the first attempt: delivered (exit 0), or pending with the error (exit 1; retried like any notification).",
					required("target", STRING))
				.withOutcome((answer) -> "delivered".equals(answer.path("notification").path("status").asString())));

	private Operations() {
	}

}
