package io.wsbackup.cli;

import static io.wsbackup.cli.GlobalOptions.ENVIRONMENT_NAME;
import static io.wsbackup.cli.GlobalOptions.WORKSPACE_NAME;

import java.io.PrintStream;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns the workspace name of {@code --workspace-name} (and {@code --environment-name})
 * into the workspace CRN a command needs, looking it up with listWorkspaces.
 */
final class WorkspaceNames {

	/** The page size of the look-ups the CLI makes itself (the API's largest). */
	private static final int LOOKUP_PAGE_SIZE = 1000;

	private final JsonMapper json;

	private final PrintStream err;

	WorkspaceNames(JsonMapper json, PrintStream err) {
		this.json = json;
		this.err = err;
	}

	/**
	 * Puts the CRN of the workspace named by --workspace-name (and --environment-name, or
	 * those fields of the request) into the request when no CRN is given, looking it up
	 * with listWorkspaces.
	 * @return false when the look-up itself failed (its error printed)
	 * @throws UsageException when no workspace or several have the name
	 */
	boolean resolve(Operation operation, Args command, ObjectNode request, RunnerClient runner, Output output) {
		if (!operation.selectsWorkspace() || !Requests.isEmpty(request.get("workspaceCrn"))) {
			return true;
		}
		String name = command.hasMatchedOption(WORKSPACE_NAME) ? command.matchedOptionValue(WORKSPACE_NAME, "")
				: request.path("workspaceName").asString("");
		String environment = command.hasMatchedOption(ENVIRONMENT_NAME)
				? command.matchedOptionValue(ENVIRONMENT_NAME, "") : request.path("environmentName").asString("");
		if (name.isBlank()) {
			return true;
		}
		ObjectNode lookup = this.json.createObjectNode().put("workspaceNameContains", name);
		if (!environment.isBlank()) {
			lookup.put("environmentName", environment);
		}
		lookup.put("pageSize", LOOKUP_PAGE_SIZE);
		RunnerClient.Answer answer = Pager.pages(runner, Operations.LIST_WORKSPACES,
				new Operation.Paging("workspaces", false), lookup, null);
		if (!answer.ok()) {
			output.print(answer.body());
			if (answer.refusedCaller()) {
				this.err.println(WsbackupCli.callerHint(answer.status(), runner, operation));
			}
			return false;
		}
		List<JsonNode> matches = answer.body()
			.path("workspaces")
			.valueStream()
			.filter((workspace) -> name.equals(workspace.path("workspaceName").asString("")))
			.toList();
		String where = environment.isBlank() ? "" : " in environment '" + environment + "'";
		if (matches.isEmpty()) {
			throw new UsageException("No workspace is named '" + name + "'" + where
					+ "; wsbackup list-workspaces --output table shows them");
		}
		if (matches.size() > 1) {
			throw new UsageException(matches.size() + " workspaces are named '" + name + "', in the environments "
					+ String.join(", ", matches.stream().map((w) -> w.path("environmentName").asString("?")).toList())
					+ "; add " + ENVIRONMENT_NAME + " or give " + "--workspace-crn");
		}
		request.put("workspaceCrn", matches.get(0).path("workspaceCrn").asString());
		if (operation.hasField("workspaceName")) {
			request.remove("workspaceName");
			request.remove("environmentName");
		}
		return true;
	}

}
