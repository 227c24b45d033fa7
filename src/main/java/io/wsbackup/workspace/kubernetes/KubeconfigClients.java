package io.wsbackup.workspace.kubernetes;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clients of a runner: one per kubeconfig context, made on first use and kept until
 * the runner stops. Without a context, fabric8's auto-configuration applies: the pod's
 * service account when the runner runs in a cluster, else {@code $KUBECONFIG} (or
 * {@code ~/.kube/config}) and its current context.
 */
public class KubeconfigClients implements KubernetesClients, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(KubeconfigClients.class);

	private static final String DEFAULT = "";

	private final Map<String, KubernetesClient> clients = new ConcurrentHashMap<>();

	@Override
	public KubernetesClient client(String kubeContext) {
		String key = kubeContext == null || kubeContext.isBlank() ? DEFAULT : kubeContext;
		return clients.computeIfAbsent(key, (context) -> {
			Config config = DEFAULT.equals(context) ? Config.autoConfigure(null) : Config.autoConfigure(context);
			log.info("kubernetes client for {} at {}", DEFAULT.equals(context) ? "the default context" : context,
					config.getMasterUrl());
			return new KubernetesClientBuilder().withConfig(config).build();
		});
	}

	@Override
	public void close() {
		clients.values().forEach(KubernetesClient::close);
		clients.clear();
	}

}
