package io.wsbackup.system.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The embedded default's admin token: a file holding one random token (32 bytes, hex),
 * created at the first start with mode 0600 (owner read/write only) and read at every
 * later start. Only the token's hash is kept in memory; the token itself is never logged.
 */
public final class AdminTokenFile {

	static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

	private static final SecureRandom RANDOM = new SecureRandom();

	private AdminTokenFile() {
	}

	/** What {@link #loadOrCreate} found. */
	record Loaded(byte[] hash, boolean created) {
	}

	/**
	 * The SHA-256 of the token in the file, which is created with a new random token when
	 * missing.
	 * @throws IllegalStateException when the file cannot be written or holds no token
	 */
	static Loaded loadOrCreate(Path file) {
		try {
			boolean created = false;
			if (!Files.exists(file)) {
				created = create(file);
			}
			String token = Files.readString(file, StandardCharsets.UTF_8).strip();
			if (token.isEmpty() || token.chars().anyMatch(Character::isWhitespace)) {
				throw new IllegalStateException(
						"the admin token file " + file + " holds no token: remove it and start again to get a new one");
			}
			if (Files.getFileStore(file).supportsFileAttributeView("posix")
					&& !OWNER_ONLY.containsAll(Files.getPosixFilePermissions(file))) {
				Files.setPosixFilePermissions(file, OWNER_ONLY);
			}
			return new Loaded(HashedTokens.sha256(token), created);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read or write the admin token file " + file, ex);
		}
	}

	private static boolean create(Path file) throws IOException {
		Path dir = file.toAbsolutePath().getParent();
		Files.createDirectories(dir);
		byte[] random = new byte[32];
		RANDOM.nextBytes(random);
		Path temporary = dir.resolve(file.getFileName() + ".new");
		Files.deleteIfExists(temporary);
		if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
			Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
		}
		else {
			Files.createFile(temporary);
		}
		Files.writeString(temporary, HexFormat.of().formatHex(random) + "\n", StandardCharsets.UTF_8);
		try {
			// a rename on the same file system; refused when another runner on the same
			// data dir wrote its token first, which is then kept
			Files.move(temporary, file);
			return true;
		}
		catch (FileAlreadyExistsException raced) {
			Files.deleteIfExists(temporary);
			return false;
		}
	}

}
