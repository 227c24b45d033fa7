package io.wsbackup.workspace.none;

import java.util.List;
import java.util.Map;

import io.wsbackup.workspace.CapturedWorkloads;
import io.wsbackup.workspace.ProvisionedWorkloads;
import io.wsbackup.workspace.WorkloadLocation;

import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.StoppedWorkloads;
import io.wsbackup.workspace.WorkloadPort;
import io.wsbackup.workspace.Workspace;

/**
 * The {@code none} workload adapter: the workspace has no workloads this runner can stop
 * (its storage is quiet, or stopping is someone else's job). Stop and start change
 * nothing and say so in the event log; the storage is the one the workspace was
 * registered with.
 */
public class NoWorkloads implements WorkloadPort {

	@Override
	public StoppedWorkloads stop(Workspace workspace) {
		return StoppedWorkloads.nothing("no workloads to stop: the workloads provider is 'none'");
	}

	@Override
	public List<String> start(Workspace workspace, StoppedWorkloads stopped) {
		return List.of(); // nothing was stopped, so nothing is started
	}

	@Override
	public List<ProtectedResource> listStorage(Workspace workspace) {
		return workspace.storage().protectedResources();
	}

	@Override
	public CapturedWorkloads capture(Workspace workspace) {
		return CapturedWorkloads.NOTHING;
	}

	@Override
	public ProvisionedWorkloads provision(Workspace restored, CapturedWorkloads captured) {
		return new ProvisionedWorkloads(WorkloadLocation.NONE, List.of());
	}

	@Override
	public List<String> attachStorage(Workspace restored, CapturedWorkloads captured,
			Map<ProtectedResource, String> storage) {
		return List.of();
	}

	@Override
	public List<String> startRestored(Workspace restored, CapturedWorkloads captured) {
		return List.of();
	}

	/** Nothing runs, so nothing to wait for. */
	@Override
	public List<String> readiness(Workspace restored) {
		return List.of();
	}

	/** Nothing was provisioned, so nothing to remove. */
	@Override
	public List<String> remove(Workspace restored) {
		return List.of();
	}

}
