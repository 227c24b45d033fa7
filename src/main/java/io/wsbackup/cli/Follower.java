package io.wsbackup.cli;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What {@code --wait} follows after an operation started it: everything in which
 * following one kind of work (a backup, a restore) differs from following another. The
 * polling, the progress lines and the error handling are the same for all and live in
 * {@link FollowLoop}.
 */
interface Follower {

	/** The operation that describes the work, polled until the work ends. */
	String describeOperation();

	/** The request of {@link #describeOperation()}. */
	ObjectNode describeRequest();

	/** What the progress line shows of an answer of {@link #describeOperation()}. */
	Progress progress(JsonNode described);

	/** Whether the work still runs in this status, so that the loop polls again. */
	boolean running(String status);

	/**
	 * The end, once the work no longer runs.
	 * @param described the last answer of {@link #describeOperation()}
	 */
	Outcome outcome(JsonNode described);

	/**
	 * The end that an error answer of {@link #describeOperation()} means, or {@code null}
	 * when it means that following failed (the default): a deleted backup is no longer
	 * found, which is how its delete ends.
	 */
	default Outcome outcomeOfError(RunnerClient.Answer answer) {
		return null;
	}

	/**
	 * The line for stderr when following stops on an error while the work may still run.
	 */
	String stillRunningHint();

	/**
	 * One progress line's content.
	 *
	 * @param status the work's status, the line's first part; blank if unknown
	 * @param currentStep the step running, a string node if known
	 * @param progress {@code {percentDone, bytesTransferred, expectedCompletion}}, each
	 * member optional, or a missing or null node
	 */
	record Progress(String status, JsonNode currentStep, JsonNode progress) {

	}

	/**
	 * How following ended.
	 *
	 * @param result the JSON printed on stdout
	 * @param exitCode the CLI's exit code
	 */
	record Outcome(JsonNode result, int exitCode) {

		/** The last progress line of an end that no describe answer shows. */
		String line() {
			JsonNode status = this.result.path("status");
			return status.isString() ? status.stringValue() : this.result.path("code").asString("");
		}

	}

}
