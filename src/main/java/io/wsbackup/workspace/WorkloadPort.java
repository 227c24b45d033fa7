package io.wsbackup.workspace;

import java.util.List;

/**
 * The workload port: stops and starts a workspace's workloads and finds its storage.
 * Implementations: {@code kubernetes} (fabric8) and {@code none} (nothing to stop).
 *
 * <p>
 * Promises: {@link #stop} twice changes nothing more the second time; {@link #start} with
 * what {@link #stop} returned puts everything back exactly as it was, and does nothing
 * when nothing was stopped; both may be called again after a crash.
 */
public interface WorkloadPort {

	/**
	 * Stops every workload of the workspace and waits until they are gone; returns what
	 * it changed.
	 */
	StoppedWorkloads stop(Workspace workspace);

	/** Starts again what {@link #stop} changed. */
	void start(Workspace workspace, StoppedWorkloads stopped);

	/** The storage the workspace's workloads use. */
	List<ProtectedResource> listStorage(Workspace workspace);

}
