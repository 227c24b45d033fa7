package io.wsbackup.cloud;

import java.util.Map;

import io.wsbackup.workspace.ResourceKind;

/**
 * Asks the cloud to restore one recovery point into a new resource. A restore never
 * overwrites.
 *
 * @param vaultName the vault holding the recovery point
 * @param recoveryPointId the recovery point to restore
 * @param kind what the recovery point holds, and so what is created
 * @param idempotencyToken the same token returns the same restore job
 * @param tags tags for the created resource (the new workspace's CRN among them)
 */
public record RestoreRequest(String vaultName, String recoveryPointId, ResourceKind kind, String idempotencyToken,
		Map<String, String> tags) {

	/**
	 * The tag a drill's restore carries (the drilled backup's CRN): only what a restore
	 * with this tag created is ever deleted by {@link CloudPort#deleteRestored}, never a
	 * restored workspace's own storage.
	 */
	public static final String DRILL_TAG = "drillOf";

	/** Whether this restore is a drill's (its result is thrown away). */
	public boolean forDrill() {
		String drillOf = tags.get(DRILL_TAG);
		return drillOf != null && !drillOf.isBlank();
	}

	public RestoreRequest {
		tags = Map.copyOf(tags);
	}

}
