package io.wsbackup.cloud;

import java.util.List;

import io.wsbackup.system.WsbackupException;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceService;

import org.springframework.stereotype.Service;

/**
 * Tells what is missing before a registered workspace can be backed up, by asking the
 * configured cloud adapter ({@link CloudPort#missingPrerequisites}). It changes nothing,
 * so it can be asked any number of times.
 */
@Service
public class PrerequisiteCheck {

	private final WorkspaceService workspaces;

	private final CloudPort cloud;

	public PrerequisiteCheck(WorkspaceService workspaces, CloudPort cloud) {
		this.workspaces = workspaces;
		this.cloud = cloud;
	}

	/**
	 * The outcome for one workspace.
	 *
	 * @param workspaceCrn the workspace checked
	 * @param missing one sentence per missing prerequisite, naming it
	 */
	public record Result(String workspaceCrn, List<String> missing) {

		public boolean ok() {
			return missing.isEmpty();
		}

	}

	/**
	 * Checks one workspace.
	 * @throws WsbackupException when the workspace is unknown, or the cloud cannot be
	 * asked
	 */
	public Result check(String workspaceCrn) {
		if (workspaceCrn == null || workspaceCrn.isBlank()) {
			throw WsbackupException.invalid("workspaceCrn is required");
		}
		Workspace workspace = workspaces.find(workspaceCrn, null, null);
		try {
			return new Result(workspace.crn().toString(), List.copyOf(cloud.missingPrerequisites(workspace)));
		}
		catch (CloudException ex) {
			throw WsbackupException.failedPrecondition(
					"the cloud could not be asked about workspace " + workspace.name() + ": " + ex.getMessage());
		}
	}

}
