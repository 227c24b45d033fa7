package io.wsbackup.cli;

import static io.wsbackup.cli.GlobalOptions.CLI_INPUT_JSON;
import static io.wsbackup.cli.GlobalOptions.ENDPOINT;
import static io.wsbackup.cli.GlobalOptions.ENVIRONMENT_NAME;
import static io.wsbackup.cli.GlobalOptions.FOLLOW;
import static io.wsbackup.cli.GlobalOptions.GENERATE_CLI_SKELETON;
import static io.wsbackup.cli.GlobalOptions.MAX_ITEMS;
import static io.wsbackup.cli.GlobalOptions.OUTPUT;
import static io.wsbackup.cli.GlobalOptions.POLL_SECONDS;
import static io.wsbackup.cli.GlobalOptions.TOKEN;
import static io.wsbackup.cli.GlobalOptions.WAIT;
import static io.wsbackup.cli.GlobalOptions.WORKSPACE_NAME;
import static io.wsbackup.cli.WsbackupCli.DEFAULT_ENDPOINT;
import static io.wsbackup.cli.WsbackupCli.ENDPOINT_VARIABLE;
import static io.wsbackup.cli.WsbackupCli.TOKEN_VARIABLE;

import java.math.BigDecimal;
import java.util.Collection;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import tools.jackson.databind.node.ObjectNode;

/**
 * The picocli model of the CLI, built from {@link Operations}: the commands with their
 * descriptions, and a command's options (its fields and the {@link GlobalOptions}) with
 * their help texts from {@link FieldDescriptions}.
 */
final class CommandLineSpecs {

	private final Collection<Operation> operations;

	private final Requests requests;

	/**
	 * Specs of the given operations; the requests read the values of the OBJECT options.
	 */
	CommandLineSpecs(Collection<Operation> operations, Requests requests) {
		this.operations = operations;
		this.requests = requests;
	}

	/**
	 * The command line: every command with its description (for the top-level help and
	 * suggestions), the options of the one called only.
	 */
	CommandSpec commandLine(Operation called) {
		CommandSpec top = CommandSpec.create().name("wsbackup").mixinStandardHelpOptions(true).version(version());
		top.usageMessage()
			.description("Backs up ML workspaces through a wsbackup runner.",
					"The runner is --endpoint, else $" + ENDPOINT_VARIABLE + ", else " + DEFAULT_ENDPOINT + ".",
					"Calls carry the bearer token --token, else $" + TOKEN_VARIABLE
							+ " (./wsbackup reads the embedded default's data/admin-token when neither is given).")
			.footer("", "Exit codes: 0 success, 1 the operation failed or the runner cannot be reached, 2 bad usage,",
					"3 the backup followed by --wait or --follow was cancelled.");
		this.operations.forEach((operation) -> top.addSubcommand(operation.commandName(),
				(operation == called) ? command(operation) : summary(operation)));
		return top;
	}

	private static CommandSpec summary(Operation operation) {
		CommandSpec spec = CommandSpec.create().name(operation.commandName());
		spec.usageMessage().description(operation.description());
		return spec;
	}

	/** The command of one operation with all its options. */
	CommandSpec command(Operation operation) {
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
			option.converters((CommandLine.ITypeConverter<ObjectNode>) this.requests::jsonObjectOption)
				.paramLabel("<json>");
		}
		return option.build();
	}

	private static String version() {
		String version = WsbackupCli.class.getPackage().getImplementationVersion();
		return "wsbackup " + ((version != null) ? version : "(development build)");
	}

}
