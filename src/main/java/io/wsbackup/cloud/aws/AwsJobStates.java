package io.wsbackup.cloud.aws;

import software.amazon.awssdk.services.backup.model.BackupJobState;

import io.wsbackup.cloud.CloudJobState;

/**
 * How AWS Backup's job states and progress read in the cloud port's terms: the states of
 * backup and restore jobs, and the {@code PercentDone} they report.
 */
final class AwsJobStates {

	private AwsJobStates() {
	}

	/** The state of a backup job; {@code ABORTING} still runs. */
	static CloudJobState backupState(BackupJobState state) {
		if (state == null) {
			return CloudJobState.CREATED;
		}
		return switch (state) {
			case PENDING -> CloudJobState.PENDING;
			case RUNNING, ABORTING -> CloudJobState.RUNNING;
			case COMPLETED -> CloudJobState.COMPLETED;
			case PARTIAL -> CloudJobState.PARTIAL;
			case ABORTED -> CloudJobState.ABORTED;
			case EXPIRED -> CloudJobState.EXPIRED;
			case FAILED -> CloudJobState.FAILED;
			default -> CloudJobState.CREATED;
		};
	}

	/** The state of a restore job from its status as AWS spells it. */
	static CloudJobState restoreState(String status) {
		return switch (status == null ? "" : status) {
			case "RUNNING" -> CloudJobState.RUNNING;
			case "COMPLETED" -> CloudJobState.COMPLETED;
			case "ABORTED" -> CloudJobState.ABORTED;
			case "FAILED" -> CloudJobState.FAILED;
			default -> CloudJobState.CREATED;
		};
	}

	/** A {@code PercentDone} such as {@code "42.5"} or {@code "42%"} as 0 to 100. */
	static int percent(String percentDone) {
		if (percentDone == null || percentDone.isBlank()) {
			return 0;
		}
		try {
			return (int) Math.max(0,
					Math.min(100, Math.floor(Double.parseDouble(percentDone.replace("%", "").trim()))));
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
