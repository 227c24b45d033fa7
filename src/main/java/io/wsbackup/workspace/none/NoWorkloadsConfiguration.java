package io.wsbackup.workspace.none;

import io.wsbackup.workspace.WorkloadPort;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Chooses the {@code none} workload adapter when {@code wsbackup.workloads.provider=none}
 * (the default).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "wsbackup.workloads.provider", havingValue = "none", matchIfMissing = true)
public class NoWorkloadsConfiguration {

	@Bean
	WorkloadPort noWorkloads() {
		return new NoWorkloads();
	}

}
