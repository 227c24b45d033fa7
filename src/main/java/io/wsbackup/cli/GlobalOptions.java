package io.wsbackup.cli;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * The options the CLI adds to the fields of an operation (every command's
 * {@code --endpoint}, {@code --token}, {@code --output} and the request options, some
 * commands' {@code --wait}, {@code --follow}, {@code --max-items} and
 * {@code --workspace-name}), by name, and how the values of those that shape a call are
 * read: a bad value is a {@link UsageException}.
 */
final class GlobalOptions {

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

	private GlobalOptions() {
	}

	/** The printer of the format of --output, json by default. */
	static Output output(Args command, JsonMapper json, PrintStream out) {
		String value = command.matchedOptionValue(OUTPUT, "json");
		try {
			return new Output(Output.Format.parse(value.strip()), json, out);
		}
		catch (IllegalArgumentException ex) {
			throw new UsageException(ex.getMessage());
		}
	}

	/** The --max-items given, at least 1, or null for every page. */
	static Integer maxItems(Args command) {
		Integer maxItems = command.matchedOptionValue(MAX_ITEMS, null);
		if (maxItems != null && maxItems < 1) {
			throw new UsageException(MAX_ITEMS + " must be at least 1, not " + maxItems);
		}
		return maxItems;
	}

	/** The time between two polls of --wait or --follow, two seconds by default. */
	static Duration pollInterval(Args command) {
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
	static RunnerClient runner(Args command, Map<String, String> environment, JsonMapper json) {
		String endpoint = command.matchedOptionValue(ENDPOINT, null);
		if (endpoint == null || endpoint.isBlank()) {
			endpoint = environment.get(WsbackupCli.ENDPOINT_VARIABLE);
		}
		endpoint = (endpoint == null || endpoint.isBlank()) ? WsbackupCli.DEFAULT_ENDPOINT : endpoint.strip();
		String token = command.matchedOptionValue(TOKEN, null);
		if (token == null || token.isBlank()) {
			token = environment.get(WsbackupCli.TOKEN_VARIABLE);
		}
		try {
			return new RunnerClient(json, endpoint, token);
		}
		catch (IllegalArgumentException ex) {
			throw new UsageException(ex.getMessage());
		}
	}

}
