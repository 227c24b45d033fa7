package io.wsbackup.workspace;

import java.util.List;
import java.util.Map;

/**
 * What stopping a workspace's workloads changed, so that starting them again undoes
 * exactly that.
 *
 * @param changes one entry per object changed, its key naming the object (for example
 * {@code deployment/ns/web}) and its value the state to restore (for example the replica
 * count); plain strings so they can be kept in a job's execution context
 * @param notes readable sentences for the event log (for example "no workloads to stop")
 * @param warnings what the operator must know about the backup (for example storage on an
 * external NFS share, which is not backed up): WARNING events and the backup's warnings
 */
public record StoppedWorkloads(Map<String, String> changes, List<String> notes, List<String> warnings) {

	public StoppedWorkloads {
		changes = Map.copyOf(changes);
		notes = List.copyOf(notes);
		warnings = List.copyOf(warnings);
	}

	/** What stopping changed, with notes and no warnings. */
	public StoppedWorkloads(Map<String, String> changes, List<String> notes) {
		this(changes, notes, List.of());
	}

	public static StoppedWorkloads nothing(String note) {
		return new StoppedWorkloads(Map.of(), List.of(note));
	}

}
