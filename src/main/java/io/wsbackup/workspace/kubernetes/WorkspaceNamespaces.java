package io.wsbackup.workspace.kubernetes;

import java.util.List;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.wsbackup.workspace.WorkloadLocation;

/** The namespaces a workspace's workloads run in: those named, or those selected. */
final class WorkspaceNamespaces {

	private WorkspaceNamespaces() {
	}

	/** Sorted; empty when the location names no namespaces and no selector. */
	static List<String> of(KubernetesClient client, WorkloadLocation location) {
		if (!location.namespaces().isEmpty()) {
			return location.namespaces().stream().sorted().distinct().toList();
		}
		if (location.namespaceSelector() == null || location.namespaceSelector().isBlank()) {
			return List.of();
		}
		return client.namespaces()
			.withLabelSelector(location.namespaceSelector())
			.list()
			.getItems()
			.stream()
			.map((Namespace ns) -> ns.getMetadata().getName())
			.sorted()
			.toList();
	}

}
