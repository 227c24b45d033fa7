package io.wsbackup.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stand-in for the runner's RPC API on a real HTTP port: records every call and answers
 * each operation with canned JSON, in order; the last answer of an operation repeats.
 */
final class FakeRunner implements AutoCloseable {

	private static final String PREFIX = "/api/v1/ml/";

	private final JsonMapper json = JsonMapper.builder().build();

	private final HttpServer server;

	private final List<Call> calls = new CopyOnWriteArrayList<>();

	private final Map<String, Deque<Reply>> replies = new ConcurrentHashMap<>();

	FakeRunner() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext(PREFIX, this::handle);
		this.server.start();
	}

	String endpoint() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	/** Queues an answer to the operation; JSON may use single quotes for readability. */
	FakeRunner answer(String operation, int status, String body) {
		this.replies.computeIfAbsent(operation, (key) -> new ArrayDeque<>())
			.add(new Reply(status, body.replace('\'', '"')));
		return this;
	}

	List<Call> calls() {
		return List.copyOf(this.calls);
	}

	/** The only call received; fails if there were none or several. */
	Call onlyCall() {
		if (this.calls.size() != 1) {
			throw new AssertionError("expected one call, got " + this.calls);
		}
		return this.calls.get(0);
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String operation = exchange.getRequestURI().getPath().substring(PREFIX.length());
			String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
			this.calls.add(new Call(exchange.getRequestMethod(), operation,
					exchange.getRequestHeaders().getFirst("Content-Type"), this.json.readTree(body),
					exchange.getRequestHeaders().getFirst("Authorization")));
			Reply reply = next(operation);
			byte[] answer = reply.body().getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(reply.status(), answer.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(answer);
			}
		}
		catch (RuntimeException ex) {
			throw new UncheckedIOException(new IOException("fake runner failed", ex));
		}
	}

	private Reply next(String operation) {
		Deque<Reply> queue = this.replies.get(operation);
		if (queue == null || queue.isEmpty()) {
			return new Reply(404, "{\"code\":\"NOT_FOUND\",\"message\":\"no canned answer for " + operation + "\"}");
		}
		synchronized (queue) {
			return (queue.size() > 1) ? queue.poll() : queue.peek();
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	/**
	 * One request as the runner saw it; {@code authorization} is the header's value, or
	 * null.
	 */
	record Call(String method, String operation, String contentType, JsonNode body, String authorization) {
	}

	private record Reply(int status, String body) {
	}

}
