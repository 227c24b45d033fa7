package io.wsbackup.cloud.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.wsbackup.cloud.CloudJobState;

/**
 * The worker of one restore job: copies a recovery point's {@code data/} in full into
 * {@code <restoresRoot>/.partial-<jobId>/}, checks the SHA-256 of every file it writes
 * against the manifest, and renames the copy to the job's target directory only when
 * every file matched and none is missing. Files are copied on up to
 * {@link LocalJob#COPY_THREADS} threads at once. A restore never writes into an existing
 * directory.
 *
 * <p>
 * Restarting it from scratch is safe: the partial copy is deleted first, and when the
 * target already exists (the previous attempt died after the rename) the job just
 * completes.
 */
final class RestoreJob extends LocalJob {

	private final RecoveryPoints recoveryPoints;

	RestoreJob(LocalJobs jobs, RecoveryPoints recoveryPoints, ActiveJob job) {
		super(jobs, job);
		this.recoveryPoints = recoveryPoints;
	}

	@Override
	Path partialDir(JobRecord record) {
		return Path.of(record.targetPath()).resolveSibling(PARTIAL_PREFIX + record.jobId());
	}

	@Override
	boolean completedBefore(JobRecord record) {
		return Files.isDirectory(Path.of(record.targetPath()));
	}

	@Override
	void work(JobRecord record, Path partial) throws IOException {
		restore(record, partial, Path.of(record.targetPath()));
	}

	@Override
	String describe(JobRecord record) {
		return "Restore job " + record.jobId() + " of recovery point " + record.recoveryPointId();
	}

	private void restore(JobRecord record, Path partial, Path target) throws IOException {
		Path recoveryPoint = recoveryPoints.dir(record.vaultName(), record.recoveryPointId());
		Path data = recoveryPoint.resolve(RecoveryPoints.DATA_DIR);
		if (!Files.isRegularFile(recoveryPoint.resolve(RecoveryPointInfo.FILE)) || !Files.isDirectory(data)) {
			throw new IOException(
					"recovery point " + record.recoveryPointId() + " not found in vault " + record.vaultName());
		}
		Map<String, String> expected = new LinkedHashMap<>(Manifest.readChecksums(recoveryPoint));
		List<FileTrees.Node> tree = FileTrees.walk(data);
		job.running(tree.stream().mapToLong(FileTrees.Node::size).sum());
		log.info("Restore job {}: recovery point {} into {}", record.jobId(), record.recoveryPointId(), target);

		Files.createDirectories(partial.getParent());
		// each file matched to its manifest line; directories first (a level at a time: a
		// directory needs its parent), then links, then the files on several threads
		List<FileTrees.Node> directories = new ArrayList<>();
		List<FileTrees.Node> files = new ArrayList<>();
		Map<String, String> checksums = new HashMap<>();
		for (FileTrees.Node node : tree) {
			switch (node.kind()) {
				case DIRECTORY -> directories.add(node);
				case SYMLINK -> {
				}
				case FILE -> {
					String sha256 = expected.remove(node.relativePath());
					if (sha256 == null) {
						throw new IOException("restore verification failed: " + node.relativePath()
								+ " is not in the manifest of recovery point " + record.recoveryPointId());
					}
					checksums.put(node.relativePath(), sha256);
					files.add(node);
				}
			}
		}
		if (!expected.isEmpty()) {
			throw new IOException("restore verification failed: " + String.join(", ", expected.keySet())
					+ ": missing from recovery point " + record.recoveryPointId());
		}
		createDirectories(directories, partial, (node, ex) -> ex);
		for (FileTrees.Node node : tree) {
			if (node.kind() == FileTrees.Kind.SYMLINK) {
				job.checkStop();
				Files.createSymbolicLink(partial.resolve(node.relativePath()), Files.readSymbolicLink(node.path()));
			}
		}
		ParallelWork.forEach(files, COPY_THREADS, jobs.executor(), FileTrees.Copier::new, (copier, node) -> {
			Path copy = partial.resolve(node.relativePath());
			String sha256 = checksums.get(node.relativePath());
			String actual = copy(copier, node, copy);
			if (!sha256.equals(actual)) {
				throw new IOException(
						"restore verification failed: " + node.relativePath() + ": checksum mismatch in recovery point "
								+ record.recoveryPointId() + " (manifest " + sha256 + ", data " + actual + ")");
			}
			FileTrees.copyAttributes(node, copy);
		});
		for (int i = directories.size() - 1; i >= 0; i--) {
			FileTrees.Node dir = directories.get(i);
			FileTrees.copyAttributes(dir, dir.relativePath().isEmpty() ? partial : partial.resolve(dir.relativePath()));
		}
		job.checkStop();
		Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
		job.end(CloudJobState.COMPLETED, null, null);
		log.info("Restore job {}: recovery point {} restored into {}", record.jobId(), record.recoveryPointId(),
				target);
	}

	private String copy(FileTrees.Copier copier, FileTrees.Node node, Path copy) throws IOException {
		try {
			job.checkStop();
			return copier.copyAndHash(node.path(), copy, job);
		}
		catch (IOException ex) {
			throw new IOException("I/O error on " + node.relativePath() + ": " + FileTrees.describe(ex), ex);
		}
	}

}
