package io.wsbackup.cloud.aws;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.efs.EfsClient;
import software.amazon.awssdk.services.sts.StsClient;

import io.wsbackup.cloud.CloudException;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ResourceKind;

/**
 * The volumes and file systems AWS Backup protects, as the {@code aws} cloud names and
 * tags them: their ARNs (in the workspace's account and region, read from the
 * {@code workspaceCrn} tag, else the caller's account and the client's region), the tags
 * they are given (EC2 {@code CreateTags}, EFS {@code TagResource}) and the
 * garbage-collection protection tag a disk carries while a job uses it.
 */
final class AwsResources {

	private static final Logger log = LoggerFactory.getLogger(AwsResources.class);

	/** The tag that says wsbackup made a vault or a restored resource. */
	static final String MANAGED_BY = "managedBy";

	private final Ec2Client ec2;

	private final EfsClient efs;

	private final StsClient sts;

	private final AwsCloud.Settings settings;

	private volatile String callerAccount;

	AwsResources(Ec2Client ec2, EfsClient efs, StsClient sts, AwsCloud.Settings settings) {
		this.ec2 = ec2;
		this.efs = efs;
		this.sts = sts;
		this.settings = settings;
	}

	/** The ARN AWS Backup knows a resource by. */
	String resourceArn(ProtectedResource resource, Map<String, String> tags) {
		String account = null;
		String region = null;
		String crn = tags.getOrDefault("workspaceCrn", tags.get("workspace-crn"));
		if (crn != null) {
			try {
				Crn parsed = Crn.parse(crn);
				account = parsed.accountId();
				region = parsed.region();
			}
			catch (IllegalArgumentException ex) {
				log.warn("tag workspaceCrn '{}' is not a CRN; using the caller's account and region", crn);
			}
		}
		if (account == null) {
			account = callerAccount();
			region = settings.region();
		}
		return resourceArn(resource, region, account);
	}

	static String resourceArn(ProtectedResource resource, String region, String account) {
		if (resource.kind() == ResourceKind.VOLUME) {
			if (!resource.id().startsWith("vol-")) {
				throw new CloudException("'" + resource.id() + "' is not an EBS volume id (vol-...)", false);
			}
			return "arn:aws:ec2:" + region + ":" + account + ":volume/" + resource.id();
		}
		if (!resource.id().startsWith("fs-")) {
			throw new CloudException("'" + resource.id() + "' is not an EFS file system id (fs-...)", false);
		}
		return "arn:aws:elasticfilesystem:" + region + ":" + account + ":file-system/" + resource.id();
	}

	/** The resource an ARN of a volume or file system names. */
	static ProtectedResource resourceOf(String arn) {
		String id = resourceIdOf(arn);
		return new ProtectedResource(arn.contains(":file-system/") ? ResourceKind.FILE_SYSTEM : ResourceKind.VOLUME,
				id);
	}

	static String resourceIdOf(String arn) {
		if (arn == null) {
			return null;
		}
		return arn.substring(arn.lastIndexOf('/') + 1);
	}

	/** Adds tags to a volume or file system. */
	void tag(ProtectedResource resource, Map<String, String> tags) {
		if (tags.isEmpty()) {
			return;
		}
		if (resource.kind() == ResourceKind.VOLUME) {
			AwsErrors.call("CreateTags " + resource.id(),
					() -> ec2.createTags((r) -> r.resources(resource.id())
						.tags(tags.entrySet()
							.stream()
							.map((e) -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
							.toList())));
		}
		else {
			AwsErrors.call("TagResource " + resource.id(),
					() -> efs.tagResource((r) -> r.resourceId(resource.id())
						.tags(tags.entrySet()
							.stream()
							.map((e) -> software.amazon.awssdk.services.efs.model.Tag.builder()
								.key(e.getKey())
								.value(e.getValue())
								.build())
							.toList())));
		}
	}

	/** Tags a disk so that garbage collection leaves it alone while a job uses it. */
	void protect(ProtectedResource resource) {
		tag(resource, Map.of(settings.protectionTagKey(), settings.protectionTagValue()));
	}

	/** Removes the protection tag; a failure is logged, not thrown (the job did end). */
	void unprotect(String resourceArn) {
		if (resourceArn == null) {
			return;
		}
		ProtectedResource resource = resourceOf(resourceArn);
		try {
			if (resource.kind() == ResourceKind.VOLUME) {
				ec2.deleteTags(
						(r) -> r.resources(resource.id()).tags(Tag.builder().key(settings.protectionTagKey()).build()));
			}
			else {
				efs.untagResource((r) -> r.resourceId(resource.id()).tagKeys(settings.protectionTagKey()));
			}
		}
		catch (SdkException ex) {
			log.warn("could not remove tag {} from {}: {}", settings.protectionTagKey(), resource.id(),
					ex.getMessage());
		}
	}

	private String callerAccount() {
		if (callerAccount == null) {
			callerAccount = AwsErrors.call("GetCallerIdentity", () -> sts.getCallerIdentity()).account();
		}
		return callerAccount;
	}

}
