package io.wsbackup.cloud;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ResourceKind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The promises of {@link CloudPort}, run against every adapter and the fake. A subclass
 * provides the cloud, a way to make resources, a way to keep snapshots running
 * ({@link #holdSnapshots()}/{@link #releaseSnapshots()}) and a way to make a running
 * snapshot fail.
 */
public abstract class CloudPortContract {

	protected static final Duration TIMEOUT = Duration.ofSeconds(20);

	protected final String vault = "mlx-" + UUID.randomUUID();

	protected final Map<String, String> tags = Map.of("workspace-crn", "crn:cdp:ml:us-west-1:1234:workspace:w1",
			"backup-crn", "crn:cdp:ml:us-west-1:1234:workspace_backup:b1");

	/** The cloud under test, the same instance for the whole test. */
	protected abstract CloudPort cloud();

	/** A new resource that can be snapshotted, with some content. */
	protected abstract ProtectedResource newResource(String name);

	/**
	 * Snapshot jobs started from now on (and those running) make no progress until
	 * {@link #releaseSnapshots()}.
	 */
	protected abstract void holdSnapshots();

	protected abstract void releaseSnapshots();

	/** Makes this held, running snapshot job fail once it is released. */
	protected abstract void breakRunningSnapshot(ProtectedResource resource, String jobId);

	@Test
	void ensureVaultIsIdempotent() {
		assertThat(cloud().ensureVault(vault, tags)).isEqualTo(vault);
		assertThat(cloud().ensureVault(vault, tags)).isEqualTo(vault);
		assertThat(cloud().listRecoveryPoints(vault)).isEmpty();
	}

	@Test
	void absentVaultHasNoRecoveryPoints() {
		assertThat(cloud().listRecoveryPoints("mlx-" + UUID.randomUUID())).isEmpty();
	}

	@Test
	void snapshotRunsToCompletionAndItsRecoveryPointIsListed() {
		cloud().ensureVault(vault, tags);
		ProtectedResource resource = newResource("volume-1");

		String jobId = cloud().startSnapshot(request(resource, "token-1"));
		SnapshotProgress done = awaitSnapshotEnd(jobId);

		assertThat(done.state()).isEqualTo(CloudJobState.COMPLETED);
		assertThat(done.percentDone()).isEqualTo(100);
		assertThat(done.recoveryPointId()).isNotBlank();
		assertThat(cloud().listRecoveryPoints(vault)).singleElement().satisfies((rp) -> {
			assertThat(rp.recoveryPointId()).isEqualTo(done.recoveryPointId());
			assertThat(rp.vaultName()).isEqualTo(vault);
			assertThat(rp.resource()).isEqualTo(resource);
			assertThat(rp.tags()).isEqualTo(tags);
			assertThat(rp.createdAt()).isNotNull();
		});
	}

	@Test
	void recoveryPointsAreListedOldestFirst() {
		cloud().ensureVault(vault, tags);
		ProtectedResource resource = newResource("volume-1");
		String first = awaitSnapshotEnd(cloud().startSnapshot(request(resource, "token-1"))).recoveryPointId();
		String second = awaitSnapshotEnd(cloud().startSnapshot(request(resource, "token-2"))).recoveryPointId();

		assertThat(cloud().listRecoveryPoints(vault)).extracting(RecoveryPointSummary::recoveryPointId)
			.containsExactly(first, second);
	}

	@Test
	void sameTokenReturnsTheSameJobAndStartsNoSecondOne() {
		cloud().ensureVault(vault, tags);
		ProtectedResource resource = newResource("volume-1");

		String jobId = cloud().startSnapshot(request(resource, "token-1"));
		String again = cloud().startSnapshot(request(resource, "token-1"));
		awaitSnapshotEnd(jobId);
		String afterCompletion = cloud().startSnapshot(request(resource, "token-1"));

		assertThat(again).isEqualTo(jobId);
		assertThat(afterCompletion).isEqualTo(jobId);
		assertThat(cloud().listRecoveryPoints(vault)).hasSize(1);
	}

	@Test
	void secondSnapshotOfARunningResourceIsRefusedWhileOtherResourcesRunConcurrently() {
		cloud().ensureVault(vault, tags);
		ProtectedResource resource = newResource("volume-1");
		ProtectedResource other = newResource("volume-2");
		holdSnapshots();
		String jobId = cloud().startSnapshot(request(resource, "token-1"));

		assertThatThrownBy(() -> cloud().startSnapshot(request(resource, "token-2")))
			.isInstanceOfSatisfying(CloudException.class, (ex) -> assertThat(ex.isRetryable()).isFalse())
			.hasMessageContaining("already running as job " + jobId);
		String otherJobId = cloud().startSnapshot(request(other, "token-3"));
		assertThat(cloud().snapshotProgress(jobId).state()).isIn(CloudJobState.CREATED, CloudJobState.RUNNING);

		releaseSnapshots();
		assertThat(awaitSnapshotEnd(jobId).state()).isEqualTo(CloudJobState.COMPLETED);
		assertThat(awaitSnapshotEnd(otherJobId).state()).isEqualTo(CloudJobState.COMPLETED);
		String nextJobId = cloud().startSnapshot(request(resource, "token-2"));
		assertThat(awaitSnapshotEnd(nextJobId).state()).isEqualTo(CloudJobState.COMPLETED);
	}

	@Test
	void jobThatFailsIsReportedThroughItsProgressNotThrown() {
		cloud().ensureVault(vault, tags);
		ProtectedResource resource = newResource("volume-1");
		holdSnapshots();
		String jobId = cloud().startSnapshot(request(resource, "token-1"));
		breakRunningSnapshot(resource, jobId);

		releaseSnapshots();
		SnapshotProgress failed = awaitSnapshotEnd(jobId);

		assertThat(failed.state()).isEqualTo(CloudJobState.FAILED);
		assertThat(failed.message()).isNotBlank();
		assertThat(failed.recoveryPointId()).isNull();
		assertThat(cloud().listRecoveryPoints(vault)).isEmpty();
	}

	@Test
	void cancellingARunningSnapshotAbortsItAndCancellingAnEndedOneChangesNothing() {
		cloud().ensureVault(vault, tags);
		ProtectedResource resource = newResource("volume-1");
		holdSnapshots();
		String jobId = cloud().startSnapshot(request(resource, "token-1"));

		cloud().cancelSnapshot(jobId);
		releaseSnapshots();

		assertThat(awaitSnapshotEnd(jobId).state()).isEqualTo(CloudJobState.ABORTED);
		cloud().cancelSnapshot(jobId);
		assertThat(cloud().snapshotProgress(jobId).state()).isEqualTo(CloudJobState.ABORTED);
		assertThat(cloud().listRecoveryPoints(vault)).isEmpty();

		String completed = cloud().startSnapshot(request(resource, "token-2"));
		assertThat(awaitSnapshotEnd(completed).state()).isEqualTo(CloudJobState.COMPLETED);
		cloud().cancelSnapshot(completed);
		assertThat(cloud().snapshotProgress(completed).state()).isEqualTo(CloudJobState.COMPLETED);
	}

	@Test
	void restoreOfACompletedRecoveryPointCreatesANewResource() {
		cloud().ensureVault(vault, tags);
		ProtectedResource resource = newResource("volume-1");
		String recoveryPointId = awaitSnapshotEnd(cloud().startSnapshot(request(resource, "token-1")))
			.recoveryPointId();
		RestoreRequest restore = new RestoreRequest(vault, recoveryPointId, resource.kind(), "restore-token-1",
				Map.of("workspace-crn", "crn:cdp:ml:us-west-1:1234:workspace:w2"));

		String jobId = cloud().startRestore(restore);
		assertThat(cloud().startRestore(restore)).isEqualTo(jobId);
		RestoreProgress done = await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> cloud().restoreProgress(jobId), (p) -> p.state().isTerminal());

		assertThat(done.state()).as("restore ended: %s", done.message()).isEqualTo(CloudJobState.COMPLETED);
		assertThat(done.percentDone()).isEqualTo(100);
		assertThat(done.createdResourceId()).isNotBlank().isNotEqualTo(resource.id());
		assertThat(cloud().startRestore(restore)).isEqualTo(jobId);
	}

	@Test
	void aRestoredResourceIsSoundUntilItIsDeletedAndDeletingItAgainSucceeds() {
		cloud().ensureVault(vault, tags);
		ProtectedResource resource = newResource("volume-1");
		String recoveryPointId = awaitSnapshotEnd(cloud().startSnapshot(request(resource, "token-1")))
			.recoveryPointId();
		long recordedSize = cloud().listRecoveryPoints(vault).get(0).sizeBytes();
		String jobId = cloud().startRestore(new RestoreRequest(vault, recoveryPointId, resource.kind(),
				"restore-token-1", Map.of("workspace-crn", "crn:cdp:ml:us-west-1:1234:workspace:w2",
						RestoreRequest.DRILL_TAG, "crn:cdp:ml:us-west-1:1234:workspace_backup:b1")));
		RestoreProgress done = await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> cloud().restoreProgress(jobId), (p) -> p.state().isTerminal());
		assertThat(done.state()).as("restore ended: %s", done.message()).isEqualTo(CloudJobState.COMPLETED);
		ProtectedResource restored = new ProtectedResource(resource.kind(), done.createdResourceId());

		assertThat(cloud().verifyRestored(restored, vault, recoveryPointId, recordedSize)).isEmpty();
		assertThat(cloud().verifyRestored(restored, vault, recoveryPointId, null)).isEmpty();

		cloud().deleteRestored(restored);
		assertThat(cloud().verifyRestored(restored, vault, recoveryPointId, recordedSize)).singleElement()
			.asString()
			.contains(restored.id());
		cloud().deleteRestored(restored);
		assertThat(cloud().listRecoveryPoints(vault)).as("the recovery point stays")
			.extracting(RecoveryPointSummary::recoveryPointId)
			.containsExactly(recoveryPointId);
	}

	@Test
	void deletedRecoveryPointIsNoLongerListedAndDeletingItAgainSucceeds() {
		cloud().ensureVault(vault, tags);
		ProtectedResource resource = newResource("volume-1");
		String recoveryPointId = awaitSnapshotEnd(cloud().startSnapshot(request(resource, "token-1")))
			.recoveryPointId();

		cloud().deleteRecoveryPoint(vault, recoveryPointId);

		assertThat(cloud().listRecoveryPoints(vault)).isEmpty();
		cloud().deleteRecoveryPoint(vault, recoveryPointId);
		assertThat(cloud().listRecoveryPoints(vault)).isEmpty();
	}

	@Test
	void aRecoveryPointJustMadeIsSoundAndOneTheVaultDoesNotHoldIsNamedAsAProblem() {
		cloud().ensureVault(vault, tags);
		ProtectedResource resource = newResource("volume-1");
		String recoveryPointId = awaitSnapshotEnd(cloud().startSnapshot(request(resource, "token-1")))
			.recoveryPointId();

		assertThat(cloud().verifyRecoveryPoint(vault, recoveryPointId)).isEmpty();

		cloud().deleteRecoveryPoint(vault, recoveryPointId);
		assertThat(cloud().verifyRecoveryPoint(vault, recoveryPointId)).singleElement()
			.asString()
			.contains(recoveryPointId);
	}

	@Test
	void unknownJobIdsRaiseANonRetryableCloudException() {
		cloud().ensureVault(vault, tags);
		for (String unknown : List.of("no-such-job", "snapshot-" + UUID.randomUUID().toString().replace("-", ""))) {
			assertThatThrownBy(() -> cloud().snapshotProgress(unknown)).isInstanceOfSatisfying(CloudException.class,
					(ex) -> assertThat(ex.isRetryable()).isFalse());
		}
		assertThatThrownBy(() -> cloud().restoreProgress("no-such-job")).isInstanceOfSatisfying(CloudException.class,
				(ex) -> assertThat(ex.isRetryable()).isFalse());
	}

	@Test
	void nothingIsMissingByDefault() {
		assertThat(cloud()
			.missingPrerequisites(io.wsbackup.workspace.TestWorkspaces.withStorage(java.util.List.of(), null)))
			.isEmpty();
	}

	protected SnapshotRequest request(ProtectedResource resource, String token) {
		return new SnapshotRequest(vault, resource, token, tags, Duration.ofHours(1));
	}

	/** Polls a snapshot job until it ends. */
	protected SnapshotProgress awaitSnapshotEnd(String jobId) {
		return await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> cloud().snapshotProgress(jobId), (p) -> p.state().isTerminal());
	}

	protected static ResourceKind kindOf(String name) {
		return name.startsWith("fs") ? ResourceKind.FILE_SYSTEM : ResourceKind.VOLUME;
	}

}
