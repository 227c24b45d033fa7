package io.wsbackup.workspace;

import java.util.List;

/**
 * What the workload adapter prepared for a restored workspace.
 *
 * @param location where the restored workspace's workloads run (for Kubernetes, its new
 * namespaces)
 * @param created readable sentences naming what was created, for the event log (and for
 * an operator cleaning up after a failed restore)
 */
public record ProvisionedWorkloads(WorkloadLocation location, List<String> created) {

	public ProvisionedWorkloads {
		created = List.copyOf(created);
	}

}
