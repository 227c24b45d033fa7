package io.wsbackup.backup;

import java.util.Comparator;
import java.util.Optional;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;

/** Reads why a backup job execution failed from its failed step. */
final class BackupFailures {

	private BackupFailures() {
	}

	static String failedStep(JobExecution execution) {
		return lastFailed(execution).map(StepExecution::getStepName).orElse("(none)");
	}

	/** The failed step's error message, without exception class names; or a generic sentence. */
	static String reason(JobExecution execution) {
		Optional<StepExecution> failed = lastFailed(execution);
		if (failed.isEmpty()) {
			return execution.getAllFailureExceptions()
				.stream()
				.findFirst()
				.map(BackupFailures::message)
				.orElse("the job did not complete");
		}
		return failed.get()
			.getFailureExceptions()
			.stream()
			.findFirst()
			.map(BackupFailures::message)
			.orElseGet(() -> failed.get().getExitStatus().getExitDescription());
	}

	private static Optional<StepExecution> lastFailed(JobExecution execution) {
		return execution.getStepExecutions()
			.stream()
			.filter((s) -> s.getStatus() == BatchStatus.FAILED)
			.max(Comparator.comparing(StepExecution::getId));
	}

	private static String message(Throwable t) {
		String message = t.getMessage();
		return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
	}

}
