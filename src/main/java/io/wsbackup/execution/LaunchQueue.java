package io.wsbackup.execution;

import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.wsbackup.system.WsbackupProperties;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The launches that wait for room, in the store ({@code WS_LAUNCH} rows with a
 * {@code QUEUED_AT}, migration V17), and the limits they wait for: jobs at once on this
 * runner ({@code wsbackup.jobs.max-concurrent}) and backups in flight at once per cloud
 * account over all runners ({@code wsbackup.jobs.max-concurrent-per-account}).
 * <p>
 * A launch is queued in the transaction of the catalog change it acknowledges, as any
 * launch is recorded ({@link JobStarter#queue}); nothing waits in memory only, and a
 * queued launch has no job execution yet, so its timeout has not begun. Every runner's
 * dispatcher takes queued launches, oldest first, compare-and-set, when it has room, and
 * completes them as the recovery scan completes a launch cut short. A schedule's starts
 * are always queued so that every runner of the cluster takes its share of them; an
 * operator's launch starts at once on the runner asked when it has room and nothing waits
 * before it.
 */
@Component
public class LaunchQueue {

	/** Where a launch may run. */
	public enum Placement {

		/** On the runner asked, at once, when it has room and no launch waits. */
		HERE_IF_ROOM,
		/**
		 * On the runner asked, at once, whatever its room (the actuator's launch, which
		 * answers with the job execution).
		 */
		HERE,
		/** On whichever runner of the cluster takes it first (a schedule's start). */
		ANY_RUNNER

	}

	/** A queued launch. */
	public record Queued(String jobName, String subjectCrn, String accountId, LocalDateTime queuedAt) {
	}

	/** States of the backups that hold a place in their account's limit. */
	private static final List<String> IN_FLIGHT = List.of("running", "cancelling");

	private final JdbcClient jdbc;

	private final Runner runner;

	private final WsbackupProperties.Jobs limits;

	/** Whether the last look found launches waiting: a new launch does not jump them. */
	private volatile boolean waiting;

	/** Backups in flight per cloud account at the last look. */
	private volatile Map<String, Integer> accountLoads = Map.of();

	private volatile Runnable wake = () -> {
	};

	@Autowired
	public LaunchQueue(JdbcClient jdbc, Runner runner, WsbackupProperties properties) {
		this(jdbc, runner, properties.jobs());
	}

	/** The queue as a runner with these limits sees it (tests: other runners). */
	public LaunchQueue(JdbcClient jdbc, Runner runner, WsbackupProperties.Jobs limits) {
		this.jdbc = jdbc;
		this.runner = runner;
		this.limits = limits;
	}

	public WsbackupProperties.Jobs limits() {
		return limits;
	}

	/**
	 * Whether a launch of a job for a workspace of this account starts on this runner at
	 * once: it may, this runner runs fewer jobs than its limit, no launch waits in the
	 * queue (as last seen), and the account had room at the last look (a look is at most
	 * {@code queue-poll-interval} old: the per-account limit may be passed by the direct
	 * launches of that interval, never by queued ones).
	 */
	public boolean startsHere(String accountId, Placement placement) {
		return placement == Placement.HERE
				|| placement == Placement.HERE_IF_ROOM && runner.activeJobs() < limits.maxConcurrent() && !waiting
						&& accountLoads.getOrDefault(accountId, 0) < limits.maxConcurrentPerAccount();
	}

	/** Room on this runner: how many more jobs it may start. */
	public int room() {
		return limits.maxConcurrent() - runner.activeJobs();
	}

	/** Queues a launch; call it in the transaction of its catalog change. */
	void add(String jobName, String subjectCrn, String accountId) {
		jdbc.sql("INSERT INTO WS_LAUNCH (JOB_NAME, SUBJECT_CRN, RUNNER_ID, REQUESTED_AT, QUEUED_AT, ACCOUNT_ID) "
				+ "VALUES (?, ?, ?, LOCALTIMESTAMP(3), LOCALTIMESTAMP(3), ?)")
			.params(jobName, subjectCrn, runner.id(), accountId)
			.update();
		waiting = true;
	}

	/**
	 * The queued launches, oldest first.
	 * @param anyRunner all of them, or only those this runner queued
	 */
	public List<Queued> oldest(int limit, boolean anyRunner) {
		List<Queued> queued = jdbc
			.sql("SELECT JOB_NAME, SUBJECT_CRN, ACCOUNT_ID, QUEUED_AT FROM WS_LAUNCH WHERE QUEUED_AT IS NOT NULL"
					+ (anyRunner ? "" : " AND RUNNER_ID = :runner") + " ORDER BY QUEUED_AT, SUBJECT_CRN LIMIT :limit")
			.param("runner", runner.id())
			.param("limit", limit)
			.query((rs, i) -> new Queued(rs.getString(1), rs.getString(2), rs.getString(3),
					rs.getObject(4, LocalDateTime.class)))
			.list();
		waiting = !queued.isEmpty();
		return queued;
	}

	/** How many launches wait. */
	public int count() {
		return jdbc.sql("SELECT COUNT(*) FROM WS_LAUNCH WHERE QUEUED_AT IS NOT NULL").query(Integer.class).single();
	}

	/**
	 * Takes a queued launch for this runner, compare-and-set: of several runners taking
	 * one, exactly one wins. It becomes an ordinary launch of this runner (one the
	 * recovery scan completes should this runner die before its job exists).
	 */
	public boolean take(Queued queued) {
		return jdbc
			.sql("UPDATE WS_LAUNCH SET RUNNER_ID = ?, QUEUED_AT = NULL, REQUESTED_AT = LOCALTIMESTAMP(3) "
					+ "WHERE JOB_NAME = ? AND SUBJECT_CRN = ? AND QUEUED_AT IS NOT NULL")
			.params(runner.id(), queued.jobName(), queued.subjectCrn())
			.update() == 1;
	}

	/**
	 * Removes a launch that is still queued (its operation was cancelled before it
	 * began), compare-and-set; call it in the transaction of the cancel.
	 * @return whether it was queued and is no more
	 */
	public boolean withdraw(String jobName, String subjectCrn) {
		return jdbc.sql("DELETE FROM WS_LAUNCH WHERE JOB_NAME = ? AND SUBJECT_CRN = ? AND QUEUED_AT IS NOT NULL")
			.params(jobName, subjectCrn)
			.update() == 1;
	}

	/**
	 * When the launch of this job for this subject was queued, while it waits in the
	 * queue.
	 */
	public Optional<LocalDateTime> queuedAt(String jobName, String subjectCrn) {
		return jdbc
			.sql("SELECT QUEUED_AT FROM WS_LAUNCH WHERE JOB_NAME = ? AND SUBJECT_CRN = ? AND QUEUED_AT IS NOT NULL")
			.params(jobName, subjectCrn)
			.query((rs, row) -> rs.getObject(1, LocalDateTime.class))
			.optional();
	}

	/** Whether the launch of this job for this subject waits in the queue. */
	public boolean isQueued(String jobName, String subjectCrn) {
		return queuedAt(jobName, subjectCrn).isPresent();
	}

	/**
	 * Looks at the backups in flight per cloud account, over all runners (running or
	 * cancelling and not queued), and keeps them for {@link #startsHere}.
	 */
	public Map<String, Integer> refreshAccountLoads() {
		Map<String, Integer> loads = new HashMap<>();
		jdbc.sql("SELECT w.ACCOUNT_ID, COUNT(*) FROM WS_BACKUP b JOIN WS_WORKSPACE w ON w.CRN = b.WORKSPACE_CRN "
				+ "WHERE b.STATUS IN (:states) AND NOT EXISTS (SELECT 1 FROM WS_LAUNCH l "
				+ "WHERE l.JOB_NAME = 'backupWorkspace' AND l.SUBJECT_CRN = b.CRN AND l.QUEUED_AT IS NOT NULL) "
				+ "GROUP BY w.ACCOUNT_ID")
			.param("states", IN_FLIGHT)
			.query((rs) -> {
				loads.put(rs.getString(1), rs.getInt(2));
			});
		accountLoads = Map.copyOf(loads);
		return loads;
	}

	/** Wakes this runner's dispatcher (a launch was queued, a job ended). */
	public void wake() {
		wake.run();
	}

	/** The dispatcher's wake-up. */
	public void onWake(Runnable wake) {
		this.wake = wake;
	}

}
