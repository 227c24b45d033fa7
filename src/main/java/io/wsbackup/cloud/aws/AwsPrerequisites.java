package io.wsbackup.cloud.aws;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.backup.BackupClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.efs.EfsClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.sts.StsClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.wsbackup.cloud.CloudException;
import io.wsbackup.workspace.Workspace;

/**
 * Checks, one by one, what a backup of a workspace on AWS needs, and says in one sentence
 * per missing item what it is: the caller's account and region are the workspace's; the
 * backup role is configured, exists ({@code iam:GetRole}) and its trust policy lets
 * {@code backup.amazonaws.com} assume it; AWS Backup is opted in for EBS and EFS in the
 * region; the vault can be read (an absent vault is fine: it is created); each volume and
 * the file system exist. It changes nothing, so it can run any number of times. The
 * account's part (identity, region, role, opt-in) that found nothing missing is kept for
 * {@link #ACCOUNT_CHECK_KEPT} for the next workspaces of the account.
 *
 * <p>
 * The trust check reads the role's {@code AssumeRolePolicyDocument} (URL-encoded, as IAM
 * returns it) and looks for an {@code Allow} statement whose actions include
 * {@code sts:AssumeRole} (or {@code sts:*}, {@code *}) for the service principal
 * {@code backup.amazonaws.com}; conditions are not evaluated. The role's permissions are
 * not checked: a role without them shows as a failed backup job whose status message
 * names it.
 */
final class AwsPrerequisites {

	private final BackupClient backup;

	private final Ec2Client ec2;

	private final EfsClient efs;

	private final StsClient sts;

	private final IamClient iam;

	private final AwsCloud.Settings settings;

	static final String BACKUP_SERVICE = "backup.amazonaws.com";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * How long the account's checks that found nothing missing stand for the next
	 * workspaces of the same account and region: a fleet night validates thousands of
	 * workspaces whose account answers are the same (a problem found is never kept, so a
	 * fix is seen at the next check).
	 */
	static final Duration ACCOUNT_CHECK_KEPT = Duration.ofMinutes(1);

	private record AccountChecked(String key, long at) {
	}

	private volatile AccountChecked accountChecked;

	AwsPrerequisites(BackupClient backup, Ec2Client ec2, EfsClient efs, StsClient sts, IamClient iam,
			AwsCloud.Settings settings) {
		this.backup = backup;
		this.ec2 = ec2;
		this.efs = efs;
		this.sts = sts;
		this.iam = iam;
		this.settings = settings;
	}

	List<String> missing(Workspace workspace) {
		List<String> missing = new ArrayList<>();
		String accountKey = workspace.accountId() + " " + workspace.region();
		AccountChecked checked = accountChecked;
		if (checked == null || !checked.key().equals(accountKey)
				|| System.nanoTime() - checked.at() > ACCOUNT_CHECK_KEPT.toNanos()) {
			missing.addAll(accountMissing(workspace));
			if (missing.isEmpty()) {
				accountChecked = new AccountChecked(accountKey, System.nanoTime());
			}
		}
		missing.addAll(workspaceMissing(workspace));
		return missing;
	}

	/**
	 * What the runner's account and configuration lack for any workspace of this account
	 * and region: identity, region, backup role, opt-in.
	 */
	private List<String> accountMissing(Workspace workspace) {
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
		else {
			String problem = roleProblem(settings.iamRoleArn());
			if (problem != null) {
				missing.add(problem);
			}
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
		return missing;
	}

	/** What the workspace's own vault and storage lack. */
	private List<String> workspaceMissing(Workspace workspace) {
		List<String> missing = new ArrayList<>();
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

	/**
	 * What is wrong with the backup role: absent, unreadable, or not trusting AWS Backup;
	 * {@code null} when nothing is.
	 */
	private String roleProblem(String roleArn) {
		String name = roleName(roleArn);
		if (name == null) {
			return "the IAM role AWS Backup assumes, wsbackup.cloud.aws.iam-role-arn=" + roleArn
					+ ", is not a role ARN (arn:aws:iam::<account>:role/<name>)";
		}
		String document;
		try {
			document = iam.getRole((r) -> r.roleName(name)).role().assumeRolePolicyDocument();
		}
		catch (NoSuchEntityException ex) {
			return "the IAM role " + name + " (" + roleArn + ") that AWS Backup assumes does not exist: create it"
					+ " with the trust policy docs/aws/backup-role-trust-policy.json and the permissions"
					+ " docs/aws/backup-role-policy.json, or set wsbackup.cloud.aws.iam-role-arn to the right role";
		}
		catch (SdkException ex) {
			return "the IAM role " + name + " that AWS Backup assumes cannot be read (iam:GetRole): " + message(ex);
		}
		if (!trustsBackup(document)) {
			return "the IAM role " + name + " does not trust " + BACKUP_SERVICE + ": add to its trust policy a"
					+ " statement {\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"" + BACKUP_SERVICE
					+ "\"}, \"Action\": \"sts:AssumeRole\"} (see docs/aws/backup-role-trust-policy.json)";
		}
		return null;
	}

	/** The role name of a role ARN (the last segment of its path), or {@code null}. */
	static String roleName(String roleArn) {
		String[] parts = roleArn.trim().split(":", 6);
		if (parts.length != 6 || !parts[0].equals("arn") || !parts[2].equals("iam") || !parts[5].startsWith("role/")) {
			return null;
		}
		String name = parts[5].substring(parts[5].lastIndexOf('/') + 1);
		return name.isEmpty() ? null : name;
	}

	/**
	 * Whether a trust policy (URL-encoded or not) has an {@code Allow} statement of
	 * {@code sts:AssumeRole} for the AWS Backup service principal.
	 */
	static boolean trustsBackup(String document) {
		if (document == null || document.isBlank()) {
			return false;
		}
		String json = document.trim().startsWith("{") ? document : URLDecoder.decode(document, StandardCharsets.UTF_8);
		JsonNode policy;
		try {
			policy = JSON.readTree(json);
		}
		catch (JacksonException ex) {
			return false;
		}
		JsonNode statements = policy.path("Statement");
		for (JsonNode statement : statements.isArray() ? statements : List.of(statements)) {
			if (!"Allow".equals(statement.path("Effect").asString(""))) {
				continue;
			}
			boolean assumes = values(statement.path("Action")).stream()
				.anyMatch((a) -> a.equalsIgnoreCase("sts:AssumeRole") || a.equals("sts:*") || a.equals("*"));
			boolean backupService = values(statement.path("Principal").path("Service")).contains(BACKUP_SERVICE);
			if (assumes && backupService) {
				return true;
			}
		}
		return false;
	}

	private static List<String> values(JsonNode node) {
		List<String> values = new ArrayList<>();
		if (node.isArray()) {
			node.forEach((v) -> values.add(v.asString("")));
		}
		else if (node.isString()) {
			values.add(node.asString());
		}
		return values;
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
