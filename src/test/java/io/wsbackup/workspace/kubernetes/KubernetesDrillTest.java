package io.wsbackup.workspace.kubernetes;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.workspace.CapturedWorkloads;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ProvisionedWorkloads;
import io.wsbackup.workspace.ResourceKind;
import io.wsbackup.workspace.StoppedWorkloads;
import io.wsbackup.workspace.WorkloadLocation;
import io.wsbackup.workspace.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The drill side of the kubernetes workload adapter (readiness of a restored workspace,
 * and its removal) against fabric8's mock API server in CRUD mode.
 */
class KubernetesDrillTest {

	private static TestCluster cluster;

	private static KubernetesWorkloads workloads;

	@BeforeAll
	static void startCluster() {
		cluster = new TestCluster();
		workloads = new KubernetesWorkloads((context) -> cluster.client(), TestCluster.SETTINGS, true);
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void removeDeletesTheRestoredNamespacesAndTheirPvsAndNothingElseThenFindsNothingTheSecondTime() {
		Workspace original = originalWorkspace();
		Workspace restored = restore(original);
		String ns = restored.name();
		String nsModels = restored.name() + "-models";
		Workspace other = restore(original);
		String unrelatedPv = "pv-unrelated-" + ns;
		cluster.client()
			.persistentVolumes()
			.resource(new PersistentVolumeBuilder().withNewMetadata()
				.withName(unrelatedPv)
				.addToLabels("wsbackup.io/workspace", ns)
				.endMetadata()
				.withNewSpec()
				.addToCapacity("storage", new Quantity("1Gi"))
				.withNewHostPath()
				.withPath("/srv/unrelated")
				.endHostPath()
				.endSpec()
				.build())
			.create();

		List<String> removed = workloads.remove(restored);

		assertThat(removed).containsExactly("PV " + ns + "-db deleted (bound to claim " + ns + "/db)",
				"PV " + nsModels + "-projects deleted (bound to claim " + nsModels + "/projects)",
				"namespace " + ns + " deleted (restored from " + original.name() + ")",
				"namespace " + nsModels + " deleted (restored from " + original.name() + "-models)");
		assertThat(cluster.client().namespaces().withName(ns).get()).isNull();
		assertThat(cluster.client().namespaces().withName(nsModels).get()).isNull();
		assertThat(cluster.client().persistentVolumes().withName(ns + "-db").get()).isNull();
		assertThat(cluster.client().persistentVolumes().withName(nsModels + "-projects").get()).isNull();
		assertThat(cluster.client().namespaces().withName(original.name()).get()).as("the original's").isNotNull();
		assertThat(cluster.client().namespaces().withName(other.name()).get()).as("another restore's").isNotNull();
		assertThat(cluster.client().persistentVolumes().withName(other.name() + "-db").get()).isNotNull();
		assertThat(cluster.client().persistentVolumes().withName("pv-" + original.name() + "-db").get()).isNotNull();
		assertThat(cluster.client().persistentVolumes().withName(unrelatedPv).get()).as("labelled, not annotated")
			.isNotNull();

		assertThat(workloads.remove(restored)).isEmpty();
	}

	@Test
	void removeLeavesANamespaceItsProvisioningFoundAlreadyThereAndThePvBoundIntoIt() {
		Workspace original = originalWorkspace();
		Workspace restored = TestCluster.workspace(TestCluster.unique("rest"), List.of());
		String ns = restored.name();
		String nsModels = restored.name() + "-models";
		cluster.namespace(ns, Map.of("wsbackup.io/workspace", ns));
		CapturedWorkloads captured = capture(original);
		ProvisionedWorkloads provisioned = workloads.provision(restored, captured);
		restored = located(restored, provisioned.location());
		workloads.attachStorage(restored, captured, Map.of(new ProtectedResource(ResourceKind.VOLUME, "vol-old"),
				"vol-new", new ProtectedResource(ResourceKind.FILE_SYSTEM, "fs-old"), "fs-new"));

		List<String> removed = workloads.remove(restored);

		assertThat(provisioned.created()).containsExactly(
				"namespace " + ns + " (for " + original.name() + ") already exists",
				"namespace " + nsModels + " created for " + original.name() + "-models");
		assertThat(removed).containsExactly(
				"PV " + nsModels + "-projects deleted (bound to claim " + nsModels + "/projects)",
				"namespace " + nsModels + " deleted (restored from " + original.name() + "-models)");
		assertThat(cluster.client().namespaces().withName(ns).get()).isNotNull();
		assertThat(cluster.client().persistentVolumes().withName(ns + "-db").get()).as("bound into " + ns).isNotNull();
		assertThat(cluster.client().persistentVolumeClaims().inNamespace(ns).withName("db").get()).isNotNull();
		assertThat(workloads.remove(restored)).isEmpty();
	}

	@Test
	void aNamespaceStillThereAfterTheWaitFailsEachRemovalNamingItUntilItGoes() {
		Workspace original = originalWorkspace();
		Workspace restored = restore(original);
		String ns = restored.name();
		cluster.client().namespaces().withName(ns).edit((n) -> {
			n.getMetadata().setFinalizers(List.of("test.wsbackup.io/hold"));
			return n;
		});
		KubernetesWorkloads impatient = new KubernetesWorkloads((context) -> cluster.client(),
				new WsbackupProperties.Workloads.Kubernetes(Duration.ofSeconds(1), Duration.ofSeconds(1),
						Duration.ofSeconds(5), Duration.ofMillis(20), null, null),
				true);

		String stillThere = "the removal of restored workspace " + ns
				+ " is not done: still there 1 s after their deletion: namespace " + ns
				+ "; a finalizer may hold them (kubectl get namespace " + ns
				+ " -o yaml); removing again waits for them again";

		assertThatThrownBy(() -> impatient.remove(restored)).isInstanceOf(IllegalStateException.class)
			.hasMessage(stillThere);
		assertThat(cluster.client().persistentVolumes().withName(ns + "-db").get()).isNull();
		assertThat(cluster.client().namespaces().withName(ns).get().getMetadata().getDeletionTimestamp()).isNotNull();
		assertThatThrownBy(() -> impatient.remove(restored)).as("terminating: waited for, not deleted again")
			.isInstanceOf(IllegalStateException.class)
			.hasMessage(stillThere);

		cluster.client().namespaces().withName(ns).edit((n) -> {
			n.getMetadata().setFinalizers(List.of());
			return n;
		});

		assertThat(cluster.client().namespaces().withName(ns).get()).isNull();
		assertThat(workloads.remove(restored)).isEmpty();
	}

	@Test
	void readinessIsEmptyWhenAllAreReadyAndNamesEachWorkloadWithFewerReadyReplicasThanWanted() {
		Workspace restored = restore(originalWorkspace());
		String ns = restored.name();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> cluster.deploymentNow(ns + "-models", "api") != null
					&& cluster.deploymentNow(ns + "-models", "api").getStatus() != null);

		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(workloads.readiness(restored)).isEmpty());

		cluster.pauseController();
		try {
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				cluster.client().apps().deployments().inNamespace(ns).withName("web").editStatus((d) -> {
					d.setStatus(new DeploymentStatusBuilder().withReplicas(3).withReadyReplicas(1).build());
					return d;
				});
				assertThat(workloads.readiness(restored))
					.containsExactly("deployment/" + ns + "/web not ready: 1/3 replicas ready");
			});
		}
		finally {
			cluster.resumeController();
		}
	}

	/**
	 * Namespaces {@code orig-…} (web with 3 replicas, a db claim) and
	 * {@code orig-…-models} (api with 1, a projects claim).
	 */
	private static Workspace originalWorkspace() {
		String name = TestCluster.unique("orig");
		String models = name + "-models";
		cluster.namespace(name, Map.of());
		cluster.namespace(models, Map.of());
		cluster.deployment(name, "web", 3, Map.of());
		cluster.deployment(models, "api", 1, Map.of());
		cluster.claim(name, "db",
				new PersistentVolumeSpecBuilder().withNewCsi()
					.withDriver("ebs.csi.aws.com")
					.withVolumeHandle("vol-old")
					.endCsi()
					.build());
		cluster.claim(models, "projects",
				new PersistentVolumeSpecBuilder().withNewCsi()
					.withDriver("efs.csi.aws.com")
					.withVolumeHandle("fs-old:/projects")
					.endCsi()
					.build());
		return TestCluster.workspace(name, List.of(name, models));
	}

	private static CapturedWorkloads capture(Workspace original) {
		workloads.stop(original);
		CapturedWorkloads captured = workloads.capture(original);
		workloads.start(original, new StoppedWorkloads(Map.of(), List.of()));
		return captured;
	}

	/**
	 * A new workspace restored from the original as the restore job does it: provision,
	 * the location stored, attachStorage, startRestored.
	 */
	private static Workspace restore(Workspace original) {
		CapturedWorkloads captured = capture(original);
		Workspace restored = TestCluster.workspace(TestCluster.unique("rest"), List.of());
		ProvisionedWorkloads provisioned = workloads.provision(restored, captured);
		restored = located(restored, provisioned.location());
		workloads.attachStorage(restored, captured, Map.of(new ProtectedResource(ResourceKind.VOLUME, "vol-old"),
				"vol-new", new ProtectedResource(ResourceKind.FILE_SYSTEM, "fs-old"), "fs-new"));
		workloads.startRestored(restored, captured);
		return restored;
	}

	private static Workspace located(Workspace w, WorkloadLocation location) {
		return new Workspace(w.crn(), w.name(), w.environmentName(), w.accountId(), w.region(), w.version(), w.status(),
				w.storage(), w.createdAt(), w.restoredFromBackupCrn(), location, w.provisioningParameters());
	}

}
