package io.wsbackup.cloud.local;

import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.wsbackup.cloud.CloudPort;
import io.wsbackup.metrics.CountedCloudPort;
import io.wsbackup.metrics.WsbackupMetrics;
import io.wsbackup.system.WsbackupProperties;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Chooses the {@code local} cloud when {@code wsbackup.cloud.provider=local} (the
 * default): vaults under {@code <data-dir>/vaults}, restores under
 * {@code <data-dir>/restores}, each snapshot or restore on a thread of its own (with a
 * few helper threads while it copies files). Its port calls are counted in the metrics.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "wsbackup.cloud.provider", havingValue = "local", matchIfMissing = true)
public class LocalCloudConfiguration {

	@Bean(destroyMethod = "shutdownNow")
	ExecutorService localCloudExecutor() {
		return Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "local-cloud");
			thread.setDaemon(true);
			return thread;
		});
	}

	@Bean(destroyMethod = "close")
	CloudPort localCloud(WsbackupProperties properties, ExecutorService localCloudExecutor, Clock clock,
			WsbackupMetrics metrics) {
		return CountedCloudPort
			.of(new LocalCloud(properties.dataDir().resolve("vaults"), properties.dataDir().resolve("restores"),
					properties.cloud().local().maxBytesPerSecond().toBytes(), localCloudExecutor, clock)
				.storageRules(properties.dataDir(), properties.cloud().local().allowedRoots()), "local", metrics);
	}

}
