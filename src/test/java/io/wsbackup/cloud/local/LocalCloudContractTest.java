package io.wsbackup.cloud.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.cloud.CloudPortContract;
import io.wsbackup.workspace.ProtectedResource;

import static org.awaitility.Awaitility.await;

/** The port's contract, run against {@link LocalCloud} on real directories. */
class LocalCloudContractTest extends CloudPortContract {

	@TempDir
	Path tmp;

	private ExecutorService executor;

	private LocalCloud cloud;

	private volatile CountDownLatch gate = new CountDownLatch(0);

	@BeforeEach
	void startCloud() {
		executor = Executors.newCachedThreadPool();
		cloud = new LocalCloud(tmp.resolve("vaults"), tmp.resolve("restores"), 0, executor, Clock.systemUTC());
		cloud.onSnapshotFile((path) -> {
			try {
				gate.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
	}

	@AfterEach
	void stopCloud() throws InterruptedException {
		gate.countDown();
		cloud.close();
		executor.shutdownNow();
		executor.awaitTermination(10, TimeUnit.SECONDS);
	}

	@Override
	protected CloudPort cloud() {
		return cloud;
	}

	@Override
	protected ProtectedResource newResource(String name) {
		Path dir = tmp.resolve("storage").resolve(name);
		try {
			Files.createDirectories(dir.resolve("sub"));
			Files.writeString(dir.resolve("a.txt"), "alpha of " + name, StandardCharsets.UTF_8);
			Files.writeString(dir.resolve("sub/b.txt"), "beta of " + name, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return new ProtectedResource(kindOf(name), dir.toString());
	}

	@Override
	protected void holdSnapshots() {
		gate = new CountDownLatch(1);
	}

	@Override
	protected void releaseSnapshots() {
		gate.countDown();
	}

	@Override
	protected void breakRunningSnapshot(ProtectedResource resource, String jobId) {
		// the tree was walked once the job runs; files that vanish after it cannot be
		// copied
		await().atMost(TIMEOUT).until(() -> cloud.snapshotProgress(jobId).state() == CloudJobState.RUNNING);
		try {
			FileTrees.deleteTree(Path.of(resource.id()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
