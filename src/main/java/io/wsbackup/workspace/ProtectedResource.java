package io.wsbackup.workspace;

import java.util.Objects;

/**
 * One piece of a workspace's storage that a backup protects: an EBS volume, the EFS file
 * system, or, for the {@code local} cloud, a directory.
 *
 * @param kind volume or shared file system
 * @param id the identifier the cloud understands ({@code vol-...}, {@code fs-...}, or an
 * absolute directory path)
 */
public record ProtectedResource(ResourceKind kind, String id) {

	public ProtectedResource {
		Objects.requireNonNull(kind, "kind");
		if (id == null || id.isBlank()) {
			throw new IllegalArgumentException("a protected resource needs an id");
		}
	}

	/**
	 * A stable, readable key for this resource, used in execution-context keys and
	 * idempotency tokens.
	 */
	public String key() {
		return kind.name().toLowerCase() + ":" + id;
	}

	/**
	 * The resource a {@link #key()} names.
	 * @throws IllegalArgumentException when the text is not a key
	 */
	public static ProtectedResource fromKey(String key) {
		int colon = key.indexOf(':');
		if (colon < 1) {
			throw new IllegalArgumentException("'" + key + "' is not a resource key such as volume:vol-0123");
		}
		return new ProtectedResource(ResourceKind.valueOf(key.substring(0, colon).toUpperCase()),
				key.substring(colon + 1));
	}

}
