package io.wsbackup.cli;

import java.util.List;
import java.util.function.BiFunction;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

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
 * @param paging how the answer's pages are joined; {@code null} if the answer is not
 * paged
 */
record Operation(String name, String description, List<Field> fields, String skeletonTemplate, Wait waitOption,
		Paging paging, java.util.function.Predicate<JsonNode> done) {

	static Operation of(String name, String description, Field... fields) {
		return new Operation(name, description, List.of(fields), null, null, null, (answer) -> true);
	}

	/**
	 * This operation with an answer that may tell of a failure although the runner
	 * answered 2xx (a test notification that was not delivered): the command exits 1 when
	 * {@code done} says no.
	 */
	Operation withOutcome(java.util.function.Predicate<JsonNode> done) {
		return new Operation(this.name, this.description, this.fields, this.skeletonTemplate, this.waitOption,
				this.paging, done);
	}

	/**
	 * This operation with its {@code --generate-cli-skeleton} read from a classpath
	 * resource instead of made from the fields' types; an operation with an
	 * {@link FieldType#OBJECT} field needs one.
	 * @param resource the classpath resource, e.g.
	 * {@code /api/restore-workspace-input.json}
	 */
	Operation withSkeletonTemplate(String resource) {
		return new Operation(this.name, this.description, this.fields, resource, this.waitOption, this.paging,
				this.done);
	}

	/**
	 * This operation with a {@code --wait} option.
	 * @param exitHelp the end of the option's help: what the exit codes mean
	 * @param follower makes the follower from the operation's request and answer
	 */
	Operation withWait(String exitHelp, BiFunction<ObjectNode, JsonNode, Follower> follower) {
		return new Operation(this.name, this.description, this.fields, this.skeletonTemplate,
				new Wait(exitHelp, follower), this.paging, this.done);
	}

	/**
	 * This operation as a paged list ({@code pageSize} and {@code startingToken} in, a
	 * {@code nextToken} out), which takes {@code --max-items}.
	 * @param itemsField the answer's array, e.g. {@code workspaces}
	 * @param newestPageFirst whether the first page holds the newest items, each page
	 * oldest first (events), so that a later page goes before the earlier ones
	 */
	Operation withPaging(String itemsField, boolean newestPageFirst) {
		return new Operation(this.name, this.description, this.fields, this.skeletonTemplate, this.waitOption,
				new Paging(itemsField, newestPageFirst), this.done);
	}

	/** The CLI command, e.g. {@code backup-workspace}. */
	String commandName() {
		return Names.kebab(this.name);
	}

	/** Whether the request has a field of this name. */
	boolean hasField(String fieldName) {
		return this.fields.stream().anyMatch((field) -> field.name().equals(fieldName));
	}

	/**
	 * Whether the operation names a workspace by CRN, which the CLI also lets the caller
	 * name by {@code --workspace-name} and {@code --environment-name}.
	 */
	boolean selectsWorkspace() {
		return hasField("workspaceCrn");
	}

	/**
	 * The {@code --wait} of a command.
	 *
	 * @param exitHelp the end of the option's help: what the exit codes mean
	 * @param follower makes the follower from the operation's request and successful
	 * answer
	 */
	record Wait(String exitHelp, BiFunction<ObjectNode, JsonNode, Follower> follower) {

	}

	/**
	 * How the pages of a list are joined.
	 *
	 * @param itemsField the answer's array
	 * @param newestPageFirst whether later pages hold older items, to go first
	 */
	record Paging(String itemsField, boolean newestPageFirst) {

	}

}
