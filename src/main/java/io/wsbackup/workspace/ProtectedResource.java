package io.wsbackup.workspace;

import java.util.Objects;

/**
 * One piece of a workspace's storage that a backup protects: an EBS volume, the EFS file system, or, for the
 * {@code local} cloud, a directory.
 *
 * @param kind volume or shared file system
 * @param id the identifier the cloud understands ({@code vol-...}, {@code fs-...}, or an absolute directory path)
 */
public record ProtectedResource(ResourceKind kind, String id) {

	public ProtectedResource {
		Objects.requireNonNull(kind, "kind");
		if (id == null || id.isBlank()) {
			throw new IllegalArgumentException("a protected resource needs an id");
		}
	}

	/** A stable, readable key for this resource, used in execution-context keys and idempotency tokens. */
	public String key() {
		return kind.name().toLowerCase() + ":" + id;
	}

}
