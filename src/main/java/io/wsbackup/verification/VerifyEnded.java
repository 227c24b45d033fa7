package io.wsbackup.verification;

/**
 * Published (as a Spring application event, in the job's thread) when a
 * {@code verifyBackup} execution on this runner has ended.
 *
 * @param backupCrn the backup verified
 * @param verified whether every recovery point of it was found sound
 * @param failure what failed (the problems found, or why the job could not finish), or
 * {@code null}
 */
public record VerifyEnded(String backupCrn, boolean verified, String failure) {
}
