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
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;

import io.wsbackup.cloud.aws.simulator.AwsBackupSimulator;

/**
 * moto (EC2, EFS, STS, IAM, vaults) and the AWS Backup simulator (jobs, recovery points,
 * restores, vault calls forwarded to moto), with real SDK clients pointed at them, for
 * one test class. Region {@value #REGION}, moto's account {@value #ACCOUNT}; the backup
 * role {@value #ROLE} exists in moto, trusting {@code backup.amazonaws.com}, after each
 * {@link #reset()}.
 */
final class AwsTestEnvironment implements AutoCloseable {

	static final String REGION = "us-west-1";

	static final String ACCOUNT = "123456789012";

	static final String ROLE_NAME = "wsbackup-aws-backup";

	static final String ROLE = "arn:aws:iam::" + ACCOUNT + ":role/" + ROLE_NAME;

	/** The trust policy of docs/aws/backup-role-trust-policy.json. */
	static final String BACKUP_TRUST = """
			{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
			  "Principal": {"Service": "backup.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
			""";

	final MotoServer moto;

	final AwsBackupSimulator simulator;

	final BackupClient backup;

	final Ec2Client ec2;

	final EfsClient efs;

	final StsClient sts;

	final IamClient iam;

	private final java.util.List<AwsCloud> clouds = new java.util.concurrent.CopyOnWriteArrayList<>();

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
		iam = AwsCloudConfiguration.configure(IamClient.builder(), region, credentials, moto.endpoint(), retry).build();
		createBackupRole(ROLE_NAME, BACKUP_TRUST);
	}

	AwsCloud cloud() {
		return cloud(ROLE);
	}

	AwsCloud cloud(String role) {
		return cloud(role, null, null);
	}

	/**
	 * An adapter with these keys; it follows a deleted recovery point for 2 s and asks
	 * about jobs nobody polls every 100 ms.
	 */
	AwsCloud cloud(String role, String vaultKey, String fileSystemKey) {
		AwsCloud cloud = new AwsCloud(backup, ec2, efs, sts, iam, new AwsCloud.Settings(REGION, role, vaultKey,
				"wsbackup:in-use", "true", fileSystemKey, Duration.ofSeconds(2), Duration.ofMillis(100)));
		clouds.add(cloud);
		return cloud;
	}

	/** Stops the background work of the adapters made so far. */
	private void closeClouds() {
		clouds.forEach(AwsCloud::close);
		clouds.clear();
	}

	/** Forgets every resource, job and fault. */
	void reset() {
		closeClouds();
		moto.reset();
		simulator.reset();
		createBackupRole(ROLE_NAME, BACKUP_TRUST);
	}

	/** Creates a role in moto with this trust policy. */
	void createBackupRole(String name, String trustPolicy) {
		iam.createRole((r) -> r.roleName(name).assumeRolePolicyDocument(trustPolicy));
	}

	String newVolume() {
		return ec2.createVolume((r) -> r.availabilityZone(REGION + "a").size(8)).volumeId();
	}

	String newFileSystem(String token) {
		return efs.createFileSystem((r) -> r.creationToken(token)).fileSystemId();
	}

	@Override
	public void close() {
		closeClouds();
		backup.close();
		ec2.close();
		efs.close();
		sts.close();
		iam.close();
		simulator.close();
		moto.close();
	}

}
