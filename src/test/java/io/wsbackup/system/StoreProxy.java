package io.wsbackup.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder in front of the test database, for store outages: every connection to
 * {@link #port()} is relayed to the database; {@link #cut(Duration)} closes every
 * connection at once and refuses new ones (the port is closed: "connection refused") for
 * that long, as a database that went away and came back would.
 */
public final class StoreProxy implements AutoCloseable {

	private final String targetHost;

	private final int targetPort;

	private final int port;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private volatile ServerSocket server;

	private volatile boolean closed;

	private StoreProxy(String targetHost, int targetPort) throws IOException {
		this.targetHost = targetHost;
		this.targetPort = targetPort;
		ServerSocket first = new ServerSocket();
		first.setReuseAddress(true);
		first.bind(new InetSocketAddress("127.0.0.1", 0));
		this.port = first.getLocalPort();
		listen(first);
	}

	/** Starts a proxy in front of {@code host:port}. */
	public static StoreProxy start(String host, int port) throws IOException {
		return new StoreProxy(host, port);
	}

	/**
	 * A proxy in front of the database of a JDBC URL such as
	 * {@code jdbc:mysql://127.0.0.1:3306/schema?params}, and that URL pointed at the
	 * proxy.
	 */
	public static StoreProxy inFrontOf(String jdbcUrl) throws IOException {
		var matcher = java.util.regex.Pattern.compile("jdbc:mysql://([^:/]+):(\\d+)/.*").matcher(jdbcUrl);
		if (!matcher.matches()) {
			throw new IllegalArgumentException("not a jdbc:mysql://host:port/... URL: " + jdbcUrl);
		}
		return start(matcher.group(1), Integer.parseInt(matcher.group(2)));
	}

	/** {@code jdbcUrl} with its host and port replaced by the proxy's. */
	public String url(String jdbcUrl) {
		return jdbcUrl.replaceFirst("jdbc:mysql://[^:/]+:\\d+/", "jdbc:mysql://127.0.0.1:" + port + "/");
	}

	public int port() {
		return port;
	}

	/** Whether the proxy accepts connections (no cut going on). */
	public boolean up() {
		return server != null;
	}

	/**
	 * Cuts the store off: every open connection is closed now and new ones are refused
	 * until {@code outage} has passed. Returns at once.
	 */
	public synchronized void cut(Duration outage) {
		ServerSocket listening = server;
		server = null;
		closeQuietly(listening);
		sockets.forEach(StoreProxy::closeQuietly);
		sockets.clear();
		Thread back = new Thread(() -> {
			try {
				Thread.sleep(outage.toMillis());
				reopen();
			}
			catch (InterruptedException | IOException ex) {
				throw new IllegalStateException("the store proxy could not listen again on port " + port, ex);
			}
		}, "store-proxy-outage");
		back.setDaemon(true);
		back.start();
	}

	private synchronized void reopen() throws IOException {
		if (closed) {
			return;
		}
		ServerSocket again = new ServerSocket();
		again.setReuseAddress(true);
		again.bind(new InetSocketAddress("127.0.0.1", port));
		listen(again);
	}

	private void listen(ServerSocket socket) {
		server = socket;
		Thread acceptor = new Thread(() -> {
			while (!socket.isClosed()) {
				try {
					Socket client = socket.accept();
					Socket upstream = new Socket(targetHost, targetPort);
					sockets.add(client);
					sockets.add(upstream);
					pump(client, upstream);
					pump(upstream, client);
				}
				catch (IOException ex) {
					// closed by a cut or by close()
				}
			}
		}, "store-proxy-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	private void pump(Socket from, Socket to) {
		Thread pump = new Thread(() -> {
			byte[] buffer = new byte[16 * 1024];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int n;
				while ((n = in.read(buffer)) >= 0) {
					out.write(buffer, 0, n);
					out.flush();
				}
			}
			catch (SocketException closed) {
				// a cut, or the other side closed
			}
			catch (IOException ex) {
				// the same
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
				sockets.remove(from);
				sockets.remove(to);
			}
		}, "store-proxy-pump");
		pump.setDaemon(true);
		pump.start();
	}

	@Override
	public synchronized void close() {
		closed = true;
		closeQuietly(server);
		server = null;
		sockets.forEach(StoreProxy::closeQuietly);
	}

	private static void closeQuietly(AutoCloseable closeable) {
		if (closeable == null) {
			return;
		}
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// already closed
		}
	}

}
