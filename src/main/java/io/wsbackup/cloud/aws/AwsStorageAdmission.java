package io.wsbackup.cloud.aws;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.wsbackup.workspace.StorageAdmission;
import io.wsbackup.workspace.Workspace;
import io.wsbackup.workspace.WorkspaceStorage;

/**
 * The storage the {@code aws} cloud admits: EBS volume ids ({@code vol-} and 8 or 17 hex
 * digits) and an EFS file system id ({@code fs-} likewise), each protected by one
 * workspace only: AWS Backup runs one backup job per resource at a time. Whether they
 * exist is checked by {@code checkPrerequisites} and before each backup.
 */
final class AwsStorageAdmission {

	private static final Pattern VOLUME_ID = Pattern.compile("vol-([0-9a-f]{8}|[0-9a-f]{17})");

	private static final Pattern FILE_SYSTEM_ID = Pattern.compile("fs-([0-9a-f]{8}|[0-9a-f]{17})");

	private AwsStorageAdmission() {
	}

	/** The storage with one problem per id that is malformed, taken or given twice. */
	static StorageAdmission.Admitted admit(WorkspaceStorage storage, List<Workspace> registered) {
		List<String> problems = new ArrayList<>();
		Map<String, Workspace> taken = new HashMap<>();
		registered.forEach((w) -> w.storage().protectedResources().forEach((r) -> taken.put(r.id(), w)));
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < storage.volumes().size(); i++) {
			admit(storage.volumes().get(i), "volumes[" + i + "]", VOLUME_ID,
					"an EBS volume id such as vol-0123456789abcdef0", taken, seen, problems);
		}
		if (storage.sharedFileSystem() != null && !storage.sharedFileSystem().isBlank()) {
			admit(storage.sharedFileSystem(), "sharedFileSystem", FILE_SYSTEM_ID,
					"an EFS file system id such as fs-0123456789abcdef0", taken, seen, problems);
		}
		return new StorageAdmission.Admitted(storage, List.of(), problems);
	}

	private static void admit(String id, String field, Pattern syntax, String expected, Map<String, Workspace> taken,
			Set<String> seen, List<String> problems) {
		if (!syntax.matcher(id).matches()) {
			problems.add(field + " '" + id + "' is not " + expected);
		}
		else if (taken.containsKey(id)) {
			Workspace other = taken.get(id);
			problems.add(field + " " + id + " is already protected by workspace " + other.name() + " ("
					+ other.environmentName() + ")");
		}
		else if (!seen.add(id)) {
			problems.add(field + " " + id + " is given twice");
		}
	}

}
