package io.wsbackup.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The calls the {@code wsbackup} script makes once, with
 * {@code -XX:ArchiveClassesAtExit}, to record the CLI's class-data-sharing archive: the
 * usual commands in each output format against a stand-in runner on a loopback port that
 * answers every call with a canned list, and one call that finds no runner. So the
 * archive holds the classes of an ordinary call whichever command comes first (the user's
 * first call, a {@code --generate-cli-skeleton} say, would miss the HTTP and the output
 * classes). Prints nothing.
 */
final class CliTraining {

	private static final String ANSWER = "{\"workspaces\": [{\"workspaceCrn\": \"crn:ws:1\", \"workspaceName\": \"w\", "
			+ "\"environmentName\": \"e\", \"workspaceStatus\": \"installation:finished\", \"lastBackup\": "
			+ "{\"backupStatus\": \"failed\", \"createdAt\": \"2026-01-01T00:00:00Z\", \"failureReason\": \"r\"}, "
			+ "\"lastSuccessfulBackup\": {\"createdAt\": \"2026-01-01T00:00:00Z\", \"sizeBytes\": 1000}}], "
			+ "\"backups\": [{\"backupCrn\": \"crn:b:1\", \"backupName\": \"b\", \"backupStatus\": \"succeeded\", "
			+ "\"createdAt\": \"2026-01-01T00:00:00Z\", \"durationSeconds\": 65, \"sizeBytes\": 1000}], "
			+ "\"events\": [{\"id\": 1, \"occurredAt\": \"2026-01-01T00:00:00Z\", \"level\": \"INFO\", "
			+ "\"step\": \"s\", \"message\": \"m\", \"percentDone\": 5, \"bytesTransferred\": 10, "
			+ "\"expectedCompletion\": \"2026-01-01T00:00:00Z\"}], \"nextToken\": null}";

	private CliTraining() {
	}

	public static void main(String[] args) throws IOException {
		PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
		try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			Thread answering = new Thread(() -> answer(server), "stand-in runner");
			answering.setDaemon(true);
			answering.start();
			Map<String, String> environment = Map.of(WsbackupCli.ENDPOINT_VARIABLE,
					"http://127.0.0.1:" + server.getLocalPort(), WsbackupCli.TOKEN_VARIABLE, "training");
			String[][] calls = { { "list-workspaces" }, { "list-workspaces", "--output", "table" },
					{ "list-workspaces", "--output", "text", "--max-items", "1" },
					{ "list-workspace-backups", "--workspace-crn", "crn:ws:1", "--output", "table" },
					{ "list-workspace-events", "--workspace-crn", "crn:ws:1", "--output", "table" },
					{ "describe-workspace-backup", "--backup-crn", "crn:b:1" },
					{ "backup-workspace", "--workspace-crn", "crn:ws:1", "--backup-name", "b", "--output", "table" } };
			for (String[] call : calls) {
				new WsbackupCli(nowhere, nowhere, environment).run(call);
			}
		}
		new WsbackupCli(nowhere, nowhere, Map.of(WsbackupCli.ENDPOINT_VARIABLE, "http://127.0.0.1:1"))
			.run(new String[] { "list-workspaces" });
	}

	/** Answers every request with the canned list, until the socket closes. */
	private static void answer(ServerSocket server) {
		byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
		while (!server.isClosed()) {
			try (Socket socket = server.accept()) {
				InputStream in = socket.getInputStream();
				readRequest(in);
				OutputStream out = socket.getOutputStream();
				out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
						+ "\r\nConnection: close\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
				out.write(body);
				out.flush();
			}
			catch (IOException ex) {
				// closed: training is over
			}
		}
	}

	/** Reads the request's head and its body (by Content-Length). */
	private static void readRequest(InputStream in) throws IOException {
		StringBuilder head = new StringBuilder();
		while (!head.toString().endsWith("\r\n\r\n")) {
			int c = in.read();
			if (c < 0) {
				return;
			}
			head.append((char) c);
		}
		int length = 0;
		for (String line : head.toString().split("\r\n")) {
			if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
				length = Integer.parseInt(line.substring("content-length:".length()).strip());
			}
		}
		in.readNBytes(length);
	}

}
