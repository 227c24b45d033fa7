package io.wsbackup.backup;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * Gives a step that stopped because its backup was cancelled the exit status
 * {@code CANCELLED}, which the flow sends to the compensation and from there to a STOPPED
 * end. The step itself stays FAILED, so a restart runs it again.
 */
class CancelledExitStatus implements StepExecutionListener {

	static final String CANCELLED = io.wsbackup.execution.JobFailures.CANCELLED;

	@Override
	public ExitStatus afterStep(StepExecution stepExecution) {
		boolean cancelled = stepExecution.getFailureExceptions()
			.stream()
			.anyMatch((ex) -> ex instanceof BackupCancelledException);
		return cancelled ? new ExitStatus(CANCELLED, "cancelled by request") : null;
	}

}
