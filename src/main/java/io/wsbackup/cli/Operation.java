package io.wsbackup.cli;

import java.util.List;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;

/**
 * One RPC of the runner's API, {@code POST /api/v1/ml/<name>}, and the fields of its
 * request.
 *
 * @param name the operation as the API names it, e.g. {@code backupWorkspace}
 * @param description one line for {@code --help}
 * @param fields the request's fields, in the order the skeleton and the help show them
 * @param skeletonTemplate the classpath resource that is the request template of
 * {@code --generate-cli-skeleton}; {@code null} if the fields' types make it
 * @param waitOption how {@code --wait} follows the work the operation starts;
 * {@code null} if the command has no {@code --wait}
 */
record Operation(String name, String description, List<Field> fields, String skeletonTemplate, Wait waitOption) {

	static Operation of(String name, String description, Field... fields) {
		return new Operation(name, description, List.of(fields), null, null);
	}

	/**
	 * This operation with its {@code --generate-cli-skeleton} read from a classpath
	 * resource instead of made from the fields' types; an operation with an
	 * {@link FieldType#OBJECT} field needs one.
	 * @param resource the classpath resource, e.g.
	 * {@code /api/restore-workspace-input.json}
	 */
	Operation withSkeletonTemplate(String resource) {
		return new Operation(this.name, this.description, this.fields, resource, this.waitOption);
	}

	/**
	 * This operation with a {@code --wait} option.
	 * @param exitHelp the end of the option's help: what the exit codes mean
	 * @param follower makes the follower from the operation's answer
	 */
	Operation withWait(String exitHelp, Function<JsonNode, Follower> follower) {
		return new Operation(this.name, this.description, this.fields, this.skeletonTemplate,
				new Wait(exitHelp, follower));
	}

	/** The CLI command, e.g. {@code backup-workspace}. */
	String commandName() {
		return Names.kebab(this.name);
	}

	/**
	 * The {@code --wait} of a command.
	 *
	 * @param exitHelp the end of the option's help: what the exit codes mean
	 * @param follower makes the follower from the operation's successful answer
	 */
	record Wait(String exitHelp, Function<JsonNode, Follower> follower) {

	}

}
