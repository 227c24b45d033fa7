package io.wsbackup.cloud.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

import io.wsbackup.cloud.CloudJobState;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life cycle both local jobs share, a snapshot and a restore: the work is built in a
 * partial directory that is deleted first, so starting again from scratch is always safe;
 * a job whose result already exists (the previous attempt died after its final rename)
 * just completes; a cancel, an expiry or a failure removes the partial directory and ends
 * the job in the matching state; a shutdown leaves it RUNNING on disk, for the next local
 * cloud on these directories to restart.
 */
abstract class LocalJob implements Runnable {

	/**
	 * How many files one job copies (or links) at once: its own thread and up to three
	 * helper tasks on the executor. One copy after the other leaves the disk idle while
	 * each file is opened, read and written; several reads in flight keep it busy. On the
	 * virtual disk of the machine bench/local-provider was first run on, copying and
	 * hashing 6,000 files with a cold page cache took 8.8 s one at a time and 3.1 s four
	 * at a time. Threads waiting on the disk do not compete for the cores: on two cores,
	 * four threads still let the hashing of some files overlap the reads of others.
	 */
	static final int COPY_THREADS = 4;

	/** The name of the directory a job builds its result in, followed by the job id. */
	static final String PARTIAL_PREFIX = ".partial-";

	protected final Logger log = LoggerFactory.getLogger(getClass());

	protected final LocalJobs jobs;

	protected final ActiveJob job;

	LocalJob(LocalJobs jobs, ActiveJob job) {
		this.jobs = jobs;
		this.job = job;
	}

	/** Where this job builds its result before the final rename. */
	abstract Path partialDir(JobRecord record);

	/** Whether the result already exists; may record what it found. */
	abstract boolean completedBefore(JobRecord record) throws IOException;

	/** Builds the result in {@code partial} and moves it into place. */
	abstract void work(JobRecord record, Path partial) throws IOException;

	/** The job, for log lines: e.g. "Snapshot job J of /srv/data". */
	abstract String describe(JobRecord record);

	@Override
	public final void run() {
		if (!job.begin()) {
			jobs.left(job);
			return;
		}
		JobRecord record = job.record();
		Path partial = partialDir(record);
		try {
			FileTrees.deleteTree(partial);
			if (completedBefore(record)) {
				log.info("{} was already complete", describe(record));
				job.end(CloudJobState.COMPLETED, null, null);
				return;
			}
			work(record, partial);
		}
		catch (ActiveJob.Stopped stopped) {
			deleteQuietly(partial);
			switch (stopped.reason()) {
				case CANCELLED -> {
					log.info("{} cancelled", describe(record));
					job.end(CloudJobState.ABORTED, "cancelled", null);
				}
				case EXPIRED -> {
					log.warn("{} expired", describe(record));
					job.end(CloudJobState.EXPIRED, "did not complete within its completion window of "
							+ record.completionWindowSeconds() + " s", null);
				}
				case SHUTDOWN -> log.info(
						"{} interrupted by shutdown; it restarts with the next local cloud on these " + "directories",
						describe(record));
			}
		}
		catch (IOException | RuntimeException ex) {
			deleteQuietly(partial);
			log.warn("{} failed: {}", describe(record), ex.getMessage());
			log.debug("{} failure", describe(record), ex);
			job.end(CloudJobState.FAILED, ex.getMessage(), null);
		}
		finally {
			jobs.left(job);
		}
	}

	/**
	 * Creates the directories of a walked tree under {@code root} (its root node is
	 * {@code root} itself), one level after the other, each level on several threads:
	 * creating a directory waits on the disk's journal, and a directory needs only its
	 * parent to exist.
	 * @param error names the node in an I/O error
	 */
	void createDirectories(List<FileTrees.Node> directories, Path root,
			BiFunction<FileTrees.Node, IOException, IOException> error) throws IOException {
		Map<Integer, List<FileTrees.Node>> levels = new TreeMap<>();
		for (FileTrees.Node dir : directories) {
			int depth = dir.relativePath().isEmpty() ? 0 : dir.relativePath().split("/").length;
			levels.computeIfAbsent(depth, (d) -> new ArrayList<>()).add(dir);
		}
		for (List<FileTrees.Node> level : levels.values()) {
			ParallelWork.forEach(level, COPY_THREADS, jobs.executor(), () -> root, (base, dir) -> {
				job.checkStop();
				try {
					Files.createDirectory(dir.relativePath().isEmpty() ? base : base.resolve(dir.relativePath()));
				}
				catch (IOException ex) {
					throw error.apply(dir, ex);
				}
			});
		}
	}

	private void deleteQuietly(Path partial) {
		try {
			FileTrees.deleteTree(partial);
		}
		catch (IOException ex) {
			log.warn("Job {}: cannot remove {}: {}", job.jobId(), partial, ex.toString());
		}
	}

}
