package io.wsbackup.retention;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;

/**
 * Puts the swept workspace (when the sweep names one) in the MDC of the job's log lines
 * and logs how each sweep ended: how many deletes it started, or why it failed.
 */
class RetentionJobListener implements JobExecutionListener {

	private static final Logger log = LoggerFactory.getLogger(RetentionJobListener.class);

	private static final String MDC_WORKSPACE = "workspaceCrn";

	@Override
	public void beforeJob(JobExecution execution) {
		String workspaceCrn = execution.getJobParameters().getString(RetentionParameters.WORKSPACE_CRN);
		if (workspaceCrn != null) {
			MDC.put(MDC_WORKSPACE, workspaceCrn);
		}
	}

	@Override
	public void afterJob(JobExecution execution) {
		try {
			String schedule = execution.getJobParameters().getString(RetentionParameters.SCHEDULE);
			if (execution.getStatus() == BatchStatus.COMPLETED) {
				log.info("retention sweep of schedule {}: {} delete(s) started", schedule, startedDeletes(execution));
			}
			else {
				log.error(
						"retention sweep of schedule {} (job execution {}) ended {}: {}; the next sweep "
								+ "deletes what is left",
						schedule, execution.getId(), execution.getStatus(),
						execution.getAllFailureExceptions()
							.stream()
							.findFirst()
							.map(Throwable::toString)
							.orElse("the job did not complete"));
			}
		}
		finally {
			MDC.remove(MDC_WORKSPACE);
		}
	}

	private static long startedDeletes(JobExecution execution) {
		Object handled = execution.getExecutionContext().get(RetentionParameters.HANDLED);
		if (!(handled instanceof Map<?, ?> outcomes)) {
			return 0;
		}
		return outcomes.values().stream().filter((outcome) -> String.valueOf(outcome).startsWith("started")).count();
	}

}
