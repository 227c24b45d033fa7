package io.wsbackup.system.security;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded default's generated admin token file. */
class AdminTokenFileTest {

	@TempDir
	Path dir;

	@Test
	void theFirstStartWritesARandomTokenReadableByItsOwnerOnlyAndLaterStartsReuseIt() throws Exception {
		Path file = dir.resolve("data").resolve("admin-token");

		AdminTokenFile.Loaded first = AdminTokenFile.loadOrCreate(file);

		assertThat(first.created()).isTrue();
		String token = Files.readString(file, StandardCharsets.UTF_8).strip();
		assertThat(token).matches("[0-9a-f]{64}");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		assertThat(first.hash()).isEqualTo(HashedTokens.sha256(token));
		assertThat(Files.list(file.getParent())).containsExactly(file);

		AdminTokenFile.Loaded second = AdminTokenFile.loadOrCreate(file);
		assertThat(second.created()).isFalse();
		assertThat(second.hash()).isEqualTo(first.hash());
		assertThat(Files.readString(file, StandardCharsets.UTF_8).strip()).isEqualTo(token);
	}

	@Test
	void anotherDataDirGetsAnotherToken() {
		byte[] one = AdminTokenFile.loadOrCreate(dir.resolve("one/admin-token")).hash();
		byte[] two = AdminTokenFile.loadOrCreate(dir.resolve("two/admin-token")).hash();
		assertThat(one).isNotEqualTo(two);
	}

	@Test
	void aFileLeftReadableByOthersIsMadeOwnerOnlyAndAnEmptyOneIsRefused() throws Exception {
		Path loose = dir.resolve("loose");
		Files.writeString(loose, "my-own-token\n");
		Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
		assertThat(AdminTokenFile.loadOrCreate(loose).hash()).isEqualTo(HashedTokens.sha256("my-own-token"));
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(loose))).isEqualTo("rw-------");

		Path empty = Files.writeString(dir.resolve("empty"), "  \n");
		assertThatThrownBy(() -> AdminTokenFile.loadOrCreate(empty)).hasMessageContaining("holds no token")
			.hasMessageContaining("remove it");
	}

}
