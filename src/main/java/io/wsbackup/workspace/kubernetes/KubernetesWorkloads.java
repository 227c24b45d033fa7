package io.wsbackup.workspace.kubernetes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.wsbackup.system.WsbackupProperties;
import io.wsbackup.workspace.CapturedWorkloads;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ProvisionedWorkloads;
import io.wsbackup.workspace.StoppedWorkloads;
import io.wsbackup.workspace.WorkloadLocation;
import io.wsbackup.workspace.WorkloadPort;
import io.wsbackup.workspace.Workspace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code kubernetes} workload adapter (fabric8): a workspace's workloads are the
 * Deployments, StatefulSets and CronJobs of its namespaces (named at registration, or
 * selected by a label selector) in the cluster of its kubeconfig context (or in-cluster).
 *
 * <ul>
 * <li>{@link #stop}: scales every Deployment and StatefulSet to zero and suspends every
 * CronJob, writing what it was into an annotation in the same update; waits for the pods
 * to go, deletes those still there after the timeout and names them in a note. The
 * changes are keyed {@code deployment/<ns>/<name>} → {@code "3"},
 * {@code statefulset/<ns>/<name>} → {@code "1"}, {@code cronjob/<ns>/<name>} →
 * {@code "suspended=false"}.</li>
 * <li>{@link #start}: puts back the replicas and {@code suspend} from the changes, else
 * from the annotations (a crash lost the changes), removes the annotations, waits for
 * readiness; not ready in time is logged as a warning, never thrown.</li>
 * <li>{@link #listStorage}: the registration's storage when it lists some, else discovery
 * from the claims (see {@link StorageDiscovery}); claims on external NFS are left out and
 * named in the stop's notes and in the captured document.</li>
 * <li>{@link #capture}: the cleaned manifests, format {@code kubernetes/v1} (see
 * {@link ManifestCapture}).</li>
 * <li>{@link #provision}, {@link #attachStorage}, {@link #startRestored}: see
 * {@link RestoredWorkloads}; namespaces named by {@link NamespaceNames}.</li>
 * <li>{@link #readiness}: every Deployment and StatefulSet of the restored workspace's
 * namespaces (its location, as provisioning stored it) has its wanted replicas ready;
 * checked once, the caller waits.</li>
 * <li>{@link #remove}: see {@link RestoredRemoval}; selects by the label and CRN
 * annotation provisioning set, never by the location's namespace names alone.</li>
 * </ul>
 *
 * <p>
 * On restart: every call can be repeated. A second stop changes nothing more and returns
 * the original counts from the annotations; a start puts back only what is recorded, so a
 * start with nothing stopped changes nothing.
 */
public class KubernetesWorkloads implements WorkloadPort {

	private static final Logger log = LoggerFactory.getLogger(KubernetesWorkloads.class);

	private final KubernetesClients clients;

	private final WorkloadScaler scaler;

	private final StorageDiscovery discovery;

	private final ManifestCapture capture;

	private final RestoredWorkloads restore;

	private final RestoredRemoval removal;

	/**
	 * @param clients a client per kubeconfig context
	 * @param settings {@code wsbackup.workloads.kubernetes.*}
	 * @param directoriesAreStorage whether hostPath and local PVs are storage the cloud
	 * backs up (the {@code local} cloud provider)
	 */
	public KubernetesWorkloads(KubernetesClients clients, WsbackupProperties.Workloads.Kubernetes settings,
			boolean directoriesAreStorage) {
		this.clients = clients;
		this.scaler = new WorkloadScaler(settings);
		this.discovery = new StorageDiscovery(directoriesAreStorage);
		this.capture = new ManifestCapture(scaler, settings.annotationPrefix());
		this.restore = new RestoredWorkloads(settings.annotationPrefix(), settings.modelBuildLabel());
		this.removal = new RestoredRemoval(scaler, settings.podWaitTimeout(), settings.annotationPrefix());
	}

	@Override
	public StoppedWorkloads stop(Workspace workspace) {
		KubernetesClient client = client(workspace.workloads());
		List<String> namespaces = WorkspaceNamespaces.of(client, workspace.workloads());
		if (namespaces.isEmpty()) {
			return StoppedWorkloads.nothing("workspace " + workspace.name()
					+ " names no Kubernetes namespaces (and its selector matches none): nothing to stop");
		}
		WorkloadScaler.Result result = scaler.stop(client, namespaces);
		List<ClaimStorage> claims = discovery.claims(client, namespaces);
		List<String> warnings = new ArrayList<>();
		StorageDiscovery.externalNfs(claims).forEach((nfs) -> warnings.add(nfs + ", which is not backed up"));
		StorageDiscovery.unsupported(claims).forEach(warnings::add);
		return new StoppedWorkloads(result.changes(), result.notes(), warnings);
	}

	@Override
	public List<String> start(Workspace workspace, StoppedWorkloads stopped) {
		KubernetesClient client = client(workspace.workloads());
		List<String> namespaces = WorkspaceNamespaces.of(client, workspace.workloads());
		List<String> notes = scaler.start(client, namespaces, stopped.changes());
		notes.forEach((note) -> log.warn("workspace {}: {}", workspace.name(), note));
		return notes;
	}

	@Override
	public List<ProtectedResource> listStorage(Workspace workspace) {
		List<ProtectedResource> registered = workspace.storage().protectedResources();
		if (!registered.isEmpty()) {
			return registered;
		}
		KubernetesClient client = client(workspace.workloads());
		List<ClaimStorage> claims = discovery.claims(client, WorkspaceNamespaces.of(client, workspace.workloads()));
		StorageDiscovery.externalNfs(claims)
			.forEach((nfs) -> log.warn("workspace {}: {}, which is not backed up", workspace.name(), nfs));
		return StorageDiscovery.resources(claims);
	}

	@Override
	public CapturedWorkloads capture(Workspace workspace) {
		KubernetesClient client = client(workspace.workloads());
		List<String> namespaces = WorkspaceNamespaces.of(client, workspace.workloads());
		List<ClaimStorage> claims = discovery.claims(client, namespaces);
		return new CapturedDocument(CapturedDocument.FORMAT, workspace.name(), workspace.workloads().kubeContext(),
				namespaces, capture.capture(client, namespaces), claims, StorageDiscovery.externalNfs(claims))
			.toCaptured();
	}

	@Override
	public ProvisionedWorkloads provision(Workspace restored, CapturedWorkloads captured) {
		CapturedDocument document = CapturedDocument.of(captured);
		WorkloadLocation location = restoredLocation(restored, document);
		List<String> created = restore.provision(client(location), restored, document);
		return new ProvisionedWorkloads(location, created);
	}

	@Override
	public List<String> attachStorage(Workspace restored, CapturedWorkloads captured,
			Map<ProtectedResource, String> storage) {
		CapturedDocument document = CapturedDocument.of(captured);
		return restore.attachStorage(client(restoredLocation(restored, document)), restored, document, storage);
	}

	@Override
	public List<String> startRestored(Workspace restored, CapturedWorkloads captured) {
		CapturedDocument document = CapturedDocument.of(captured);
		return restore.startRestored(client(restoredLocation(restored, document)), restored, document);
	}

	/**
	 * The restored workspace's namespaces, in its own kube context if it has one, else in
	 * the one the backup was taken in.
	 */
	private static WorkloadLocation restoredLocation(Workspace restored, CapturedDocument document) {
		String context = restored.workloads().kubeContext() != null ? restored.workloads().kubeContext()
				: document.kubeContext();
		return new WorkloadLocation(RestoredWorkloads.namespaces(restored, document), null, context);
	}

	private KubernetesClient client(WorkloadLocation location) {
		return clients.client(location.kubeContext());
	}

	@Override
	public List<String> readiness(Workspace restored) {
		KubernetesClient client = client(restored.workloads());
		return scaler.notReady(client, WorkspaceNamespaces.of(client, restored.workloads()));
	}

	@Override
	public List<String> remove(Workspace restored) {
		List<String> removed = removal.remove(client(restored.workloads()), restored);
		removed.forEach((sentence) -> log.info("workspace {}: {}", restored.name(), sentence));
		return removed;
	}

}
