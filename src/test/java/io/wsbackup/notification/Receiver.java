package io.wsbackup.notification;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP receiver of notifications (the JDK's HttpServer): it keeps every request
 * and answers 200, or the statuses it was told to answer first.
 */
public final class Receiver implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** One request as received. */
	public record Request(String path, Map<String, List<String>> headers, String body) {

		public String header(String name) {
			return headers.entrySet()
				.stream()
				.filter((e) -> e.getKey().equalsIgnoreCase(name))
				.map((e) -> e.getValue().get(0))
				.findFirst()
				.orElse(null);
		}

		public JsonNode json() {
			return JSON.readTree(body);
		}

		/**
		 * Whether the signature verifies with this secret, the way docs/notifications.md
		 * says.
		 */
		public boolean signedWith(String secret) {
			String timestamp = header(Payloads.TIMESTAMP_HEADER);
			String signature = header(Payloads.SIGNATURE_HEADER);
			return timestamp != null && signature != null
					&& signature.equals(Payloads.signature(secret, Long.parseLong(timestamp), body));
		}

	}

	private final HttpServer server;

	private final ConcurrentLinkedQueue<Request> received = new ConcurrentLinkedQueue<>();

	private final Map<String, ConcurrentLinkedQueue<Integer>> answers = new java.util.concurrent.ConcurrentHashMap<>();

	private final AtomicInteger answered = new AtomicInteger();

	public Receiver() {
		this(0);
	}

	/** A receiver on this port (0: any free one). */
	public Receiver(int port) {
		try {
			server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		server.createContext("/", (exchange) -> {
			try (InputStream in = exchange.getRequestBody()) {
				String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
				Integer status = answers
					.computeIfAbsent(exchange.getRequestURI().getPath(), (p) -> new ConcurrentLinkedQueue<>())
					.poll();
				int code = status == null ? 200 : status;
				if (code >= 200 && code < 300) {
					received.add(new Request(exchange.getRequestURI().getPath(),
							Map.copyOf(exchange.getRequestHeaders()), body));
				}
				answered.incrementAndGet();
				byte[] answer = (code < 300 ? "ok" : "not now").getBytes(StandardCharsets.UTF_8);
				exchange.sendResponseHeaders(code, answer.length);
				exchange.getResponseBody().write(answer);
			}
			finally {
				exchange.close();
			}
		});
		server.start();
	}

	public String url(String path) {
		return "http://127.0.0.1:" + server.getAddress().getPort() + path;
	}

	/**
	 * The next requests to this path are answered with these statuses (not kept as
	 * received).
	 */
	public void answerFirst(String path, Integer... statuses) {
		answers.computeIfAbsent(path, (p) -> new ConcurrentLinkedQueue<>()).addAll(List.of(statuses));
	}

	/** The requests answered 2xx, in order. */
	public List<Request> received() {
		return new ArrayList<>(received);
	}

	/** The requests about this subject (a backup's or workspace's CRN) to this path. */
	public List<Request> about(String path, String subject) {
		return received().stream()
			.filter((r) -> r.path().equals(path))
			.filter((r) -> r.body().contains(subject))
			.toList();
	}

	/** How many requests it answered, whatever the status. */
	public int answered() {
		return answered.get();
	}

	/** A port nothing listens on now (for a receiver that starts later). */
	public static int freePort() {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
				java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		server.stop(0);
	}

}
