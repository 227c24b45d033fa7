package io.wsbackup.workspace.kubernetes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.api.model.PersistentVolumeSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.catalog.RecoveryPoint;
import io.wsbackup.cloud.CloudPort;
import io.wsbackup.cloud.RecoveryPointSummary;
import io.wsbackup.cloud.RestoreProgress;
import io.wsbackup.cloud.RestoreRequest;
import io.wsbackup.cloud.SnapshotProgress;
import io.wsbackup.cloud.SnapshotRequest;
import io.wsbackup.events.Event;
import io.wsbackup.events.EventLog;
import io.wsbackup.launcher.Launcher;
import io.wsbackup.system.TestDatabase;
import io.wsbackup.workspace.WorkloadLocation;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceService;
import io.wsbackup.workspace.WorkspaceStorage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The backupWorkspace job with the kubernetes workload adapter (on the CRUD mock server)
 * and the local cloud: the storage is found from hostPath PVs over directories, the
 * workloads are at zero while the snapshots run and back at their counts afterwards.
 */
@SpringBootTest(properties = { "wsbackup.schedules-dir=target/no-schedules", "spring.quartz.auto-startup=false",
		"wsbackup.workloads.provider=kubernetes", "wsbackup.cloud.provider=local", "wsbackup.demo.enabled=false",
		"wsbackup.recovery.enabled=false", "wsbackup.backup.poll-initial-interval=20ms",
		"wsbackup.backup.poll-max-interval=100ms", "wsbackup.workloads.kubernetes.pod-wait-timeout=5s",
		"wsbackup.workloads.kubernetes.leftover-pod-grace-period=1s",
		"wsbackup.workloads.kubernetes.readiness-timeout=5s", "wsbackup.workloads.kubernetes.poll-interval=20ms" })
@Import(KubernetesBackupJobTest.MockCluster.class)
class KubernetesBackupJobTest {

	private static final TestCluster cluster = new TestCluster();

	private static final Path dataDir = tempDir();

	/** "ns/name=replicas" of every deployment, each time the job touched a snapshot. */
	private static final List<String> replicasWhileSnapshotting = new CopyOnWriteArrayList<>();

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		TestDatabase.register(registry);
		registry.add("wsbackup.data-dir", dataDir::toString);
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Autowired
	Launcher launcher;

	@Autowired
	WorkspaceService workspaceService;

	@Autowired
	BackupRepository backups;

	@Autowired
	JobRepository jobRepository;

	@Autowired
	EventLog events;

	@Test
	void backupStopsTheDeploymentsWhileTheStorageFoundFromItsClaimsIsSnapshottedAndStartsThemAgain()
			throws IOException {
		String name = TestCluster.unique("kjob");
		String models = name + "-models";
		cluster.namespace(name, Map.of());
		cluster.namespace(models, Map.of());
		cluster.deployment(name, "web", 3, Map.of());
		cluster.deployment(models, "api", 2, Map.of());
		cluster.statefulSet(name, "db", 1);
		cluster.cronJob(name, "nightly", false);
		Path db = directoryWithFiles(name + "/db");
		Path projects = directoryWithFiles(name + "/projects");
		cluster.claim(name, "db",
				new PersistentVolumeSpecBuilder().withNewHostPath().withPath(db.toString()).endHostPath().build());
		cluster.claim(models, "projects",
				new PersistentVolumeSpecBuilder().withNewHostPath()
					.withPath(projects.toString())
					.endHostPath()
					.build());
		await().atMost(Duration.ofSeconds(5))
			.until(() -> cluster.pods(name).size() == 4 && cluster.pods(models).size() == 2);
		Workspace ws = workspaceService.register(name, "env-k8s", null, null, null,
				new WorkspaceStorage(List.of(), null, false), new WorkloadLocation(List.of(name, models), null, null));

		Backup backup = launcher.backupWorkspace(ws.crn().toString(), "first", null,
				"crn:cdp:iam:local:000000000000:user:tester");
		JobExecution execution = awaitJobEnd(backup);

		assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(backups.find(backup.crn()).orElseThrow().status()).isEqualTo(BackupStatus.SUCCEEDED);
		assertThat(backups.recoveryPoints(backup.crn())).extracting((RecoveryPoint rp) -> rp.resource().id())
			.containsExactlyInAnyOrder(db.toString(), projects.toString());
		assertThat(replicasWhileSnapshotting).isNotEmpty()
			.allSatisfy((line) -> assertThat(line).endsWith("=0"))
			.anySatisfy((line) -> assertThat(line).isEqualTo(name + "/web=0"))
			.anySatisfy((line) -> assertThat(line).isEqualTo(models + "/api=0"));
		assertThat(cluster.deploymentNow(name, "web").getSpec().getReplicas()).isEqualTo(3);
		assertThat(cluster.deploymentNow(models, "api").getSpec().getReplicas()).isEqualTo(2);
		assertThat(cluster.statefulSetNow(name, "db").getSpec().getReplicas()).isEqualTo(1);
		assertThat(cluster.cronJobNow(name, "nightly").getSpec().getSuspend()).isFalse();
		assertThat(cluster.deploymentNow(name, "web").getMetadata().getAnnotations())
			.doesNotContainKey("wsbackup.io/replicas-before-stop");
		assertThat(backups.capturedWorkloads(backup.crn()).format()).isEqualTo("kubernetes/v1");
		assertThat(events.list(ws.crn().toString(), backup.crn().toString(), 1000)).extracting(Event::message)
			.anySatisfy((m) -> assertThat(m).contains("4 of 4 workload object(s)").contains("scaled to zero"));
	}

	private JobExecution awaitJobEnd(Backup backup) {
		return await().atMost(Duration.ofSeconds(30)).until(() -> {
			Long id = backups.find(backup.crn()).orElseThrow().jobExecutionId();
			JobExecution execution = id == null ? null : jobRepository.getJobExecution(id);
			return execution != null && !execution.isRunning() && execution.getEndTime() != null ? execution : null;
		}, (execution) -> execution != null);
	}

	private static Path directoryWithFiles(String relative) throws IOException {
		Path dir = Files.createDirectories(dataDir.resolve("workspaces").resolve(relative));
		for (int i = 0; i < 3; i++) {
			Files.writeString(dir.resolve("file-" + i + ".txt"), UUID.randomUUID().toString().repeat(100));
		}
		return dir;
	}

	private static Path tempDir() {
		try {
			return Files.createTempDirectory("wsbackup-k8s-job-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void recordReplicas() {
		for (Deployment d : cluster.client().apps().deployments().inAnyNamespace().list().getItems()) {
			if (d.getMetadata().getNamespace().startsWith("kjob-")) {
				replicasWhileSnapshotting.add(d.getMetadata().getNamespace() + "/" + d.getMetadata().getName() + "="
						+ d.getSpec().getReplicas());
			}
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class MockCluster {

		@Bean
		@Primary
		KubernetesClients mockServerClients() {
			return (context) -> cluster.client();
		}

		/**
		 * The local cloud, noting the deployments' replicas whenever a snapshot is
		 * started or polled.
		 */
		@Bean
		@Primary
		CloudPort observedLocalCloud(@Qualifier("localCloud") CloudPort local) {
			return new CloudPort() {

				@Override
				public String ensureVault(String vaultName, Map<String, String> tags) {
					return local.ensureVault(vaultName, tags);
				}

				@Override
				public io.wsbackup.workspace.StorageAdmission.Admitted admitStorage(
						io.wsbackup.workspace.WorkspaceStorage storage,
						java.util.List<io.wsbackup.workspace.Workspace> registered) {
					return local.admitStorage(storage, registered);
				}

				@Override
				public java.util.List<String> verifyRestored(io.wsbackup.workspace.ProtectedResource restored,
						String vaultName, String recoveryPointId, Long recordedSizeBytes) {
					return local.verifyRestored(restored, vaultName, recoveryPointId, recordedSizeBytes);
				}

				@Override
				public void deleteRestored(io.wsbackup.workspace.ProtectedResource restored) {
					local.deleteRestored(restored);
				}

				@Override
				public String startSnapshot(SnapshotRequest request) {
					recordReplicas();
					return local.startSnapshot(request);
				}

				@Override
				public SnapshotProgress snapshotProgress(String jobId) {
					recordReplicas();
					return local.snapshotProgress(jobId);
				}

				@Override
				public void cancelSnapshot(String jobId) {
					local.cancelSnapshot(jobId);
				}

				@Override
				public String startRestore(RestoreRequest request) {
					return local.startRestore(request);
				}

				@Override
				public RestoreProgress restoreProgress(String jobId) {
					return local.restoreProgress(jobId);
				}

				@Override
				public void deleteRecoveryPoint(String vaultName, String recoveryPointId) {
					local.deleteRecoveryPoint(vaultName, recoveryPointId);
				}

				@Override
				public List<RecoveryPointSummary> listRecoveryPoints(String vaultName) {
					return local.listRecoveryPoints(vaultName);
				}

				@Override
				public List<String> verifyRecoveryPoint(String vaultName, String recoveryPointId) {
					return local.verifyRecoveryPoint(vaultName, recoveryPointId);
				}

				@Override
				public List<String> missingPrerequisites(Workspace workspace) {
					return local.missingPrerequisites(workspace);
				}

			};
		}

	}

}
