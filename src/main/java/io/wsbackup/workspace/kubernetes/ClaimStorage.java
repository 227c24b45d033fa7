package io.wsbackup.workspace.kubernetes;

import java.util.List;
import java.util.Map;

import io.wsbackup.workspace.ProtectedResource;

/**
 * Where one PersistentVolumeClaim of a workspace keeps its data, as found through its
 * PersistentVolume; kept in the captured document so that a restore can bind a claim of
 * the same name to the restored resource.
 *
 * @param namespace the claim's namespace
 * @param claim the claim's name
 * @param volumeName the PersistentVolume it was bound to
 * @param source how the PV reaches the data: {@link #EBS_CSI}, {@link #EBS_IN_TREE},
 * {@link #EFS_CSI}, {@link #EFS_NFS}, {@link #HOST_PATH}, {@link #LOCAL},
 * {@link #EXTERNAL_NFS} or {@link #UNSUPPORTED}
 * @param resourceKey the protected resource's key ({@code volume:vol-...},
 * {@code file_system:fs-...}, {@code volume:/dir}), or {@code null} when it is not backed
 * up
 * @param subPath for EFS, the path inside the file system ({@code /projects} of
 * {@code fs-1:/projects}), or {@code null}
 * @param accessPoint for EFS, the access point of the handle ({@code ap-...}), or
 * {@code null}
 * @param capacity the PV's capacity (e.g. {@code storage=10Gi})
 * @param accessModes the PV's access modes
 * @param storageClassName the claim's storage class, or {@code null}
 * @param volumeMode {@code Filesystem} or {@code Block}, or {@code null}
 * @param nfsServer for NFS, the server
 * @param nfsPath for NFS, the exported path
 * @param volumeAttributes the CSI volume attributes, if any
 */
record ClaimStorage(String namespace, String claim, String volumeName, String source, String resourceKey,
		String subPath, String accessPoint, Map<String, String> capacity, List<String> accessModes,
		String storageClassName, String volumeMode, String nfsServer, String nfsPath,
		Map<String, String> volumeAttributes) {

	static final String EBS_CSI = "ebs.csi.aws.com";

	static final String EBS_IN_TREE = "kubernetes.io/aws-ebs";

	static final String EFS_CSI = "efs.csi.aws.com";

	static final String EFS_NFS = "nfs-efs";

	static final String HOST_PATH = "hostPath";

	static final String LOCAL = "local";

	static final String EXTERNAL_NFS = "external-nfs";

	static final String UNSUPPORTED = "unsupported";

	ClaimStorage {
		capacity = capacity == null ? Map.of() : Map.copyOf(capacity);
		accessModes = accessModes == null ? List.of() : List.copyOf(accessModes);
		volumeAttributes = volumeAttributes == null ? Map.of() : Map.copyOf(volumeAttributes);
	}

	ProtectedResource resource() {
		return resourceKey == null ? null : ProtectedResource.fromKey(resourceKey);
	}

	String describe() {
		return "claim " + namespace + "/" + claim + " (PV " + volumeName + ")";
	}

}
