package io.wsbackup.workspace.kubernetes;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ResourceKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a workspace's storage from the PersistentVolumeClaims of its namespaces: claim →
 * PersistentVolume → EBS volume id (CSI {@code ebs.csi.aws.com} volume handle, or in-tree
 * {@code awsElasticBlockStore.volumeID} without its {@code aws://<zone>/} prefix), EFS
 * file system id (CSI {@code efs.csi.aws.com} handle {@code fs-...[:path]} or
 * {@code fs-...::ap-...}, or an NFS PV on an EFS mount target), and, when the cloud is
 * {@code local}, the directory of a {@code hostPath} or {@code local} PV. Any other NFS
 * server is external NFS: recorded, never backed up. Reads only.
 */
class StorageDiscovery {

	private static final Logger log = LoggerFactory.getLogger(StorageDiscovery.class);

	private static final Pattern EFS_DNS = Pattern.compile("^(fs-[0-9a-zA-Z]+)\\.efs\\..*");

	private static final Pattern AWS_PREFIX = Pattern.compile("^aws://[^/]*/");

	private final boolean directoriesAreStorage;

	/**
	 * @param directoriesAreStorage whether hostPath and local PVs are storage the cloud
	 * can back up (the {@code local} cloud provider)
	 */
	StorageDiscovery(boolean directoriesAreStorage) {
		this.directoriesAreStorage = directoriesAreStorage;
	}

	/** Every bound claim of the namespaces, in namespace and name order. */
	List<ClaimStorage> claims(KubernetesClient client, List<String> namespaces) {
		List<ClaimStorage> claims = new ArrayList<>();
		for (String ns : namespaces) {
			List<PersistentVolumeClaim> pvcs = new ArrayList<>(
					client.persistentVolumeClaims().inNamespace(ns).list().getItems());
			pvcs.sort((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()));
			for (PersistentVolumeClaim pvc : pvcs) {
				String volumeName = pvc.getSpec() == null ? null : pvc.getSpec().getVolumeName();
				if (volumeName == null || volumeName.isBlank()) {
					log.warn("claim {}/{} is not bound to a volume; it holds no data to back up", ns,
							pvc.getMetadata().getName());
					continue;
				}
				PersistentVolume pv = client.persistentVolumes().withName(volumeName).get();
				if (pv == null) {
					log.warn("claim {}/{} is bound to PV {}, which does not exist", ns, pvc.getMetadata().getName(),
							volumeName);
					continue;
				}
				claims.add(describe(ns, pvc, pv));
			}
		}
		return claims;
	}

	/** The distinct resources the claims are on, volumes first. */
	static List<ProtectedResource> resources(List<ClaimStorage> claims) {
		LinkedHashSet<ProtectedResource> resources = new LinkedHashSet<>();
		claims.stream()
			.map(ClaimStorage::resource)
			.filter((r) -> r != null && r.kind() == ResourceKind.VOLUME)
			.forEach(resources::add);
		claims.stream()
			.map(ClaimStorage::resource)
			.filter((r) -> r != null && r.kind() == ResourceKind.FILE_SYSTEM)
			.forEach(resources::add);
		return List.copyOf(resources);
	}

	/** Readable sentences naming the claims on external NFS. */
	static List<String> externalNfs(List<ClaimStorage> claims) {
		return claims.stream()
			.filter((c) -> ClaimStorage.EXTERNAL_NFS.equals(c.source()))
			.map((c) -> c.describe() + " mounts external NFS " + c.nfsServer() + ":" + c.nfsPath())
			.toList();
	}

	/** Readable sentences naming the claims whose storage cannot be backed up here. */
	static List<String> unsupported(List<ClaimStorage> claims) {
		return claims.stream()
			.filter((c) -> ClaimStorage.UNSUPPORTED.equals(c.source()))
			.map((c) -> c.describe() + " is on storage this runner cannot back up")
			.toList();
	}

	private ClaimStorage describe(String ns, PersistentVolumeClaim pvc, PersistentVolume pv) {
		PersistentVolumeSpec spec = pv.getSpec();
		String source = ClaimStorage.UNSUPPORTED;
		String key = null;
		String subPath = null;
		String accessPoint = null;
		String nfsServer = null;
		String nfsPath = null;
		Map<String, String> attributes = null;
		if (spec.getCsi() != null && ClaimStorage.EBS_CSI.equals(spec.getCsi().getDriver())) {
			source = ClaimStorage.EBS_CSI;
			key = volume(stripAwsPrefix(spec.getCsi().getVolumeHandle()));
			attributes = spec.getCsi().getVolumeAttributes();
		}
		else if (spec.getAwsElasticBlockStore() != null) {
			source = ClaimStorage.EBS_IN_TREE;
			key = volume(stripAwsPrefix(spec.getAwsElasticBlockStore().getVolumeID()));
		}
		else if (spec.getCsi() != null && ClaimStorage.EFS_CSI.equals(spec.getCsi().getDriver())) {
			source = ClaimStorage.EFS_CSI;
			String[] parts = spec.getCsi().getVolumeHandle().split(":", -1);
			key = fileSystem(parts[0]);
			subPath = parts.length > 1 && !parts[1].isEmpty() ? parts[1] : null;
			accessPoint = parts.length > 2 && !parts[2].isEmpty() ? parts[2] : null;
			attributes = spec.getCsi().getVolumeAttributes();
		}
		else if (spec.getNfs() != null) {
			nfsServer = spec.getNfs().getServer();
			nfsPath = spec.getNfs().getPath();
			Matcher efs = EFS_DNS.matcher(nfsServer == null ? "" : nfsServer);
			if (efs.matches()) {
				source = ClaimStorage.EFS_NFS;
				key = fileSystem(efs.group(1));
				subPath = nfsPath;
			}
			else {
				source = ClaimStorage.EXTERNAL_NFS;
			}
		}
		else if (spec.getHostPath() != null) {
			source = ClaimStorage.HOST_PATH;
			key = directoriesAreStorage ? volume(spec.getHostPath().getPath()) : null;
		}
		else if (spec.getLocal() != null) {
			source = ClaimStorage.LOCAL;
			key = directoriesAreStorage ? volume(spec.getLocal().getPath()) : null;
		}
		Map<String, String> capacity = new TreeMap<>();
		if (spec.getCapacity() != null) {
			spec.getCapacity().forEach((k, q) -> capacity.put(k, quantity(q)));
		}
		return new ClaimStorage(ns, pvc.getMetadata().getName(), pv.getMetadata().getName(), source, key, subPath,
				accessPoint, capacity, spec.getAccessModes(), pvc.getSpec().getStorageClassName(), spec.getVolumeMode(),
				nfsServer, nfsPath, attributes);
	}

	private static String quantity(Quantity q) {
		return q.getAmount() + (q.getFormat() == null ? "" : q.getFormat());
	}

	private static String stripAwsPrefix(String id) {
		return id == null ? null : AWS_PREFIX.matcher(id.trim()).replaceFirst("");
	}

	private static String volume(String id) {
		return id == null || id.isBlank() ? null : new ProtectedResource(ResourceKind.VOLUME, id).key();
	}

	private static String fileSystem(String id) {
		return id == null || id.isBlank() ? null : new ProtectedResource(ResourceKind.FILE_SYSTEM, id).key();
	}

}
