package io.wsbackup.restore;

/**
 * Published once a drill's job has ended and the catalog took its outcome.
 *
 * @param backupCrn the backup drilled
 * @param workspaceCrn the workspace the backup was taken of
 * @param verified whether the restored data was found sound (and the scratch workspace
 * removed)
 * @param failure what failed, or {@code null}
 */
public record DrillEnded(String backupCrn, String workspaceCrn, boolean verified, String failure) {

}
