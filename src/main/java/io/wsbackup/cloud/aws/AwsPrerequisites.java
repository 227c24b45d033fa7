package io.wsbackup.cloud.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.backup.BackupClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.efs.EfsClient;
import software.amazon.awssdk.services.sts.StsClient;

import io.wsbackup.cloud.CloudException;
import io.wsbackup.workspace.Workspace;

/**
 * Checks, one by one, what a backup of a workspace on AWS needs, and says in one sentence
 * per missing item what it is: the caller's account and region are the workspace's; the
 * backup role is configured; AWS Backup is opted in for EBS and EFS in the region; the
 * vault can be read (an absent vault is fine: it is created); each volume and the file
 * system exist. It changes nothing, so it can run any number of times.
 *
 * <p>
 * Not checked: that the role exists and trusts {@code backup.amazonaws.com}; that needs
 * IAM ({@code iam:GetRole}), a client this adapter does not use. A wrong role shows as a
 * failed backup job whose status message names it.
 */
final class AwsPrerequisites {

	private final BackupClient backup;

	private final Ec2Client ec2;

	private final EfsClient efs;

	private final StsClient sts;

	private final AwsCloud.Settings settings;

	AwsPrerequisites(BackupClient backup, Ec2Client ec2, EfsClient efs, StsClient sts, AwsCloud.Settings settings) {
		this.backup = backup;
		this.ec2 = ec2;
		this.efs = efs;
		this.sts = sts;
		this.settings = settings;
	}

	List<String> missing(Workspace workspace) {
		List<String> missing = new ArrayList<>();
		try {
			String account = sts.getCallerIdentity().account();
			if (!account.equals(workspace.accountId())) {
				missing.add("the runner's AWS account " + account + " is not the workspace's account "
						+ workspace.accountId() + ": run the runner with credentials of account "
						+ workspace.accountId());
			}
		}
		catch (SdkException ex) {
			missing.add("the runner's AWS identity cannot be read (sts:GetCallerIdentity): " + message(ex));
		}
		if (settings.region() != null && !settings.region().equals(workspace.region())) {
			missing.add("the runner's AWS region " + settings.region() + " is not the workspace's region "
					+ workspace.region() + ": set wsbackup.cloud.aws.region=" + workspace.region());
		}
		if (settings.iamRoleArn() == null || settings.iamRoleArn().isBlank()) {
			missing.add("the IAM role AWS Backup assumes is not configured: set wsbackup.cloud.aws.iam-role-arn"
					+ " (see docs/aws/backup-role-trust-policy.json)");
		}
		try {
			Map<String, Boolean> optIn = backup.describeRegionSettings((r) -> {
			}).resourceTypeOptInPreference();
			for (String type : List.of("EBS", "EFS")) {
				if (!Boolean.TRUE.equals(optIn.get(type))) {
					missing.add("AWS Backup is not opted in for " + type + " in region " + workspace.region()
							+ ": turn it on under AWS Backup > Settings > Service opt-in");
				}
			}
		}
		catch (SdkException ex) {
			missing
				.add("the AWS Backup opt-in settings cannot be read (backup:DescribeRegionSettings): " + message(ex));
		}
		try {
			backup.describeBackupVault((r) -> r.backupVaultName(workspace.vaultName()));
		}
		catch (SdkException ex) {
			if (!AwsErrors.isNotFound(ex)) {
				missing.add("the backup vault " + workspace.vaultName() + " cannot be read: " + message(ex));
			}
		}
		for (String volume : workspace.storage().volumes()) {
			if (!volume.startsWith("vol-")) {
				missing.add("the workspace's volume '" + volume + "' is not an EBS volume id (vol-...)");
				continue;
			}
			try {
				if (ec2.describeVolumes((r) -> r.volumeIds(volume)).volumes().isEmpty()) {
					missing.add(volumeMissing(workspace, volume));
				}
			}
			catch (SdkException ex) {
				missing.add(AwsErrors.isNotFound(ex) ? volumeMissing(workspace, volume)
						: "the EBS volume " + volume + " cannot be read: " + message(ex));
			}
		}
		String fs = workspace.storage().sharedFileSystem();
		if (fs != null && !fs.isBlank()) {
			if (!fs.startsWith("fs-")) {
				missing.add("the workspace's shared file system '" + fs + "' is not an EFS file system id (fs-...)");
			}
			else {
				try {
					if (efs.describeFileSystems((r) -> r.fileSystemId(fs)).fileSystems().isEmpty()) {
						missing.add(fileSystemMissing(workspace, fs));
					}
				}
				catch (SdkException ex) {
					missing.add(AwsErrors.isNotFound(ex) ? fileSystemMissing(workspace, fs)
							: "the EFS file system " + fs + " cannot be read: " + message(ex));
				}
			}
		}
		return missing;
	}

	private static String volumeMissing(Workspace workspace, String volume) {
		return "the EBS volume " + volume + " of workspace " + workspace.name() + " does not exist in "
				+ workspace.region();
	}

	private static String fileSystemMissing(Workspace workspace, String fs) {
		return "the EFS file system " + fs + " of workspace " + workspace.name() + " does not exist in "
				+ workspace.region();
	}

	private static String message(SdkException ex) {
		CloudException translated = AwsErrors.translate("the call", ex);
		return translated.getMessage().substring("the call failed: ".length());
	}

}
