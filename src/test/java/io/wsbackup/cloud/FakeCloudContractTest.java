package io.wsbackup.cloud;

import io.wsbackup.workspace.ProtectedResource;

/**
 * The port's contract, run against {@link FakeCloud}, so that the job tests rely on a
 * faithful fake.
 */
class FakeCloudContractTest extends CloudPortContract {

	private final FakeCloud cloud = new FakeCloud();

	@Override
	protected CloudPort cloud() {
		return cloud;
	}

	@Override
	protected ProtectedResource newResource(String name) {
		return new ProtectedResource(kindOf(name), "vol-" + name);
	}

	@Override
	protected void holdSnapshots() {
		cloud.holdSnapshots();
	}

	@Override
	protected void releaseSnapshots() {
		cloud.releaseSnapshots();
	}

	@Override
	protected void breakRunningSnapshot(ProtectedResource resource, String jobId) {
		cloud.failJobOf(resource.id(), "the volume went away");
	}

}
