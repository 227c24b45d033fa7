package io.wsbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.Model.OptionSpec;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The command lines the CLI parses without picocli, for start-up, are read as picocli
 * reads them; the others go to picocli.
 */
class FastArgsTest {

	private static final Map<String, Operation> OPERATIONS = new LinkedHashMap<>();

	static {
		Operations.ALL.forEach((operation) -> OPERATIONS.put(operation.commandName(), operation));
	}

	static Stream<Operation> operations() {
		return Operations.ALL.stream();
	}

	@ParameterizedTest
	@MethodSource("operations")
	void everyCommandHasTheOptionsItDeclaresToPicocli(Operation operation) {
		CommandLineSpecs specs = new CommandLineSpecs(Operations.ALL, new Requests(JsonMapper.builder().build()));
		Set<String> declared = new HashSet<>();
		for (OptionSpec option : specs.command(operation).options()) {
			declared.add(option.longestName());
		}
		declared.remove("--help");

		assertThat(FastArgs.options(operation).keySet()).containsExactlyInAnyOrderElementsOf(declared);
	}

	static Stream<Arguments> commandLines() {
		return Stream.of(
				Arguments.of((Object) new String[] { "register-workspace", "--workspace-name", "ws1",
						"--environment-name=env1", "--volumes", "vol-a", "--volumes=vol-b", "--external-nfs",
						"--namespaces", "ns-1" }),
				Arguments.of((Object) new String[] { "register-workspace", "--workspace-name", "ws1",
						"--environment-name", "env1", "--external-nfs=false" }),
				Arguments.of((Object) new String[] { "backup-workspace", "--workspace-crn", "crn:ws:1",
						"--backup-name=a=b", "--backup-job-timeout-minutes=90" }),
				Arguments.of((Object) new String[] { "restore-workspace", "--backup-crn", "crn:b:1",
						"--new-workspace-parameters", "{\"workspaceName\": \"ws2\", \"environmentName\": \"env1\"}",
						"--use-static-subdomain" }),
				Arguments.of((Object) new String[] { "list-workspaces", "--max-items", "3", "--page-size", "2",
						"--environment-name", "", "--output", "text" }),
				Arguments.of((Object) new String[] { "describe-workspace-backup", "--cli-input-json",
						"{\"backupCrn\": \"crn:b:1\"}", "--backup-crn", "crn:b:2" }),
				Arguments.of((Object) new String[] { "backup-workspace", "--backup-name", "b" }),
				Arguments.of((Object) new String[] { "backup-workspace", "--workspace-crn", "crn:ws:1", "--backup-name",
						"b", "--wait", "--poll-seconds", "-1" }));
	}

	@ParameterizedTest
	@MethodSource("commandLines")
	void aCommandLineParsedWithoutPicocliSendsWhatPicocliWouldAndExitsAlike(String[] args) throws IOException {
		assertThat(FastArgs.parse(args, OPERATIONS, (text) -> (ObjectNode) JsonMapper.builder().build().readTree(text)))
			.as("parsed without picocli")
			.isNotNull();
		try (FakeRunner fast = new FakeRunner(); FakeRunner picocli = new FakeRunner()) {
			Run withoutPicocli = run(fast, args, false);
			Run withPicocli = run(picocli, args, true);

			assertThat(withoutPicocli.exit()).isEqualTo(withPicocli.exit());
			assertThat(fast.calls()).extracting(FakeRunner.Call::body)
				.containsExactlyElementsOf(picocli.calls().stream().map(FakeRunner.Call::body).toList());
			assertThat(withoutPicocli.stderr().lines().findFirst()).isEqualTo(withPicocli.stderr().lines().findFirst());
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "--help", "-h", "--no-such-option x", "--external-nfs true",
			"--backup-job-timeout-minutes ninety", "--workspace-crn", "--workspace-crn @args.txt", "positional",
			"--wait=true", "--backup-name a --backup-name b", "--new-workspace-parameters ignored" })
	void anythingUncertainIsLeftToPicocli(String options) {
		String command = options.contains("nfs") ? "register-workspace"
				: options.contains("new-workspace") ? "restore-workspace" : "backup-workspace";
		String[] args = Stream.concat(Stream.of(command), Stream.of(options.split(" "))).toArray(String[]::new);

		assertThat(FastArgs.parse(args, OPERATIONS, (text) -> null)).isNull();
	}

	@Test
	void topLevelHelpAndUnknownCommandsAreLeftToPicocli() {
		assertThat(FastArgs.parse(new String[] { "--help" }, OPERATIONS, (text) -> null)).isNull();
		assertThat(FastArgs.parse(new String[] { "backup-everything" }, OPERATIONS, (text) -> null)).isNull();
		assertThat(FastArgs.parse(new String[0], OPERATIONS, (text) -> null)).isNull();
	}

	private static Run run(FakeRunner runner, String[] args, boolean picocliOnly) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		runner.answer("registerWorkspace", 200, "{}")
			.answer("backupWorkspace", 200, "{'backupCrn': 'crn:b:1', 'vaultName': 'v'}")
			.answer("restoreWorkspace", 200, "{'workspaceCrn': 'crn:ws:2'}")
			.answer("listWorkspaces", 200, "{'workspaces': [], 'nextToken': null}")
			.answer("describeWorkspaceBackup", 200, "{'backup': {'backupStatus': 'succeeded'}}");
		WsbackupCli cli = new WsbackupCli(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("WSBACKUP_ENDPOINT", runner.endpoint()),
				Clock.systemUTC());
		int exit = (picocliOnly ? cli.picocliOnly() : cli).run(args);
		return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	private record Run(int exit, String stdout, String stderr) {
	}

}
