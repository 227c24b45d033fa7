package io.wsbackup.workspace;

import java.util.List;

/**
 * Where a workspace's workloads run, for the {@code kubernetes} workload adapter.
 *
 * @param namespaces the workspace's namespaces, or empty when a selector names them
 * @param namespaceSelector a label selector for its namespaces (e.g.
 * {@code ml.workspace=analytics}), or {@code null}
 * @param kubeContext the kubeconfig context to use, or {@code null} for in-cluster
 * configuration or the current context
 */
public record WorkloadLocation(List<String> namespaces, String namespaceSelector, String kubeContext) {

	public static final WorkloadLocation NONE = new WorkloadLocation(List.of(), null, null);

	public WorkloadLocation {
		namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
	}

}
