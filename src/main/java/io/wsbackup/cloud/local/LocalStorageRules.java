package io.wsbackup.cloud.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.wsbackup.workspace.ProtectedResource;
import io.wsbackup.workspace.ResourceKind;
import io.wsbackup.workspace.StorageAdmission.Admitted;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceStorage;

/**
 * Which directories the {@code local} cloud accepts as a workspace's storage: an absolute
 * path of an existing directory, kept by its real path (a symbolic link is resolved, so
 * that its target's content is backed up, and the registration says so), never inside nor
 * a parent of the vaults, the restores, the embedded database or the data dir itself, nor
 * of another workspace's storage (or of another resource of the same workspace), and,
 * when {@code wsbackup.cloud.local.allowed-roots} is set, inside one of those trees.
 */
final class LocalStorageRules {

	/** A tree no workspace's storage may be inside of, nor contain. */
	private record Zone(Path path, String what) {
	}

	private final List<Zone> reserved;

	/**
	 * The data dir: a workspace's storage may lie inside it (the demo's does), never
	 * contain it.
	 */
	private final Path dataDir;

	private final List<Path> allowedRoots;

	LocalStorageRules(Path vaultsRoot, Path restoresRoot, Path dataDir, List<Path> allowedRoots) {
		List<Zone> zones = new ArrayList<>();
		zones.add(new Zone(real(vaultsRoot), "the vaults"));
		zones.add(new Zone(real(restoresRoot), "the restores"));
		if (dataDir != null) {
			zones.add(new Zone(real(dataDir.resolve("db")), "the embedded database"));
		}
		this.reserved = List.copyOf(zones);
		this.dataDir = dataDir == null ? null : real(dataDir);
		this.allowedRoots = allowedRoots.stream().map(LocalStorageRules::real).toList();
	}

	Admitted admit(WorkspaceStorage storage, List<Workspace> registered) {
		List<String> notes = new ArrayList<>();
		List<String> problems = new ArrayList<>();
		List<String> volumes = new ArrayList<>();
		List<Path> admitted = new ArrayList<>();
		for (int i = 0; i < storage.volumes().size(); i++) {
			Path real = check(storage.volumes().get(i), "volumes[" + i + "]", registered, admitted, notes, problems);
			volumes.add(real == null ? storage.volumes().get(i) : real.toString());
		}
		String sharedFileSystem = storage.sharedFileSystem();
		if (sharedFileSystem != null && !sharedFileSystem.isBlank()) {
			Path real = check(sharedFileSystem, "sharedFileSystem", registered, admitted, notes, problems);
			sharedFileSystem = real == null ? sharedFileSystem : real.toString();
		}
		return new Admitted(new WorkspaceStorage(volumes, sharedFileSystem, storage.externalNfs()), notes, problems);
	}

	/** The real path of one resource, or {@code null} with a problem said. */
	private Path check(String id, String field, List<Workspace> registered, List<Path> admitted, List<String> notes,
			List<String> problems) {
		Path given;
		try {
			given = Path.of(id);
		}
		catch (InvalidPathException ex) {
			problems.add(field + " '" + id + "' is not a valid path");
			return null;
		}
		if (!given.isAbsolute()) {
			problems.add(field + " '" + id + "' must be an absolute directory path (the local cloud backs up "
					+ "directories)");
			return null;
		}
		if (!Files.exists(given)) {
			problems.add(field + " " + given + " does not exist");
			return null;
		}
		if (!Files.isDirectory(given)) {
			problems.add(field + " " + given + " is not a directory");
			return null;
		}
		Path real;
		try {
			real = given.toRealPath();
		}
		catch (IOException ex) {
			problems.add(field + " " + given + " cannot be resolved: " + FileTrees.describe(ex));
			return null;
		}
		if (!real.equals(given.normalize())) {
			notes.add(field + " " + given + " is reached through a symbolic link: its target " + real
					+ " is what is backed up");
		}
		for (Zone zone : reserved) {
			if (overlaps(real, zone.path())) {
				problems.add(field + " " + real + (real.startsWith(zone.path()) ? " is inside " : " contains ")
						+ zone.what() + " of this runner");
				return null;
			}
		}
		if (dataDir != null && dataDir.startsWith(real)) {
			problems.add(field + " " + real + " contains the runner's data dir");
			return null;
		}
		if (!allowedRoots.isEmpty() && allowedRoots.stream().noneMatch(real::startsWith)) {
			problems.add(field + " " + real + " is outside the trees this runner may back up "
					+ "(wsbackup.cloud.local.allowed-roots)");
			return null;
		}
		for (Path other : admitted) {
			if (overlaps(real, other)) {
				problems.add(field + " " + real + " overlaps " + other + ", another resource of this workspace");
				return null;
			}
		}
		for (Workspace workspace : registered) {
			for (ProtectedResource resource : workspace.storage().protectedResources()) {
				Path theirs = realOrNull(resource.id());
				if (theirs != null && overlaps(real, theirs)) {
					problems.add(field + " " + real + " overlaps the " + describe(resource) + " " + theirs
							+ " of workspace " + workspace.name() + " (" + workspace.environmentName() + ")");
					return null;
				}
			}
		}
		admitted.add(real);
		return real;
	}

	private static String describe(ProtectedResource resource) {
		return resource.kind() == ResourceKind.VOLUME ? "volume" : "shared file system";
	}

	/** Equal, or one inside the other. */
	private static boolean overlaps(Path a, Path b) {
		return a.startsWith(b) || b.startsWith(a);
	}

	private static Path realOrNull(String id) {
		try {
			Path path = Path.of(id);
			return path.isAbsolute() ? real(path) : null;
		}
		catch (InvalidPathException ex) {
			return null;
		}
	}

	/** The real path where it exists, else the absolute normalized one. */
	private static Path real(Path path) {
		Path absolute = path.toAbsolutePath().normalize();
		try {
			return absolute.toRealPath();
		}
		catch (IOException ex) {
			return absolute;
		}
	}

}
