package io.wsbackup.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls the runner's RPC API over HTTP: {@code POST <endpoint>/api/v1/ml/<operation>}
 * with a JSON body. Knows nothing of the runner's classes, only its wire format.
 * <p>
 * It uses {@link HttpURLConnection}, not {@code java.net.http.HttpClient}: the latter's
 * selector thread waits in native code, and the JVM's exit waits up to 300 ms for such
 * threads, a third of a call's time; it also loads the TLS trust store for plain http.
 */
final class RunnerClient {

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

	private final JsonMapper json;

	private final String endpoint;

	private final URI operations;

	private final String token;

	/**
	 * A client of the runner at the endpoint, without a token.
	 * @throws IllegalArgumentException when the endpoint is not an http(s) URL
	 */
	RunnerClient(JsonMapper json, String endpoint) {
		this(json, endpoint, null);
	}

	/**
	 * A client of the runner at the endpoint that sends the token as
	 * {@code Authorization: Bearer <token>} with every call.
	 * @param token the bearer token, or {@code null} to send none
	 * @throws IllegalArgumentException when the endpoint is not an http(s) URL
	 */
	RunnerClient(JsonMapper json, String endpoint, String token) {
		this.json = json;
		this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
		this.operations = operationsUri(this.endpoint);
		this.token = (token == null || token.isBlank()) ? null : token.strip();
	}

	/** Whether calls carry a bearer token. */
	boolean hasToken() {
		return this.token != null;
	}

	String endpoint() {
		return this.endpoint;
	}

	/**
	 * Calls one operation.
	 * @return the answer, successful or not; an error body that is not JSON is wrapped in
	 * a {@code {code, message}} object
	 * @throws UnreachableException when no HTTP answer came back
	 */
	Answer call(String operation, ObjectNode request) {
		byte[] body = this.json.writeValueAsBytes(request);
		try {
			HttpURLConnection connection = (HttpURLConnection) this.operations.resolve(operation)
				.toURL()
				.openConnection();
			connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
			connection.setReadTimeout((int) REQUEST_TIMEOUT.toMillis());
			connection.setRequestMethod("POST");
			connection.setDoOutput(true);
			connection.setRequestProperty("Content-Type", "application/json");
			connection.setRequestProperty("Accept", "application/json");
			if (this.token != null) {
				connection.setRequestProperty("Authorization", "Bearer " + this.token);
			}
			try (OutputStream out = connection.getOutputStream()) {
				out.write(body);
			}
			int status = connection.getResponseCode();
			InputStream in = (status >= 400) ? connection.getErrorStream() : connection.getInputStream();
			String text;
			if (in == null) {
				text = "";
			}
			else {
				try (in) {
					text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
				}
			}
			return new Answer(status, body(status, text));
		}
		catch (IOException | IllegalArgumentException ex) {
			throw new UnreachableException(this.endpoint, reason(ex));
		}
	}

	private static URI operationsUri(String endpoint) {
		URI uri;
		try {
			uri = URI.create(endpoint + "/api/v1/ml/");
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("--endpoint is not a URL: " + endpoint);
		}
		if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
				|| uri.getHost() == null) {
			throw new IllegalArgumentException("--endpoint must be an http:// or https:// URL, not " + endpoint);
		}
		return uri;
	}

	private JsonNode body(int status, String text) {
		try {
			JsonNode body = this.json.readTree(text);
			if (body != null && !body.isMissingNode()) {
				return body;
			}
		}
		catch (JacksonException ex) {
			// not JSON: described below
		}
		ObjectNode error = this.json.createObjectNode();
		error.put("code", (status >= 500) ? "INTERNAL" : "UNKNOWN");
		error.put("message", "the runner at " + this.endpoint + " answered HTTP " + status + " without a JSON body"
				+ (text.isBlank() ? "" : ": " + abbreviate(text.strip())));
		return error;
	}

	private static String abbreviate(String text) {
		return (text.length() <= 200) ? text : text.substring(0, 200) + "...";
	}

	/**
	 * Why the runner could not be reached, in words: the JDK's exceptions often carry no
	 * message.
	 */
	private static String reason(Throwable ex) {
		List<Throwable> chain = new ArrayList<>();
		for (Throwable cause = ex; cause != null && !chain.contains(cause); cause = cause.getCause()) {
			chain.add(cause);
		}
		if (chain.stream()
			.anyMatch(
					(cause) -> cause instanceof UnresolvedAddressException || cause instanceof UnknownHostException)) {
			return "unknown host";
		}
		return chain.stream()
			.map(Throwable::getMessage)
			.filter((message) -> message != null && !message.isBlank())
			.findFirst()
			.orElse((ex instanceof ConnectException) ? "connection refused" : ex.getClass().getSimpleName());
	}

	/**
	 * What the runner answered.
	 *
	 * @param status the HTTP status
	 * @param body the JSON body
	 */
	record Answer(int status, JsonNode body) {

		boolean ok() {
			return this.status >= 200 && this.status < 300;
		}

		/** The runner did not accept the credentials (401) or the caller's role (403). */
		boolean refusedCaller() {
			return this.status == 401 || this.status == 403;
		}

	}

	/** No HTTP answer came back from the runner: refused, timed out, unknown host. */
	static final class UnreachableException extends RuntimeException {

		UnreachableException(String endpoint, String reason) {
			super("cannot reach the wsbackup runner at " + endpoint + ": " + reason
					+ ". Start it (see README) or pass --endpoint");
		}

		/** The error the CLI prints: {@code {"code": "UNAVAILABLE", "message": ...}}. */
		ObjectNode toError(JsonMapper json) {
			return json.createObjectNode().put("code", "UNAVAILABLE").put("message", getMessage());
		}

	}

}
