package io.wsbackup.workspace.kubernetes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.wsbackup.workspace.Workspace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drill side's cleanup of a restored workspace: deletes what
 * {@link RestoredWorkloads} created for it and waits until the cluster no longer has it.
 *
 * <ul>
 * <li>Namespaces: those labelled {@code <prefix>/workspace=<restored name>} <em>and</em>
 * annotated {@code <prefix>/workspace-crn=<restored CRN>}, as provisioning creates them.
 * A namespace that already existed when provisioning ran carries neither and is never
 * deleted, even when the restored workspace's location names it; deleting a namespace
 * deletes the claims and workloads in it.</li>
 * <li>PersistentVolumes (cluster-scoped, reclaim policy {@code Retain}): those annotated
 * with the restored CRN, as attachStorage creates them, unless bound to a claim in a
 * namespace that exists and that this restore did not create. Deleting them leaves the
 * restored volume or file system itself in the cloud: that is the cloud port's
 * {@code deleteRestored}.</li>
 * </ul>
 * PVs are deleted first, so that a removal interrupted after its namespaces went still
 * finds them by their annotation. A namespace already terminating is not deleted again,
 * only waited for. Waits at most {@code pod-wait-timeout}, then throws, naming what is
 * left; a second removal waits for it again.
 */
class RestoredRemoval {

	private static final Logger log = LoggerFactory.getLogger(RestoredRemoval.class);

	private final WorkloadScaler scaler;

	private final Duration timeout;

	private final String workspaceLabel;

	private final String crnAnnotation;

	private final String restoredFromAnnotation;

	RestoredRemoval(WorkloadScaler scaler, Duration timeout, String annotationPrefix) {
		this.scaler = scaler;
		this.timeout = timeout;
		this.workspaceLabel = RestoredWorkloads.workspaceLabel(annotationPrefix);
		this.crnAnnotation = RestoredWorkloads.crnAnnotation(annotationPrefix);
		this.restoredFromAnnotation = RestoredWorkloads.restoredFromAnnotation(annotationPrefix);
	}

	/**
	 * @return one sentence per namespace and PV removed; empty when nothing was left
	 */
	List<String> remove(KubernetesClient client, Workspace restored) {
		String crn = restored.crn().toString();
		List<Namespace> namespaces = client.namespaces()
			.withLabel(workspaceLabel, restored.name())
			.list()
			.getItems()
			.stream()
			.filter((ns) -> crn.equals(WorkloadScaler.annotation(ns, crnAnnotation)))
			.sorted(Comparator.comparing(WorkloadScaler::name))
			.toList();
		Set<String> ours = namespaces.stream().map(WorkloadScaler::name).collect(Collectors.toSet());
		restored.workloads()
			.namespaces()
			.stream()
			.filter((ns) -> !ours.contains(ns))
			.filter((ns) -> client.namespaces().withName(ns).get() != null)
			.forEach((ns) -> log.warn("workspace {}: namespace {} was not created by its restore; left alone",
					restored.name(), ns));
		List<PersistentVolume> volumes = client.persistentVolumes()
			.withLabel(workspaceLabel)
			.list()
			.getItems()
			.stream()
			.filter((pv) -> crn.equals(WorkloadScaler.annotation(pv, crnAnnotation)))
			.filter((pv) -> !boundIntoAnotherNamespace(client, pv, ours, restored))
			.sorted(Comparator.comparing(WorkloadScaler::name))
			.toList();

		List<String> removed = new ArrayList<>();
		for (PersistentVolume pv : volumes) {
			if (pv.getMetadata().getDeletionTimestamp() == null) {
				client.persistentVolumes().withName(WorkloadScaler.name(pv)).delete();
			}
			ObjectReference claim = pv.getSpec() == null ? null : pv.getSpec().getClaimRef();
			removed.add("PV " + WorkloadScaler.name(pv) + " deleted"
					+ (claim == null ? "" : " (bound to claim " + claim.getNamespace() + "/" + claim.getName() + ")"));
		}
		for (Namespace ns : namespaces) {
			if (ns.getMetadata().getDeletionTimestamp() == null) {
				client.namespaces().withName(WorkloadScaler.name(ns)).delete();
			}
			String from = WorkloadScaler.annotation(ns, restoredFromAnnotation);
			removed.add("namespace " + WorkloadScaler.name(ns) + " deleted"
					+ (from == null ? "" : " (restored from " + from + ")"));
		}

		List<String> left = scaler.waitFor(() -> {
			List<String> still = new ArrayList<>();
			volumes.stream()
				.filter((pv) -> client.persistentVolumes().withName(WorkloadScaler.name(pv)).get() != null)
				.forEach((pv) -> still.add("PV " + WorkloadScaler.name(pv)));
			namespaces.stream()
				.filter((ns) -> client.namespaces().withName(WorkloadScaler.name(ns)).get() != null)
				.forEach((ns) -> still.add("namespace " + WorkloadScaler.name(ns)));
			return still;
		}, timeout);
		if (!left.isEmpty()) {
			throw new IllegalStateException("the removal of restored workspace " + restored.name()
					+ " is not done: still there " + timeout.toSeconds() + " s after their deletion: "
					+ String.join(", ", left) + "; a finalizer may hold them (kubectl get "
					+ left.get(0).replace("PV ", "pv ") + " -o yaml); removing again waits for them again");
		}
		return removed;
	}

	/**
	 * Whether the PV is bound to a claim in a namespace that exists and is not one this
	 * restore created: deleting it would touch that namespace, so it is left alone.
	 */
	private boolean boundIntoAnotherNamespace(KubernetesClient client, PersistentVolume pv, Set<String> ours,
			Workspace restored) {
		ObjectReference claim = pv.getSpec() == null ? null : pv.getSpec().getClaimRef();
		if (claim == null || claim.getNamespace() == null || ours.contains(claim.getNamespace())
				|| client.namespaces().withName(claim.getNamespace()).get() == null) {
			return false;
		}
		log.warn(
				"workspace {}: PV {} is bound to a claim in namespace {}, which its restore did not create; left alone",
				restored.name(), WorkloadScaler.name(pv), claim.getNamespace());
		return true;
	}

}
