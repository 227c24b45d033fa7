package io.wsbackup.cli;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code restore-workspace --wait}: polls {@code describeWorkspace} for the NEW workspace
 * while its {@code workspaceStatus} is {@code restore:started}; the progress line shows
 * that status and the {@code restore} member's step and progress. Exit 0 with
 * {@code {workspaceCrn, modelBuildsToRebuild, warnings}} once it is
 * {@code installation:finished}; exit 1 with {@code RESTORE_FAILED} for
 * {@code restore:failed} or any other end.
 */
final class RestoreFollower implements Follower {

	/** The end of the {@code --wait} option's help. */
	static final String WAIT_HELP = "exits 0 once the new workspace is installation:finished, 1 if the restore failed.";

	private static final String RESTORE_STARTED = "restore:started";

	private static final String INSTALLATION_FINISHED = "installation:finished";

	private final String workspaceCrn;

	private final JsonNode startWarnings;

	/**
	 * Follows the restore that {@code restoreWorkspace} started.
	 * @param started the answer of {@code restoreWorkspace}: {@code {workspaceCrn,
	 * warnings}}
	 */
	RestoreFollower(JsonNode started) {
		this.workspaceCrn = started.path("workspaceCrn").asString();
		this.startWarnings = started.path("warnings");
	}

	@Override
	public String describeOperation() {
		return Operations.DESCRIBE_WORKSPACE;
	}

	@Override
	public ObjectNode describeRequest() {
		return JsonNodeFactory.instance.objectNode().put("workspaceCrn", this.workspaceCrn);
	}

	/**
	 * {@code {workspace: {workspaceStatus, ..., restore: {currentStep, progress, ...}}}}.
	 */
	@Override
	public Progress progress(JsonNode described) {
		JsonNode workspace = described.path("workspace");
		JsonNode restore = workspace.path("restore");
		return new Progress(workspace.path("workspaceStatus").asString(""), restore.path("currentStep"),
				restore.path("progress"));
	}

	@Override
	public boolean running(String status) {
		return RESTORE_STARTED.equals(status);
	}

	@Override
	public Outcome outcome(JsonNode described) {
		JsonNode workspace = described.path("workspace");
		JsonNode restore = workspace.path("restore");
		String status = workspace.path("workspaceStatus").asString("");
		if (INSTALLATION_FINISHED.equals(status)) {
			ObjectNode result = JsonNodeFactory.instance.objectNode();
			result.put("workspaceCrn", this.workspaceCrn);
			result.set("modelBuildsToRebuild", array(restore.path("modelBuildsToRebuild")));
			result.set("warnings", warnings(restore.path("warnings")));
			return new Outcome(result, WsbackupCli.OK);
		}
		String reason = restore.path("failureReason").asString("");
		ObjectNode error = JsonNodeFactory.instance.objectNode();
		error.put("code", "RESTORE_FAILED");
		error.put("message",
				reason.isBlank() ? "the restore ended with the workspace status '" + status + "'" : reason);
		error.put("workspaceCrn", this.workspaceCrn);
		return new Outcome(error, WsbackupCli.FAILED);
	}

	/**
	 * The warnings of the start, which stdout would otherwise never show with
	 * {@code --wait}, then those of the restore that are new.
	 */
	private ArrayNode warnings(JsonNode restoreWarnings) {
		ArrayNode warnings = array(this.startWarnings);
		array(restoreWarnings).forEach((warning) -> {
			if (!warnings.valueStream().anyMatch(warning::equals)) {
				warnings.add(warning);
			}
		});
		return warnings;
	}

	private static ArrayNode array(JsonNode node) {
		return node.isArray() ? (ArrayNode) node.deepCopy() : JsonNodeFactory.instance.arrayNode();
	}

	@Override
	public String stillRunningHint() {
		return "The restore into the workspace " + this.workspaceCrn + " may still be running in the runner; "
				+ "follow it with: wsbackup describe-workspace --workspace-crn " + this.workspaceCrn;
	}

}
