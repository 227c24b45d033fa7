package io.wsbackup.cloud.local;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * File-tree helpers of the local cloud: walking a tree without following links, copying a
 * file while hashing it, keeping times and permissions, and deleting a tree even where it
 * was made read-only.
 */
final class FileTrees {

	private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

	private static final int BUFFER_SIZE = 64 * 1024;

	/**
	 * The chunk of a copy: large enough that a big file takes few system calls, small
	 * enough that a throttled or cancelled copy reacts within a chunk.
	 */
	private static final int COPY_BUFFER_SIZE = 1024 * 1024;

	private FileTrees() {
	}

	enum Kind {

		DIRECTORY, FILE, SYMLINK

	}

	/**
	 * One node of a walked tree.
	 *
	 * @param relativePath relative to the root, {@code /} separated; empty for the root
	 * itself
	 * @param path the absolute path
	 * @param kind directory, regular file or symbolic link
	 * @param size the size of a regular file, else 0
	 * @param mtime the modification time
	 * @param permissions the POSIX permissions, or {@code null} where the file system has
	 * none
	 */
	record Node(String relativePath, Path path, Kind kind, long size, FileTime mtime,
			Set<PosixFilePermission> permissions) {

	}

	/**
	 * Walks a tree in pre-order (a directory before its content), without following
	 * symbolic links. Sockets, pipes and devices are skipped: they hold no data to copy.
	 * @throws IOException naming the path that could not be read
	 */
	static List<Node> walk(Path root) throws IOException {
		return walk(root, (special) -> {
		});
	}

	/**
	 * Walks a tree as {@link #walk(Path)} does, handing each socket, pipe or device it
	 * leaves out to {@code special}.
	 */
	static List<Node> walk(Path root, java.util.function.Consumer<Path> special) throws IOException {
		List<Node> nodes = new ArrayList<>();
		Files.walkFileTree(root, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
				nodes.add(node(root, dir, Kind.DIRECTORY, attrs));
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
				if (attrs.isSymbolicLink()) {
					nodes.add(node(root, file, Kind.SYMLINK, attrs));
				}
				else if (attrs.isRegularFile()) {
					nodes.add(node(root, file, Kind.FILE, attrs));
				}
				else if (attrs.isOther()) {
					special.accept(file);
				}
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFileFailed(Path file, IOException ex) throws IOException {
				throw new IOException("cannot read " + file + ": " + describe(ex), ex);
			}

		});
		return nodes;
	}

	private static Node node(Path root, Path path, Kind kind, BasicFileAttributes attrs) {
		Set<PosixFilePermission> permissions = (attrs instanceof PosixFileAttributes posix) ? posix.permissions()
				: null;
		if (permissions == null && POSIX && kind != Kind.SYMLINK) {
			try {
				permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
			}
			catch (IOException ex) {
				permissions = null;
			}
		}
		return new Node(relative(root, path), path, kind, kind == Kind.FILE ? attrs.size() : 0,
				attrs.lastModifiedTime(), permissions);
	}

	/** What kind of special file this is: a FIFO, a socket, a device. */
	static String specialKind(Path path) {
		try {
			int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
			return switch (mode & 0170000) {
				case 0010000 -> "FIFO";
				case 0140000 -> "socket";
				case 0020000 -> "character device";
				case 0060000 -> "block device";
				default -> "special file";
			};
		}
		catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException ex) {
			return "special file";
		}
	}

	/** The path of {@code path} relative to {@code root}, {@code /} separated. */
	static String relative(Path root, Path path) {
		return root.relativize(path).toString().replace(File.separatorChar, '/');
	}

	/**
	 * Copies regular files into new files while hashing them, reusing its buffers and its
	 * digest from file to file: one per copying thread.
	 */
	static final class Copier {

		/** What the file is read into and written from, without a copy by the JDK. */
		private final ByteBuffer buffer = ByteBuffer.allocateDirect(COPY_BUFFER_SIZE);

		/** The same bytes again, for the digest, whose fast path works on arrays. */
		private final byte[] bytes = new byte[COPY_BUFFER_SIZE];

		private final MessageDigest digest = sha256();

		/**
		 * Copies a regular file into a new file while hashing it, in one pass over the
		 * data: the checksum is that of the very bytes written. Every chunk is reported
		 * to the job (which counts the bytes, throttles, and stops the copy when asked).
		 * @return the SHA-256 of the bytes written, as lower-case hex
		 */
		String copyAndHash(Path source, Path target, ActiveJob job) throws IOException {
			digest.reset();
			try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
					FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW,
							StandardOpenOption.WRITE)) {
				int read;
				while ((read = readChunk(in)) > 0) {
					job.checkStop();
					buffer.get(bytes, 0, read);
					digest.update(bytes, 0, read);
					buffer.rewind();
					while (buffer.hasRemaining()) {
						out.write(buffer);
					}
					job.transferred(read);
				}
			}
			return HexFormat.of().formatHex(digest.digest());
		}

		/**
		 * Fills the buffer from the file, up to its end; the bytes read, 0 at the end.
		 */
		private int readChunk(FileChannel in) throws IOException {
			buffer.clear();
			while (buffer.hasRemaining() && in.read(buffer) >= 0) {
				// a file read may return less than asked for before its end
			}
			buffer.flip();
			return buffer.remaining();
		}

	}

	/** The SHA-256 of a file's content, as lower-case hex. */
	static String hashFile(Path file) throws IOException {
		MessageDigest digest = sha256();
		byte[] buffer = new byte[BUFFER_SIZE];
		try (InputStream in = Files.newInputStream(file)) {
			int read;
			while ((read = in.read(buffer)) > 0) {
				digest.update(buffer, 0, read);
			}
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	static String sha256Hex(byte[] bytes) {
		return HexFormat.of().formatHex(sha256().digest(bytes));
	}

	/**
	 * Gives a copy the modification time and the POSIX permissions of its source, where
	 * the platform allows.
	 */
	static void copyAttributes(Node source, Path target) throws IOException {
		if (source.kind() == Kind.SYMLINK) {
			return;
		}
		if (source.permissions() != null && POSIX) {
			Files.setPosixFilePermissions(target, source.permissions());
		}
		Files.setLastModifiedTime(target, source.mtime());
	}

	/**
	 * Deletes a tree if it exists, making its directories writable first where they were
	 * not.
	 */
	static void deleteTree(Path root) throws IOException {
		if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		Files.walkFileTree(root, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
				if (POSIX && !Files.isWritable(dir)) {
					Set<PosixFilePermission> permissions = EnumSet
						.copyOf(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS));
					permissions.addAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
							PosixFilePermission.OWNER_EXECUTE));
					Files.setPosixFilePermissions(dir, permissions);
				}
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
				Files.deleteIfExists(file);
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFileFailed(Path file, IOException ex) throws IOException {
				if (ex instanceof NoSuchFileException) {
					return FileVisitResult.CONTINUE;
				}
				throw ex;
			}

			@Override
			public FileVisitResult postVisitDirectory(Path dir, IOException ex) throws IOException {
				if (ex != null && !(ex instanceof NoSuchFileException)) {
					throw ex;
				}
				Files.deleteIfExists(dir);
				return FileVisitResult.CONTINUE;
			}

		});
	}

	/** A short description of an I/O error: its type and message. */
	static String describe(Throwable ex) {
		if (ex instanceof java.nio.file.FileSystemException fs) {
			String reason = fs.getReason() != null ? fs.getReason() : reasonOf(fs);
			String where = fs.getFile() == null ? null
					: fs.getOtherFile() == null ? fs.getFile() : fs.getFile() + " -> " + fs.getOtherFile();
			return where == null ? reason : where + ": " + reason;
		}
		return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
	}

	/**
	 * What a file system exception without a reason means, in words (an operator reads
	 * it, not a Java class name).
	 */
	private static String reasonOf(java.nio.file.FileSystemException ex) {
		if (ex instanceof java.nio.file.NoSuchFileException) {
			return "no such file or directory";
		}
		if (ex instanceof java.nio.file.AccessDeniedException) {
			return "permission denied";
		}
		if (ex instanceof java.nio.file.FileAlreadyExistsException) {
			return "it already exists";
		}
		if (ex instanceof java.nio.file.DirectoryNotEmptyException) {
			return "the directory is not empty";
		}
		if (ex instanceof java.nio.file.NotDirectoryException) {
			return "not a directory";
		}
		if (ex instanceof java.nio.file.NotLinkException) {
			return "not a symbolic link";
		}
		return "file system error";
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java platform has SHA-256", ex);
		}
	}

}
