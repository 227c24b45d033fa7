package io.wsbackup.cli;

import java.io.PrintStream;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code list-workspace-events --follow}: prints the latest events (one page, or
 * {@code --max-items}), then polls for newer ones (by event id) and prints each as it
 * comes, one a line, until the CLI is interrupted. With {@code --backup-crn} it also
 * polls the backup and ends once the backup no longer runs, after its last events: exit 0
 * if it succeeded, 3 if it was cancelled, 1 otherwise. An error answer or an unreachable
 * runner ends it with exit 1.
 */
final class EventsFollow {

	/** Events asked for per poll: the API's largest page. */
	private static final int POLL_PAGE_SIZE = 1000;

	private static final Operation.Paging EVENTS = new Operation.Paging("events", true);

	private final RunnerClient runner;

	private final Output out;

	private final PrintStream err;

	private final Duration pollInterval;

	EventsFollow(RunnerClient runner, Output out, PrintStream err, Duration pollInterval) {
		this.runner = runner;
		this.out = out;
		this.err = err;
		this.pollInterval = pollInterval;
	}

	/**
	 * Follows the events.
	 * @param request the listWorkspaceEvents request: workspaceCrn, maybe backupCrn
	 * @param maxItems how many of the latest events to print first, or {@code null} for
	 * one page
	 * @return the exit code
	 */
	int follow(ObjectNode request, Integer maxItems) {
		ObjectNode first = request.deepCopy();
		first.remove("startingToken");
		RunnerClient.Answer answer = (maxItems != null)
				? Pager.pages(this.runner, Operations.LIST_WORKSPACE_EVENTS, EVENTS, first, maxItems)
				: this.runner.call(Operations.LIST_WORKSPACE_EVENTS, first);
		if (!answer.ok()) {
			this.out.print(answer.body());
			return WsbackupCli.FAILED;
		}
		long lastId = print(answer.body().path("events"), Long.MIN_VALUE, true);
		String backupCrn = request.path("backupCrn").asString("");
		ObjectNode poll = request.deepCopy();
		poll.remove("startingToken");
		poll.put("pageSize", POLL_PAGE_SIZE);
		while (true) {
			pause();
			String ended = null;
			if (!backupCrn.isBlank()) {
				RunnerClient.Answer backup = this.runner.call(Operations.DESCRIBE_WORKSPACE_BACKUP,
						JsonNodeFactory.instance.objectNode().put("backupCrn", backupCrn));
				if (!backup.ok()) {
					this.out.print(backup.body());
					return WsbackupCli.FAILED;
				}
				String status = backup.body().path("backup").path("backupStatus").asString("");
				if (!"running".equals(status) && !"cancelling".equals(status)) {
					ended = status;
				}
			}
			RunnerClient.Answer events = this.runner.call(Operations.LIST_WORKSPACE_EVENTS, poll);
			if (!events.ok()) {
				this.out.print(events.body());
				return WsbackupCli.FAILED;
			}
			lastId = print(events.body().path("events"), lastId, false);
			if (ended != null) {
				this.err.println("wsbackup: the backup " + backupCrn + " ended: " + ended);
				return switch (ended) {
					case "succeeded" -> WsbackupCli.OK;
					case "cancelled" -> WsbackupCli.CANCELLED;
					default -> WsbackupCli.FAILED;
				};
			}
		}
	}

	/** Prints the events newer than lastId, oldest first; returns the newest id. */
	private long print(JsonNode events, long lastId, boolean header) {
		ArrayNode fresh = JsonNodeFactory.instance.arrayNode();
		long newest = lastId;
		for (JsonNode event : events) {
			long id = event.path("id").asLong(Long.MIN_VALUE);
			if (id > lastId) {
				fresh.add(event);
				newest = Math.max(newest, id);
			}
		}
		if (!fresh.isEmpty() || header) {
			this.out.printItems("events", fresh, header);
		}
		return newest;
	}

	private void pause() {
		if (this.pollInterval.isZero()) {
			return;
		}
		try {
			Thread.sleep(this.pollInterval.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RunnerClient.UnreachableException(this.runner.endpoint(), "interrupted while waiting");
		}
	}

}
