package io.wsbackup.cloud;

import java.util.List;
import java.util.Map;

import io.wsbackup.workspace.StorageAdmission;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.Workspace;

/**
 * The cloud port: where a workspace's storage is snapshotted into a vault and restored
 * from it. It speaks the domain, never an SDK's types. Implementations: {@code aws} (AWS
 * Backup) and {@code local} (directory snapshots).
 *
 * <p>
 * Promises every adapter keeps, checked by the port's contract test:
 * <ul>
 * <li>{@link #startSnapshot} and {@link #startRestore} are idempotent on their token: the
 * same token returns the same job id and starts nothing new;</li>
 * <li>at most one snapshot of a resource runs at a time: a second one is refused with a
 * non-retryable {@link CloudException};</li>
 * <li>a job that ran and failed is reported through its progress, never thrown;</li>
 * <li>{@link #deleteRecoveryPoint} of an absent recovery point succeeds;</li>
 * <li>{@link #verifyRecoveryPoint} of an absent recovery point reports it as a problem,
 * never throws for it;</li>
 * <li>{@link #admitStorage} refuses storage it could not back up, before anything is
 * written.</li>
 * </ul>
 */
public interface CloudPort extends StorageAdmission {

	/**
	 * Creates the vault when it is absent, with these tags. Idempotent.
	 * @return the vault's name
	 */
	String ensureVault(String vaultName, Map<String, String> tags);

	/**
	 * Starts a snapshot job of one resource, or returns the job already started with this
	 * token.
	 * @return the cloud job id
	 */
	String startSnapshot(SnapshotRequest request);

	/**
	 * Where a snapshot job stands. Unknown job ids raise a non-retryable
	 * {@link CloudException}.
	 */
	SnapshotProgress snapshotProgress(String jobId);

	/** Stops a running snapshot job; stopping a job that already ended does nothing. */
	void cancelSnapshot(String jobId);

	/**
	 * Starts a restore job of one recovery point into a new resource, or returns the job
	 * already started with this token.
	 * @return the cloud restore job id
	 */
	String startRestore(RestoreRequest request);

	/** Where a restore job stands. */
	RestoreProgress restoreProgress(String jobId);

	/**
	 * Deletes a recovery point and returns once the cloud no longer has it; deleting one
	 * that is already gone succeeds. A cloud that accepts a delete it does not carry out
	 * (AWS Backup leaving the point {@code EXPIRED}) or that is still deleting after a
	 * bound is reported with a {@link CloudException} (retryable when asking again later
	 * may find it gone), so that a backup never leaves the catalog while its recovery
	 * points remain.
	 */
	void deleteRecoveryPoint(String vaultName, String recoveryPointId);

	/** The recovery points in a vault, oldest first; an absent vault has none. */
	List<RecoveryPointSummary> listRecoveryPoints(String vaultName);

	/**
	 * Checks one recovery point where it lies, without restoring it: {@code local}, every
	 * file of its data against its manifest; {@code aws}, that AWS Backup has it
	 * {@code COMPLETED} (not {@code EXPIRED}), with its size recorded and its restore
	 * metadata readable.
	 * @return one readable sentence per problem, each naming the recovery point (and, for
	 * {@code local}, the file); empty when the recovery point is sound. A recovery point
	 * the vault does not hold is a problem, not an exception.
	 * @throws CloudException when the cloud could not be asked
	 */
	List<String> verifyRecoveryPoint(String vaultName, String recoveryPointId);

	/**
	 * Drill side: checks a resource a restore job created against the recovery point it
	 * was restored from: {@code local}, every file of the restored directory against the
	 * recovery point's manifest (size, hash, type; missing and extra files named);
	 * {@code aws}, the created EBS volume or EFS file system exists, is available, and
	 * (for a volume) has the size the recovery point recorded.
	 * @param restored what the restore job created
	 * ({@code RestoreProgress.createdResourceId}) and its kind
	 * @param recordedSizeBytes the recovery point's size as the catalog recorded it, or
	 * {@code null} when unknown
	 * @return one readable sentence per problem, each naming the restored resource (and,
	 * for {@code local}, the file); empty when the restored data is sound. A restored
	 * resource that does not exist is a problem, not an exception.
	 * @throws CloudException when the cloud could not be asked
	 */
	List<String> verifyRestored(ProtectedResource restored, String vaultName, String recoveryPointId,
			Long recordedSizeBytes);

	/**
	 * Drill side: deletes a resource a restore job created (a drill's scratch copy) and
	 * returns once the cloud no longer has it; deleting one already gone succeeds. It
	 * refuses, with a non-retryable {@link CloudException}, anything that is not a
	 * restore's creation ({@code local}: a directory outside the restores directory;
	 * {@code aws}: a volume or file system without the restore's tags), so that a drill
	 * can never delete a workspace's own storage.
	 * @throws CloudException when the cloud could not delete it now
	 */
	void deleteRestored(ProtectedResource restored);

	/**
	 * What is missing before this workspace can be backed up (account, region, roles, the
	 * vault, each resource).
	 * @return one readable sentence per missing prerequisite, naming it; empty when
	 * everything is in place
	 */
	List<String> missingPrerequisites(Workspace workspace);

}
