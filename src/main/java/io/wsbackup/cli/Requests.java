package io.wsbackup.cli;

import static io.wsbackup.cli.GlobalOptions.CLI_INPUT_JSON;
import static io.wsbackup.cli.GlobalOptions.ENVIRONMENT_NAME;
import static io.wsbackup.cli.GlobalOptions.WORKSPACE_NAME;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import picocli.CommandLine;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON a command sends to the runner: the request built from {@code --cli-input-json}
 * and the field options, the template {@code --generate-cli-skeleton} prints instead, and
 * the JSON object an {@link FieldType#OBJECT} option holds.
 */
final class Requests {

	private static final String FILE_PREFIX = "file://";

	private final JsonMapper json;

	Requests(JsonMapper json) {
		this.json = json;
	}

	/**
	 * The request: the fields of {@code --cli-input-json}, overridden by the options
	 * given; fields unknown to the table are passed on for the runner to judge.
	 * @throws UsageException when a required field is missing or the input is no JSON
	 * object
	 */
	ObjectNode request(Operation operation, Args command) {
		ObjectNode request = command.hasMatchedOption(CLI_INPUT_JSON)
				? cliInputJson(command.matchedOptionValue(CLI_INPUT_JSON, "")) : this.json.createObjectNode();
		for (Field field : operation.fields()) {
			if (command.hasMatchedOption(field.optionName())) {
				request.set(field.name(), field.type().toJson(command.matchedOptionValue(field.optionName(), null)));
			}
		}
		boolean workspaceNamed = command.hasMatchedOption(WORKSPACE_NAME)
				&& !command.matchedOptionValue(WORKSPACE_NAME, "").isBlank();
		List<String> missing = operation.fields()
			.stream()
			.filter((field) -> field.required() && isEmpty(request.get(field.name())))
			.filter((field) -> !(workspaceNamed && field.name().equals("workspaceCrn")))
			.map((field) -> field.optionName() + ((operation.selectsWorkspace() && field.name().equals("workspaceCrn"))
					? " (or " + WORKSPACE_NAME + " [" + ENVIRONMENT_NAME + "])" : ""))
			.toList();
		if (!missing.isEmpty()) {
			throw new UsageException("Missing required option" + ((missing.size() > 1) ? "s" : "") + ": "
					+ String.join(", ", missing) + " (or the field in " + CLI_INPUT_JSON + ")");
		}
		return request;
	}

	/** Whether a request field counts as not given: absent, null, blank or empty. */
	static boolean isEmpty(JsonNode value) {
		return value == null || value.isNull() || (value.isString() && value.stringValue().isBlank())
				|| (value.isContainer() && value.isEmpty());
	}

	private ObjectNode cliInputJson(String value) {
		String text = value;
		String source = CLI_INPUT_JSON;
		if (value.startsWith(FILE_PREFIX)) {
			Path file = Path.of(value.substring(FILE_PREFIX.length()));
			source = CLI_INPUT_JSON + " file " + file;
			try {
				text = Files.readString(file, StandardCharsets.UTF_8);
			}
			catch (IOException | RuntimeException ex) {
				throw new UsageException("Cannot read " + source + ": " + ex);
			}
		}
		JsonNode input;
		try {
			input = this.json.readTree(text);
		}
		catch (JacksonException ex) {
			String hint = value.startsWith(FILE_PREFIX) ? "" : " (a file is given as " + FILE_PREFIX + "path)";
			throw new UsageException(source + " is not valid JSON: " + ex.getOriginalMessage() + hint);
		}
		if (input == null || !input.isObject()) {
			throw new UsageException(source + " must be a JSON object, {...}");
		}
		return (ObjectNode) input;
	}

	/**
	 * The operation's skeleton template as it is, else an object of the fields, each with
	 * its type's skeleton value.
	 */
	JsonNode skeleton(Operation operation) {
		if (operation.skeletonTemplate() != null) {
			return template(operation.skeletonTemplate());
		}
		ObjectNode skeleton = this.json.createObjectNode();
		operation.fields().forEach((field) -> skeleton.set(field.name(), field.type().skeletonValue()));
		return skeleton;
	}

	private JsonNode template(String resource) {
		try (InputStream in = Requests.class.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("the skeleton template " + resource + " is not on the class path");
			}
			return this.json.readTree(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read the skeleton template " + resource, ex);
		}
	}

	/**
	 * The value of an {@link FieldType#OBJECT} option; picocli makes a conversion error a
	 * usage error naming the option.
	 */
	ObjectNode jsonObjectOption(String text) {
		JsonNode value;
		try {
			value = this.json.readTree(text);
		}
		catch (JacksonException ex) {
			throw new CommandLine.TypeConversionException("not valid JSON: " + ex.getOriginalMessage());
		}
		if (value == null || !value.isObject()) {
			throw new CommandLine.TypeConversionException("must be a JSON object, {...}, not '" + text + "'");
		}
		return (ObjectNode) value;
	}

	/** The value of an OBJECT option, or null where picocli would report an error. */
	ObjectNode jsonObjectOrNull(String text) {
		try {
			return jsonObjectOption(text);
		}
		catch (CommandLine.TypeConversionException ex) {
			return null;
		}
	}

}
