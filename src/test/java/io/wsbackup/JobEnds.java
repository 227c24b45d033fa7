package io.wsbackup;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.wsbackup.backup.BackupEnded;
import io.wsbackup.deletion.DeleteEnded;
import io.wsbackup.restore.RestoreEnded;

import org.springframework.context.event.EventListener;

/**
 * Hears the application events the job wings publish when an execution ends, as a
 * notification or a schedule would, for the tests to look at.
 */
public class JobEnds {

	private final List<Object> heard = new CopyOnWriteArrayList<>();

	private final List<Thread> threads = new CopyOnWriteArrayList<>();

	@EventListener
	void backupEnded(BackupEnded ended) {
		this.threads.add(Thread.currentThread());
		this.heard.add(ended);
	}

	@EventListener
	void restoreEnded(RestoreEnded ended) {
		this.heard.add(ended);
	}

	@EventListener
	void deleteEnded(DeleteEnded ended) {
		this.heard.add(ended);
	}

	/** The threads the backup ends were heard on: the jobs' own. */
	public List<Thread> backupThreads() {
		return this.threads;
	}

	/** Every end heard of this kind, in the order heard. */
	public <T> List<T> of(Class<T> kind) {
		return this.heard.stream().filter(kind::isInstance).map(kind::cast).toList();
	}

}
