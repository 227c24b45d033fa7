package io.wsbackup.cli;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Follows work on one backup that its answer names by a workflow id (a delete, a
 * verification, a drill) through {@code describeWorkspaceBackup}: what
 * {@link DeleteFollower} and {@link VerifyFollower} share.
 */
abstract class BackupWorkFollower implements Follower {

	protected final String backupCrn;

	protected final String workflowId;

	/**
	 * @param request the request: {@code {backupCrn}}
	 * @param started the answer: {@code {workflowId}}
	 */
	BackupWorkFollower(ObjectNode request, JsonNode started) {
		// a drill may be asked by workspace: its answer names the backup
		this.backupCrn = request.path("backupCrn").isString() ? request.path("backupCrn").asString()
				: started.path("backupCrn").asString();
		this.workflowId = started.path("workflowId").asString("");
	}

	@Override
	public String describeOperation() {
		return Operations.DESCRIBE_WORKSPACE_BACKUP;
	}

	@Override
	public ObjectNode describeRequest() {
		return JsonNodeFactory.instance.objectNode().put("backupCrn", this.backupCrn);
	}

	/** The answer of a work that ended well: {@code {backupCrn, workflowId, status}}. */
	protected ObjectNode ended(String status) {
		ObjectNode result = JsonNodeFactory.instance.objectNode();
		result.put("backupCrn", this.backupCrn);
		result.put("workflowId", this.workflowId);
		result.put("status", status);
		return result;
	}

	/** The line for stderr when following stops while the work may still run. */
	protected String stillRunningHint(String work) {
		return "The " + work + " of " + this.backupCrn + " may still be running in the runner; follow it with: "
				+ "wsbackup describe-workspace-backup --backup-crn " + this.backupCrn;
	}

}
