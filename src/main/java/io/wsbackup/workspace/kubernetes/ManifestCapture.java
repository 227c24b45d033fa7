package io.wsbackup.workspace.kubernetes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Captures a workspace's Deployments, StatefulSets, CronJobs, Services, ConfigMaps,
 * ServiceAccounts and PersistentVolumeClaims as manifests a restore can apply elsewhere:
 * cleaned of what the cluster assigned (status, uid, resourceVersion, creationTimestamp,
 * managedFields, ownerReferences, generation, selfLink, cluster IPs and node ports, claim
 * bindings, service account token references) and of this adapter's annotations, with the
 * replicas and {@code suspend} they had before the stop. Secrets, Roles and RoleBindings
 * are never read. Reads only.
 */
class ManifestCapture {

	/** The order objects are captured and applied in. */
	static final List<String> KINDS = List.of("ServiceAccount", "ConfigMap", "PersistentVolumeClaim", "Service",
			"StatefulSet", "Deployment", "CronJob");

	private static final Set<String> CLUSTER_ASSIGNED_METADATA = Set.of("uid", "resourceVersion", "creationTimestamp",
			"managedFields", "ownerReferences", "generation", "selfLink", "deletionTimestamp",
			"deletionGracePeriodSeconds");

	private static final List<String> CLUSTER_ANNOTATION_PREFIXES = List.of(
			"kubectl.kubernetes.io/last-applied-configuration", "deployment.kubernetes.io/", "pv.kubernetes.io/",
			"volume.beta.kubernetes.io/", "volume.kubernetes.io/");

	private final WorkloadScaler scaler;

	private final String annotationPrefix;

	ManifestCapture(WorkloadScaler scaler, String annotationPrefix) {
		this.scaler = scaler;
		this.annotationPrefix = annotationPrefix + "/";
	}

	List<Map<String, Object>> capture(KubernetesClient client, List<String> namespaces) {
		List<HasMetadata> found = new ArrayList<>();
		for (String ns : namespaces) {
			found.addAll(client.serviceAccounts().inNamespace(ns).list().getItems());
			client.configMaps()
				.inNamespace(ns)
				.list()
				.getItems()
				.stream()
				.filter((c) -> !"kube-root-ca.crt".equals(c.getMetadata().getName()))
				.forEach(found::add);
			found.addAll(client.persistentVolumeClaims().inNamespace(ns).list().getItems());
			found.addAll(client.services().inNamespace(ns).list().getItems());
			found.addAll(client.apps().statefulSets().inNamespace(ns).list().getItems());
			found.addAll(client.apps().deployments().inNamespace(ns).list().getItems());
			found.addAll(client.batch().v1().cronjobs().inNamespace(ns).list().getItems());
		}
		List<Map<String, Object>> objects = new ArrayList<>();
		for (HasMetadata object : found) {
			objects.add(clean(object));
		}
		objects.sort(Comparator.comparing((Map<String, Object> o) -> KINDS.indexOf(String.valueOf(o.get("kind"))))
			.thenComparing((o) -> String.valueOf(metadata(o).get("namespace")))
			.thenComparing((o) -> String.valueOf(metadata(o).get("name"))));
		return objects;
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> clean(HasMetadata object) {
		Map<String, Object> manifest = CapturedDocument.json().convertValue(object, Map.class);
		manifest.put("apiVersion", object.getApiVersion());
		manifest.put("kind", object.getKind());
		manifest.remove("status");
		Map<String, Object> metadata = metadata(manifest);
		CLUSTER_ASSIGNED_METADATA.forEach(metadata::remove);
		Map<String, Object> spec = (Map<String, Object>) manifest.get("spec");
		Map<String, Object> annotations = (Map<String, Object>) metadata.get("annotations");
		if (annotations != null) {
			String replicas = (String) annotations.get(scaler.replicasAnnotation());
			if (replicas != null && spec != null) {
				spec.put("replicas", Integer.valueOf(replicas));
			}
			String suspend = (String) annotations.get(scaler.suspendAnnotation());
			if (suspend != null && spec != null) {
				spec.put("suspend", Boolean.valueOf(suspend));
			}
			annotations.keySet()
				.removeIf((name) -> name.startsWith(annotationPrefix)
						|| CLUSTER_ANNOTATION_PREFIXES.stream().anyMatch(name::startsWith));
			if (annotations.isEmpty()) {
				metadata.remove("annotations");
			}
		}
		switch (object.getKind()) {
			case "Service" -> {
				if (spec != null) {
					spec.remove("clusterIP");
					spec.remove("clusterIPs");
					spec.remove("healthCheckNodePort");
					if (spec.get("ports") instanceof List<?> ports) {
						ports.forEach((p) -> ((Map<String, Object>) p).remove("nodePort"));
					}
				}
			}
			case "PersistentVolumeClaim" -> {
				if (spec != null) {
					spec.remove("volumeName");
				}
			}
			case "ServiceAccount" -> manifest.remove("secrets");
			default -> {
			}
		}
		return manifest;
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> metadata(Map<String, Object> manifest) {
		return (Map<String, Object>) manifest.computeIfAbsent("metadata", (k) -> new java.util.LinkedHashMap<>());
	}

}
