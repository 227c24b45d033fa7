package io.wsbackup.cloud.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import tools.jackson.databind.json.JsonMapper;

/**
 * Where the local cloud keeps its job records and idempotency tokens: under each vault,
 * in {@code .jobs/<jobId>.json} and {@code .jobs/tokens/<type>-<sha256 of the token>}
 * (the file holds the job id). Records are replaced atomically (write a temporary file,
 * then rename), so a reader never sees half a record.
 */
final class JobStore {

	static final String JOBS_DIR = ".jobs";

	private final Path vaultsRoot;

	private final JsonMapper json;

	JobStore(Path vaultsRoot, JsonMapper json) {
		this.vaultsRoot = vaultsRoot;
		this.json = json;
	}

	void save(JobRecord record) {
		Path dir = jobsDir(record.vaultName());
		try {
			Files.createDirectories(dir);
			Path tmp = dir.resolve(record.jobId() + ".json." + UUID.randomUUID() + ".tmp");
			json.writeValue(tmp.toFile(), record);
			Files.move(tmp, dir.resolve(record.jobId() + ".json"), StandardCopyOption.ATOMIC_MOVE,
					StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write the record of job " + record.jobId() + " in " + dir, ex);
		}
	}

	/** The record of a job, looked up in every vault. */
	Optional<JobRecord> find(String jobId) {
		for (Path vault : vaults()) {
			Path file = vault.resolve(JOBS_DIR).resolve(jobId + ".json");
			if (Files.isRegularFile(file)) {
				return Optional.of(json.readValue(file.toFile(), JobRecord.class));
			}
		}
		return Optional.empty();
	}

	/** Every job record of every vault, unreadable ones skipped. */
	List<JobRecord> all() {
		List<JobRecord> records = new ArrayList<>();
		for (Path vault : vaults()) {
			Path dir = vault.resolve(JOBS_DIR);
			if (!Files.isDirectory(dir)) {
				continue;
			}
			try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
				for (Path file : files) {
					records.add(json.readValue(file.toFile(), JobRecord.class));
				}
			}
			catch (IOException | RuntimeException ex) {
				throw new IllegalStateException("cannot read the job records in " + dir + ": " + ex.getMessage(), ex);
			}
		}
		return records;
	}

	/** The job id stored for this token, if any. */
	Optional<String> jobIdForToken(String vaultName, JobRecord.JobType type, String token) {
		Path file = tokenFile(vaultName, type, token);
		try {
			return Files.isRegularFile(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip())
					: Optional.empty();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read the idempotency token file " + file, ex);
		}
	}

	void saveToken(String vaultName, JobRecord.JobType type, String token, String jobId) {
		Path file = tokenFile(vaultName, type, token);
		try {
			Files.createDirectories(file.getParent());
			Path tmp = file.resolveSibling(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
			Files.writeString(tmp, jobId, StandardCharsets.UTF_8);
			Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write the idempotency token file " + file, ex);
		}
	}

	/**
	 * The lock a local cloud holds on a job while it runs it: an OS file lock on
	 * {@code .jobs/<jobId>.lock}, released when the holder closes it or its process ends
	 * (even by {@code kill -9}). A job that is not terminal and whose lock nobody holds
	 * was left by a local cloud that is gone: another may take it over.
	 */
	static final class JobLock implements AutoCloseable {

		private final FileChannel channel;

		private final FileLock lock;

		private JobLock(FileChannel channel, FileLock lock) {
			this.channel = channel;
			this.lock = lock;
		}

		@Override
		public void close() {
			try {
				lock.release();
			}
			catch (IOException | RuntimeException ex) {
				// the channel's close releases it too
			}
			try {
				channel.close();
			}
			catch (IOException ex) {
				// nothing more to release
			}
		}

	}

	/**
	 * Takes a job's lock, if no one (another process, or another local cloud of this JVM)
	 * holds it.
	 */
	Optional<JobLock> tryLock(String vaultName, String jobId) {
		Path file = jobsDir(vaultName).resolve(jobId + ".lock");
		FileChannel channel = null;
		try {
			Files.createDirectories(file.getParent());
			channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
			FileLock lock = channel.tryLock();
			if (lock == null) {
				channel.close();
				return Optional.empty();
			}
			return Optional.of(new JobLock(channel, lock));
		}
		catch (OverlappingFileLockException heldInThisJvm) {
			closeQuietly(channel);
			return Optional.empty();
		}
		catch (IOException ex) {
			closeQuietly(channel);
			throw new UncheckedIOException("cannot lock job " + jobId + " (" + file + ")", ex);
		}
	}

	private static void closeQuietly(FileChannel channel) {
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				// nothing held
			}
		}
	}

	private Path tokenFile(String vaultName, JobRecord.JobType type, String token) {
		return jobsDir(vaultName).resolve("tokens")
			.resolve(type.name().toLowerCase() + "-" + FileTrees.sha256Hex(token.getBytes(StandardCharsets.UTF_8)));
	}

	private Path jobsDir(String vaultName) {
		return vaultsRoot.resolve(vaultName).resolve(JOBS_DIR);
	}

	private List<Path> vaults() {
		List<Path> vaults = new ArrayList<>();
		if (!Files.isDirectory(vaultsRoot)) {
			return vaults;
		}
		try (DirectoryStream<Path> dirs = Files.newDirectoryStream(vaultsRoot, Files::isDirectory)) {
			dirs.forEach(vaults::add);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot list the vaults in " + vaultsRoot, ex);
		}
		return vaults;
	}

}
