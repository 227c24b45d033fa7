package io.wsbackup.events;

import java.time.Instant;

/**
 * One line of a workspace's event log.
 *
 * @param id increasing with time
 * @param occurredAt when it happened
 * @param workspaceCrn the workspace
 * @param backupCrn the backup it is about, or {@code null}
 * @param step the job step that wrote it, or {@code null}
 * @param level {@code INFO}, {@code WARNING} or {@code ERROR}
 * @param message what happened, readable
 * @param percentDone for progress events, else {@code null}
 * @param bytesTransferred for progress events, else {@code null}
 * @param expectedCompletion the estimated time of completion, for progress events, or
 * {@code null}
 */
public record Event(long id, Instant occurredAt, String workspaceCrn, String backupCrn, String step, String level,
		String message, Integer percentDone, Long bytesTransferred, Instant expectedCompletion) {

}
