package io.wsbackup.workspace.kubernetes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.Workspace;

/**
 * The restore side: namespaces for the restored workspace (labelled with its name and
 * annotated with its CRN), static PersistentVolumes (annotated with its CRN) bound to the
 * restored volumes and file system with claims of the original names bound to them, and
 * the captured manifests applied into the new namespaces. Every call can be repeated:
 * what exists is left as it is (PVs, claims, namespaces) or applied again (the manifests:
 * created when absent, else server-side applied, which leaves fields the cluster
 * assigned, such as a Service's cluster IP, alone).
 */
class RestoredWorkloads {

	private final String annotationPrefix;

	private final String modelBuildLabel;

	RestoredWorkloads(String annotationPrefix, String modelBuildLabel) {
		this.annotationPrefix = annotationPrefix;
		this.modelBuildLabel = modelBuildLabel;
	}

	/**
	 * The label on what a restore creates: on a namespace, the restored workspace's name;
	 * on a PV, the restored namespace of its claim.
	 */
	static String workspaceLabel(String annotationPrefix) {
		return annotationPrefix + "/workspace";
	}

	/**
	 * The annotation on the namespaces and PVs a restore creates: the restored
	 * workspace's CRN; what a drill's removal selects by (see {@link RestoredRemoval}).
	 */
	static String crnAnnotation(String annotationPrefix) {
		return annotationPrefix + "/workspace-crn";
	}

	/** The annotation on a restored namespace: the namespace it was restored from. */
	static String restoredFromAnnotation(String annotationPrefix) {
		return annotationPrefix + "/restored-from-namespace";
	}

	/** The restored namespaces, in the order of the original ones. */
	static List<String> namespaces(Workspace restored, CapturedDocument captured) {
		return captured.namespaces()
			.stream()
			.map((ns) -> NamespaceNames.restored(ns, captured.workspaceName(), restored.name()))
			.toList();
	}

	List<String> provision(KubernetesClient client, Workspace restored, CapturedDocument captured) {
		List<String> created = new ArrayList<>();
		for (String original : captured.namespaces()) {
			String name = NamespaceNames.restored(original, captured.workspaceName(), restored.name());
			if (client.namespaces().withName(name).get() != null) {
				created.add("namespace " + name + " (for " + original + ") already exists");
				continue;
			}
			Namespace ns = new NamespaceBuilder().withNewMetadata()
				.withName(name)
				.addToLabels(workspaceLabel(annotationPrefix), restored.name())
				.addToAnnotations(restoredFromAnnotation(annotationPrefix), original)
				.addToAnnotations(crnAnnotation(annotationPrefix), restored.crn().toString())
				.endMetadata()
				.build();
			client.namespaces().resource(ns).create();
			created.add("namespace " + name + " created for " + original);
		}
		return created;
	}

	List<String> attachStorage(KubernetesClient client, Workspace restored, CapturedDocument captured,
			Map<ProtectedResource, String> storage) {
		List<String> done = new ArrayList<>();
		for (ClaimStorage claim : captured.storage()) {
			String ns = NamespaceNames.restored(claim.namespace(), captured.workspaceName(), restored.name());
			Map<String, Object> manifest = find(captured, "PersistentVolumeClaim", claim.namespace(), claim.claim());
			if (manifest == null) {
				done.add("claim " + claim.namespace() + "/" + claim.claim() + " was not captured; not restored");
				continue;
			}
			ProtectedResource resource = claim.resource();
			String restoredId = resource == null ? null : storage.get(resource);
			boolean externalNfs = ClaimStorage.EXTERNAL_NFS.equals(claim.source());
			if (restoredId == null && !externalNfs) {
				PersistentVolumeClaim pvc = toClaim(manifest, ns, null);
				createIfAbsent(client, pvc);
				done.add("claim " + ns + "/" + claim.claim() + " created without restored data ("
						+ (resource == null ? claim.source() + " storage is not backed up"
								: "nothing restored from " + resource.key())
						+ "); its storage class provisions a new volume");
				continue;
			}
			String pvName = pvName(ns, claim.claim());
			PersistentVolume pv = persistentVolume(pvName, ns, claim, restoredId, restored);
			createIfAbsent(client, pv);
			createIfAbsent(client, toClaim(manifest, ns, pvName));
			done.add(externalNfs
					? "claim " + ns + "/" + claim.claim() + " mounts the same external NFS share " + claim.nfsServer()
							+ ":" + claim.nfsPath() + " (PV " + pvName + "; not restored, not ours to back up)"
					: "claim " + ns + "/" + claim.claim() + " bound to PV " + pvName + " on " + restoredId
							+ " (restored from " + resource.key() + ")"
							+ (claim.accessPoint() != null ? "; EFS access point " + claim.accessPoint()
									+ " belongs to the original file system and is not used" : ""));
		}
		return done;
	}

	List<String> startRestored(KubernetesClient client, Workspace restored, CapturedDocument captured) {
		List<String> modelBuilds = new ArrayList<>();
		for (Map<String, Object> manifest : captured.objects()) {
			if ("PersistentVolumeClaim".equals(manifest.get("kind"))) {
				continue; // bound by attachStorage
			}
			Map<String, Object> metadata = ManifestCapture.metadata(manifest);
			String original = String.valueOf(metadata.get("namespace"));
			String ns = NamespaceNames.restored(original, captured.workspaceName(), restored.name());
			HasMetadata object = toObject(manifest, ns);
			if (client.resource(object).get() == null) {
				client.resource(object).create();
			}
			else {
				client.resource(object).patch(PatchContext.of(PatchType.JSON_MERGE));
			}
			Map<String, String> labels = object.getMetadata().getLabels();
			String build = labels == null ? null : labels.get(modelBuildLabel);
			if (build != null) {
				String name = object.getMetadata().getName();
				modelBuilds.add((build.isBlank() || "true".equals(build) ? name : build) + " ("
						+ object.getKind().toLowerCase() + " " + ns + "/" + name + ")");
			}
		}
		return modelBuilds;
	}

	private PersistentVolume persistentVolume(String name, String ns, ClaimStorage claim, String restoredId,
			Workspace restored) {
		Map<String, Quantity> capacity = new LinkedHashMap<>();
		claim.capacity().forEach((k, v) -> capacity.put(k, new Quantity(v)));
		PersistentVolumeSpecBuilder spec = new PersistentVolumeSpecBuilder().withCapacity(capacity)
			.withAccessModes(claim.accessModes())
			.withVolumeMode(claim.volumeMode())
			.withStorageClassName(claim.storageClassName() == null ? "" : claim.storageClassName())
			.withPersistentVolumeReclaimPolicy("Retain")
			.withNewClaimRef()
			.withNamespace(ns)
			.withName(claim.claim())
			.endClaimRef();
		switch (claim.source()) {
			case ClaimStorage.EBS_CSI -> spec.withNewCsi()
				.withDriver(ClaimStorage.EBS_CSI)
				.withVolumeHandle(restoredId)
				.withVolumeAttributes(claim.volumeAttributes().isEmpty() ? null : claim.volumeAttributes())
				.endCsi();
			case ClaimStorage.EBS_IN_TREE ->
				spec.withNewAwsElasticBlockStore().withVolumeID(restoredId).endAwsElasticBlockStore();
			case ClaimStorage.EFS_CSI -> spec.withNewCsi()
				.withDriver(ClaimStorage.EFS_CSI)
				.withVolumeHandle(restoredId.contains(":") || claim.subPath() == null ? restoredId
						: restoredId + ":" + claim.subPath())
				.endCsi();
			case ClaimStorage.EFS_NFS -> spec.withNewNfs()
				.withServer(claim.nfsServer().replaceFirst("^fs-[0-9a-zA-Z]+", restoredId))
				.withPath(claim.nfsPath())
				.endNfs();
			case ClaimStorage.EXTERNAL_NFS ->
				spec.withNewNfs().withServer(claim.nfsServer()).withPath(claim.nfsPath()).endNfs();
			default -> spec.withNewHostPath().withPath(restoredId).withType("Directory").endHostPath();
		}
		return new PersistentVolumeBuilder().withNewMetadata()
			.withName(name)
			.addToLabels(workspaceLabel(annotationPrefix), ns)
			.addToAnnotations(crnAnnotation(annotationPrefix), restored.crn().toString())
			.endMetadata()
			.withSpec(spec.build())
			.build();
	}

	/** PV names are cluster-wide: the restored namespace and the claim. */
	static String pvName(String namespace, String claim) {
		String name = namespace + "-" + claim;
		return name.length() > 253 ? name.substring(0, 253) : name;
	}

	private static PersistentVolumeClaim toClaim(Map<String, Object> manifest, String ns, String volumeName) {
		PersistentVolumeClaim pvc = (PersistentVolumeClaim) toObject(manifest, ns);
		pvc.getSpec().setVolumeName(volumeName);
		if (volumeName != null && pvc.getSpec().getStorageClassName() == null) {
			pvc.getSpec().setStorageClassName("");
		}
		return pvc;
	}

	private static HasMetadata toObject(Map<String, Object> manifest, String ns) {
		String json = CapturedDocument.json().asJson(manifest);
		HasMetadata object = CapturedDocument.json().unmarshal(json);
		object.getMetadata().setNamespace(ns);
		return object;
	}

	private static void createIfAbsent(KubernetesClient client, HasMetadata object) {
		if (client.resource(object).get() == null) {
			client.resource(object).create();
		}
	}

	private static Map<String, Object> find(CapturedDocument captured, String kind, String ns, String name) {
		return captured.objects()
			.stream()
			.filter((o) -> kind.equals(o.get("kind")))
			.filter((o) -> ns.equals(ManifestCapture.metadata(o).get("namespace"))
					&& name.equals(ManifestCapture.metadata(o).get("name")))
			.findFirst()
			.orElse(null);
	}

}
