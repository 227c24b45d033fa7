package io.wsbackup.workspace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A workload adapter that records what it is asked and keeps each workspace's "replicas",
 * so a test can check that a backup leaves every workload as it found it. Failures can be
 * scripted once per operation.
 */
public class FakeWorkloads implements WorkloadPort {

	/**
	 * Every call, in order: {@code stop <workspace name>} or
	 * {@code start <workspace name>}.
	 */
	private final List<String> calls = new ArrayList<>();

	/** Workspace name → replicas of its one workload (3 when running, 0 when stopped). */
	private final Map<String, Integer> replicas = new HashMap<>();

	private String failNextStop;

	/**
	 * Scripted failures by operation name ({@code provision}, {@code attachStorage},
	 * {@code startRestored}).
	 */
	private final Map<String, String> failNext = new HashMap<>();

	private final java.util.Set<String> provisioned = new java.util.LinkedHashSet<>();

	private final Map<String, String> notReady = new HashMap<>();

	/** The next call of {@code operation} throws once. */
	public synchronized void failNext(String operation, String message) {
		failNext.put(operation, message);
	}

	private void throwScripted(String operation) {
		String message = failNext.remove(operation);
		if (message != null) {
			throw new IllegalStateException(message);
		}
	}

	private String failNextStart;

	public synchronized void failNextStop(String message) {
		failNextStop = message;
	}

	public synchronized void failNextStart(String message) {
		failNextStarts(1, message);
	}

	/** The next {@code times} start calls throw. */
	public synchronized void failNextStarts(int times, String message) {
		failNextStart = message;
		startFailuresLeft = times;
	}

	private int startFailuresLeft;

	public synchronized List<String> calls() {
		return List.copyOf(calls);
	}

	/**
	 * Whether the workspace's workloads run at the replicas they had before any backup.
	 */
	public synchronized boolean running(Workspace workspace) {
		return replicas.getOrDefault(workspace.name(), 3) == 3;
	}

	private final io.wsbackup.Gates gates = new io.wsbackup.Gates();

	/**
	 * The next call of {@code operation} (a method name of the port) waits until the
	 * returned gate opens.
	 */
	public io.wsbackup.Gate gateNext(String operation) {
		return gates.next(operation);
	}

	/** The replicas of the workspace's one workload (3 until a stop). */
	public synchronized int replicas(Workspace workspace) {
		return replicas.getOrDefault(workspace.name(), 3);
	}

	public synchronized void reset() {
		gates.clear();
		calls.clear();
		provisioned.clear();
		notReady.clear();
		replicas.clear();
		failNextStop = null;
		failNext.clear();
		stopWarnings = List.of();
		startWarnings = List.of();
		failNextStart = null;
	}

	@Override
	public StoppedWorkloads stop(Workspace workspace) {
		gates.pass("stop");
		return stopNow(workspace);
	}

	private synchronized StoppedWorkloads stopNow(Workspace workspace) {
		calls.add("stop " + workspace.name());
		if (failNextStop != null) {
			String message = failNextStop;
			failNextStop = null;
			throw new IllegalStateException(message);
		}
		int before = replicas.getOrDefault(workspace.name(), 3);
		replicas.put(workspace.name(), 0);
		return before == 0 ? new StoppedWorkloads(Map.of(), List.of("already stopped"), stopWarnings)
				: new StoppedWorkloads(Map.of("deployment/" + workspace.name() + "/web", String.valueOf(before)),
						List.of("scaled deployment web to 0"), stopWarnings);
	}

	@Override
	public List<String> start(Workspace workspace, StoppedWorkloads stopped) {
		gates.pass("start");
		startNow(workspace, stopped);
		synchronized (this) {
			return startWarnings;
		}
	}

	/**
	 * Warnings the next stops and starts report (storage not backed up, workloads not
	 * ready).
	 */
	public synchronized void warn(List<String> onStop, List<String> onStart) {
		stopWarnings = List.copyOf(onStop);
		startWarnings = List.copyOf(onStart);
	}

	private List<String> stopWarnings = List.of();

	private List<String> startWarnings = List.of();

	private synchronized void startNow(Workspace workspace, StoppedWorkloads stopped) {
		calls.add("start " + workspace.name());
		if (failNextStart != null) {
			String message = failNextStart;
			if (--startFailuresLeft <= 0) {
				failNextStart = null;
			}
			throw new IllegalStateException(message);
		}
		String previous = stopped.changes().get("deployment/" + workspace.name() + "/web");
		if (previous != null) {
			replicas.put(workspace.name(), Integer.parseInt(previous));
		}
	}

	@Override
	public List<ProtectedResource> listStorage(Workspace workspace) {
		return workspace.storage().protectedResources();
	}

	@Override
	public CapturedWorkloads capture(Workspace workspace) {
		synchronized (this) {
			calls.add("capture " + workspace.name());
		}
		return new CapturedWorkloads("fake/v1", "deployment web replicas=3 of " + workspace.name());
	}

	@Override
	public ProvisionedWorkloads provision(Workspace restored, CapturedWorkloads captured) {
		gates.pass("provision");
		synchronized (this) {
			calls.add("provision " + restored.name());
			throwScripted("provision");
			provisioned.add(restored.name());
			return new ProvisionedWorkloads(new WorkloadLocation(List.of(restored.name()), null, null),
					List.of("namespace " + restored.name() + " created"));
		}
	}

	@Override
	public List<String> attachStorage(Workspace restored, CapturedWorkloads captured,
			Map<ProtectedResource, String> storage) {
		gates.pass("attachStorage");
		synchronized (this) {
			calls.add("attach " + restored.name());
			throwScripted("attachStorage");
			return storage.values().stream().map((id) -> "bound " + id + " to " + restored.name()).toList();
		}
	}

	@Override
	public List<String> startRestored(Workspace restored, CapturedWorkloads captured) {
		gates.pass("startRestored");
		synchronized (this) {
			calls.add("startRestored " + restored.name());
			throwScripted("startRestored");
			replicas.put(restored.name(), 3);
			return List.of("model-build churn-v3");
		}
	}

	/**
	 * Ready unless {@link #notReady} says otherwise; scripted with
	 * {@code failNext("readiness", ...)}.
	 */
	@Override
	public List<String> readiness(Workspace restored) {
		gates.pass("readiness");
		synchronized (this) {
			calls.add("readiness " + restored.name());
			throwScripted("readiness");
			String problem = notReady.get(restored.name());
			return problem == null ? List.of() : List.of("deployment web of " + restored.name() + " " + problem);
		}
	}

	/**
	 * Removes the namespace {@link #provision} created; scripted with
	 * {@code failNext("remove", ...)}.
	 */
	@Override
	public List<String> remove(Workspace restored) {
		gates.pass("remove");
		synchronized (this) {
			calls.add("remove " + restored.name());
			throwScripted("remove");
			replicas.remove(restored.name());
			return provisioned.remove(restored.name()) ? List.of("namespace " + restored.name() + " deleted")
					: List.of();
		}
	}

	/** The restored workspace's readiness check reports this from now on. */
	public synchronized void notReady(String workspaceName, String problem) {
		notReady.put(workspaceName, problem);
	}

	/**
	 * Workspaces whose namespace {@link #provision} created and {@link #remove} did not
	 * remove.
	 */
	public synchronized java.util.Set<String> provisioned() {
		return java.util.Set.copyOf(provisioned);
	}

}
