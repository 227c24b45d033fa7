package io.wsbackup.cli;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import tools.jackson.databind.node.ObjectNode;

/**
 * The command line of an ordinary call, parsed without picocli: picocli's classes are
 * compiled for Java 5, so class-data sharing cannot keep them and the JVM verifies them
 * the slow way, which made up a third of a call's start-up. It takes only what it is sure
 * of: the command first, then each option of the command once (a list option repeated) as
 * {@code --name value} or {@code --name=value}, with a value of the option's type.
 * Anything else (help, version, an unknown or malformed option, a value that picocli
 * might read otherwise, an {@code @file}) is left to picocli, whose messages and help
 * stay the CLI's; {@code FastArgsTest} checks that both read the same options alike.
 */
final class FastArgs implements Args {

	/** How an option takes its value. */
	enum Kind {

		/** No value: given or not. */
		FLAG,
		/** true unless {@code =false} follows. */
		BOOLEAN,
		/** One text. */
		STRING,
		/** One whole number. */
		INTEGER,
		/** One decimal number. */
		DECIMAL,
		/** One text each time it is given. */
		LIST,
		/** One JSON object. */
		OBJECT

	}

	private final Operation operation;

	private final Map<String, Object> values;

	private FastArgs(Operation operation, Map<String, Object> values) {
		this.operation = operation;
		this.values = values;
	}

	Operation operation() {
		return this.operation;
	}

	/**
	 * The options of a command, as {@link CommandLineSpecs} declares them to picocli
	 * (without {@code --help}).
	 */
	static Map<String, Kind> options(Operation operation) {
		Map<String, Kind> options = new LinkedHashMap<>();
		for (Field field : operation.fields()) {
			options.put(field.optionName(), switch (field.type()) {
				case STRING -> Kind.STRING;
				case INTEGER -> Kind.INTEGER;
				case BOOLEAN -> Kind.BOOLEAN;
				case STRING_LIST -> Kind.LIST;
				case OBJECT -> Kind.OBJECT;
			});
		}
		if (operation.selectsWorkspace() && !operation.hasField("workspaceName")) {
			options.put(GlobalOptions.WORKSPACE_NAME, Kind.STRING);
			options.put(GlobalOptions.ENVIRONMENT_NAME, Kind.STRING);
		}
		if (operation.paging() != null) {
			options.put(GlobalOptions.MAX_ITEMS, Kind.INTEGER);
		}
		options.put(GlobalOptions.OUTPUT, Kind.STRING);
		options.put(GlobalOptions.CLI_INPUT_JSON, Kind.STRING);
		options.put(GlobalOptions.GENERATE_CLI_SKELETON, Kind.FLAG);
		options.put(GlobalOptions.ENDPOINT, Kind.STRING);
		options.put(GlobalOptions.TOKEN, Kind.STRING);
		boolean events = Operations.LIST_WORKSPACE_EVENTS.equals(operation.name());
		if (operation.waitOption() != null) {
			options.put(GlobalOptions.WAIT, Kind.FLAG);
		}
		if (events) {
			options.put(GlobalOptions.FOLLOW, Kind.FLAG);
		}
		if (operation.waitOption() != null || events) {
			options.put(GlobalOptions.POLL_SECONDS, Kind.DECIMAL);
		}
		return options;
	}

	/**
	 * The parsed command line, or {@code null} when picocli should parse it.
	 * @param jsonObject reads an OBJECT option's value; {@code null} if it is not one
	 */
	static FastArgs parse(String[] args, Map<String, Operation> operations, Function<String, ObjectNode> jsonObject) {
		if (args.length == 0 || !operations.containsKey(args[0])) {
			return null;
		}
		Operation operation = operations.get(args[0]);
		Map<String, Kind> options = options(operation);
		Map<String, Object> values = new HashMap<>();
		int i = 1;
		while (i < args.length) {
			String arg = args[i++];
			if (!arg.startsWith("--") || arg.equals("--")) {
				return null;
			}
			int equals = arg.indexOf('=');
			String name = (equals < 0) ? arg : arg.substring(0, equals);
			String inline = (equals < 0) ? null : arg.substring(equals + 1);
			Kind kind = options.get(name);
			if (kind == null || (kind != Kind.LIST && values.containsKey(name))) {
				return null;
			}
			if (kind == Kind.FLAG || kind == Kind.BOOLEAN) {
				Boolean value = flag(kind, inline, (i < args.length) ? args[i] : null);
				if (value == null) {
					return null;
				}
				values.put(name, value);
				continue;
			}
			String text = inline;
			if (text == null) {
				if (i >= args.length || args[i].startsWith("--") || args[i].startsWith("@") || args[i].equals("-h")) {
					return null;
				}
				text = args[i++];
			}
			Object value = value(kind, text, jsonObject);
			if (value == null) {
				return null;
			}
			if (kind == Kind.LIST) {
				@SuppressWarnings("unchecked")
				List<String> list = (List<String>) values.computeIfAbsent(name, (key) -> new ArrayList<String>());
				list.add(text);
			}
			else {
				values.put(name, value);
			}
		}
		for (String arg : args) {
			if (arg.startsWith("@")) {
				return null;
			}
		}
		return new FastArgs(operation, values);
	}

	/**
	 * A flag's value: TRUE when it stands alone; a boolean option also takes
	 * {@code =true} or {@code =false}. Null where picocli might read it otherwise.
	 */
	private static Boolean flag(Kind kind, String inline, String next) {
		if (inline != null) {
			if (kind == Kind.FLAG) {
				return null;
			}
			return "true".equals(inline) ? Boolean.TRUE : "false".equals(inline) ? Boolean.FALSE : null;
		}
		if (next != null && !next.startsWith("--")) {
			// picocli would take a following true or false as the value, and fail on
			// other text
			return null;
		}
		return Boolean.TRUE;
	}

	private static Object value(Kind kind, String text, Function<String, ObjectNode> jsonObject) {
		try {
			return switch (kind) {
				case STRING, LIST -> text;
				case INTEGER -> Integer.valueOf(text);
				case DECIMAL -> new BigDecimal(text);
				case OBJECT -> jsonObject.apply(text);
				case FLAG, BOOLEAN -> null;
			};
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	@Override
	public boolean hasMatchedOption(String option) {
		return this.values.containsKey(option);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T matchedOptionValue(String option, T fallback) {
		Object value = this.values.get(option);
		return (value != null) ? (T) value : fallback;
	}

}
