package io.wsbackup.workspace.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Hands the kubernetes workload adapter a client for a workspace's cluster. The adapter
 * never closes what it is given: the factory owns its clients. Tests hand in the fabric8
 * mock server's client.
 */
@FunctionalInterface
public interface KubernetesClients {

	/**
	 * A client for the cluster of the given kubeconfig context.
	 * @param kubeContext a context of the runner's kubeconfig, or {@code null} for the
	 * in-cluster configuration (when the runner runs in a pod) or else the kubeconfig's
	 * current context
	 */
	KubernetesClient client(String kubeContext);

}
