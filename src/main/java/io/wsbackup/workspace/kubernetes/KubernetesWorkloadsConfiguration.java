package io.wsbackup.workspace.kubernetes;

import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.workspace.WorkloadPort;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Chooses the {@code kubernetes} workload adapter when
 * {@code wsbackup.workloads.provider=kubernetes}, with one client per kubeconfig context
 * ({@link KubeconfigClients}) unless another {@link KubernetesClients} bean is marked
 * primary (tests hand in the mock server's). hostPath and local PVs count as storage when
 * {@code wsbackup.cloud.provider=local}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "wsbackup.workloads.provider", havingValue = "kubernetes")
public class KubernetesWorkloadsConfiguration {

	@Bean(destroyMethod = "close")
	KubeconfigClients kubeconfigClients() {
		return new KubeconfigClients();
	}

	@Bean
	WorkloadPort kubernetesWorkloads(ObjectProvider<KubernetesClients> clients, WsbackupProperties properties) {
		return new KubernetesWorkloads(clients.getObject(), properties.workloads().kubernetes(),
				"local".equals(properties.cloud().provider()));
	}

}
