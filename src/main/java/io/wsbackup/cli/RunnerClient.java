package io.wsbackup.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 */
final class RunnerClient {

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

	private final HttpClient http;

	private final JsonMapper json;

	private final String endpoint;

	private final URI operations;

	private final String token;

	/**
	 * A client of the runner at the endpoint, without a token.
	 * @throws IllegalArgumentException when the endpoint is not an http(s) URL
	 */
	RunnerClient(HttpClient http, JsonMapper json, String endpoint) {
		this(http, json, endpoint, null);
	}

	/**
	 * A client of the runner at the endpoint that sends the token as
	 * {@code Authorization: Bearer <token>} with every call.
	 * @param token the bearer token, or {@code null} to send none
	 * @throws IllegalArgumentException when the endpoint is not an http(s) URL
	 */
	RunnerClient(HttpClient http, JsonMapper json, String endpoint, String token) {
		this.http = http;
		this.json = json;
		this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
		this.operations = operationsUri(this.endpoint);
		this.token = (token == null || token.isBlank()) ? null : token.strip();
	}

	/** Whether calls carry a bearer token. */
	boolean hasToken() {
		return this.token != null;
	}

	static HttpClient defaultHttpClient() {
		return HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
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
		HttpRequest.Builder builder = HttpRequest.newBuilder(this.operations.resolve(operation))
			.timeout(REQUEST_TIMEOUT)
			.header("Content-Type", "application/json")
			.header("Accept", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(this.json.writeValueAsString(request), StandardCharsets.UTF_8));
		if (this.token != null) {
			builder.header("Authorization", "Bearer " + this.token);
		}
		HttpRequest httpRequest = builder.build();
		HttpResponse<String> response;
		try {
			response = this.http.send(httpRequest, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UnreachableException(this.endpoint, reason(ex));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new UnreachableException(this.endpoint, "interrupted");
		}
		return new Answer(response.statusCode(), body(response));
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

	private JsonNode body(HttpResponse<String> response) {
		String text = response.body();
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
		error.put("code", (response.statusCode() >= 500) ? "INTERNAL" : "UNKNOWN");
		error.put("message", "the runner at " + this.endpoint + " answered HTTP " + response.statusCode()
				+ " without a JSON body" + (text.isBlank() ? "" : ": " + abbreviate(text.strip())));
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
