package io.wsbackup.cli;

import java.util.List;

/**
 * One RPC of the runner's API, {@code POST /api/v1/ml/<name>}, and the fields of its
 * request.
 *
 * @param name the operation as the API names it, e.g. {@code backupWorkspace}
 * @param description one line for {@code --help}
 * @param fields the request's fields, in the order the skeleton and the help show them
 */
record Operation(String name, String description, List<Field> fields) {

	static Operation of(String name, String description, Field... fields) {
		return new Operation(name, description, List.of(fields));
	}

	/** The CLI command, e.g. {@code backup-workspace}. */
	String commandName() {
		return Names.kebab(this.name);
	}

}
