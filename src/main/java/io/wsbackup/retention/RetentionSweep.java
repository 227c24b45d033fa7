package io.wsbackup.retention;

import java.time.Duration;

import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;

/**
 * One sweep of a schedule's retention: the {@code enforceRetention} job's parameters as a
 * value.
 *
 * @param schedule the schedule's name, for the events
 * @param creatorCrn the creator CRN of the schedule's backups
 * @param retention what the schedule keeps
 * @param workspaceCrn only the backups of this workspace, or {@code null} for all
 * @param runId unique per sweep of the schedule: starting a sweep of the same run again
 * adopts its execution, or restarts it when it failed
 */
public record RetentionSweep(String schedule, String creatorCrn, Retention retention, String workspaceCrn,
		String runId) {

	JobParameters toJobParameters() {
		JobParametersBuilder builder = new JobParametersBuilder()
			.addString(RetentionParameters.CREATOR_CRN, this.creatorCrn)
			.addString(RetentionParameters.RUN_ID, this.runId)
			.addString(RetentionParameters.SCHEDULE, this.schedule, false);
		if (this.workspaceCrn != null) {
			builder.addString(RetentionParameters.WORKSPACE_CRN, this.workspaceCrn, false);
		}
		if (this.retention.keepLast() != null) {
			builder.addLong(RetentionParameters.KEEP_LAST, this.retention.keepLast().longValue(), false);
		}
		if (this.retention.maxAge() != null) {
			builder.addString(RetentionParameters.MAX_AGE, this.retention.maxAge().toString(), false);
		}
		return builder.toJobParameters();
	}

	static RetentionSweep of(JobParameters parameters) {
		Long keepLast = parameters.getLong(RetentionParameters.KEEP_LAST);
		String maxAge = parameters.getString(RetentionParameters.MAX_AGE);
		return new RetentionSweep(parameters.getString(RetentionParameters.SCHEDULE),
				parameters.getString(RetentionParameters.CREATOR_CRN),
				new Retention(keepLast == null ? null : keepLast.intValue(),
						maxAge == null ? null : Duration.parse(maxAge)),
				parameters.getString(RetentionParameters.WORKSPACE_CRN),
				parameters.getString(RetentionParameters.RUN_ID));
	}

}
