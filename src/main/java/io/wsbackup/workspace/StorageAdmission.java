package io.wsbackup.workspace;

import java.util.List;

/**
 * How the cloud adapter in use checks the storage of a workspace being registered, before
 * anything is written: whether each resource is one it can back up, and in which form it
 * keeps it (a {@code local} directory by its real path, a symbolic link resolved). Every
 * cloud port is one.
 */
public interface StorageAdmission {

	/**
	 * Checks the storage of a new workspace against what this cloud can back up and
	 * against the storage of the workspaces already registered.
	 * @param storage the storage asked for (ids not blank, of at most their limit)
	 * @param registered the workspaces registered so far
	 * @return the storage to register, what the operator should know about it, and what
	 * is wrong with it (the registration is refused when something is)
	 */
	Admitted admitStorage(WorkspaceStorage storage, List<Workspace> registered);

	/**
	 * The outcome of {@link #admitStorage}.
	 *
	 * @param storage the storage as it will be backed up
	 * @param notes sentences for the operator (a symbolic link resolved, ...)
	 * @param problems one sentence per resource that cannot be backed up, naming it
	 */
	record Admitted(WorkspaceStorage storage, List<String> notes, List<String> problems) {

		public Admitted {
			notes = List.copyOf(notes);
			problems = List.copyOf(problems);
		}

		/** Everything as asked for, nothing to say. */
		public static Admitted asIs(WorkspaceStorage storage) {
			return new Admitted(storage, List.of(), List.of());
		}

	}

}
