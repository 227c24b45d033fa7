package io.wsbackup.workspace.kubernetes;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.wsbackup.workspace.WorkloadPort;
import io.wsbackup.workspace.WorkloadPortContract;
import io.wsbackup.workspace.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static org.awaitility.Awaitility.await;

/**
 * {@link WorkloadPortContract} against the kubernetes adapter on the CRUD mock server:
 * what is observed is each object's replicas or {@code suspend} and its annotations.
 */
class KubernetesWorkloadsContractTest extends WorkloadPortContract {

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

	@Override
	protected WorkloadPort port() {
		return workloads;
	}

	@Override
	protected Workspace runningWorkspace() {
		String ns = TestCluster.unique("contract");
		cluster.namespace(ns, Map.of());
		cluster.deployment(ns, "web", 2, Map.of());
		cluster.deployment(ns, "idle", 0, Map.of());
		cluster.statefulSet(ns, "db", 1);
		cluster.cronJob(ns, "nightly", false);
		cluster.cronJob(ns, "paused", true);
		await().atMost(Duration.ofSeconds(5)).until(() -> cluster.pods(ns).size() == 3);
		return TestCluster.workspace(ns, List.of(ns));
	}

	@Override
	protected Map<String, String> observe(Workspace workspace) {
		String ns = workspace.workloads().namespaces().get(0);
		Map<String, String> seen = new TreeMap<>();
		cluster.client()
			.apps()
			.deployments()
			.inNamespace(ns)
			.list()
			.getItems()
			.forEach((d) -> seen.put("deployment/" + name(d), d.getSpec().getReplicas() + " " + annotations(d)));
		cluster.client()
			.apps()
			.statefulSets()
			.inNamespace(ns)
			.list()
			.getItems()
			.forEach((s) -> seen.put("statefulset/" + name(s), s.getSpec().getReplicas() + " " + annotations(s)));
		cluster.client()
			.batch()
			.v1()
			.cronjobs()
			.inNamespace(ns)
			.list()
			.getItems()
			.forEach((c) -> seen.put("cronjob/" + name(c), c.getSpec().getSuspend() + " " + annotations(c)));
		return seen;
	}

	private static String name(HasMetadata object) {
		return object.getMetadata().getName();
	}

	private static Map<String, String> annotations(HasMetadata object) {
		return object.getMetadata().getAnnotations() == null ? Map.of()
				: new TreeMap<>(object.getMetadata().getAnnotations());
	}

}
