package io.wsbackup.cloud.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.wsbackup.workspace.StorageAdmission.Admitted;
import io.wsbackup.workspace.TestWorkspaces;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceStorage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which directories the local cloud accepts as a workspace's storage at registration,
 * with the reason of each refusal.
 */
class LocalStorageRulesTest {

	@TempDir
	Path tmp;

	private Path dataDir;

	private Path storage;

	private LocalStorageRules rules;

	@BeforeEach
	void setUp() throws IOException {
		dataDir = Files.createDirectories(tmp.resolve("data"));
		Files.createDirectories(dataDir.resolve("vaults"));
		Files.createDirectories(dataDir.resolve("restores"));
		Files.createDirectories(dataDir.resolve("db"));
		storage = Files.createDirectories(tmp.resolve("storage"));
		Files.createDirectories(storage.resolve("db-volume"));
		Files.createDirectories(storage.resolve("project-files"));
		rules = new LocalStorageRules(dataDir.resolve("vaults"), dataDir.resolve("restores"), dataDir, List.of());
	}

	private Admitted admit(List<String> volumes, String fs, List<Workspace> registered) {
		return rules.admit(new WorkspaceStorage(volumes, fs, false), registered);
	}

	@Test
	void existingDirectoriesAreAdmittedAsTheyAre() {
		Admitted admitted = admit(List.of(storage.resolve("db-volume").toString()),
				storage.resolve("project-files").toString(), List.of());

		assertThat(admitted.problems()).isEmpty();
		assertThat(admitted.notes()).isEmpty();
		assertThat(admitted.storage().volumes()).containsExactly(storage.resolve("db-volume").toString());
	}

	@Test
	void aSymbolicLinkIsResolvedToItsTargetAndSaysSo() throws IOException {
		Path link = Files.createSymbolicLink(tmp.resolve("link"), storage.resolve("db-volume"));

		Admitted admitted = admit(List.of(link.toString()), null, List.of());

		assertThat(admitted.problems()).isEmpty();
		assertThat(admitted.storage().volumes()).containsExactly(storage.resolve("db-volume").toRealPath().toString());
		assertThat(admitted.notes()).singleElement()
			.asString()
			.contains("volumes[0] " + link, "symbolic link", storage.resolve("db-volume").toRealPath().toString());
	}

	@Test
	void everyResourceThatCannotBeBackedUpIsNamedWithItsReason() throws IOException {
		Path file = Files.writeString(tmp.resolve("a-file"), "x");
		Admitted admitted = admit(List.of("relative/dir", tmp.resolve("missing").toString(), file.toString(),
				dataDir.resolve("vaults").resolve("v").toString(), dataDir.resolve("restores").toString(),
				dataDir.resolve("db").toString(), tmp.toString()), null, List.of());

		assertThat(admitted.problems()).containsExactly(
				"volumes[0] 'relative/dir' must be an absolute directory path (the local cloud backs up directories)",
				"volumes[1] " + tmp.resolve("missing") + " does not exist",
				"volumes[2] " + file + " is not a directory",
				"volumes[3] " + dataDir.resolve("vaults").resolve("v") + " does not exist",
				"volumes[4] " + dataDir.resolve("restores").toRealPath() + " is inside the restores of this runner",
				"volumes[5] " + dataDir.resolve("db").toRealPath() + " is inside the embedded database of this runner",
				"volumes[6] " + tmp.toRealPath() + " contains the vaults of this runner");
	}

	@Test
	void storageInsideTheDataDirButOutsideItsOwnTreesIsAllowedAndTheDataDirItselfIsNot() throws IOException {
		Path demo = Files.createDirectories(dataDir.resolve("demo/volume-db"));

		assertThat(admit(List.of(demo.toString()), null, List.of()).problems()).isEmpty();
		assertThat(admit(List.of(dataDir.toString()), null, List.of()).problems()).singleElement()
			.asString()
			.contains("contains the vaults of this runner");
	}

	@Test
	void storageOverlappingAnotherWorkspacesOrItsOwnIsRefused() {
		Workspace other = TestWorkspaces.withStorage(List.of(storage.resolve("db-volume").toString()), null);

		assertThat(admit(List.of(storage.resolve("db-volume").toString()), null, List.of(other)).problems())
			.singleElement()
			.asString()
			.contains("overlaps the volume", "of workspace " + other.name());
		assertThat(admit(List.of(storage.toString()), null, List.of(other)).problems()).singleElement()
			.asString()
			.contains("overlaps the volume");
		assertThat(admit(List.of(storage.resolve("project-files").toString()),
				storage.resolve("project-files").toString(), List.of())
			.problems()).singleElement().asString().contains("another resource of this workspace");
	}

	@Test
	void allowedRootsConfineRegistrations() throws IOException {
		Path allowed = Files.createDirectories(tmp.resolve("allowed/ws1"));
		rules = new LocalStorageRules(dataDir.resolve("vaults"), dataDir.resolve("restores"), dataDir,
				List.of(tmp.resolve("allowed")));

		assertThat(admit(List.of(allowed.toString()), null, List.of()).problems()).isEmpty();
		assertThat(admit(List.of(storage.resolve("db-volume").toString()), null, List.of()).problems()).singleElement()
			.asString()
			.contains("outside the trees this runner may back up", "wsbackup.cloud.local.allowed-roots");
	}

}
