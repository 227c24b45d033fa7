package io.wsbackup.workspace;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The promises of {@link WorkloadPort}, run against every adapter and the fake. A
 * subclass provides the port, a workspace with running workloads, and what an observer
 * can see of them (for example each object's replicas).
 */
public abstract class WorkloadPortContract {

	/** The port under test, the same instance for the whole test. */
	protected abstract WorkloadPort port();

	/** A new workspace whose workloads run. */
	protected abstract Workspace runningWorkspace();

	/** What can be seen of the workspace's workloads, to compare before and after. */
	protected abstract Map<String, String> observe(Workspace workspace);

	@Test
	void stopTwiceChangesNothingMoreTheSecondTime() {
		Workspace workspace = runningWorkspace();
		port().stop(workspace);
		Map<String, String> afterFirst = observe(workspace);

		port().stop(workspace);

		assertThat(observe(workspace)).isEqualTo(afterFirst);
	}

	@Test
	void startWithWhatStopReturnedPutsEverythingBack() {
		Workspace workspace = runningWorkspace();
		Map<String, String> before = observe(workspace);

		port().start(workspace, port().stop(workspace));

		assertThat(observe(workspace)).isEqualTo(before);
	}

	@Test
	void startWithTheChangesOfTwoStopsMergedAsTheJobDoesPutsEverythingBack() {
		Workspace workspace = runningWorkspace();
		Map<String, String> before = observe(workspace);
		Map<String, String> changes = new HashMap<>(port().stop(workspace).changes());
		port().stop(workspace).changes().forEach(changes::putIfAbsent);

		port().start(workspace, new StoppedWorkloads(changes, List.of()));

		assertThat(observe(workspace)).isEqualTo(before);
	}

	@Test
	void startWithNothingStoppedChangesNothing() {
		Workspace workspace = runningWorkspace();
		Map<String, String> before = observe(workspace);

		port().start(workspace, new StoppedWorkloads(Map.of(), List.of()));

		assertThat(observe(workspace)).isEqualTo(before);
	}

	@Test
	void startTwiceAfterAStopIsHarmless() {
		Workspace workspace = runningWorkspace();
		Map<String, String> before = observe(workspace);
		StoppedWorkloads stopped = port().stop(workspace);
		port().start(workspace, stopped);

		port().start(workspace, stopped);

		assertThat(observe(workspace)).isEqualTo(before);
	}

}
