package io.wsbackup.workspace.kubernetes;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.WorkloadLocation;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceStatus;
import io.wsbackup.workspace.WorkspaceStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fabric8's mock API server in CRUD mode (its {@code KubernetesCrudDispatcher}), with the
 * test playing the controllers: every 20 ms each Deployment and StatefulSet gets as many
 * pods as its replicas (pods are created and deleted to match) and a status saying they
 * are ready. Pods nobody owns ({@link #strayPod}) stay until deleted, like a session pod
 * that ignores its stop.
 */
final class TestCluster implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(TestCluster.class);

	static final String OWNER = "test.wsbackup.io/owner";

	/** Fast settings: short waits, polling every 20 ms. */
	static final WsbackupProperties.Workloads.Kubernetes SETTINGS = new WsbackupProperties.Workloads.Kubernetes(
			Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMillis(20), null, null);

	private final KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(),
			new HashMap<>(), new KubernetesCrudDispatcher(), false);

	private final KubernetesClient client;

	private final ScheduledExecutorService controller = Executors.newSingleThreadScheduledExecutor((r) -> {
		Thread thread = new Thread(r, "test-kube-controller");
		thread.setDaemon(true);
		return thread;
	});

	private volatile boolean controlling = true;

	TestCluster() {
		server.init();
		client = server.createClient();
		controller.scheduleWithFixedDelay(this::reconcileQuietly, 0, 20, TimeUnit.MILLISECONDS);
	}

	KubernetesClient client() {
		return client;
	}

	/** Stops playing the controllers (pods stay as they are, status is not updated). */
	void pauseController() {
		controlling = false;
	}

	void resumeController() {
		controlling = true;
	}

	static String unique(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
	}

	static Workspace workspace(String name, List<String> namespaces, WorkspaceStorage storage) {
		return new Workspace(Crn.newWorkspace("us-west-2", "123456789012"), name, "env", "123456789012", "us-west-2",
				"2.0.50", WorkspaceStatus.INSTALLATION_FINISHED, storage, Instant.now(), null,
				new WorkloadLocation(namespaces, null, null), null);
	}

	static Workspace workspace(String name, List<String> namespaces) {
		return workspace(name, namespaces, new WorkspaceStorage(List.of(), null, false));
	}

	void namespace(String name, Map<String, String> labels) {
		client.namespaces()
			.resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build())
			.create();
	}

	Deployment deployment(String ns, String name, int replicas, Map<String, String> labels) {
		return client.apps()
			.deployments()
			.inNamespace(ns)
			.resource(new DeploymentBuilder().withNewMetadata()
				.withName(name)
				.withNamespace(ns)
				.withLabels(labels)
				.endMetadata()
				.withNewSpec()
				.withReplicas(replicas)
				.withNewSelector()
				.addToMatchLabels("app", name)
				.endSelector()
				.withNewTemplate()
				.withNewMetadata()
				.addToLabels("app", name)
				.endMetadata()
				.withNewSpec()
				.addNewContainer()
				.withName(name)
				.withImage("registry.example/" + name + ":1")
				.endContainer()
				.endSpec()
				.endTemplate()
				.endSpec()
				.build())
			.create();
	}

	StatefulSet statefulSet(String ns, String name, int replicas) {
		return client.apps()
			.statefulSets()
			.inNamespace(ns)
			.resource(new StatefulSetBuilder().withNewMetadata()
				.withName(name)
				.withNamespace(ns)
				.endMetadata()
				.withNewSpec()
				.withReplicas(replicas)
				.withServiceName(name)
				.withNewSelector()
				.addToMatchLabels("app", name)
				.endSelector()
				.withNewTemplate()
				.withNewMetadata()
				.addToLabels("app", name)
				.endMetadata()
				.withNewSpec()
				.addNewContainer()
				.withName(name)
				.withImage("registry.example/" + name + ":1")
				.endContainer()
				.endSpec()
				.endTemplate()
				.endSpec()
				.build())
			.create();
	}

	CronJob cronJob(String ns, String name, boolean suspended) {
		return client.batch()
			.v1()
			.cronjobs()
			.inNamespace(ns)
			.resource(new CronJobBuilder().withNewMetadata()
				.withName(name)
				.withNamespace(ns)
				.endMetadata()
				.withNewSpec()
				.withSchedule("0 3 * * *")
				.withSuspend(suspended)
				.withNewJobTemplate()
				.withNewSpec()
				.withNewTemplate()
				.withNewSpec()
				.withRestartPolicy("Never")
				.addNewContainer()
				.withName(name)
				.withImage("registry.example/" + name + ":1")
				.endContainer()
				.endSpec()
				.endTemplate()
				.endSpec()
				.endJobTemplate()
				.endSpec()
				.build())
			.create();
	}

	/** A pod no controller owns: it stays until deleted. */
	Pod strayPod(String ns, String name) {
		return client.pods()
			.inNamespace(ns)
			.resource(new PodBuilder().withNewMetadata()
				.withName(name)
				.withNamespace(ns)
				.endMetadata()
				.withNewSpec()
				.addNewContainer()
				.withName("session")
				.withImage("registry.example/session:1")
				.endContainer()
				.endSpec()
				.withNewStatus()
				.withPhase("Running")
				.endStatus()
				.build())
			.create();
	}

	/** A PV with this spec, and a claim in the namespace bound to it. */
	void claim(String ns, String claim, PersistentVolumeSpec pvSpec) {
		String pvName = "pv-" + ns + "-" + claim;
		pvSpec.setCapacity(Map.of("storage", new Quantity("10Gi")));
		pvSpec.setAccessModes(List.of("ReadWriteOnce"));
		client.persistentVolumes()
			.resource(new PersistentVolumeBuilder().withNewMetadata()
				.withName(pvName)
				.endMetadata()
				.withSpec(pvSpec)
				.build())
			.create();
		client.persistentVolumeClaims()
			.inNamespace(ns)
			.resource(new PersistentVolumeClaimBuilder().withNewMetadata()
				.withName(claim)
				.withNamespace(ns)
				.withUid(UUID.randomUUID().toString())
				.addToAnnotations("pv.kubernetes.io/bind-completed", "yes")
				.endMetadata()
				.withNewSpec()
				.withAccessModes("ReadWriteOnce")
				.withStorageClassName("gp3")
				.withVolumeName(pvName)
				.withNewResources()
				.addToRequests("storage", new Quantity("10Gi"))
				.endResources()
				.endSpec()
				.build())
			.create();
	}

	Deployment deploymentNow(String ns, String name) {
		return client.apps().deployments().inNamespace(ns).withName(name).get();
	}

	StatefulSet statefulSetNow(String ns, String name) {
		return client.apps().statefulSets().inNamespace(ns).withName(name).get();
	}

	CronJob cronJobNow(String ns, String name) {
		return client.batch().v1().cronjobs().inNamespace(ns).withName(name).get();
	}

	List<Pod> pods(String ns) {
		return client.pods().inNamespace(ns).list().getItems();
	}

	private void reconcileQuietly() {
		try {
			if (controlling) {
				reconcile();
			}
		}
		catch (RuntimeException ex) {
			log.debug("test controller round failed: {}", ex.toString());
		}
	}

	private void reconcile() {
		for (Deployment d : client.apps().deployments().inAnyNamespace().list().getItems()) {
			int ready = matchPods(d, "deployment", replicas(d.getSpec().getReplicas()));
			if (d.getStatus() == null || !Integer.valueOf(ready).equals(d.getStatus().getReadyReplicas())) {
				client.apps()
					.deployments()
					.inNamespace(d.getMetadata().getNamespace())
					.withName(d.getMetadata().getName())
					.editStatus((x) -> {
						x.setStatus(
								new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withReplicas(ready)
									.withReadyReplicas(ready)
									.withAvailableReplicas(ready)
									.build());
						return x;
					});
			}
		}
		for (StatefulSet s : client.apps().statefulSets().inAnyNamespace().list().getItems()) {
			int ready = matchPods(s, "statefulset", replicas(s.getSpec().getReplicas()));
			if (s.getStatus() == null || !Integer.valueOf(ready).equals(s.getStatus().getReadyReplicas())) {
				client.apps()
					.statefulSets()
					.inNamespace(s.getMetadata().getNamespace())
					.withName(s.getMetadata().getName())
					.editStatus((x) -> {
						x.setStatus(
								new io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder().withReplicas(ready)
									.withReadyReplicas(ready)
									.build());
						return x;
					});
			}
		}
	}

	/** Creates or deletes pods so the owner has {@code replicas}; returns the count. */
	private int matchPods(HasMetadata owner, String kind, int replicas) {
		String ns = owner.getMetadata().getNamespace();
		String ownerLabel = kind + "." + owner.getMetadata().getName();
		List<Pod> pods = client.pods().inNamespace(ns).withLabel(OWNER, ownerLabel).list().getItems();
		for (int i = pods.size(); i < replicas; i++) {
			client.pods()
				.inNamespace(ns)
				.resource(new PodBuilder().withNewMetadata()
					.withName(owner.getMetadata().getName() + "-" + UUID.randomUUID().toString().substring(0, 5))
					.withNamespace(ns)
					.addToLabels(OWNER, ownerLabel)
					.endMetadata()
					.withNewStatus()
					.withPhase("Running")
					.endStatus()
					.build())
				.create();
		}
		for (int i = replicas; i < pods.size(); i++) {
			client.pods().inNamespace(ns).withName(pods.get(i).getMetadata().getName()).delete();
		}
		return replicas;
	}

	private static int replicas(Integer replicas) {
		return replicas == null ? 1 : replicas;
	}

	@Override
	public void close() {
		controller.shutdownNow();
		client.close();
		server.destroy();
	}

}
