package io.wsbackup.cloud.aws;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeState;
import software.amazon.awssdk.services.efs.EfsClient;
import software.amazon.awssdk.services.efs.model.FileSystemDescription;
import software.amazon.awssdk.services.efs.model.LifeCycleState;
import software.amazon.awssdk.services.efs.model.MountTargetDescription;

import io.wsbackup.cloud.CloudException;
import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ResourceKind;

/**
 * The drill side of the {@code aws} cloud: the EBS volumes and EFS file systems restore
 * jobs created, checked ({@code DescribeVolumes}: available or in use, and at least as
 * large as the recovery point; {@code DescribeFileSystems}: available) and deleted
 * ({@code DeleteVolume}; a file system's mount targets, then {@code DeleteFileSystem}).
 *
 * <p>
 * Only a resource carrying the tags {@link AwsRestores} puts on what a restore creates
 * ({@value AwsResources#MANAGED_BY}{@code =wsbackup} and {@value #RESTORED_FROM}) is
 * deleted: a workspace's own disks carry neither, so a drill cannot delete them. A delete
 * is followed until the resource is gone, for at most {@code deleteWait}.
 */
final class AwsRestoredResources {

	private static final Logger log = LoggerFactory.getLogger(AwsRestoredResources.class);

	/** The tag naming the recovery point a restored resource was restored from. */
	static final String RESTORED_FROM = "restoredFrom";

	private static final long GIB = 1L << 30;

	private final Ec2Client ec2;

	private final EfsClient efs;

	private final AwsCloud.Settings settings;

	private final Clock clock;

	AwsRestoredResources(Ec2Client ec2, EfsClient efs, AwsCloud.Settings settings, Clock clock) {
		this.ec2 = ec2;
		this.efs = efs;
		this.settings = settings;
		this.clock = clock;
	}

	/** @see io.wsbackup.cloud.CloudPort#verifyRestored */
	List<String> verify(ProtectedResource restored, String vaultName, String recoveryPointId, Long recordedSizeBytes) {
		String name = name(restored) + " (restored from recovery point " + recoveryPointId + " of vault " + vaultName
				+ ")";
		List<String> problems = new ArrayList<>();
		if (restored.kind() == ResourceKind.VOLUME) {
			Volume volume = volume(restored.id());
			if (volume == null) {
				return List.of(name + " does not exist");
			}
			if (volume.state() != VolumeState.AVAILABLE && volume.state() != VolumeState.IN_USE) {
				problems.add(name + " is " + volume.stateAsString() + ", not available");
			}
			if (recordedSizeBytes != null && recordedSizeBytes > 0) {
				long needed = (recordedSizeBytes + GIB - 1) / GIB;
				if (volume.size() == null || volume.size() < needed) {
					problems.add(name + " has " + volume.size() + " GiB, less than the " + needed + " GiB the "
							+ recordedSizeBytes + " bytes of the recovery point need");
				}
			}
			else {
				log.info("{} has {} GiB; the recovery point's size is not known", name, volume.size());
			}
		}
		else {
			FileSystemDescription fileSystem = fileSystem(restored.id());
			if (fileSystem == null) {
				return List.of(name + " does not exist");
			}
			if (fileSystem.lifeCycleState() != LifeCycleState.AVAILABLE) {
				problems.add(name + " is " + fileSystem.lifeCycleStateAsString() + ", not available");
			}
		}
		if (problems.isEmpty()) {
			log.info("{} is available", name);
		}
		else {
			log.warn("{} is not sound: {}", name, problems);
		}
		return problems;
	}

	/**
	 * Deletes a restored volume or file system (a file system's mount targets first) and
	 * waits until AWS no longer has it; an absent one is already deleted.
	 * @throws CloudException non-retryable when the resource does not carry a restore's
	 * tags; retryable when it is still there after {@code deleteWait}
	 */
	void delete(ProtectedResource restored) {
		if (restored.kind() == ResourceKind.VOLUME) {
			Volume volume = volume(restored.id());
			if (volume == null) {
				log.debug("{} is already gone", name(restored));
				return;
			}
			checkRestoredByWsbackup(restored, volume.tags()
				.stream()
				.collect(Collectors.toMap((t) -> t.key(), (t) -> t.value() == null ? "" : t.value(), (a, b) -> a)));
			if (volume.state() != VolumeState.DELETING && volume.state() != VolumeState.DELETED) {
				ignoringNotFound("DeleteVolume " + restored.id(),
						() -> ec2.deleteVolume((r) -> r.volumeId(restored.id())));
			}
			awaitGone(restored, () -> {
				Volume left = volume(restored.id());
				return left == null || left.state() == VolumeState.DELETED ? null : left.stateAsString();
			});
		}
		else {
			FileSystemDescription fileSystem = fileSystem(restored.id());
			if (fileSystem == null) {
				log.debug("{} is already gone", name(restored));
				return;
			}
			checkRestoredByWsbackup(restored, fileSystem.tags()
				.stream()
				.collect(Collectors.toMap((t) -> t.key(), (t) -> t.value() == null ? "" : t.value(), (a, b) -> a)));
			deleteMountTargets(restored);
			if (fileSystem.lifeCycleState() != LifeCycleState.DELETING) {
				ignoringNotFound("DeleteFileSystem " + restored.id(),
						() -> efs.deleteFileSystem((r) -> r.fileSystemId(restored.id())));
			}
			awaitGone(restored, () -> {
				FileSystemDescription left = fileSystem(restored.id());
				return left == null || left.lifeCycleState() == LifeCycleState.DELETED ? null
						: left.lifeCycleStateAsString();
			});
		}
		log.info("{} deleted", name(restored));
	}

	/** Refuses, non-retryable, a resource without the tags a restore puts on it. */
	private static void checkRestoredByWsbackup(ProtectedResource restored, Map<String, String> tags) {
		String restoredFrom = tags.get(RESTORED_FROM);
		String drillOf = tags.get(io.wsbackup.cloud.RestoreRequest.DRILL_TAG);
		if (!"wsbackup".equals(tags.get(AwsResources.MANAGED_BY)) || restoredFrom == null || restoredFrom.isBlank()
				|| drillOf == null || drillOf.isBlank()) {
			throw new CloudException("refusing to delete " + name(restored) + ": it does not carry the tags a drill's"
					+ " restore puts on what it creates (" + AwsResources.MANAGED_BY + "=wsbackup, " + RESTORED_FROM
					+ " and " + io.wsbackup.cloud.RestoreRequest.DRILL_TAG
					+ "), so it may be a workspace's own storage; it has " + tags.keySet(), false);
		}
	}

	/**
	 * Deletes the mount targets of a file system and waits until they are gone: EFS
	 * refuses to delete a file system that still has one.
	 */
	private void deleteMountTargets(ProtectedResource restored) {
		List<MountTargetDescription> targets = mountTargets(restored.id());
		for (MountTargetDescription target : targets) {
			if (!"deleting".equalsIgnoreCase(target.lifeCycleStateAsString())) {
				ignoringNotFound("DeleteMountTarget " + target.mountTargetId() + " of " + restored.id(),
						() -> efs.deleteMountTarget((r) -> r.mountTargetId(target.mountTargetId())));
			}
		}
		if (!targets.isEmpty()) {
			awaitGone(restored, () -> {
				int left = mountTargets(restored.id()).size();
				return left == 0 ? null : "deleting its " + left + " mount target(s)";
			});
		}
	}

	private List<MountTargetDescription> mountTargets(String fileSystemId) {
		try {
			return efs.describeMountTargets((r) -> r.fileSystemId(fileSystemId)).mountTargets();
		}
		catch (SdkException ex) {
			if (AwsErrors.isNotFound(ex)) {
				return List.of();
			}
			throw AwsErrors.translate("DescribeMountTargets " + fileSystemId, ex);
		}
	}

	/** The volume, or {@code null} when EC2 does not have it. */
	private Volume volume(String volumeId) {
		try {
			List<Volume> volumes = ec2.describeVolumes((r) -> r.volumeIds(volumeId)).volumes();
			return volumes.isEmpty() ? null : volumes.get(0);
		}
		catch (SdkException ex) {
			if (AwsErrors.isNotFound(ex)) {
				return null;
			}
			throw AwsErrors.translate("DescribeVolumes " + volumeId, ex);
		}
	}

	/** The file system, or {@code null} when EFS does not have it. */
	private FileSystemDescription fileSystem(String fileSystemId) {
		try {
			List<FileSystemDescription> found = efs.describeFileSystems((r) -> r.fileSystemId(fileSystemId))
				.fileSystems();
			return found.isEmpty() ? null : found.get(0);
		}
		catch (SdkException ex) {
			if (AwsErrors.isNotFound(ex)) {
				return null;
			}
			throw AwsErrors.translate("DescribeFileSystems " + fileSystemId, ex);
		}
	}

	private static void ignoringNotFound(String what, Supplier<?> call) {
		try {
			call.get();
		}
		catch (SdkException ex) {
			if (AwsErrors.isNotFound(ex) || (ex instanceof AwsServiceException aws
					&& AwsErrors.errorCode(aws).equals("MountTargetNotFound"))) {
				return;
			}
			CloudException translated = AwsErrors.translate(what, ex);
			boolean inUse = ex instanceof AwsServiceException aws && AwsErrors.errorCode(aws).equals("FileSystemInUse");
			throw inUse ? new CloudException(translated.getMessage() + "; try again once its mount targets are gone",
					true, ex) : translated;
		}
	}

	/**
	 * Asks {@code state} (which answers {@code null} once the resource is gone) until it
	 * is gone, for at most {@code deleteWait}.
	 */
	private void awaitGone(ProtectedResource restored, Supplier<String> state) {
		Instant until = clock.instant().plus(settings.deleteWait());
		long waitMillis = 100;
		String left = state.get();
		while (left != null) {
			if (!clock.instant().isBefore(until)) {
				throw new CloudException(name(restored) + " is still " + left + " " + settings.deleteWait().toSeconds()
						+ " s after its delete; delete it again later", true);
			}
			try {
				Thread.sleep(waitMillis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new CloudException("interrupted while following the deletion of " + restored.id(), true, ex);
			}
			waitMillis = Math.min(waitMillis * 2, 5_000);
			left = state.get();
		}
	}

	private static String name(ProtectedResource restored) {
		return (restored.kind() == ResourceKind.VOLUME ? "restored volume " : "restored file system ") + restored.id();
	}

}
