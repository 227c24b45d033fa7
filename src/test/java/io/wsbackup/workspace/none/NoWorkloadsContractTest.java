package io.wsbackup.workspace.none;

import java.util.List;
import java.util.Map;

import io.wsbackup.workspace.TestWorkspaces;
import io.wsbackup.workspace.WorkloadPort;
import io.wsbackup.workspace.WorkloadPortContract;
import io.wsbackup.workspace.Workspace;

/**
 * {@link WorkloadPortContract} against the {@code none} adapter: there is nothing to
 * observe, and stop and start must keep it that way.
 */
class NoWorkloadsContractTest extends WorkloadPortContract {

	private final NoWorkloads none = new NoWorkloads();

	@Override
	protected WorkloadPort port() {
		return none;
	}

	@Override
	protected Workspace runningWorkspace() {
		return TestWorkspaces.withStorage(List.of("vol-1"), null);
	}

	@Override
	protected Map<String, String> observe(Workspace workspace) {
		return Map.of("storage", String.valueOf(none.listStorage(workspace)), "captured",
				String.valueOf(none.capture(workspace)));
	}

}
