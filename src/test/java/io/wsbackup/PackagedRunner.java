package io.wsbackup;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * Starts the packaged runner ({@code target/wsbackup-*.jar}, built by {@code package}
 * before Failsafe runs) as an operator would, for the end-to-end tests, and waits for it
 * to answer.
 */
final class PackagedRunner {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private PackagedRunner() {
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * Starts {@code java -jar} on the packaged jar with {@code --server.port=port} and
	 * these arguments, in {@code work}, logging to {@code work/runner.log}, and waits
	 * until its health answers UP.
	 */
	static Process start(Path work, int port, Map<String, String> environment, String... arguments) throws IOException {
		Path jar;
		try (Stream<Path> files = Files.list(Path.of("target"))) {
			jar = files.filter((p) -> p.getFileName().toString().matches("wsbackup-.*\\.jar"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("no target/wsbackup-*.jar: run after package"));
		}
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
						jar.toAbsolutePath().toString(), "--server.port=" + port));
		command.addAll(List.of(arguments));
		Path log = work.resolve("runner.log");
		ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
		builder.environment().putAll(environment);
		Process runner = builder.start();
		awaitAnswer(runner, log, "http://127.0.0.1:" + port + "/actuator/health", "UP");
		return runner;
	}

	/** What one run of the {@code ./wsbackup} script printed. */
	record Script(int exit, String stdout, String stderr) {
	}

	/**
	 * Runs {@code ./wsbackup} with these arguments in {@code work}, against the runner at
	 * {@code endpoint}.
	 */
	static Script script(Path work, String endpoint, String... arguments) throws IOException, InterruptedException {
		return script(work, endpoint, Map.of(), arguments);
	}

	/**
	 * Runs {@code ./wsbackup} as {@link #script(Path, String, String...)} does, with
	 * these environment variables (for instance {@code WSBACKUP_TOKEN}).
	 */
	static Script script(Path work, String endpoint, Map<String, String> environment, String... arguments)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(Path.of("wsbackup").toAbsolutePath().toString()));
		command.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
		builder.environment().remove("WSBACKUP_TOKEN");
		builder.environment().putAll(environment);
		builder.environment().put("WSBACKUP_ENDPOINT", endpoint);
		Path stdout = work.resolve("stdout.txt");
		Path stderr = work.resolve("stderr.txt");
		Process process = builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
		if (!process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException("./wsbackup " + String.join(" ", arguments) + " did not finish in 120 s");
		}
		return new Script(process.exitValue(), Files.readString(stdout, java.nio.charset.StandardCharsets.UTF_8),
				Files.readString(stderr, java.nio.charset.StandardCharsets.UTF_8));
	}

	/**
	 * The admin token the embedded default generated into its data dir at its first start
	 * ({@code <data-dir>/admin-token}).
	 */
	static String adminToken(Path dataDir) throws IOException {
		return Files.readString(dataDir.resolve("admin-token"), java.nio.charset.StandardCharsets.UTF_8).strip();
	}

	/**
	 * {@code WSBACKUP_TOKEN} set to the embedded default's admin token of that data dir,
	 * for {@link #script(Path, String, Map, String...)}.
	 */
	static Map<String, String> adminTokenVariable(Path dataDir) throws IOException {
		return Map.of("WSBACKUP_TOKEN", adminToken(dataDir));
	}

	/**
	 * Waits (at most 90 s) until {@code url} answers with {@code expected} in its body;
	 * fails when the process exits.
	 */
	static void awaitAnswer(Process process, Path log, String url, String expected) {
		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
			if (!process.isAlive()) {
				throw new IllegalStateException(url + ": the process exited: " + Files.readString(log));
			}
			try {
				return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
					.body()
					.contains(expected);
			}
			catch (IOException notYet) {
				return false;
			}
		});
	}

}
