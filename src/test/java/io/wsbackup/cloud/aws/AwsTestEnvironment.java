package io.wsbackup.cloud.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.backup.BackupClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.efs.EfsClient;
import software.amazon.awssdk.services.sts.StsClient;

import io.wsbackup.cloud.aws.simulator.AwsBackupSimulator;

/**
 * moto (EC2, EFS, STS, vaults) and the AWS Backup simulator (jobs, recovery points,
 * restores, vault calls forwarded to moto), with real SDK clients pointed at them, for
 * one test class. Region {@value #REGION}, moto's account {@value #ACCOUNT}.
 */
final class AwsTestEnvironment implements AutoCloseable {

	static final String REGION = "us-west-1";

	static final String ACCOUNT = "123456789012";

	static final String ROLE = "arn:aws:iam::" + ACCOUNT + ":role/wsbackup-aws-backup";

	final MotoServer moto;

	final AwsBackupSimulator simulator;

	final BackupClient backup;

	final Ec2Client ec2;

	final EfsClient efs;

	final StsClient sts;

	AwsTestEnvironment(Duration jobDuration) {
		moto = MotoServer.start();
		try {
			simulator = new AwsBackupSimulator(0, moto.endpoint(), jobDuration).start();
		}
		catch (IOException ex) {
			moto.close();
			throw new UncheckedIOException(ex);
		}
		var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
		RetryStrategy retry = AwsCloudConfiguration.retryStrategy(10, Duration.ofMillis(10), Duration.ofMillis(100));
		Region region = Region.of(REGION);
		backup = AwsCloudConfiguration
			.configure(BackupClient.builder(), region, credentials, simulator.endpoint(), retry)
			.build();
		ec2 = AwsCloudConfiguration.configure(Ec2Client.builder(), region, credentials, moto.endpoint(), retry).build();
		efs = AwsCloudConfiguration.configure(EfsClient.builder(), region, credentials, moto.endpoint(), retry).build();
		sts = AwsCloudConfiguration.configure(StsClient.builder(), region, credentials, moto.endpoint(), retry).build();
	}

	AwsCloud cloud() {
		return cloud(ROLE);
	}

	AwsCloud cloud(String role) {
		return new AwsCloud(backup, ec2, efs, sts,
				new AwsCloud.Settings(REGION, role, null, "wsbackup:in-use", "true"));
	}

	/** Forgets every resource, job and fault. */
	void reset() {
		moto.reset();
		simulator.reset();
	}

	String newVolume() {
		return ec2.createVolume((r) -> r.availabilityZone(REGION + "a").size(8)).volumeId();
	}

	String newFileSystem(String token) {
		return efs.createFileSystem((r) -> r.creationToken(token)).fileSystemId();
	}

	@Override
	public void close() {
		backup.close();
		ec2.close();
		efs.close();
		sts.close();
		simulator.close();
		moto.close();
	}

}
