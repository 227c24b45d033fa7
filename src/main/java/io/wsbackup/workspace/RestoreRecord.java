package io.wsbackup.workspace;

import java.util.List;

/**
 * What a restore left on the workspace it created.
 *
 * @param jobExecutionId the latest restore job execution, or {@code null}
 * @param warnings what the operator should know (roles and secrets not copied, ...)
 * @param modelBuildsToRebuild the model builds to rebuild in the restored workspace
 */
public record RestoreRecord(Long jobExecutionId, List<String> warnings, List<String> modelBuildsToRebuild) {

	public RestoreRecord {
		warnings = List.copyOf(warnings);
		modelBuildsToRebuild = List.copyOf(modelBuildsToRebuild);
	}

}
