package io.wsbackup.cloud.local;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * The checksum manifest of one recovery point: one entry per regular file of its
 * {@code data/} tree.
 *
 * <p>
 * Two files hold it. {@code manifest.sha256} is in the format of GNU {@code sha256sum}
 * (hex digest, two spaces, path relative to {@code data/}, sorted by path; a path holding
 * a backslash or a line break is escaped and its line starts with a backslash), so an
 * operator can check a recovery point with {@code cd data && sha256sum -c
 * ../manifest.sha256}. {@code manifest.meta} is JSON and adds each file's size and
 * modification time, which the next snapshot of the same resource uses to decide that a
 * file is unchanged.
 */
final class Manifest {

	static final String CHECKSUM_FILE = "manifest.sha256";

	static final String META_FILE = "manifest.meta";

	/**
	 * One regular file of a recovery point.
	 *
	 * @param path relative to {@code data/}, with {@code /} separators
	 * @param size in bytes
	 * @param mtime the modification time of the source file when it was read
	 * @param sha256 lower-case hex digest of the content
	 */
	record Entry(String path, long size, Instant mtime, String sha256) {

	}

	/** The JSON shape of {@code manifest.meta}. */
	record Meta(List<Entry> files) {

	}

	private final Map<String, Entry> entries;

	private Manifest(Collection<Entry> entries) {
		Map<String, Entry> byPath = new LinkedHashMap<>();
		entries.stream().sorted(Comparator.comparing(Entry::path)).forEach((e) -> byPath.put(e.path(), e));
		this.entries = byPath;
	}

	static Manifest of(Collection<Entry> entries) {
		return new Manifest(entries);
	}

	static Manifest empty() {
		return new Manifest(List.of());
	}

	Map<String, Entry> entries() {
		return entries;
	}

	Entry get(String path) {
		return entries.get(path);
	}

	long totalBytes() {
		return entries.values().stream().mapToLong(Entry::size).sum();
	}

	/** Writes both files into the recovery point directory. */
	void write(Path recoveryPointDir, JsonMapper json) throws IOException {
		try (BufferedWriter out = Files.newBufferedWriter(recoveryPointDir.resolve(CHECKSUM_FILE),
				StandardCharsets.UTF_8)) {
			for (Entry e : entries.values()) {
				out.write(checksumLine(e.sha256(), e.path()));
				out.write('\n');
			}
		}
		json.writeValue(recoveryPointDir.resolve(META_FILE).toFile(), new Meta(List.copyOf(entries.values())));
	}

	/**
	 * Reads the size and time records of a recovery point, used to find unchanged files.
	 * A missing or unreadable {@code manifest.meta} gives an empty manifest: every file
	 * is then copied, which is slower but never wrong.
	 */
	static Manifest readMeta(Path recoveryPointDir, JsonMapper json) {
		Path meta = recoveryPointDir.resolve(META_FILE);
		if (!Files.isRegularFile(meta)) {
			return empty();
		}
		try {
			Meta read = json.readValue(meta.toFile(), Meta.class);
			return new Manifest(read.files() != null ? read.files() : List.of());
		}
		catch (RuntimeException ex) {
			return empty();
		}
	}

	/**
	 * Reads the checksums of {@code manifest.sha256}: path to hex digest, in file order.
	 * This is the reference a verification and a restore check the data against.
	 */
	static Map<String, String> readChecksums(Path recoveryPointDir) throws IOException {
		Map<String, String> checksums = new LinkedHashMap<>();
		for (String line : Files.readAllLines(recoveryPointDir.resolve(CHECKSUM_FILE), StandardCharsets.UTF_8)) {
			if (line.isEmpty()) {
				continue;
			}
			boolean escaped = line.startsWith("\\");
			String body = escaped ? line.substring(1) : line;
			int sep = body.indexOf("  ");
			if (sep != 64) {
				throw new IOException("malformed line in " + CHECKSUM_FILE + ": " + line);
			}
			String path = body.substring(sep + 2);
			checksums.put(escaped ? unescape(path) : path, body.substring(0, sep));
		}
		return checksums;
	}

	static String checksumLine(String sha256, String path) {
		if (path.indexOf('\\') >= 0 || path.indexOf('\n') >= 0 || path.indexOf('\r') >= 0) {
			return "\\" + sha256 + "  " + escape(path);
		}
		return sha256 + "  " + path;
	}

	private static String escape(String path) {
		return path.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
	}

	private static String unescape(String path) {
		StringBuilder out = new StringBuilder(path.length());
		for (int i = 0; i < path.length(); i++) {
			char c = path.charAt(i);
			if (c == '\\' && i + 1 < path.length()) {
				char next = path.charAt(++i);
				out.append(switch (next) {
					case 'n' -> '\n';
					case 'r' -> '\r';
					default -> next;
				});
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

}
