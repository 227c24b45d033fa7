package io.wsbackup.schedule;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TimeZone;

import io.wsbackup.system.WsbackupProperties;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Brings Quartz's store in step with the schedule files when the runner starts (before
 * the scheduler does), in one transaction: a schedule added is stored with its cron
 * trigger (paused if its file says so); one whose definition changed is replaced, its
 * pause state taken from the file again; one removed loses its jobs and triggers, pending
 * starts included; one unchanged is not touched, so a pause or resume made through the
 * API lasts until its file changes. Only the group {@value QuartzKeys#GROUP} is read or
 * written.
 */
@Component
public class ScheduleSync implements SmartInitializingSingleton {

	private static final Logger log = LoggerFactory.getLogger(ScheduleSync.class);

	private final Schedules schedules;

	private final Scheduler scheduler;

	private final TransactionTemplate transaction;

	private final WsbackupProperties properties;

	public ScheduleSync(Schedules schedules, Scheduler scheduler, PlatformTransactionManager transactionManager,
			WsbackupProperties properties) {
		this.schedules = schedules;
		this.scheduler = scheduler;
		this.transaction = QuartzKeys.transaction(transactionManager);
		this.properties = properties;
	}

	@Override
	public void afterSingletonsInstantiated() {
		sync(schedules.all());
	}

	/**
	 * Reads the schedule files again and brings the store in step with them.
	 * @throws ScheduleFileException on a bad file, changing nothing
	 */
	public void reload() {
		sync(schedules.reload());
	}

	private void sync(List<Schedule> declared) {
		transaction.executeWithoutResult((tx) -> {
			try {
				syncInTransaction(declared);
			}
			catch (SchedulerException ex) {
				throw new IllegalStateException(
						"cannot bring the Quartz store in step with the schedule files: " + ex.getMessage(), ex);
			}
		});
	}

	private void syncInTransaction(List<Schedule> declared) throws SchedulerException {
		Set<JobKey> wanted = new HashSet<>();
		wanted.add(QuartzKeys.retentionJob());
		for (Schedule schedule : declared) {
			wanted.add(QuartzKeys.fireJob(schedule.name()));
			wanted.add(QuartzKeys.runJob(schedule.name()));
			wanted.add(QuartzKeys.awaitJob(schedule.name()));
		}
		for (JobKey key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(QuartzKeys.GROUP))) {
			if (!wanted.contains(key)) {
				deleteJob(key);
				log.info("schedule job {} removed: no schedule file declares it any more", key.getName());
			}
		}
		for (Schedule schedule : declared) {
			syncOne(schedule);
		}
		String retentionCron = properties.schedules().retentionCron();
		JobDetail retention = scheduler.getJobDetail(QuartzKeys.retentionJob());
		if (retention == null || !retentionCron.equals(retention.getJobDataMap().getString(QuartzKeys.FINGERPRINT))) {
			scheduler.scheduleJob(
					JobBuilder.newJob(RetentionSweepJob.class)
						.withIdentity(QuartzKeys.retentionJob())
						.withDescription("every schedule's retention sweep")
						.usingJobData(QuartzKeys.FINGERPRINT, retentionCron)
						.build(),
					Set.of(TriggerBuilder.newTrigger()
						.withIdentity(QuartzKeys.retentionTrigger())
						.withSchedule(CronScheduleBuilder.cronSchedule(retentionCron)
							.inTimeZone(TimeZone.getTimeZone("UTC"))
							.withMisfireHandlingInstructionDoNothing())
						.build()),
					true);
		}
	}

	/**
	 * Deletes a job with its triggers; a one-shot trigger that completes meanwhile makes
	 * Quartz's delete fail, so it is tried again.
	 */
	private void deleteJob(JobKey key) throws SchedulerException {
		for (int attempt = 1;; attempt++) {
			try {
				scheduler.deleteJob(key);
				return;
			}
			catch (SchedulerException ex) {
				if (attempt == 5) {
					throw ex;
				}
				log.debug("deleting {} raced a trigger's end; trying again", key, ex);
			}
		}
	}

	private void syncOne(Schedule schedule) throws SchedulerException {
		// both ask for recovery: a start turn or a check whose runner died while it ran
		// is run again by another instance of the cluster (each is idempotent: a turn
		// reads the run's pending starts afresh, a check the backup's status), else the
		// run's chain of triggers would end with it and its pending starts be stranded.
		// Stores made before this kept the jobs without it: they are replaced once.
		JobKey runJob = QuartzKeys.runJob(schedule.name());
		JobDetail run = scheduler.getJobDetail(runJob);
		if (run == null || !run.requestsRecovery()) {
			scheduler.addJob(JobBuilder.newJob(ScheduledBackupJob.class)
				.withIdentity(runJob)
				.withDescription("the starts of schedule " + schedule.name() + "'s runs")
				.usingJobData(QuartzKeys.SCHEDULE, schedule.name())
				.storeDurably()
				.requestRecovery()
				.build(), true);
		}
		JobKey awaitJob = QuartzKeys.awaitJob(schedule.name());
		JobDetail await = scheduler.getJobDetail(awaitJob);
		if (await == null || !await.requestsRecovery()) {
			scheduler.addJob(JobBuilder.newJob(ScheduledBackupAwaitJob.class)
				.withIdentity(awaitJob)
				.withDescription("following schedule " + schedule.name() + "'s started backups to their end")
				.usingJobData(QuartzKeys.SCHEDULE, schedule.name())
				.storeDurably()
				.requestRecovery()
				.build(), true);
		}
		JobDetail stored = scheduler.getJobDetail(QuartzKeys.fireJob(schedule.name()));
		String fingerprint = schedule.fingerprint();
		if (stored != null && fingerprint.equals(stored.getJobDataMap().getString(QuartzKeys.FINGERPRINT))) {
			return;
		}
		JobDetail job = JobBuilder.newJob(ScheduleFireJob.class)
			.withIdentity(QuartzKeys.fireJob(schedule.name()))
			.withDescription("schedule " + schedule.name() + " (" + schedule.source() + ")")
			.usingJobData(QuartzKeys.SCHEDULE, schedule.name())
			.usingJobData(QuartzKeys.FINGERPRINT, fingerprint)
			.build();
		Trigger trigger = TriggerBuilder.newTrigger()
			.withIdentity(QuartzKeys.fireTrigger(schedule.name()))
			.withSchedule(CronScheduleBuilder.cronSchedule(schedule.cron())
				.inTimeZone(TimeZone.getTimeZone(schedule.timeZone()))
				.withMisfireHandlingInstructionFireAndProceed())
			.build();
		scheduler.scheduleJob(job, Set.of(trigger), true);
		if (schedule.paused()) {
			scheduler.pauseTrigger(trigger.getKey());
		}
		log.info("{} schedule {} {} from {}: cron '{}' in {}{}", schedule.kind().text(), schedule.name(),
				stored == null ? "added" : "changed", schedule.source(), schedule.cron(), schedule.timeZone(),
				schedule.paused() ? ", paused" : "");
	}

}
