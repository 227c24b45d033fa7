package io.wsbackup.workspace;

import java.util.List;

/**
 * What a restore left on the workspace it created.
 *
 * @param jobExecutionId the latest restore job execution, or {@code null}
 * @param warnings what the operator should know (roles and secrets not copied, ...)
 * @param modelBuildsToRebuild the model builds to rebuild in the restored workspace
 * @param timeoutMinutes the restore's timeout as it was asked for, or {@code null} when
 * the restore was requested before the timeout was kept
 */
public record RestoreRecord(Long jobExecutionId, List<String> warnings, List<String> modelBuildsToRebuild,
		Integer timeoutMinutes) {

	public RestoreRecord {
		warnings = List.copyOf(warnings);
		modelBuildsToRebuild = List.copyOf(modelBuildsToRebuild);
	}

}
