package io.wsbackup.cloud.aws;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * moto, the AWS emulator, as a child process on a free port, for one test class. The
 * Python that has moto is found through the system property
 * {@code wsbackup.test.moto-python}, else the environment variable
 * {@code WSBACKUP_TEST_MOTO_PYTHON}, else {@code pyenv which python3}, else
 * {@code /root/.pyenv/shims/python3}. When none of them can import moto the tests fail
 * saying how to provide it: they never skip.
 */
public final class MotoServer implements AutoCloseable {

	public static final String PYTHON_PROPERTY = "wsbackup.test.moto-python";

	public static final String PYTHON_ENV = "WSBACKUP_TEST_MOTO_PYTHON";

	private final Process process;

	private final URI endpoint;

	private final Path log;

	private final HttpClient http = HttpClient.newHttpClient();

	private MotoServer(Process process, URI endpoint, Path log) {
		this.process = process;
		this.endpoint = endpoint;
		this.log = log;
	}

	/** Starts moto and waits until it answers. */
	public static MotoServer start() {
		String python = python();
		checkMoto(python);
		try {
			int port;
			try (ServerSocket socket = new ServerSocket(0)) {
				port = socket.getLocalPort();
			}
			Path log = Files.createTempFile("moto-", ".log");
			Process process = new ProcessBuilder(python, "-m", "moto.server", "-H", "127.0.0.1", "-p",
					String.valueOf(port))
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			MotoServer moto = new MotoServer(process, URI.create("http://127.0.0.1:" + port), log);
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
				if (!process.isAlive()) {
					throw new IllegalStateException("moto exited: " + Files.readString(log));
				}
				return moto.answers();
			});
			return moto;
		}
		catch (IOException ex) {
			throw new IllegalStateException("could not start moto with " + python + ": " + ex.getMessage(), ex);
		}
	}

	public URI endpoint() {
		return endpoint;
	}

	/** Forgets every resource (POST /moto-api/reset). */
	public void reset() {
		try {
			HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset"))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException("moto reset answered " + response.statusCode());
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("moto reset failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		process.destroy();
		try {
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		log.toFile().delete();
	}

	private boolean answers() {
		try {
			return http
				.send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/")).GET().build(),
						HttpResponse.BodyHandlers.discarding())
				.statusCode() < 500;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	static String python() {
		String configured = System.getProperty(PYTHON_PROPERTY);
		if (configured == null || configured.isBlank()) {
			configured = System.getenv(PYTHON_ENV);
		}
		if (configured != null && !configured.isBlank()) {
			return configured;
		}
		try {
			Process which = new ProcessBuilder("pyenv", "which", "python3").redirectErrorStream(true).start();
			String out = new String(which.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			if (which.waitFor(10, TimeUnit.SECONDS) && which.exitValue() == 0 && new File(out).canExecute()) {
				return out;
			}
		}
		catch (IOException ex) {
			// no pyenv on the PATH: fall through to the shim
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return "/root/.pyenv/shims/python3";
	}

	private static void checkMoto(String python) {
		String problem;
		try {
			Process probe = new ProcessBuilder(python, "-c", "import moto.server").redirectErrorStream(true).start();
			String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			if (probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0) {
				return;
			}
			problem = python + " cannot import moto.server: " + out;
		}
		catch (IOException ex) {
			problem = python + " cannot be run: " + ex.getMessage();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			problem = "interrupted";
		}
		throw new IllegalStateException("the aws tests need moto (the AWS emulator) and " + problem
				+ ". Install it with `<python> -m pip install 'moto[server]==5.2.1'` and point the tests at that"
				+ " Python with -D" + PYTHON_PROPERTY + "=/path/to/python3 or " + PYTHON_ENV + "=/path/to/python3");
	}

}
