package io.wsbackup.cloud.aws;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import io.wsbackup.cloud.CloudPort;
import io.wsbackup.cloud.CloudPortContract;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ResourceKind;

/**
 * The port's contract, run against {@link AwsCloud} with the real SDK clients: EC2, EFS,
 * STS and vaults against moto, backup jobs, recovery points and restores against the AWS
 * Backup simulator.
 */
class AwsCloudContractTest extends CloudPortContract {

	private static AwsTestEnvironment aws;

	private AwsCloud cloud;

	@BeforeAll
	static void startAws() {
		aws = new AwsTestEnvironment(Duration.ofMillis(200));
	}

	@AfterAll
	static void stopAws() {
		if (aws != null) {
			aws.close();
		}
	}

	@BeforeEach
	void resetAws() {
		aws.reset();
		cloud = aws.cloud();
	}

	@Override
	protected CloudPort cloud() {
		return cloud;
	}

	@Override
	protected ProtectedResource newResource(String name) {
		return kindOf(name) == ResourceKind.FILE_SYSTEM
				? new ProtectedResource(ResourceKind.FILE_SYSTEM, aws.newFileSystem(name + "-" + UUID.randomUUID()))
				: new ProtectedResource(ResourceKind.VOLUME, aws.newVolume());
	}

	@Override
	protected void holdSnapshots() {
		aws.simulator.hold();
	}

	@Override
	protected void releaseSnapshots() {
		aws.simulator.release();
	}

	@Override
	protected void breakRunningSnapshot(ProtectedResource resource, String jobId) {
		aws.simulator.failJobsOf(resource.id(), "Backup job failed: the volume " + resource.id() + " went away");
	}

}
