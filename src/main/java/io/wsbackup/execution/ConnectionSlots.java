package io.wsbackup.execution;

import java.util.concurrent.Semaphore;

import org.springframework.batch.infrastructure.repeat.RepeatContext;
import org.springframework.batch.infrastructure.repeat.RepeatListener;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The chunks that hold a pooled connection while they run go a bounded number at a time.
 * A step in a real transaction (validating, stopping workloads, starting snapshots,
 * recording the catalog) holds its connection from the chunk's start to its commit, cloud
 * and Kubernetes calls included; with hundreds of jobs starting at once they would all
 * wait on the pool, whose wait times out and fails a job's store write. Here they wait,
 * before their chunk begins and without a connection, on a semaphore of at most half the
 * pool, so that the other half serves the short transactions: the job repository's own,
 * the waiting steps' commits, the API and Quartz. A waiting step (its chunk in a
 * transaction that holds no connection) takes no slot.
 */
final class ConnectionSlots implements RepeatListener {

	private static final ThreadLocal<Boolean> HELD = new ThreadLocal<>();

	private final Semaphore slots;

	private final int size;

	ConnectionSlots(int poolSize) {
		this.size = Math.max(1, poolSize / 2);
		this.slots = new Semaphore(this.size, true);
	}

	/** How many chunks may hold a connection at once. */
	int size() {
		return size;
	}

	/** Chunks waiting for a slot (for the logs and tests). */
	int waiting() {
		return slots.getQueueLength();
	}

	@Override
	public void before(RepeatContext context) {
		if (HELD.get() == null) {
			slots.acquireUninterruptibly();
			HELD.set(Boolean.TRUE);
		}
	}

	@Override
	public void after(RepeatContext context, RepeatStatus result) {
		release();
	}

	@Override
	public void onError(RepeatContext context, Throwable e) {
		release();
	}

	@Override
	public void close(RepeatContext context) {
		release();
	}

	private void release() {
		if (HELD.get() != null) {
			HELD.remove();
			slots.release();
		}
	}

}
