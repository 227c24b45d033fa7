package io.wsbackup.workspace;

import java.util.List;
import java.util.Map;

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

	/**
	 * Starts again what {@link #stop} changed.
	 * @return warnings for the event log (for example workloads not ready in time); a
	 * warning never fails the backup
	 */
	List<String> start(Workspace workspace, StoppedWorkloads stopped);

	/** The storage the workspace's workloads use. */
	List<ProtectedResource> listStorage(Workspace workspace);

	/**
	 * Captures what the workspace runs so that a restore can recreate it (never secrets,
	 * roles or role bindings). Called at backup time, while the workloads are stopped.
	 */
	CapturedWorkloads capture(Workspace workspace);

	/**
	 * Restore side: prepares a new workspace restored from a backup (for Kubernetes, its
	 * namespaces, named after the new workspace). Idempotent.
	 * @return where the restored workspace's workloads will run, and what was created
	 */
	ProvisionedWorkloads provision(Workspace restored, CapturedWorkloads captured);

	/**
	 * Restore side: binds the restored storage to the new workspace (for Kubernetes,
	 * static PVs and PVCs bound to the restored volumes and file system). Idempotent.
	 * @param storage each original resource of the backup → the id of the resource
	 * restored from it
	 * @return readable sentences naming what was created, for the event log
	 */
	List<String> attachStorage(Workspace restored, CapturedWorkloads captured, Map<ProtectedResource, String> storage);

	/**
	 * Restore side: starts the restored workspace's workloads as captured at backup time.
	 * Idempotent.
	 * @return the model builds that must be rebuilt in the restored workspace (empty when
	 * there are none)
	 */
	List<String> startRestored(Workspace restored, CapturedWorkloads captured);

	/**
	 * Drill side: whether the restored workspace's workloads came up (for Kubernetes,
	 * every Deployment and StatefulSet in its namespaces has its wanted replicas ready).
	 * An adapter with nothing to check answers none.
	 * @return one readable sentence per workload not ready, naming it; empty when ready
	 */
	List<String> readiness(Workspace restored);

	/**
	 * Drill side: removes everything {@link #provision}, {@link #attachStorage} and
	 * {@link #startRestored} created for this restored workspace (for Kubernetes, its
	 * namespaces and the PersistentVolumes bound to its restored storage), and returns
	 * once they are gone. Idempotent: what is already gone is skipped. Never touches a
	 * namespace the workspace's provisioning did not create.
	 * @return readable sentences naming what was removed, for the event log
	 */
	List<String> remove(Workspace restored);

}
