package io.wsbackup.execution;

import java.util.Comparator;
import java.util.Optional;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;

/**
 * Reads why a job execution failed from its failed step, and keeps a compensated step
 * restartable.
 */
public final class JobFailures {

	/** The exit code of a step stopped by a cancel request. */
	public static final String CANCELLED = "CANCELLED";

	private JobFailures() {
	}

	/**
	 * Spring Batch marks a failed step ABANDONED when the flow moves on from it to
	 * another step (here, the compensation), and never runs an ABANDONED step again. A
	 * backup must resume at its failed step on restart (DESIGN §3), so the compensation
	 * puts that step back to FAILED.
	 */
	public static void keepFailedStepRestartable(JobExecution execution, JobRepository jobRepository) {
		for (StepExecution step : execution.getStepExecutions()) {
			if (step.getStatus() == BatchStatus.ABANDONED
					&& (ExitStatus.FAILED.getExitCode().equals(step.getExitStatus().getExitCode())
							|| CANCELLED.equals(step.getExitStatus().getExitCode()))) {
				step.setStatus(BatchStatus.FAILED);
				jobRepository.update(step);
			}
		}
	}

	public static String stoppedStep(JobExecution execution) {
		return execution.getStepExecutions()
			.stream()
			.filter((s) -> s.getStatus() == BatchStatus.STOPPED)
			.max(Comparator.comparing(StepExecution::getId))
			.map(StepExecution::getStepName)
			.orElse("(between steps)");
	}

	public static String failedStep(JobExecution execution) {
		return lastFailed(execution).map(StepExecution::getStepName).orElse("(none)");
	}

	/**
	 * The failed step's error message, without exception class names; or a generic
	 * sentence.
	 */
	public static String reason(JobExecution execution) {
		Optional<StepExecution> failed = lastFailed(execution);
		if (failed.isEmpty()) {
			return execution.getAllFailureExceptions()
				.stream()
				.findFirst()
				.map(JobFailures::message)
				.orElse("the job did not complete");
		}
		return failed.get()
			.getFailureExceptions()
			.stream()
			.findFirst()
			.map(JobFailures::message)
			.orElseGet(() -> fromExitDescription(failed.get().getExitStatus().getExitDescription()));
	}

	/**
	 * The message in an exit description as Spring Batch stores it (the exception's stack
	 * trace, read back from the job repository): its first line, without the exception's
	 * class name, never the trace.
	 */
	public static String fromExitDescription(String description) {
		if (description == null || description.isBlank()) {
			return "the step failed";
		}
		String first = description.lines().findFirst().orElse("").strip();
		// "io.example.StepException: the vault is on fire" -> the message
		java.util.regex.Matcher named = java.util.regex.Pattern
			.compile("^(?:[a-zA-Z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error|Throwable)?: (.*)$")
			.matcher(first);
		String message = named.matches() ? named.group(1) : first;
		if (message.matches("(?:[a-zA-Z_$][\\w$]*\\.)+[A-Z][\\w$]*")) {
			// an exception without a message: its class name says nothing to an operator
			return "the step failed unexpectedly; the runner's log has the details";
		}
		return message.isBlank() ? "the step failed" : message;
	}

	/**
	 * The last step that failed: FAILED, or ABANDONED with a FAILED exit (a failed step
	 * the flow moved on from to a compensation that does not keep it restartable, as a
	 * drill's).
	 */
	private static Optional<StepExecution> lastFailed(JobExecution execution) {
		return execution.getStepExecutions()
			.stream()
			.filter((s) -> s.getStatus() == BatchStatus.FAILED || (s.getStatus() == BatchStatus.ABANDONED
					&& ExitStatus.FAILED.getExitCode().equals(s.getExitStatus().getExitCode())))
			.max(Comparator.comparing(StepExecution::getId));
	}

	private static String message(Throwable t) {
		if (t instanceof org.springframework.dao.DataAccessException store) {
			// its message holds the SQL statement: say what went wrong, not the statement
			Throwable root = store.getMostSpecificCause();
			String cause = root.getMessage() == null ? "" : root.getMessage().lines().findFirst().orElse("");
			return "the store failed" + (cause.isBlank() || cause.contains("SQL") ? "" : ": " + cause)
					+ "; restart the job once the store answers";
		}
		String message = t.getMessage();
		return message == null || message.isBlank() ? t.getClass().getSimpleName()
				: message.lines().findFirst().orElse(message);
	}

}
