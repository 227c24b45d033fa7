package io.wsbackup.workspace;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a workspace keeps its data.
 *
 * @param volumes the block volumes (EBS volume ids, or directories for the {@code local}
 * cloud)
 * @param sharedFileSystem the shared file system (an EFS id, or a directory), or
 * {@code null}
 * @param externalNfs whether the workspace mounts an external NFS share, which is not
 * ours to back up
 */
public record WorkspaceStorage(List<String> volumes, String sharedFileSystem, boolean externalNfs) {

	public WorkspaceStorage {
		volumes = volumes == null ? List.of() : List.copyOf(volumes);
	}

	/** Every resource a backup protects: the volumes, then the shared file system. */
	public List<ProtectedResource> protectedResources() {
		List<ProtectedResource> resources = new ArrayList<>();
		volumes.forEach((v) -> resources.add(new ProtectedResource(ResourceKind.VOLUME, v)));
		if (sharedFileSystem != null && !sharedFileSystem.isBlank()) {
			resources.add(new ProtectedResource(ResourceKind.FILE_SYSTEM, sharedFileSystem));
		}
		return resources;
	}

}
