package io.wsbackup.cloud.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wsbackup.cloud.CloudException;
import io.wsbackup.workspace.ProtectedResource;

/**
 * The drill side of the local cloud: the directories restore jobs created under the
 * restores directory, checked against the manifest of the recovery point they were
 * restored from (with the comparison {@link RecoveryPoints#verify} makes of a recovery
 * point's own data) and deleted. Only a directory inside the restores directory is ever
 * deleted, and never through a symbolic link.
 */
final class RestoredDirectories {

	private static final Logger log = LoggerFactory.getLogger(RestoredDirectories.class);

	/** The directory under the restores directory a drill's restores go to. */
	static final String DRILLS = "drills";

	private final Path restoresRoot;

	private final RecoveryPoints recoveryPoints;

	/**
	 * @param restoresRoot absolute and normalized
	 */
	RestoredDirectories(Path restoresRoot, RecoveryPoints recoveryPoints) {
		this.restoresRoot = restoresRoot.resolve(DRILLS);
		this.recoveryPoints = recoveryPoints;
	}

	/** @see io.wsbackup.cloud.CloudPort#verifyRestored */
	List<String> verify(ProtectedResource restored, String vaultName, String recoveryPointId) {
		String name = "restored directory " + restored.id() + " (from recovery point " + recoveryPointId + " of vault "
				+ vaultName + ")";
		Path directory;
		try {
			directory = Path.of(restored.id());
		}
		catch (InvalidPathException ex) {
			return List.of(name + " is not a valid path");
		}
		if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
			return List.of(name + " does not exist" + (Files.exists(directory, LinkOption.NOFOLLOW_LINKS)
					? " as a directory (something else is at that path)" : ""));
		}
		try {
			recoveryPoints.get(vaultName, recoveryPointId);
		}
		catch (CloudException ex) {
			return List.of(name + " cannot be checked: " + ex.getMessage());
		}
		List<String> problems = recoveryPoints
			.compareWithManifest(recoveryPoints.dir(vaultName, recoveryPointId), directory, directory.toString())
			.stream()
			.map((problem) -> "restored directory " + directory + ": " + problem)
			.toList();
		if (problems.isEmpty()) {
			log.info("Restored directory {} matches the manifest of recovery point {}", directory, recoveryPointId);
		}
		else {
			log.warn("Restored directory {} differs from recovery point {} of vault {}: {}", directory, recoveryPointId,
					vaultName, problems);
		}
		return problems;
	}

	/**
	 * Deletes a restored directory and everything in it; an absent one is already
	 * deleted.
	 * @throws CloudException non-retryable when the path is not a directory inside the
	 * restores directory (or reaches it through a symbolic link), retryable when it could
	 * not be deleted
	 */
	void delete(ProtectedResource restored) {
		Path directory = inside(restored.id());
		if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
			log.debug("Restored directory {} is already gone", directory);
			return;
		}
		if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
			throw new CloudException("refusing to delete " + directory + ": it is not a directory a restore created ("
					+ (Files.isSymbolicLink(directory) ? "a symbolic link" : "not a directory") + ")", false);
		}
		try {
			FileTrees.deleteTree(directory);
		}
		catch (IOException ex) {
			throw new CloudException(
					"cannot delete restored directory " + directory + ": " + FileTrees.describe(ex) + "; try again",
					true, ex);
		}
		log.info("Restored directory {} deleted", directory);
	}

	/**
	 * The path, normalized, when it lies strictly inside the restores directory, also
	 * once the links of its parents are resolved.
	 */
	private Path inside(String id) {
		Path path;
		try {
			path = Path.of(id);
		}
		catch (InvalidPathException ex) {
			throw new CloudException("refusing to delete '" + id + "': not a valid path", false, ex);
		}
		Path normalized = path.toAbsolutePath().normalize();
		if (!path.isAbsolute() || !normalized.startsWith(restoresRoot) || normalized.equals(restoresRoot)) {
			throw refused(id);
		}
		try {
			// a parent may be a link out of the restores directory: compare real paths
			Path parent = normalized.getParent();
			if (Files.exists(parent) && Files.exists(restoresRoot)
					&& !parent.toRealPath().startsWith(restoresRoot.toRealPath())) {
				throw refused(id);
			}
		}
		catch (IOException ex) {
			throw new CloudException("cannot check where " + id + " lies: " + FileTrees.describe(ex), true, ex);
		}
		return normalized;
	}

	private CloudException refused(String id) {
		return new CloudException(
				"refusing to delete " + id + ": it is not inside the drills' restores directory " + restoresRoot
						+ ", so no drill's restore created it (a restored workspace's storage is never deleted)",
				false);
	}

}
