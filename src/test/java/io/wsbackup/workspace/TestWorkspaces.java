package io.wsbackup.workspace;

import java.time.Instant;
import java.util.List;

/** Workspaces for tests that need one without the store. */
public final class TestWorkspaces {

	private TestWorkspaces() {
	}

	/** A healthy workspace in us-west-1 of account 123456789012 with this storage. */
	public static Workspace withStorage(List<String> volumes, String sharedFileSystem) {
		return new Workspace(Crn.newWorkspace("us-west-1", "123456789012"), "sample", "env", "123456789012",
				"us-west-1", "2.0.50", WorkspaceStatus.INSTALLATION_FINISHED,
				new WorkspaceStorage(volumes, sharedFileSystem, false), Instant.now(), null, WorkloadLocation.NONE,
				null);
	}

}
