package io.wsbackup.workspace.kubernetes;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.workspace.CapturedWorkloads;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ProvisionedWorkloads;
import io.wsbackup.workspace.ResourceKind;
import io.wsbackup.workspace.StoppedWorkloads;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceStorage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The kubernetes workload adapter against fabric8's mock API server in CRUD mode. */
class KubernetesWorkloadsTest {

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

	/**
	 * Two namespaces: web (3) and db (1) in the first, api (2) in the second, cron jobs.
	 */
	private static Workspace runningWorkspace() {
		String name = TestCluster.unique("ana");
		String models = name + "-models";
		cluster.namespace(name, Map.of());
		cluster.namespace(models, Map.of());
		cluster.deployment(name, "web", 3, Map.of());
		cluster.statefulSet(name, "db", 1);
		cluster.cronJob(name, "nightly", false);
		cluster.deployment(models, "api", 2, Map.of());
		cluster.statefulSet(models, "cache", 2);
		cluster.cronJob(models, "paused", true);
		Workspace workspace = TestCluster.workspace(name, List.of(name, models));
		await().atMost(Duration.ofSeconds(5))
			.until(() -> cluster.pods(name).size() == 4 && cluster.pods(models).size() == 4);
		return workspace;
	}

	@Test
	void stopScalesEverythingToZeroAndStartPutsBackEveryReplicaCountExactly() {
		Workspace ws = runningWorkspace();
		String a = ws.name();
		String b = a + "-models";

		StoppedWorkloads stopped = workloads.stop(ws);

		assertThat(stopped.changes())
			.containsExactlyInAnyOrderEntriesOf(Map.of("deployment/" + a + "/web", "3", "statefulset/" + a + "/db", "1",
					"cronjob/" + a + "/nightly", "suspended=false", "deployment/" + b + "/api", "2",
					"statefulset/" + b + "/cache", "2", "cronjob/" + b + "/paused", "suspended=true"));
		assertThat(cluster.deploymentNow(a, "web").getSpec().getReplicas()).isZero();
		assertThat(cluster.deploymentNow(a, "web").getMetadata().getAnnotations())
			.containsEntry("wsbackup.io/replicas-before-stop", "3");
		assertThat(cluster.statefulSetNow(b, "cache").getSpec().getReplicas()).isZero();
		assertThat(cluster.cronJobNow(a, "nightly").getSpec().getSuspend()).isTrue();
		assertThat(cluster.pods(a)).isEmpty();
		assertThat(cluster.pods(b)).isEmpty();

		workloads.start(ws, stopped);

		assertThat(cluster.deploymentNow(a, "web").getSpec().getReplicas()).isEqualTo(3);
		assertThat(cluster.statefulSetNow(a, "db").getSpec().getReplicas()).isEqualTo(1);
		assertThat(cluster.deploymentNow(b, "api").getSpec().getReplicas()).isEqualTo(2);
		assertThat(cluster.statefulSetNow(b, "cache").getSpec().getReplicas()).isEqualTo(2);
		assertThat(cluster.cronJobNow(a, "nightly").getSpec().getSuspend()).isFalse();
		assertThat(cluster.cronJobNow(b, "paused").getSpec().getSuspend()).isTrue();
		assertThat(cluster.deploymentNow(a, "web").getMetadata().getAnnotations())
			.doesNotContainKey("wsbackup.io/replicas-before-stop");
		assertThat(cluster.cronJobNow(b, "paused").getMetadata().getAnnotations())
			.doesNotContainKey("wsbackup.io/suspend-before-stop");
		assertThat(cluster.deploymentNow(a, "web").getStatus().getReadyReplicas()).isEqualTo(3);
	}

	@Test
	void secondStopWritesNothingAndReturnsTheOriginalCounts() {
		Workspace ws = runningWorkspace();
		StoppedWorkloads first = workloads.stop(ws);
		String version = cluster.deploymentNow(ws.name(), "web").getMetadata().getResourceVersion();
		String cronVersion = cluster.cronJobNow(ws.name(), "nightly").getMetadata().getResourceVersion();

		StoppedWorkloads second = workloads.stop(ws);

		assertThat(second.changes()).isEqualTo(first.changes());
		assertThat(second.notes().get(0)).contains("already stopped");
		assertThat(cluster.deploymentNow(ws.name(), "web").getMetadata().getResourceVersion()).isEqualTo(version);
		assertThat(cluster.cronJobNow(ws.name(), "nightly").getMetadata().getResourceVersion()).isEqualTo(cronVersion);
	}

	@Test
	void startAfterACrashThatLostTheChangesStartsEverythingFromTheAnnotations() {
		Workspace ws = runningWorkspace();
		workloads.stop(ws);

		workloads.start(ws, new StoppedWorkloads(Map.of(), List.of()));

		assertThat(cluster.deploymentNow(ws.name(), "web").getSpec().getReplicas()).isEqualTo(3);
		assertThat(cluster.statefulSetNow(ws.name() + "-models", "cache").getSpec().getReplicas()).isEqualTo(2);
		assertThat(cluster.cronJobNow(ws.name(), "nightly").getSpec().getSuspend()).isFalse();
		assertThat(cluster.cronJobNow(ws.name() + "-models", "paused").getSpec().getSuspend()).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> cluster.pods(ws.name()).size() == 4);
	}

	@Test
	void podsStillRunningAfterTheTimeoutAreDeletedAndNamed() {
		String ns = TestCluster.unique("stray");
		cluster.namespace(ns, Map.of());
		cluster.deployment(ns, "web", 1, Map.of());
		cluster.strayPod(ns, "session-1");
		KubernetesWorkloads impatient = new KubernetesWorkloads((context) -> cluster.client(),
				new WsbackupProperties.Workloads.Kubernetes(Duration.ofMillis(300), Duration.ofSeconds(1),
						Duration.ofSeconds(5), Duration.ofMillis(20), null, null),
				true);

		StoppedWorkloads stopped = impatient.stop(TestCluster.workspace(ns, List.of(ns)));

		assertThat(stopped.notes()).anySatisfy((
				note) -> assertThat(note).contains("deleted").contains(ns + "/session-1").contains("grace period 1 s"));
		assertThat(cluster.pods(ns)).isEmpty();
	}

	@Test
	void discoveryMapsVolumesToTheirIdsAndLeavesOutExternalNfs() {
		String ns = TestCluster.unique("disc");
		cluster.namespace(ns, Map.of());
		cluster.claim(ns, "db-csi",
				new PersistentVolumeSpecBuilder().withNewCsi()
					.withDriver("ebs.csi.aws.com")
					.withVolumeHandle("vol-0csi" + ns)
					.endCsi()
					.build());
		cluster.claim(ns, "db-intree",
				new PersistentVolumeSpecBuilder().withNewAwsElasticBlockStore()
					.withVolumeID("aws://us-west-2a/vol-0intree" + ns)
					.endAwsElasticBlockStore()
					.build());
		cluster.claim(ns, "projects",
				new PersistentVolumeSpecBuilder().withNewCsi()
					.withDriver("efs.csi.aws.com")
					.withVolumeHandle("fs-0abc:/projects")
					.endCsi()
					.build());
		cluster.claim(ns, "home",
				new PersistentVolumeSpecBuilder().withNewCsi()
					.withDriver("efs.csi.aws.com")
					.withVolumeHandle("fs-0abc::fsap-0123")
					.endCsi()
					.build());
		cluster.claim(ns, "scratch",
				new PersistentVolumeSpecBuilder().withNewHostPath()
					.withPath("/srv/" + ns + "/scratch")
					.endHostPath()
					.build());
		cluster.claim(ns, "datasets",
				new PersistentVolumeSpecBuilder().withNewNfs()
					.withServer("nfs.corp.example")
					.withPath("/exports/datasets")
					.endNfs()
					.build());
		Workspace ws = TestCluster.workspace(ns, List.of(ns));

		List<ProtectedResource> storage = workloads.listStorage(ws);

		assertThat(storage).containsExactly(new ProtectedResource(ResourceKind.VOLUME, "vol-0csi" + ns),
				new ProtectedResource(ResourceKind.VOLUME, "vol-0intree" + ns),
				new ProtectedResource(ResourceKind.VOLUME, "/srv/" + ns + "/scratch"),
				new ProtectedResource(ResourceKind.FILE_SYSTEM, "fs-0abc"));
		assertThat(new KubernetesWorkloads((context) -> cluster.client(), TestCluster.SETTINGS, false).listStorage(ws))
			.as("hostPath is storage only for the local cloud")
			.doesNotContain(new ProtectedResource(ResourceKind.VOLUME, "/srv/" + ns + "/scratch"));
		assertThat(workloads.stop(ws).warnings()).as("a warning, which the backup keeps")
			.anySatisfy((note) -> assertThat(note).contains("external NFS nfs.corp.example:/exports/datasets")
				.contains("not backed up"));
		assertThat(workloads.capture(ws).document()).contains("mounts external NFS nfs.corp.example:/exports/datasets");
	}

	@Test
	void storageListedAtRegistrationWinsOverDiscovery() {
		String ns = TestCluster.unique("expl");
		cluster.namespace(ns, Map.of());
		cluster.claim(ns, "db",
				new PersistentVolumeSpecBuilder().withNewCsi()
					.withDriver("ebs.csi.aws.com")
					.withVolumeHandle("vol-discovered")
					.endCsi()
					.build());
		Workspace ws = TestCluster.workspace(ns, List.of(ns),
				new WorkspaceStorage(List.of("vol-registered"), "fs-registered", false));

		assertThat(workloads.listStorage(ws)).containsExactly(
				new ProtectedResource(ResourceKind.VOLUME, "vol-registered"),
				new ProtectedResource(ResourceKind.FILE_SYSTEM, "fs-registered"));
	}

	@Test
	void captureHoldsNoSecretsOrRolesNorClusterAssignedFieldsAndKeepsTheCountsBeforeTheStop() {
		String ns = TestCluster.unique("cap");
		cluster.namespace(ns, Map.of());
		cluster.deployment(ns, "web", 3, Map.of());
		cluster.client()
			.services()
			.inNamespace(ns)
			.resource(new ServiceBuilder().withNewMetadata()
				.withName("web")
				.withNamespace(ns)
				.endMetadata()
				.withNewSpec()
				.withClusterIP("10.96.0.17")
				.addToSelector("app", "web")
				.addNewPort()
				.withPort(80)
				.withNodePort(30080)
				.endPort()
				.endSpec()
				.build())
			.create();
		cluster.client()
			.configMaps()
			.inNamespace(ns)
			.resource(new ConfigMapBuilder().withNewMetadata()
				.withName("settings")
				.withNamespace(ns)
				.endMetadata()
				.addToData("mode", "prod")
				.build())
			.create();
		cluster.client()
			.serviceAccounts()
			.inNamespace(ns)
			.resource(new ServiceAccountBuilder().withNewMetadata()
				.withName("runner")
				.withNamespace(ns)
				.endMetadata()
				.addNewSecret()
				.withName("runner-token-x")
				.endSecret()
				.build())
			.create();
		cluster.client()
			.secrets()
			.inNamespace(ns)
			.resource(new SecretBuilder().withNewMetadata()
				.withName("db-password")
				.withNamespace(ns)
				.endMetadata()
				.addToStringData("password", "hunter2")
				.build())
			.create();
		cluster.client()
			.rbac()
			.roles()
			.inNamespace(ns)
			.resource(new RoleBuilder().withNewMetadata().withName("editor").withNamespace(ns).endMetadata().build())
			.create();
		cluster.client()
			.rbac()
			.roleBindings()
			.inNamespace(ns)
			.resource(new RoleBindingBuilder().withNewMetadata()
				.withName("editor-binding")
				.withNamespace(ns)
				.endMetadata()
				.withNewRoleRef()
				.withKind("Role")
				.withName("editor")
				.endRoleRef()
				.build())
			.create();
		Workspace ws = TestCluster.workspace(ns, List.of(ns));
		await().atMost(Duration.ofSeconds(5)).until(() -> cluster.deploymentNow(ns, "web").getStatus() != null);
		workloads.stop(ws);

		CapturedWorkloads captured = workloads.capture(ws);

		assertThat(captured.format()).isEqualTo("kubernetes/v1");
		CapturedDocument document = CapturedDocument.of(captured);
		assertThat(document.objects()).extracting((o) -> o.get("kind") + "/" + ManifestCapture.metadata(o).get("name"))
			.containsExactly("ServiceAccount/runner", "ConfigMap/settings", "Service/web", "Deployment/web");
		assertThat(captured.document()).doesNotContain("\"Secret\"", "hunter2", "db-password", "\"Role\"",
				"RoleBinding", "runner-token-x", "\"uid\"", "resourceVersion", "creationTimestamp", "managedFields",
				"ownerReferences", "\"generation\"", "selfLink", "\"status\"", "clusterIP", "10.96.0.17", "30080",
				"wsbackup.io/");
		Map<String, Object> deployment = document.objects().get(3);
		assertThat(((Map<?, ?>) deployment.get("spec")).get("replicas")).as("the count before the stop").isEqualTo(3);
	}

	@Test
	void restoreRecreatesTheWorkloadsInNewNamespacesOnTheRestoredStorageAndListsModelBuilds() {
		String name = TestCluster.unique("orig");
		String models = name + "-models";
		cluster.namespace(name, Map.of());
		cluster.namespace(models, Map.of());
		cluster.deployment(name, "web", 3, Map.of());
		cluster.deployment(models, "churn-v3", 1, Map.of("wsbackup.io/model-build", "churn-v3"));
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
		Workspace original = TestCluster.workspace(name, List.of(name, models));
		workloads.stop(original);
		CapturedWorkloads captured = workloads.capture(original);
		workloads.start(original, new StoppedWorkloads(Map.of(), List.of()));
		Workspace restored = TestCluster.workspace(TestCluster.unique("rest"), List.of());
		Map<ProtectedResource, String> storage = Map.of(new ProtectedResource(ResourceKind.VOLUME, "vol-old"),
				"vol-new", new ProtectedResource(ResourceKind.FILE_SYSTEM, "fs-old"), "fs-new");

		for (int attempt = 1; attempt <= 2; attempt++) {
			ProvisionedWorkloads provisioned = workloads.provision(restored, captured);
			List<String> attached = workloads.attachStorage(restored, captured, storage);
			List<String> modelBuilds = workloads.startRestored(restored, captured);

			String ns = restored.name();
			String nsModels = restored.name() + "-models";
			assertThat(provisioned.location().namespaces()).containsExactly(ns, nsModels);
			assertThat(cluster.client().namespaces().withName(nsModels).get()).isNotNull();
			assertThat(attached).hasSize(2).allSatisfy((s) -> assertThat(s).contains("bound to PV"));
			PersistentVolumeClaim db = cluster.client().persistentVolumeClaims().inNamespace(ns).withName("db").get();
			PersistentVolume dbVolume = cluster.client()
				.persistentVolumes()
				.withName(db.getSpec().getVolumeName())
				.get();
			assertThat(dbVolume.getSpec().getCsi().getVolumeHandle()).isEqualTo("vol-new");
			assertThat(dbVolume.getSpec().getCsi().getDriver()).isEqualTo("ebs.csi.aws.com");
			assertThat(dbVolume.getSpec().getClaimRef().getNamespace()).isEqualTo(ns);
			PersistentVolumeClaim projects = cluster.client()
				.persistentVolumeClaims()
				.inNamespace(nsModels)
				.withName("projects")
				.get();
			assertThat(cluster.client()
				.persistentVolumes()
				.withName(projects.getSpec().getVolumeName())
				.get()
				.getSpec()
				.getCsi()
				.getVolumeHandle()).isEqualTo("fs-new:/projects");
			assertThat(cluster.deploymentNow(ns, "web").getSpec().getReplicas()).isEqualTo(3);
			assertThat(cluster.deploymentNow(nsModels, "churn-v3").getSpec().getReplicas()).isEqualTo(1);
			assertThat(modelBuilds).containsExactly("churn-v3 (deployment " + nsModels + "/churn-v3)");
		}
	}

}
