package io.wsbackup.metrics;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wsbackup.cloud.CloudException;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.cloud.FakeCloud;
import io.wsbackup.cloud.local.LocalCloud;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ResourceKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The local provider's port calls, counted. */
class CountedCloudPortTest {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final WsbackupMetrics metrics = new WsbackupMetrics(registry, null, null, Duration.ofMinutes(1));

	@Test
	void eachPortCallIsCountedByOperationAndTheLocalCloudStaysCloseable(@TempDir Path dir) throws Exception {
		ExecutorService executor = Executors.newCachedThreadPool();
		CloudPort counted = CountedCloudPort.of(
				new LocalCloud(dir.resolve("vaults"), dir.resolve("restores"), 0, executor, Clock.systemUTC()), "local",
				metrics);

		counted.ensureVault("mlx-counted", Map.of());
		assertThat(counted.listRecoveryPoints("mlx-counted")).isEmpty();
		assertThat(counted.listRecoveryPoints("mlx-counted")).isEmpty();

		assertThat(calls("ensureVault")).isEqualTo(1);
		assertThat(calls("listRecoveryPoints")).isEqualTo(2);
		assertThat(counted).isInstanceOf(AutoCloseable.class);
		((AutoCloseable) counted).close();
		executor.shutdownNow();
	}

	@Test
	void theDrillCallsAreCountedToo(@TempDir Path dir) throws Exception {
		ExecutorService executor = Executors.newCachedThreadPool();
		LocalCloud local = new LocalCloud(dir.resolve("vaults"), dir.resolve("restores"), 0, executor,
				Clock.systemUTC());
		CloudPort counted = CountedCloudPort.of(local, "local", metrics);
		ProtectedResource gone = new ProtectedResource(ResourceKind.FILE_SYSTEM,
				dir.resolve("restores/drills/rp-20260101000000-00000000-00000000").toString());

		assertThat(counted.verifyRestored(gone, "mlx-counted", "rp-20260101000000-00000000", null)).hasSize(1);
		counted.deleteRestored(gone);

		assertThat(calls("verifyRestored")).isEqualTo(1);
		assertThat(calls("deleteRestored")).isEqualTo(1);
		local.close();
		executor.shutdownNow();
	}

	@Test
	void anAdaptersExceptionReachesTheCallerAsItWasThrown() {
		FakeCloud fake = new FakeCloud();
		fake.failNextListRecoveryPoints("vault unreadable");
		CloudPort counted = CountedCloudPort.of(fake, "local", metrics);

		assertThatThrownBy(() -> counted.listRecoveryPoints("mlx-x")).isInstanceOf(CloudException.class)
			.hasMessage("vault unreadable");
		assertThat(calls("listRecoveryPoints")).isEqualTo(1);
		assertThat(counted).isNotInstanceOf(AutoCloseable.class);
	}

	private double calls(String operation) {
		Counter counter = registry.find(WsbackupMetrics.CLOUD_REQUESTS)
			.tags("provider", "local", "service", "local", "operation", operation, "throttled", "no")
			.counter();
		return counter == null ? 0 : counter.count();
	}

}
