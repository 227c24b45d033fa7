package io.wsbackup.schedule;

import org.quartz.JobKey;
import org.quartz.TriggerKey;

/**
 * Where the schedules live in Quartz: everything in the group {@value #GROUP}, which the
 * startup sync owns and nothing else touches. Per schedule: the job and cron trigger
 * {@code schedule.<name>}, the job {@code run.<name>} whose one-shot triggers are the
 * pending starts of the workspaces of a run (one at a time), and the job
 * {@code await.<name>} whose one-shot triggers follow the started backups to their end
 * (several at once). One job and trigger {@value #RETENTION} sweeps every schedule's
 * retention.
 */
final class QuartzKeys {

	static final String GROUP = "wsbackup-schedules";

	static final String RETENTION = "retention-sweep";

	/** Job data: the schedule's name. */
	static final String SCHEDULE = "schedule";

	/** Job data: the definition the job was stored with (see Schedule#fingerprint). */
	static final String FINGERPRINT = "fingerprint";

	private QuartzKeys() {
	}

	/**
	 * The transaction every scheduler call runs in (the store is Spring-managed), read
	 * committed so that a retry sees what other runners committed meanwhile.
	 */
	static org.springframework.transaction.support.TransactionTemplate transaction(
			org.springframework.transaction.PlatformTransactionManager transactionManager) {
		var template = new org.springframework.transaction.support.TransactionTemplate(transactionManager);
		template.setIsolationLevel(org.springframework.transaction.TransactionDefinition.ISOLATION_READ_COMMITTED);
		return template;
	}

	static JobKey fireJob(String schedule) {
		return JobKey.jobKey("schedule." + schedule, GROUP);
	}

	static TriggerKey fireTrigger(String schedule) {
		return TriggerKey.triggerKey("schedule." + schedule, GROUP);
	}

	static JobKey runJob(String schedule) {
		return JobKey.jobKey("run." + schedule, GROUP);
	}

	static JobKey awaitJob(String schedule) {
		return JobKey.jobKey("await." + schedule, GROUP);
	}

	static JobKey retentionJob() {
		return JobKey.jobKey(RETENTION, GROUP);
	}

	static TriggerKey retentionTrigger() {
		return TriggerKey.triggerKey(RETENTION, GROUP);
	}

}
