package io.wsbackup.restore;

import java.util.List;

import io.wsbackup.workspace.Crn;

/**
 * What a restore request got: the new workspace and what the operator should know.
 */
public record RestoreStarted(Crn workspaceCrn, List<String> warnings) {
}
