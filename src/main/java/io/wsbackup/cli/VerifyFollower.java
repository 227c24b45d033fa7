package io.wsbackup.cli;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code verify-backup --wait}: polls {@code describeWorkspaceBackup} while the backup's
 * {@code verificationStatus} is {@code verifying}. Exit 0 with {@code {backupCrn,
 * workflowId, status: "verified", lastVerifiedAt}} when every recovery point was found
 * sound; exit 1 with {@code VERIFICATION_FAILED} and what failed (each problem naming the
 * resource, the recovery point and, on the local provider, the file) otherwise.
 */
final class VerifyFollower extends BackupWorkFollower {

	/** The end of the {@code --wait} option's help. */
	static final String WAIT_HELP = "exits 0 when the backup is verified, 1 when its verification failed.";

	private static final String VERIFYING = "verifying";

	private static final String VERIFIED = "verified";

	/**
	 * Follows the verification that {@code verifyBackup} started.
	 * @param request the request: {@code {backupCrn}}
	 * @param started the answer: {@code {workflowId}}
	 */
	VerifyFollower(ObjectNode request, JsonNode started) {
		this(request, started, "verification");
	}

	private final String work;

	/**
	 * @param work what is followed, for the hint: {@code verification} or {@code drill}
	 * (a drill ends its backup's verification the same way, then removes its scratch
	 * workspace in the background)
	 */
	VerifyFollower(ObjectNode request, JsonNode started, String work) {
		super(request, started);
		this.work = work;
	}

	@Override
	public Progress progress(JsonNode described) {
		JsonNode backup = described.path("backup");
		return new Progress(backup.path("verificationStatus").asString(""), JsonNodeFactory.instance.missingNode(),
				JsonNodeFactory.instance.missingNode());
	}

	@Override
	public boolean running(String status) {
		return VERIFYING.equals(status);
	}

	@Override
	public Outcome outcome(JsonNode described) {
		JsonNode backup = described.path("backup");
		String status = backup.path("verificationStatus").asString("");
		if (VERIFIED.equals(status)) {
			ObjectNode result = ended(VERIFIED);
			result.put("lastVerifiedAt", backup.path("lastVerifiedAt").asString(""));
			return new Outcome(result, WsbackupCli.OK);
		}
		ObjectNode error = JsonNodeFactory.instance.objectNode();
		error.put("code", "VERIFICATION_FAILED");
		error.put("message", backup.path("verificationFailure").isString()
				? backup.path("verificationFailure").asString() : "the verification is " + status + ", not verified");
		error.put("backupCrn", this.backupCrn);
		return new Outcome(error, WsbackupCli.FAILED);
	}

	@Override
	public String stillRunningHint() {
		return stillRunningHint(this.work);
	}

}
