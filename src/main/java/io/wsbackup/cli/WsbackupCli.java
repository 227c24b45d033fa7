package io.wsbackup.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code wsbackup} command-line client. Each command calls one operation of the
 * runner's RPC API over HTTP and prints the JSON answer; the commands and their options
 * are built from {@link Operations}. It talks to the runner only over HTTP and never
 * starts Spring.
 * <p>
 * Exit codes: 0 on success, 1 when the operation failed, was refused (also for want of a
 * valid token, 401, or of the admin role, 403) or the runner could not be reached (the
 * error as JSON on stdout), 2 on bad usage (the message on stderr), 3 when a backup that
 * {@code --wait} or {@code --follow} followed was cancelled. Every call carries
 * {@code --token}, else {@value #TOKEN_VARIABLE}, as a bearer token.
 */
public final class WsbackupCli {

	/**
	 * The environment variable naming the runner when {@code --endpoint} is not given.
	 */
	public static final String ENDPOINT_VARIABLE = "WSBACKUP_ENDPOINT";

	/**
	 * The environment variable holding the bearer token when {@code --token} is not
	 * given.
	 */
	public static final String TOKEN_VARIABLE = "WSBACKUP_TOKEN";

	/** The runner's address when neither {@code --endpoint} nor the variable is given. */
	public static final String DEFAULT_ENDPOINT = "http://localhost:8080";

	static final int OK = 0;

	static final int FAILED = 1;

	static final int USAGE = 2;

	/**
	 * The exit code of a {@code --wait} or {@code --follow} whose backup was cancelled.
	 */
	static final int CANCELLED = 3;

	static final String CLI_INPUT_JSON = "--cli-input-json";

	static final String GENERATE_CLI_SKELETON = "--generate-cli-skeleton";

	static final String ENDPOINT = "--endpoint";

	static final String TOKEN = "--token";

	static final String WAIT = "--wait";

	static final String POLL_SECONDS = "--poll-seconds";

	static final String OUTPUT = "--output";

	static final String MAX_ITEMS = "--max-items";

	static final String FOLLOW = "--follow";

	static final String WORKSPACE_NAME = "--workspace-name";

	static final String ENVIRONMENT_NAME = "--environment-name";

	/** The page size of the look-ups the CLI makes itself (the API's largest). */
	private static final int LOOKUP_PAGE_SIZE = 1000;

	private static final String FILE_PREFIX = "file://";

	private final PrintStream out;

	private final PrintStream err;

	private final Map<String, String> environment;

	private final Clock clock;

	private final JsonMapper json = JsonMapper.builder()
		.enable(SerializationFeature.INDENT_OUTPUT)
		.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.build();

	private final Map<String, Operation> operationsByCommand = new LinkedHashMap<>();

	/**
	 * Whether ordinary command lines skip picocli ({@link FastArgs}); tests turn it off.
	 */
	private boolean fastPath = true;

	/**
	 * A CLI writing to the given streams and reading {@value #ENDPOINT_VARIABLE} from the
	 * given environment.
	 */
	public WsbackupCli(PrintStream out, PrintStream err, Map<String, String> environment) {
		this(out, err, environment, Clock.systemUTC());
	}

	WsbackupCli(PrintStream out, PrintStream err, Map<String, String> environment, Clock clock) {
		this.out = out;
		this.err = err;
		this.environment = Map.copyOf(environment);
		this.clock = clock;
		Operations.ALL.forEach((operation) -> this.operationsByCommand.put(operation.commandName(), operation));
	}

	/** This CLI parsing every command line with picocli, for tests that compare. */
	WsbackupCli picocliOnly() {
		this.fastPath = false;
		return this;
	}

	public static void main(String[] args) {
		System.exit(new WsbackupCli(System.out, System.err, System.getenv()).run(args));
	}

	/**
	 * Runs one command.
	 * @param args the command line, without the program name
	 * @return the exit code: 0 success, 1 failed operation or unreachable runner, 2 bad
	 * usage, 3 a followed backup was cancelled
	 */
	public int run(String[] args) {
		FastArgs fast = this.fastPath ? FastArgs.parse(args, this.operationsByCommand, this::jsonObjectOrNull) : null;
		if (fast != null) {
			try {
				return call(fast.operation(), fast);
			}
			catch (UsageException ex) {
				this.err.println(ex.getMessage());
				this.err.println("Try 'wsbackup " + fast.operation().commandName() + " --help' for more information.");
				return USAGE;
			}
			finally {
				this.out.flush();
				this.err.flush();
			}
		}
		CommandLine commandLine = new CommandLine(commandLineSpec(commandNamed(args)));
		commandLine.setOut(new PrintWriter(this.out, true, StandardCharsets.UTF_8));
		commandLine.setErr(new PrintWriter(this.err, true, StandardCharsets.UTF_8));
		commandLine.setExecutionStrategy(this::execute);
		commandLine.setParameterExceptionHandler(WsbackupCli::usageError);
		try {
			return commandLine.execute(args);
		}
		finally {
			this.out.flush();
			this.err.flush();
		}
	}

	/**
	 * The command the arguments name (the first argument that is not an option), or null:
	 * only its options are built, which saves a tenth of a second per call.
	 */
	private Operation commandNamed(String[] args) {
		for (String arg : args) {
			if (!arg.startsWith("-")) {
				return this.operationsByCommand.get(arg);
			}
		}
		return null;
	}

	/**
	 * The command line: every command with its description (for the top-level help and
	 * suggestions), the options of the one called only.
	 */
	private CommandSpec commandLineSpec(Operation called) {
		CommandSpec top = CommandSpec.create().name("wsbackup").mixinStandardHelpOptions(true).version(version());
		top.usageMessage()
			.description("Backs up ML workspaces through a wsbackup runner.",
					"The runner is --endpoint, else $" + ENDPOINT_VARIABLE + ", else " + DEFAULT_ENDPOINT + ".",
					"Calls carry the bearer token --token, else $" + TOKEN_VARIABLE
							+ " (./wsbackup reads the embedded default's data/admin-token when neither is given).")
			.footer("", "Exit codes: 0 success, 1 the operation failed or the runner cannot be reached, 2 bad usage,",
					"3 the backup followed by --wait or --follow was cancelled.");
		this.operationsByCommand.values()
			.forEach((operation) -> top.addSubcommand(operation.commandName(),
					(operation == called) ? commandSpec(operation) : summarySpec(operation)));
		return top;
	}

	private static CommandSpec summarySpec(Operation operation) {
		CommandSpec spec = CommandSpec.create().name(operation.commandName());
		spec.usageMessage().description(operation.description());
		return spec;
	}

	CommandSpec commandSpec(Operation operation) {
		CommandSpec spec = CommandSpec.create().name(operation.commandName());
		spec.usageMessage().description(operation.description());
		// help only: registerWorkspace has a field "version", so --version cannot be
		// mixed in here
		spec.addOption(OptionSpec.builder("-h", "--help")
			.usageHelp(true)
			.description("Show this help message and exit.")
			.build());
		FieldDescriptions descriptions = FieldDescriptions.load();
		for (Field field : operation.fields()) {
			spec.addOption(fieldOption(field, descriptions.describe(operation.name(), field.name())));
		}
		if (operation.selectsWorkspace() && !operation.hasField("workspaceName")) {
			spec.addOption(OptionSpec.builder(WORKSPACE_NAME)
				.paramLabel("<workspaceName>")
				.type(String.class)
				.description("Instead of --workspace-crn: " + descriptions.describe(operation.name(), "workspaceName")
						+ " The CLI looks the CRN up (exit 2 if no workspace or several have the name).")
				.build());
			spec.addOption(OptionSpec.builder(ENVIRONMENT_NAME)
				.paramLabel("<environmentName>")
				.type(String.class)
				.description("With --workspace-name: " + descriptions.describe(operation.name(), "environmentName"))
				.build());
		}
		if (operation.paging() != null) {
			spec.addOption(OptionSpec.builder(MAX_ITEMS)
				.paramLabel("<n>")
				.type(Integer.class)
				.description("Prints at most n items, asking for as many pages as needed (else every page); "
						+ "when more are left, the answer's nextToken continues with --starting-token.")
				.build());
		}
		spec.addOption(OptionSpec.builder(OUTPUT)
			.paramLabel("<json|text|table>")
			.type(String.class)
			.description("How the answer is printed: json (default, the runner's answer as is), table (aligned "
					+ "columns for reading), text (tab-separated rows for cut and awk).")
			.build());
		spec.addOption(OptionSpec.builder(CLI_INPUT_JSON)
			.paramLabel("<file://path|json>")
			.type(String.class)
			.description(
					"The request as a JSON object, inline or in a file; options given as well override its fields.")
			.build());
		spec.addOption(OptionSpec.builder(GENERATE_CLI_SKELETON)
			.arity("0")
			.type(boolean.class)
			.description("Prints a request template for " + CLI_INPUT_JSON + " and exits without calling the runner.")
			.build());
		spec.addOption(OptionSpec.builder(ENDPOINT)
			.paramLabel("<url>")
			.type(String.class)
			.description("The runner, e.g. " + DEFAULT_ENDPOINT + " (default: $" + ENDPOINT_VARIABLE + ", else "
					+ DEFAULT_ENDPOINT + ").")
			.build());
		spec.addOption(OptionSpec.builder(TOKEN)
			.paramLabel("<token>")
			.type(String.class)
			.description("The bearer token the runner knows the caller by (default: $" + TOKEN_VARIABLE
					+ "; prefer the variable, an option shows in the process list).")
			.build());
		if (operation.waitOption() != null) {
			spec.addOption(OptionSpec.builder(WAIT)
				.arity("0")
				.type(boolean.class)
				.description("Follows the work the command starts to its end, a progress line on stderr at each "
						+ "change;", operation.waitOption().exitHelp())
				.build());
		}
		if (Operations.LIST_WORKSPACE_EVENTS.equals(operation.name())) {
			spec.addOption(OptionSpec.builder(FOLLOW)
				.arity("0")
				.type(boolean.class)
				.description("Prints the latest events (--max-items, default a page), then new ones as they come, "
						+ "one a line (a JSON object in json), until interrupted; with --backup-crn, until that "
						+ "backup ends, exiting 0 if it succeeded, 1 if it failed, 3 if it was cancelled.")
				.build());
		}
		if (operation.waitOption() != null || Operations.LIST_WORKSPACE_EVENTS.equals(operation.name())) {
			spec.addOption(OptionSpec.builder(POLL_SECONDS)
				.type(BigDecimal.class)
				.defaultValue("2")
				.hidden(true)
				.description("Seconds between two polls with --wait or --follow.")
				.build());
		}
		return spec;
	}

	private OptionSpec fieldOption(Field field, String meaning) {
		OptionSpec.Builder option = OptionSpec.builder(field.optionName())
			.type(field.type().optionType())
			.paramLabel("<" + field.name() + ">")
			.description(((meaning != null) ? meaning + " " : "") + "(" + field.name() + ", "
					+ field.type().name().toLowerCase().replace('_', '-') + (field.required() ? ", required" : "") + ")"
					+ ((field.type() == FieldType.STRING_LIST) ? "; repeat the option for each value" : "")
					+ ((field.type() == FieldType.OBJECT) ? "; the object as JSON text, e.g. '{\"key\": \"value\"}' "
							+ "(it replaces the field of " + CLI_INPUT_JSON + " whole)" : ""));
		if (field.type() == FieldType.STRING_LIST) {
			option.auxiliaryTypes(String.class);
		}
		if (field.type() == FieldType.BOOLEAN) {
			option.arity("0..1").fallbackValue("true").paramLabel("<true|false>");
		}
		if (field.type() == FieldType.OBJECT) {
			option.converters((CommandLine.ITypeConverter<ObjectNode>) this::jsonObjectOption).paramLabel("<json>");
		}
		return option.build();
	}

	/**
	 * The value of an {@link FieldType#OBJECT} option; picocli makes a conversion error a
	 * usage error naming the option.
	 */
	private ObjectNode jsonObjectOption(String text) {
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
	private ObjectNode jsonObjectOrNull(String text) {
		try {
			return jsonObjectOption(text);
		}
		catch (CommandLine.TypeConversionException ex) {
			return null;
		}
	}

	/** The options of a command picocli parsed. */
	private record ParsedArgs(ParseResult parsed) implements Args {

		@Override
		public boolean hasMatchedOption(String option) {
			return this.parsed.hasMatchedOption(option);
		}

		@Override
		public <T> T matchedOptionValue(String option, T fallback) {
			return this.parsed.matchedOptionValue(option, fallback);
		}

	}

	/**
	 * A usage error: the message and where to find help on stderr, without the whole
	 * usage.
	 */
	private static int usageError(ParameterException ex, String[] args) {
		CommandLine commandLine = ex.getCommandLine();
		PrintWriter err = commandLine.getErr();
		err.println(ex.getMessage());
		CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
		err.println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for more information.");
		return USAGE;
	}

	private int execute(ParseResult parseResult) {
		Integer helpExitCode = CommandLine.executeHelpRequest(parseResult);
		if (helpExitCode != null) {
			return helpExitCode;
		}
		if (!parseResult.hasSubcommand()) {
			throw new ParameterException(parseResult.commandSpec().commandLine(), "Missing the command");
		}
		ParseResult parsed = parseResult.subcommand();
		Operation operation = this.operationsByCommand.get(parsed.commandSpec().name());
		try {
			return call(operation, new ParsedArgs(parsed));
		}
		catch (UsageException ex) {
			throw new ParameterException(parsed.commandSpec().commandLine(), ex.getMessage(), ex);
		}
	}

	/**
	 * Runs the operation with the options given, however they were parsed.
	 * @throws UsageException on bad usage found past parsing
	 */
	private int call(Operation operation, Args command) {
		if (command.hasMatchedOption(GENERATE_CLI_SKELETON)) {
			this.out.println(this.json.writeValueAsString(skeleton(operation)));
			return OK;
		}
		Output output = output(command);
		ObjectNode request = request(operation, command);
		Integer maxItems = maxItems(command);
		boolean follow = command.hasMatchedOption(FOLLOW);
		Duration pollInterval = (command.hasMatchedOption(WAIT) || follow) ? pollInterval(command) : null;
		RunnerClient runner = runner(command);
		try {
			if (!resolveWorkspace(operation, command, request, runner, output)) {
				return FAILED;
			}
			if (follow) {
				return new EventsFollow(runner, output, this.err, pollInterval).follow(request, maxItems);
			}
			RunnerClient.Answer answer = (operation.paging() != null)
					? Pager.pages(runner, operation.name(), operation.paging(), request, maxItems)
					: runner.call(operation.name(), request);
			if (answer.ok() && pollInterval != null) {
				return new FollowLoop(runner, this.json, output, this.err, this.clock, pollInterval)
					.follow(operation.waitOption().follower().apply(request, answer.body()));
			}
			output.print(answer.body());
			if (answer.refusedCaller()) {
				this.err.println(callerHint(answer.status(), runner, operation));
			}
			return answer.ok() ? OK : FAILED;
		}
		catch (RunnerClient.UnreachableException ex) {
			output.print(ex.toError(this.json));
			return FAILED;
		}
	}

	private Output output(Args command) {
		String value = command.matchedOptionValue(OUTPUT, "json");
		try {
			return new Output(Output.Format.parse(value.strip()), this.json, this.out);
		}
		catch (IllegalArgumentException ex) {
			throw new UsageException(ex.getMessage());
		}
	}

	private static Integer maxItems(Args command) {
		Integer maxItems = command.matchedOptionValue(MAX_ITEMS, null);
		if (maxItems != null && maxItems < 1) {
			throw new UsageException(MAX_ITEMS + " must be at least 1, not " + maxItems);
		}
		return maxItems;
	}

	/**
	 * Puts the CRN of the workspace named by --workspace-name (and --environment-name, or
	 * those fields of the request) into the request when no CRN is given, looking it up
	 * with listWorkspaces.
	 * @return false when the look-up itself failed (its error printed)
	 * @throws UsageException when no workspace or several have the name
	 */
	private boolean resolveWorkspace(Operation operation, Args command, ObjectNode request, RunnerClient runner,
			Output output) {
		if (!operation.selectsWorkspace() || !isEmpty(request.get("workspaceCrn"))) {
			return true;
		}
		String name = command.hasMatchedOption(WORKSPACE_NAME) ? command.matchedOptionValue(WORKSPACE_NAME, "")
				: request.path("workspaceName").asString("");
		String environment = command.hasMatchedOption(ENVIRONMENT_NAME)
				? command.matchedOptionValue(ENVIRONMENT_NAME, "") : request.path("environmentName").asString("");
		if (name.isBlank()) {
			return true;
		}
		ObjectNode lookup = this.json.createObjectNode().put("workspaceNameContains", name);
		if (!environment.isBlank()) {
			lookup.put("environmentName", environment);
		}
		lookup.put("pageSize", LOOKUP_PAGE_SIZE);
		RunnerClient.Answer answer = Pager.pages(runner, Operations.LIST_WORKSPACES,
				new Operation.Paging("workspaces", false), lookup, null);
		if (!answer.ok()) {
			output.print(answer.body());
			if (answer.refusedCaller()) {
				this.err.println(callerHint(answer.status(), runner, operation));
			}
			return false;
		}
		List<JsonNode> matches = answer.body()
			.path("workspaces")
			.valueStream()
			.filter((workspace) -> name.equals(workspace.path("workspaceName").asString("")))
			.toList();
		String where = environment.isBlank() ? "" : " in environment '" + environment + "'";
		if (matches.isEmpty()) {
			throw new UsageException("No workspace is named '" + name + "'" + where
					+ "; wsbackup list-workspaces --output table shows them");
		}
		if (matches.size() > 1) {
			throw new UsageException(matches.size() + " workspaces are named '" + name + "', in the environments "
					+ String.join(", ", matches.stream().map((w) -> w.path("environmentName").asString("?")).toList())
					+ "; add " + ENVIRONMENT_NAME + " or give " + "--workspace-crn");
		}
		request.put("workspaceCrn", matches.get(0).path("workspaceCrn").asString());
		if (operation.hasField("workspaceName")) {
			request.remove("workspaceName");
			request.remove("environmentName");
		}
		return true;
	}

	/** What to do about a 401 or 403, on stderr (the runner's error is on stdout). */
	private static String callerHint(int status, RunnerClient runner, Operation operation) {
		if (status == 403) {
			return "wsbackup: the token's role may not " + operation.commandName()
					+ "; it needs a token of the admin role";
		}
		return runner.hasToken()
				? "wsbackup: the runner does not accept this token; check --token or $" + TOKEN_VARIABLE
				: "wsbackup: the runner needs a token: pass --token or set $" + TOKEN_VARIABLE
						+ " (the embedded default writes its admin token to data/admin-token)";
	}

	private static Duration pollInterval(Args command) {
		BigDecimal seconds = command.matchedOptionValue(POLL_SECONDS, BigDecimal.valueOf(2));
		if (seconds.signum() < 0) {
			throw new UsageException(POLL_SECONDS + " must not be negative");
		}
		return Duration.ofMillis(seconds.movePointRight(3).longValue());
	}

	/**
	 * The client of the runner named by --endpoint, else the variable, else the default,
	 * with the token of --token, else of its variable, else none.
	 */
	private RunnerClient runner(Args command) {
		String endpoint = command.matchedOptionValue(ENDPOINT, null);
		if (endpoint == null || endpoint.isBlank()) {
			endpoint = this.environment.get(ENDPOINT_VARIABLE);
		}
		endpoint = (endpoint == null || endpoint.isBlank()) ? DEFAULT_ENDPOINT : endpoint.strip();
		String token = command.matchedOptionValue(TOKEN, null);
		if (token == null || token.isBlank()) {
			token = this.environment.get(TOKEN_VARIABLE);
		}
		try {
			return new RunnerClient(this.json, endpoint, token);
		}
		catch (IllegalArgumentException ex) {
			throw new UsageException(ex.getMessage());
		}
	}

	/**
	 * The operation's skeleton template as it is, else an object of the fields, each with
	 * its type's skeleton value.
	 */
	private JsonNode skeleton(Operation operation) {
		if (operation.skeletonTemplate() != null) {
			return template(operation.skeletonTemplate());
		}
		ObjectNode skeleton = this.json.createObjectNode();
		operation.fields().forEach((field) -> skeleton.set(field.name(), field.type().skeletonValue()));
		return skeleton;
	}

	private JsonNode template(String resource) {
		try (InputStream in = WsbackupCli.class.getResourceAsStream(resource)) {
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
	 * The request: the fields of {@code --cli-input-json}, overridden by the options
	 * given; fields unknown to the table are passed on for the runner to judge.
	 */
	private ObjectNode request(Operation operation, Args command) {
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

	private static boolean isEmpty(JsonNode value) {
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

	private static String version() {
		String version = WsbackupCli.class.getPackage().getImplementationVersion();
		return "wsbackup " + ((version != null) ? version : "(development build)");
	}

}
