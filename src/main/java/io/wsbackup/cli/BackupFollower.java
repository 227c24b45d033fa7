package io.wsbackup.cli;

import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code backup-workspace --wait}: polls {@code describeWorkspaceBackup} while the
 * backup's status is {@code running} or {@code cancelling} (a cancel is followed to its
 * end), and while a backup that {@code succeeded} still starts its workspace's workloads
 * again (its job runs on, step {@code restartWorkspace}): the exit comes once the
 * workspace is back and the next backup of it may start. Exit 0 with {@code {backupCrn,
 * vaultName}} if it {@code succeeded}; exit 3 with {@code BACKUP_CANCELLED} if it was
 * {@code cancelled}; exit 1 with {@code BACKUP_FAILED} for any other end.
 */
final class BackupFollower implements Follower {

	/** The end of the {@code --wait} option's help. */
	static final String WAIT_HELP = "exits 0 if the backup succeeded (once its workspace is started again), "
			+ "1 if it failed, 3 if it was cancelled (a cancel is followed until the backup is cancelled).";

	private static final String RUNNING = "running";

	private static final String CANCELLING = "cancelling";

	private static final String SUCCEEDED = "succeeded";

	/**
	 * What the progress line shows for a backup that succeeded while its job still starts
	 * the workspace again.
	 */
	static final String SUCCEEDED_RESTARTING = "succeeded, starting the workspace again";

	/** The job statuses ({@code jobStatus}) of an execution that has not ended. */
	private static final Set<String> JOB_RUNNING = Set.of("STARTING", "STARTED", "STOPPING");

	private static final String CANCELLED = "cancelled";

	private final String backupCrn;

	private final String startedVaultName;

	/**
	 * Follows the backup that {@code backupWorkspace} started.
	 * @param started the answer of {@code backupWorkspace}: {@code {backupCrn,
	 * vaultName}}
	 */
	BackupFollower(JsonNode started) {
		this.backupCrn = started.path("backupCrn").asString();
		this.startedVaultName = started.path("vaultName").asString(null);
	}

	@Override
	public String describeOperation() {
		return Operations.DESCRIBE_WORKSPACE_BACKUP;
	}

	@Override
	public ObjectNode describeRequest() {
		return JsonNodeFactory.instance.objectNode().put("backupCrn", this.backupCrn);
	}

	/** {@code {backup: {backupStatus, currentStep, progress, ...}}}. */
	@Override
	public Progress progress(JsonNode described) {
		JsonNode backup = described.path("backup");
		String status = backup.path("backupStatus").asString("");
		if (SUCCEEDED.equals(status) && JOB_RUNNING.contains(backup.path("jobStatus").asString(""))) {
			status = SUCCEEDED_RESTARTING;
		}
		// a launch waiting for a runner with room: no step yet
		JsonNode step = backup.path("queuedAt").isString() ? JsonNodeFactory.instance.stringNode("queued")
				: backup.path("currentStep");
		return new Progress(status, step, backup.path("progress"));
	}

	@Override
	public boolean running(String status) {
		return RUNNING.equals(status) || CANCELLING.equals(status) || SUCCEEDED_RESTARTING.equals(status);
	}

	@Override
	public Outcome outcome(JsonNode described) {
		JsonNode backup = described.path("backup");
		String status = backup.path("backupStatus").asString("");
		if (SUCCEEDED.equals(status)) {
			ObjectNode result = JsonNodeFactory.instance.objectNode();
			result.put("backupCrn", this.backupCrn);
			result.put("vaultName", backup.path("vaultName").asString(this.startedVaultName));
			return new Outcome(result, WsbackupCli.OK);
		}
		String reason = backup.path("failureReason").asString("");
		ObjectNode error = JsonNodeFactory.instance.objectNode();
		error.put("code", CANCELLED.equals(status) ? "BACKUP_CANCELLED" : "BACKUP_FAILED");
		error.put("message", reason.isBlank() ? "the backup ended with status '" + status + "'" : reason);
		error.put("backupCrn", this.backupCrn);
		return new Outcome(error, CANCELLED.equals(status) ? WsbackupCli.CANCELLED : WsbackupCli.FAILED);
	}

	@Override
	public String stillRunningHint() {
		return "The backup " + this.backupCrn + " may still be running in the runner; follow it with: "
				+ "wsbackup describe-workspace-backup --backup-crn " + this.backupCrn;
	}

}
