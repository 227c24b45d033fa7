package io.wsbackup.workspace.kubernetes;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpecBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.workspace.CapturedWorkloads;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.StoppedWorkloads;
import io.wsbackup.workspace.WorkloadLocation;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceStatus;
import io.wsbackup.workspace.WorkspaceStorage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code k8s/rbac.yaml} is exactly what the kubernetes adapter does: every operation of
 * the adapter (stop with a leftover pod, start, discovery, capture, a restore applied
 * twice, and its readiness and removal) runs against the mock API server through a client
 * that records each request as the RBAC permission it needs (API group, resource, verb);
 * a drill's readiness check and removal (twice) of the restored workspace included; the
 * ClusterRole must allow each of them, and grant nothing the adapter never asks for.
 */
class KubernetesRbacTest {

	private static final Path RBAC = Path.of("k8s", "rbac.yaml");

	private static TestCluster cluster;

	private static final ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();

	private static KubernetesClient recorded;

	@BeforeAll
	static void startCluster() {
		cluster = new TestCluster();
		Interceptor recorder = new Interceptor() {
			@Override
			public void before(BasicBuilder builder, HttpRequest request, Interceptor.RequestTags tags) {
				requests.add(permission(request.method(), request.uri()));
			}
		};
		recorded = new KubernetesClientBuilder().withConfig(cluster.client().getConfiguration())
			.withHttpClientBuilderConsumer((http) -> http.addOrReplaceInterceptor("rbac-recorder", recorder))
			.build();
	}

	@AfterAll
	static void stopCluster() {
		recorded.close();
		cluster.close();
	}

	@Test
	void theClusterRoleAllowsExactlyWhatTheAdapterDoes() {
		KubernetesWorkloads workloads = new KubernetesWorkloads((context) -> recorded,
				new WsbackupProperties.Workloads.Kubernetes(Duration.ofMillis(300), Duration.ofSeconds(1),
						Duration.ofSeconds(5), Duration.ofMillis(20), null, null),
				false);
		Workspace original = workspaceWithEverything();

		StoppedWorkloads stopped = workloads.stop(original);
		List<ProtectedResource> storage = workloads.listStorage(original);
		CapturedWorkloads captured = workloads.capture(original);
		workloads.start(original, stopped);
		Workspace restored = workspace(TestCluster.unique("restored"), new WorkloadLocation(List.of(), null, null));
		for (int attempt = 1; attempt <= 2; attempt++) {
			WorkloadLocation location = workloads.provision(restored, captured).location();
			restored = workspace(restored, location);
			workloads.attachStorage(restored, captured,
					Map.of(storage.get(0), "vol-restored", storage.get(1), "fs-restored"));
			workloads.startRestored(restored, captured);
		}
		workloads.readiness(restored);
		List<String> removed = workloads.remove(restored);
		workloads.remove(restored);

		assertThat(stopped.notes()).anySatisfy((note) -> assertThat(note).contains("deleted"));
		assertThat(storage).hasSize(2);
		assertThat(removed).as("its namespace and the PVs of its two claims").hasSize(3);
		Set<String> used = new TreeSet<>(requests);
		Set<String> granted = granted();
		assertThat(used).as("requests of the adapter that k8s/rbac.yaml does not allow").isSubsetOf(granted);
		assertThat(granted).as("permissions in k8s/rbac.yaml the adapter never uses").isSubsetOf(used);
		assertThat(used).noneMatch((p) -> p.contains("secrets") || p.contains("roles") || p.contains("rolebindings"));
	}

	/**
	 * Namespaces chosen by a selector, holding every kind the adapter stops, discovers or
	 * captures, and a pod nobody owns that the stop has to delete.
	 */
	private static Workspace workspaceWithEverything() {
		String name = TestCluster.unique("rbac");
		cluster.namespace(name, Map.of("ml.workspace", name));
		cluster.deployment(name, "web", 2, Map.of());
		cluster.statefulSet(name, "db", 1);
		cluster.cronJob(name, "nightly", false);
		cluster.strayPod(name, "session-1");
		cluster.claim(name, "db-data",
				new PersistentVolumeSpecBuilder().withNewCsi()
					.withDriver("ebs.csi.aws.com")
					.withVolumeHandle("vol-" + name)
					.endCsi()
					.build());
		cluster.claim(name, "projects",
				new PersistentVolumeSpecBuilder().withNewCsi()
					.withDriver("efs.csi.aws.com")
					.withVolumeHandle("fs-" + name.replace("-", "") + ":/projects")
					.endCsi()
					.build());
		create(new ServiceBuilder().withNewMetadata()
			.withName("web")
			.withNamespace(name)
			.endMetadata()
			.withNewSpec()
			.addToSelector("app", "web")
			.addNewPort()
			.withPort(80)
			.endPort()
			.endSpec()
			.build());
		create(new ConfigMapBuilder().withNewMetadata()
			.withName("settings")
			.withNamespace(name)
			.endMetadata()
			.addToData("mode", "prod")
			.build());
		create(new ServiceAccountBuilder().withNewMetadata()
			.withName("runner")
			.withNamespace(name)
			.endMetadata()
			.build());
		await().atMost(Duration.ofSeconds(5)).until(() -> cluster.pods(name).size() == 4);
		return workspace(name, new WorkloadLocation(List.of(), "ml.workspace=" + name, null));
	}

	private static Workspace workspace(Workspace w, WorkloadLocation location) {
		return new Workspace(w.crn(), w.name(), w.environmentName(), w.accountId(), w.region(), w.version(), w.status(),
				w.storage(), w.createdAt(), w.restoredFromBackupCrn(), location, w.provisioningParameters());
	}

	private static void create(HasMetadata object) {
		cluster.client().resource(object).create();
	}

	private static Workspace workspace(String name, WorkloadLocation location) {
		return new Workspace(Crn.newWorkspace("us-west-2", "123456789012"), name, "env", "123456789012", "us-west-2",
				"2.0.50", WorkspaceStatus.INSTALLATION_FINISHED, new WorkspaceStorage(List.of(), null, false),
				Instant.now(), null, location, null);
	}

	/** The ClusterRole's rules as {@code group/resource verb}, one per combination. */
	private static Set<String> granted() {
		Set<String> granted = new TreeSet<>();
		try (InputStream in = Files.newInputStream(RBAC)) {
			List<?> objects = new KubernetesSerialization().unmarshal(in);
			for (Object object : objects) {
				if (object instanceof ClusterRole role) {
					for (PolicyRule rule : role.getRules()) {
						assertThat(rule.getResourceNames()).as("rules for any name").isNullOrEmpty();
						for (String group : rule.getApiGroups()) {
							for (String resource : rule.getResources()) {
								for (String verb : rule.getVerbs()) {
									granted.add(group + "/" + resource + " " + verb);
								}
							}
						}
					}
				}
			}
		}
		catch (IOException ex) {
			throw new AssertionError(ex);
		}
		assertThat(granted).as("the ClusterRole of " + RBAC).isNotEmpty();
		assertThat(granted).noneMatch((p) -> p.contains("*"));
		return granted;
	}

	/**
	 * The permission a request needs, as the API server's authorizer sees it:
	 * {@code /api/v1/namespaces/ns/pods/name} with DELETE is {@code /pods delete},
	 * {@code /apis/apps/v1/namespaces/ns/deployments} with GET is
	 * {@code apps/deployments list}.
	 */
	static String permission(String method, URI uri) {
		List<String> parts = new ArrayList<>(List.of(uri.getPath().replaceFirst("^/", "").split("/")));
		String group;
		if (parts.get(0).equals("api") && parts.size() >= 3) {
			group = "";
			parts = parts.subList(2, parts.size());
		}
		else if (parts.get(0).equals("apis") && parts.size() >= 4) {
			group = parts.get(1);
			parts = parts.subList(3, parts.size());
		}
		else {
			return "non-resource " + method + " " + uri.getPath();
		}
		if (parts.get(0).equals("namespaces") && parts.size() >= 3) {
			parts = parts.subList(2, parts.size()); // namespaced: the resource follows
													// the namespace's name
		}
		String resource = parts.get(0) + (parts.size() >= 3 ? "/" + parts.get(2) : "");
		boolean named = parts.size() >= 2;
		String query = uri.getQuery() == null ? "" : uri.getQuery();
		String verb = switch (method) {
			case "GET" -> query.contains("watch=true") ? "watch" : named ? "get" : "list";
			case "POST" -> "create";
			case "PUT" -> "update";
			case "PATCH" -> "patch";
			case "DELETE" -> named ? "delete" : "deletecollection";
			default -> method;
		};
		return group + "/" + resource + " " + verb;
	}

}
