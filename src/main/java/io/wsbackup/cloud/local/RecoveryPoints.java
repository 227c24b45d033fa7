package io.wsbackup.cloud.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import io.wsbackup.cloud.CloudException;
import io.wsbackup.workspace.ProtectedResource;

/**
 * The recovery points in the vaults of the local cloud: each is a directory
 * {@code <vault>/rp-<yyyyMMddHHmmss>-<hex>/} holding {@code data/},
 * {@code manifest.sha256}, {@code manifest.meta} and {@code recovery-point.json}, which a
 * snapshot job writes last. They are listed, read, verified against their manifest and
 * deleted here.
 */
final class RecoveryPoints {

	private static final Logger log = LoggerFactory.getLogger(RecoveryPoints.class);

	static final String DATA_DIR = "data";

	static final String DELETING_PREFIX = ".deleting-";

	private static final Pattern RECOVERY_POINT_ID = Pattern.compile("rp-\\d{14}-[0-9a-f]{8}");

	private static final DateTimeFormatter RECOVERY_POINT_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
		.withZone(ZoneOffset.UTC);

	private final Vaults vaults;

	private final JsonMapper json;

	RecoveryPoints(Vaults vaults, JsonMapper json) {
		this.vaults = vaults;
		this.json = json;
	}

	/** A new recovery point id, named after the time its snapshot starts. */
	static String newId(Instant now) {
		return "rp-" + RECOVERY_POINT_TIME.format(now) + "-"
				+ HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
	}

	/** The directory of a recovery point, which may not exist. */
	Path dir(String vaultName, String recoveryPointId) {
		return vaults.dir(vaultName).resolve(recoveryPointId);
	}

	/** Reads and writes the recovery points' JSON files. */
	JsonMapper json() {
		return json;
	}

	/**
	 * The complete recovery points of a vault, oldest first; unreadable ones are skipped.
	 */
	List<RecoveryPointInfo> list(String vaultName) {
		List<RecoveryPointInfo> points = new ArrayList<>();
		for (Path dir : Vaults.subdirectories(vaults.dir(vaultName), "rp-*")) {
			if (!Files.isRegularFile(dir.resolve(RecoveryPointInfo.FILE))) {
				continue;
			}
			try {
				points.add(read(dir));
			}
			catch (RuntimeException ex) {
				log.warn("Skipping the unreadable recovery point {}: {}", dir, ex.getMessage());
			}
		}
		points
			.sort(Comparator.comparing(RecoveryPointInfo::createdAt).thenComparing(RecoveryPointInfo::recoveryPointId));
		return points;
	}

	/**
	 * One complete recovery point.
	 * @throws CloudException (non-retryable) when the vault has no such recovery point or
	 * it is unreadable
	 */
	RecoveryPointInfo get(String vaultName, String recoveryPointId) {
		checkId(recoveryPointId);
		Path dir = dir(vaultName, recoveryPointId);
		if (!Files.isRegularFile(dir.resolve(RecoveryPointInfo.FILE))) {
			throw new CloudException("recovery point " + recoveryPointId + " not found in vault " + vaultName, false);
		}
		try {
			return read(dir);
		}
		catch (RuntimeException ex) {
			throw new CloudException("recovery point " + recoveryPointId + " of vault " + vaultName + " is unreadable: "
					+ ex.getMessage(), false, ex);
		}
	}

	/** The newest recovery point of this resource in the vault, if any. */
	Optional<RecoveryPointInfo> latest(String vaultName, ProtectedResource resource) {
		List<RecoveryPointInfo> points = list(vaultName);
		for (int i = points.size() - 1; i >= 0; i--) {
			if (points.get(i).resource().equals(resource)) {
				return Optional.of(points.get(i));
			}
		}
		return Optional.empty();
	}

	/** The {@code recovery-point.json} of the recovery point in {@code dir}. */
	RecoveryPointInfo read(Path dir) {
		return json.readValue(dir.resolve(RecoveryPointInfo.FILE).toFile(), RecoveryPointInfo.class);
	}

	/**
	 * Deletes a recovery point, first moving it out of sight; deleting an absent one does
	 * nothing.
	 * @throws CloudException (retryable) when it cannot be deleted
	 */
	void delete(String vaultName, String recoveryPointId) {
		checkId(recoveryPointId);
		Path vault = vaults.dir(vaultName);
		Path dir = vault.resolve(recoveryPointId);
		if (!Files.exists(dir)) {
			log.debug("Recovery point {} of vault {} is already gone", recoveryPointId, vaultName);
			return;
		}
		Path doomed = vault.resolve(DELETING_PREFIX + recoveryPointId);
		try {
			// out of sight first, so that no one lists, links to or restores a
			// half-deleted recovery point
			Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
			FileTrees.deleteTree(doomed);
			log.info("Recovery point {} of vault {} deleted", recoveryPointId, vaultName);
		}
		catch (IOException ex) {
			throw new CloudException("cannot delete recovery point " + recoveryPointId + " of vault " + vaultName + ": "
					+ FileTrees.describe(ex), true, ex);
		}
	}

	/**
	 * Checks a recovery point against its manifest: every file listed is present, a
	 * regular file, with its size and checksum, and no other file is in its data.
	 * @return one line per problem, naming the file ({@code checksum mismatch} with its
	 * size, {@code missing}, {@code not in the manifest}, a directory or link where a
	 * file was); empty when the recovery point is intact
	 * @throws CloudException (non-retryable) when the vault has no such recovery point
	 */
	List<String> verify(String vaultName, String recoveryPointId) {
		RecoveryPointInfo info = get(vaultName, recoveryPointId);
		Path dir = dir(vaultName, info.recoveryPointId());
		List<String> problems = compareWithManifest(dir, dir.resolve(DATA_DIR), DATA_DIR);
		if (!problems.isEmpty()) {
			log.warn("Recovery point {} of vault {} is damaged: {}", recoveryPointId, vaultName, problems);
		}
		return problems;
	}

	/**
	 * Compares a tree with the manifest of a recovery point: every file the manifest
	 * lists is present in {@code tree}, a regular file, with its checksum (and its size,
	 * when {@code manifest.meta} records it), and no other regular file is there. Links
	 * and directories the manifest does not list are not compared. It checks a recovery
	 * point's own {@code data/} and a restored copy of it alike; an absent tree is an
	 * empty one.
	 * @param recoveryPointDir the recovery point whose manifest is the reference
	 * @param tree the directory to check
	 * @param treeName how a problem with the whole tree names it
	 * @return one line per problem, starting with the file's path relative to
	 * {@code tree} ({@code checksum mismatch} with its size, {@code missing},
	 * {@code not in the manifest}, a directory or link where a file was), or with
	 * {@value Manifest#CHECKSUM_FILE} or {@code treeName} when either cannot be read
	 */
	List<String> compareWithManifest(Path recoveryPointDir, Path tree, String treeName) {
		List<String> problems = new ArrayList<>();
		Map<String, String> expected;
		try {
			expected = new LinkedHashMap<>(Manifest.readChecksums(recoveryPointDir));
		}
		catch (IOException ex) {
			return List.of(Manifest.CHECKSUM_FILE + ": unreadable or missing (" + FileTrees.describe(ex) + ")");
		}
		List<FileTrees.Node> nodes;
		try {
			nodes = Files.isDirectory(tree) ? FileTrees.walk(tree) : List.of();
		}
		catch (IOException ex) {
			return List.of(treeName + ": unreadable (" + FileTrees.describe(ex) + ")");
		}
		Manifest sizes = Manifest.readMeta(recoveryPointDir, json);
		for (FileTrees.Node node : nodes) {
			if (node.kind() != FileTrees.Kind.FILE) {
				if (expected.remove(node.relativePath()) != null) {
					problems.add(node.relativePath() + ": a " + node.kind().name().toLowerCase()
							+ ", not the regular file the manifest lists");
				}
				continue;
			}
			String sha256 = expected.remove(node.relativePath());
			if (sha256 == null) {
				problems.add(node.relativePath() + ": not in the manifest");
				continue;
			}
			Manifest.Entry recorded = sizes.get(node.relativePath());
			String size = (recorded == null || recorded.size() == node.size()) ? ""
					: "; size " + node.size() + " bytes, the manifest's " + recorded.size();
			try {
				String actual = FileTrees.hashFile(node.path());
				if (!actual.equals(sha256)) {
					problems.add(node.relativePath() + ": checksum mismatch (manifest " + sha256 + ", data " + actual
							+ ")" + size);
				}
			}
			catch (IOException ex) {
				problems.add(node.relativePath() + ": unreadable (" + FileTrees.describe(ex) + ")");
			}
		}
		expected.keySet().forEach((path) -> problems.add(path + ": missing"));
		return problems;
	}

	private static void checkId(String recoveryPointId) {
		if (recoveryPointId == null || !RECOVERY_POINT_ID.matcher(recoveryPointId).matches()) {
			throw new CloudException("invalid recovery point id '" + recoveryPointId + "'", false);
		}
	}

}
