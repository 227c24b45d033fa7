package io.wsbackup.workspace;

import java.util.List;
import java.util.Map;

/** {@link WorkloadPortContract} against the call-recording fake. */
class FakeWorkloadsContractTest extends WorkloadPortContract {

	private final FakeWorkloads fake = new FakeWorkloads();

	@Override
	protected WorkloadPort port() {
		return fake;
	}

	@Override
	protected Workspace runningWorkspace() {
		return TestWorkspaces.withStorage(List.of("vol-1"), null);
	}

	@Override
	protected Map<String, String> observe(Workspace workspace) {
		return Map.of("replicas", String.valueOf(fake.replicas(workspace)));
	}

}
