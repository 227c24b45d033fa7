package io.wsbackup.cloud;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ResourceKind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The scripting and recording of {@link FakeCloud}, which the job tests rely on. */
class FakeCloudTest {

	private final FakeCloud cloud = new FakeCloud();

	private final ProtectedResource volume = new ProtectedResource(ResourceKind.VOLUME, "vol-1");

	@Test
	void snapshotAdvancesByPercentPerPollAndCompletesWithANumberedRecoveryPoint() {
		String jobId = cloud.startSnapshot(request(volume, "t1"));

		SnapshotProgress first = cloud.snapshotProgress(jobId);
		SnapshotProgress second = cloud.snapshotProgress(jobId);

		assertThat(first.state()).isEqualTo(CloudJobState.RUNNING);
		assertThat(first.percentDone()).isEqualTo(50);
		assertThat(first.bytesTransferred()).isPositive();
		assertThat(first.expectedCompletion()).isNotNull();
		assertThat(second.state()).isEqualTo(CloudJobState.COMPLETED);
		assertThat(second.recoveryPointId()).isEqualTo("rp-1");
		assertThat(cloud.listRecoveryPoints("v")).extracting(RecoveryPointSummary::recoveryPointId)
			.containsExactly("rp-1");
	}

	@Test
	void recordsOnlyCallsThatCreatedAJob() {
		cloud.startSnapshot(request(volume, "t1"));
		cloud.startSnapshot(request(volume, "t1"));
		cloud.ensureVault("v", Map.of());

		assertThat(cloud.startSnapshotCalls()).isEqualTo(2);
		assertThat(cloud.startedSnapshots()).hasSize(1);
		assertThat(cloud.ensuredVaults()).containsExactly("v");
	}

	@Test
	void holdKeepsJobsRunningUntilReleased() {
		cloud.holdSnapshots();
		String jobId = cloud.startSnapshot(request(volume, "t1"));

		assertThat(cloud.snapshotProgress(jobId).state()).isEqualTo(CloudJobState.RUNNING);
		assertThat(cloud.snapshotProgress(jobId).percentDone()).isZero();
		cloud.releaseSnapshots();
		cloud.snapshotProgress(jobId);
		assertThat(cloud.snapshotProgress(jobId).state()).isEqualTo(CloudJobState.COMPLETED);
	}

	@Test
	void scriptedFailuresHappenOnce() {
		cloud.failNextStartSnapshot("no quota");
		assertThatThrownBy(() -> cloud.startSnapshot(request(volume, "t1"))).isInstanceOf(CloudException.class)
			.hasMessage("no quota");
		String jobId = cloud.startSnapshot(request(volume, "t1"));

		cloud.failNextProgress("throttled");
		assertThatThrownBy(() -> cloud.snapshotProgress(jobId)).isInstanceOfSatisfying(CloudException.class,
				(ex) -> assertThat(ex.isRetryable()).isTrue());
		cloud.failJobOf("vol-1", "volume deleted");
		SnapshotProgress failed = cloud.snapshotProgress(jobId);
		assertThat(failed.state()).isEqualTo(CloudJobState.FAILED);
		assertThat(failed.message()).isEqualTo("volume deleted");

		cloud.failStartSnapshotFor("vol-1", "resource busy");
		assertThatThrownBy(() -> cloud.startSnapshot(request(volume, "t2"))).hasMessage("resource busy");
		assertThat(cloud.snapshotProgress(cloud.startSnapshot(request(volume, "t2"))).state())
			.isEqualTo(CloudJobState.RUNNING);
	}

	@Test
	void restoresDeletesPrerequisitesAndReset() {
		cloud.setPercentPerPoll(100);
		String jobId = cloud.startRestore(new RestoreRequest("v", "rp-7", ResourceKind.VOLUME, "r1", Map.of()));
		assertThat(cloud.restoreProgress(jobId).createdResourceId()).isEqualTo("restored-rp-7");
		cloud.deleteRecoveryPoint("v", "rp-7");
		cloud.missingPrerequisite("AWS Backup is not opted in for EFS");
		cloud.cancelSnapshot(cloud.startSnapshot(request(volume, "t1")));

		assertThat(cloud.startedRestores()).hasSize(1);
		assertThat(cloud.deletedRecoveryPoints()).containsExactly("rp-7");
		assertThat(cloud.cancelledJobs()).hasSize(1);
		assertThat(
				cloud.missingPrerequisites(io.wsbackup.workspace.TestWorkspaces.withStorage(java.util.List.of(), null)))
			.containsExactly("AWS Backup is not opted in for EFS");
		cloud.clearPrerequisites();
		assertThat(
				cloud.missingPrerequisites(io.wsbackup.workspace.TestWorkspaces.withStorage(java.util.List.of(), null)))
			.isEmpty();

		cloud.reset();
		assertThat(cloud.startSnapshotCalls()).isZero();
		assertThat(cloud.startedRestores()).isEmpty();
		assertThat(cloud.cancelledJobs()).isEmpty();
	}

	private static SnapshotRequest request(ProtectedResource resource, String token) {
		return new SnapshotRequest("v", resource, token, Map.of(), Duration.ofHours(1));
	}

}
