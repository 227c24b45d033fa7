package io.wsbackup.workspace;

/**
 * What a workspace runs, captured at backup time and stored with the backup, so that a
 * restore can recreate it. Opaque to everything but the adapter that wrote it; never
 * holds secrets.
 *
 * @param format what the adapter wrote, e.g. {@code kubernetes/v1} or {@code none}
 * @param document the captured description (for Kubernetes, the cleaned manifests),
 * possibly empty
 */
public record CapturedWorkloads(String format, String document) {

	public static final CapturedWorkloads NOTHING = new CapturedWorkloads("none", "");

}
