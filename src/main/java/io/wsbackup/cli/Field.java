package io.wsbackup.cli;

/**
 * One field of an operation's request: its camelCase JSON name, its type and whether the
 * CLI insists on it before calling the server.
 *
 * @param name the JSON name, e.g. {@code workspaceCrn}
 * @param type the JSON type
 * @param required whether the request must carry a non-empty value
 */
record Field(String name, FieldType type, boolean required) {

	static Field required(String name, FieldType type) {
		return new Field(name, type, true);
	}

	static Field optional(String name, FieldType type) {
		return new Field(name, type, false);
	}

	/** The option naming this field, e.g. {@code --workspace-crn}. */
	String optionName() {
		return "--" + Names.kebab(this.name);
	}

}
