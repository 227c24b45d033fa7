package io.wsbackup.cli;

import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code delete-backup --wait}: polls {@code describeWorkspaceBackup} while the backup is
 * {@code deleting}. The delete's job records its execution (the workflow id) on the
 * backup, so the answer's {@code jobStatus} is the delete's once it runs. Exit 0 with
 * {@code {backupCrn, workflowId, status: "deleted"}} once the backup is no longer found;
 * exit 1 with {@code DELETE_FAILED} if the delete's execution failed or stopped (the
 * backup stays {@code deleting}; deleting it again resumes), or if the backup is found in
 * another status.
 */
final class DeleteFollower extends BackupWorkFollower {

	/** The end of the {@code --wait} option's help. */
	static final String WAIT_HELP = "exits 0 once the backup is gone, 1 if the delete failed.";

	private static final String DELETING = "deleting";

	/** How a delete that failed shows in the progress line and ends following. */
	private static final String DELETE_FAILED = "delete failed";

	private static final Set<String> ENDED_WITHOUT_COMPLETING = Set.of("FAILED", "STOPPED", "ABANDONED");

	/**
	 * Follows the delete that {@code deleteBackup} started.
	 * @param request the request: {@code {backupCrn}}
	 * @param started the answer: {@code {workflowId}}
	 */
	DeleteFollower(ObjectNode request, JsonNode started) {
		super(request, started);
	}

	@Override
	public Progress progress(JsonNode described) {
		JsonNode backup = described.path("backup");
		String status = backup.path("backupStatus").asString("");
		if (DELETING.equals(status) && this.workflowId.equals(backup.path("jobExecutionId").asString(""))
				&& ENDED_WITHOUT_COMPLETING.contains(backup.path("jobStatus").asString(""))) {
			status = DELETE_FAILED;
		}
		return new Progress(status, backup.path("currentStep"), backup.path("progress"));
	}

	@Override
	public boolean running(String status) {
		return DELETING.equals(status);
	}

	@Override
	public Outcome outcome(JsonNode described) {
		String status = progress(described).status();
		ObjectNode error = JsonNodeFactory.instance.objectNode();
		error.put("code", "DELETE_FAILED");
		error.put("message",
				DELETE_FAILED.equals(status)
						? "the delete did not complete; the backup stays deleting: delete it again to resume "
								+ "(list-workspace-events --backup-crn " + this.backupCrn + " shows why)"
						: "the backup is " + status + ", not deleted");
		error.put("backupCrn", this.backupCrn);
		return new Outcome(error, WsbackupCli.FAILED);
	}

	/** A backup no longer found is deleted: how the delete ends. */
	@Override
	public Outcome outcomeOfError(RunnerClient.Answer answer) {
		if (answer.status() != 404 || !"NOT_FOUND".equals(answer.body().path("code").asString(""))) {
			return null;
		}
		return new Outcome(ended("deleted"), WsbackupCli.OK);
	}

	@Override
	public String stillRunningHint() {
		return stillRunningHint("delete");
	}

}
