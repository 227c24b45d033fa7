package io.wsbackup.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Benchmark 8, CLI start-up (issue 15): the wall time of
 * {@code ./wsbackup list-workspaces} (a new JVM per call: the script, the thin CLI jar,
 * class-data sharing) against the same call made with {@code curl} piped into
 * {@code jq .}, both against the runner in this JVM with a few registered workspaces,
 * alternating one of each; median of 20 after 3 warm-up rounds (the first call of the CLI
 * records its class-data-sharing archive). Run from the repository's root after
 * {@code package}. No test asserts a speed.
 */
public final class CliStartBench {

	static final String SCHEMA = "wsbackup_bench_cli";

	private static final int CALLS = 20;

	private static final int WARM_UP = 10;

	private static final int WORKSPACES = 5;

	private CliStartBench() {
	}

	public static void main(String[] args) throws Exception {
		Path script = Path.of("wsbackup").toAbsolutePath();
		if (!Files.isExecutable(script)) {
			throw new IllegalStateException("run from the repository's root: no ./wsbackup here");
		}
		String url = Bench.schema(SCHEMA, true);
		try (ConfigurableApplicationContext context = Bench.runner(url, Map.of("server.port", "0",
				"wsbackup.workloads.provider", "none", "wsbackup.cloud.provider", "local"))) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			String endpoint = "http://127.0.0.1:" + port;
			URI base = URI.create(endpoint + "/");
			register(base);
			List<String> ours = List.of(script.toString(), "list-workspaces");
			List<String> curl = List.of("bash", "-c",
					"curl -sf -H \"Authorization: Bearer $WSBACKUP_TOKEN\" -H 'Content-Type: application/json' "
							+ "-d '{}' \"$WSBACKUP_ENDPOINT/api/v1/ml/listWorkspaces\" | jq .");
			List<Double> cli = new ArrayList<>();
			List<Double> baseline = new ArrayList<>();
			for (int i = -WARM_UP; i < CALLS; i++) {
				double a = timed(ours, endpoint);
				double b = timed(curl, endpoint);
				if (i >= 0) {
					cli.add(a);
					baseline.add(b);
				}
			}
			double measured = Bench.median(cli);
			double base2 = Bench.median(baseline);
			Bench.note("cli " + cli);
			Bench.note("curl + jq " + baseline);
			Bench.row("8 cli start-up", "./wsbackup list-workspaces, median wall of " + CALLS + " calls",
					Bench.ms(measured), Bench.ms(base2) + " (curl + jq)", measured / base2, "<= 500 ms",
					measured <= 500);
		}
	}

	/** A few workspaces, so that the answer is a list to print. */
	private static void register(URI base) throws IOException {
		Path root = Path.of("target", "bench", "cli-workspaces").toAbsolutePath();
		for (int i = 1; i <= WORKSPACES; i++) {
			Path volume = Files.createDirectories(root.resolve("ws" + i).resolve("volume"));
			Path shared = Files.createDirectories(root.resolve("ws" + i).resolve("shared"));
			Bench.post(base, "api/v1/ml/registerWorkspace",
					"{\"workspaceName\": \"bench-cli-" + i + "\", \"environmentName\": \"bench\", \"volumes\": [\""
							+ volume + "\"], \"sharedFileSystem\": \"" + shared + "\"}");
		}
	}

	/**
	 * Runs the command to its end; its wall time in ms. Fails unless it lists the
	 * workspaces.
	 */
	private static double timed(List<String> command, String endpoint) throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().put("WSBACKUP_ENDPOINT", endpoint);
		builder.environment().put("WSBACKUP_TOKEN", Bench.TOKEN);
		long t0 = System.nanoTime();
		Process process = builder.start();
		byte[] output = process.getInputStream().readAllBytes();
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException(command + " did not end in 60 s");
		}
		double millis = (System.nanoTime() - t0) / 1e6;
		String text = new String(output, StandardCharsets.UTF_8);
		if (process.exitValue() != 0 || !text.contains("bench-cli-" + WORKSPACES)) {
			throw new IllegalStateException(command + " exited " + process.exitValue() + ": " + text);
		}
		return millis;
	}

}
