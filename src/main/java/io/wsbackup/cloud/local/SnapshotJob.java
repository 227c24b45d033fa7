package io.wsbackup.cloud.local;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import io.wsbackup.cloud.CloudJobState;
import io.wsbackup.workspace.ProtectedResource;

/**
 * The worker of one snapshot job: walks the resource directory, then builds
 * {@code <vault>/.partial-<jobId>/} (data, manifest, recovery-point.json) and renames it
 * to {@code <vault>/<recoveryPointId>/} once complete. Files unchanged since the previous
 * recovery point of the same resource (same path, size and modification time) are
 * hard-linked to it and keep its checksum; the others are copied and hashed in one pass.
 * Files are copied or linked on up to {@link LocalJob#COPY_THREADS} threads at once.
 * Symbolic links are kept as links, empty directories are kept, modification times and
 * POSIX permissions are kept.
 *
 * <p>
 * Restarting it from scratch is always safe: the partial directory is deleted first, and
 * when the recovery point already exists (the previous attempt died after the rename) the
 * job just completes.
 */
final class SnapshotJob extends LocalJob {

	private final RecoveryPoints recoveryPoints;

	SnapshotJob(LocalJobs jobs, RecoveryPoints recoveryPoints, ActiveJob job) {
		super(jobs, job);
		this.recoveryPoints = recoveryPoints;
	}

	@Override
	Path partialDir(JobRecord record) {
		return recoveryPoints.dir(record.vaultName(), record.recoveryPointId())
			.resolveSibling(PARTIAL_PREFIX + record.jobId());
	}

	@Override
	boolean completedBefore(JobRecord record) {
		Path target = recoveryPoints.dir(record.vaultName(), record.recoveryPointId());
		if (!Files.isRegularFile(target.resolve(RecoveryPointInfo.FILE))) {
			return false;
		}
		RecoveryPointInfo done = recoveryPoints.read(target);
		job.update(record.running(record.startedAt(), done.sizeBytes()));
		return true;
	}

	@Override
	void work(JobRecord record, Path partial) throws IOException {
		snapshot(record, partial, recoveryPoints.dir(record.vaultName(), record.recoveryPointId()));
	}

	@Override
	String describe(JobRecord record) {
		return "Snapshot job " + record.jobId() + " of " + record.resourceId();
	}

	private void snapshot(JobRecord record, Path partial, Path target) throws IOException {
		Path given = Path.of(record.resourceId());
		if (!Files.exists(given)) {
			throw new IOException("the resource directory " + given + " does not exist (removed, or not mounted?)");
		}
		if (!Files.isDirectory(given)) {
			throw new IOException(given + " is not a directory: the local cloud backs up directories");
		}
		// a directory reached through a symbolic link: its target's content is what is
		// protected, never the link
		Path source = given.toRealPath();
		List<Path> special = new ArrayList<>();
		List<FileTrees.Node> tree = FileTrees.walk(source, special::add);
		long total = tree.stream().mapToLong(FileTrees.Node::size).sum();
		job.running(total);
		log.info("Snapshot job {} of {}: {} entries, {} bytes", record.jobId(), source, tree.size(), total);

		Optional<RecoveryPointInfo> previous = recoveryPoints.latest(record.vaultName(),
				new ProtectedResource(record.resourceKind(), record.resourceId()));
		boolean empty = tree.stream().noneMatch((node) -> node.kind() != FileTrees.Kind.DIRECTORY);
		if (empty && previous.isPresent() && previous.get().fileCount() > 0) {
			throw new IOException("the resource directory " + source + " is empty, but its previous recovery point "
					+ previous.get().recoveryPointId() + " holds " + previous.get().fileCount() + " file(s) ("
					+ previous.get().sizeBytes() + " bytes): a snapshot of nothing would protect nothing. If the "
					+ "storage is not mounted, mount it and restart the backup");
		}
		Path previousData = previous
			.map((rp) -> recoveryPoints.dir(record.vaultName(), rp.recoveryPointId()).resolve(RecoveryPoints.DATA_DIR))
			.orElse(null);
		Manifest previousManifest = previous
			.map((rp) -> Manifest.readMeta(recoveryPoints.dir(record.vaultName(), rp.recoveryPointId()),
					recoveryPoints.json()))
			.orElse(Manifest.empty());

		Path data = partial.resolve(RecoveryPoints.DATA_DIR);
		Files.createDirectories(partial);
		// directories first, a level at a time (a directory needs its parent only);
		// then links; then the files, on several threads
		List<FileTrees.Node> directories = new ArrayList<>();
		List<FileTrees.Node> files = new ArrayList<>();
		for (FileTrees.Node node : tree) {
			switch (node.kind()) {
				case DIRECTORY -> directories.add(node);
				case FILE -> files.add(node);
				case SYMLINK -> {
				}
			}
		}
		createDirectories(directories, data, (node, ex) -> ioError(node, source, ex));
		for (FileTrees.Node node : tree) {
			if (node.kind() == FileTrees.Kind.SYMLINK) {
				job.checkStop();
				try {
					Files.createSymbolicLink(data.resolve(node.relativePath()), Files.readSymbolicLink(node.path()));
				}
				catch (IOException ex) {
					throw ioError(node, source, ex);
				}
			}
		}
		Queue<Manifest.Entry> entries = new ConcurrentLinkedQueue<>();
		AtomicLong copied = new AtomicLong();
		AtomicLong linked = new AtomicLong();
		ParallelWork.forEach(files, COPY_THREADS, jobs.executor(), FileTrees.Copier::new, (copier, node) -> {
			Path copy = data.resolve(node.relativePath());
			try {
				jobs.beforeSnapshotFile(node.relativePath());
				job.checkStop();
				Manifest.Entry before = previousManifest.get(node.relativePath());
				String sha256 = (before != null) ? link(node, before, previousData, copy) : null;
				if (sha256 != null) {
					linked.incrementAndGet();
				}
				else {
					sha256 = copier.copyAndHash(node.path(), copy, job);
					FileTrees.copyAttributes(node, copy);
					copied.addAndGet(node.size());
				}
				entries.add(new Manifest.Entry(node.relativePath(), node.size(), node.mtime().toInstant(), sha256));
			}
			catch (IOException ex) {
				throw ioError(node, source, ex);
			}
		});
		long copiedBytes = copied.get();
		long linkedFiles = linked.get();
		// directories last, deepest first: their times change as their content is
		// written, and a read-only one
		// could not have been written into
		for (int i = directories.size() - 1; i >= 0; i--) {
			FileTrees.Node dir = directories.get(i);
			FileTrees.copyAttributes(dir, dir.relativePath().isEmpty() ? data : data.resolve(dir.relativePath()));
		}
		job.checkStop();

		Manifest manifest = Manifest.of(entries);
		manifest.write(partial, recoveryPoints.json());
		RecoveryPointInfo info = new RecoveryPointInfo(record.recoveryPointId(), record.vaultName(),
				record.resourceKind(), record.resourceId(), jobs.now(), total, copiedBytes, entries.size(), linkedFiles,
				previous.map(RecoveryPointInfo::recoveryPointId).orElse(null), record.jobId(), record.tags());
		recoveryPoints.json().writeValue(partial.resolve(RecoveryPointInfo.FILE).toFile(), info);
		job.checkStop();
		try {
			Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (FileAlreadyExistsException ex) {
			throw new IOException("the recovery point " + target + " already exists", ex);
		}
		job.end(CloudJobState.COMPLETED, special.isEmpty() ? null : leftOut(source, special), null);
		log.info(
				"Snapshot job {} of {} completed: recovery point {} ({} files, {} hard-linked, {} of {} bytes "
						+ "copied)",
				record.jobId(), source, record.recoveryPointId(), entries.size(), linkedFiles, copiedBytes, total);
	}

	/** The warning a completed snapshot carries for the special files it left out. */
	private static String leftOut(Path source, List<Path> special) {
		StringBuilder text = new StringBuilder().append(special.size())
			.append(" file(s) of ")
			.append(source)
			.append(" hold no data to copy and were left out: ");
		for (int i = 0; i < Math.min(10, special.size()); i++) {
			text.append(i == 0 ? "" : ", ")
				.append(FileTrees.relative(source, special.get(i)))
				.append(" (")
				.append(FileTrees.specialKind(special.get(i)))
				.append(")");
		}
		return text.append(special.size() > 10 ? ", ..." : "").toString();
	}

	private static IOException ioError(FileTrees.Node node, Path source, IOException ex) {
		return new IOException("I/O error on " + node.relativePath() + " of " + source + ": " + FileTrees.describe(ex),
				ex);
	}

	/**
	 * Hard-links an unchanged file to the previous recovery point's copy.
	 * @return the reused checksum, or {@code null} when the file changed or cannot be
	 * linked (it is then copied)
	 */
	private String link(FileTrees.Node node, Manifest.Entry before, Path previousData, Path copy) {
		if (before.size() != node.size() || !before.mtime().equals(node.mtime().toInstant())
				|| before.sha256() == null) {
			return null;
		}
		Path existing = previousData.resolve(node.relativePath());
		try {
			BasicFileAttributes linked = Files.readAttributes(existing, BasicFileAttributes.class,
					LinkOption.NOFOLLOW_LINKS);
			if (!linked.isRegularFile() || linked.size() != node.size()) {
				return null;
			}
			Files.createLink(copy, existing);
			job.processed(node.size());
			return before.sha256();
		}
		catch (IOException | UnsupportedOperationException ex) {
			log.debug("Snapshot job {}: cannot hard-link {}, copying it: {}", job.jobId(), node.relativePath(),
					ex.toString());
			try {
				Files.deleteIfExists(copy);
			}
			catch (IOException ignored) {
				// the copy that follows reports the problem
			}
			return null;
		}
	}

}
