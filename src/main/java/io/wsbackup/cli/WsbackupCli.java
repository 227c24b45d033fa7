package io.wsbackup.cli;

import static io.wsbackup.cli.GlobalOptions.FOLLOW;
import static io.wsbackup.cli.GlobalOptions.GENERATE_CLI_SKELETON;
import static io.wsbackup.cli.GlobalOptions.WAIT;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import tools.jackson.databind.DeserializationFeature;
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

	private final PrintStream out;

	private final PrintStream err;

	private final Map<String, String> environment;

	private final Clock clock;

	private final JsonMapper json = JsonMapper.builder()
		.enable(SerializationFeature.INDENT_OUTPUT)
		.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.build();

	private final Requests requests = new Requests(this.json);

	private final WorkspaceNames workspaceNames;

	private final CommandLineSpecs specs;

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
		this.workspaceNames = new WorkspaceNames(this.json, err);
		this.specs = new CommandLineSpecs(this.operationsByCommand.values(), this.requests);
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
		FastArgs fast = this.fastPath ? FastArgs.parse(args, this.operationsByCommand, this.requests::jsonObjectOrNull)
				: null;
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
		CommandLine commandLine = new CommandLine(this.specs.commandLine(commandNamed(args)));
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
			this.out.println(this.json.writeValueAsString(this.requests.skeleton(operation)));
			return OK;
		}
		Output output = GlobalOptions.output(command, this.json, this.out);
		ObjectNode request = this.requests.request(operation, command);
		Integer maxItems = GlobalOptions.maxItems(command);
		boolean follow = command.hasMatchedOption(FOLLOW);
		Duration pollInterval = (command.hasMatchedOption(WAIT) || follow) ? GlobalOptions.pollInterval(command) : null;
		RunnerClient runner = GlobalOptions.runner(command, this.environment, this.json);
		try {
			if (!this.workspaceNames.resolve(operation, command, request, runner, output)) {
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
			return answer.ok() && operation.done().test(answer.body()) ? OK : FAILED;
		}
		catch (RunnerClient.UnreachableException ex) {
			output.print(ex.toError(this.json));
			return FAILED;
		}
	}

	/** What to do about a 401 or 403, on stderr (the runner's error is on stdout). */
	static String callerHint(int status, RunnerClient runner, Operation operation) {
		if (status == 403) {
			return "wsbackup: the token's role may not " + operation.commandName()
					+ "; it needs a token of the admin role";
		}
		return runner.hasToken()
				? "wsbackup: the runner does not accept this token; check --token or $" + TOKEN_VARIABLE
				: "wsbackup: the runner needs a token: pass --token or set $" + TOKEN_VARIABLE
						+ " (the embedded default writes its admin token to data/admin-token)";
	}

}
