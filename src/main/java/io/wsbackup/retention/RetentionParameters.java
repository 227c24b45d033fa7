package io.wsbackup.retention;

/**
 * The {@code enforceRetention} job's parameters and context keys: one job instance per
 * sweep of one schedule's retention (its creator CRN and the sweep's run id).
 */
public final class RetentionParameters {

	public static final String JOB_NAME = "enforceRetention";

	/** The schedule's name, for the events (not identifying). */
	public static final String SCHEDULE = "schedule";

	/** The creator CRN of the schedule's backups (identifying). */
	public static final String CREATOR_CRN = "creatorCrn";

	/** The sweep, unique per sweep of the schedule (identifying). */
	public static final String RUN_ID = "runId";

	/** Only the backups of this workspace; absent for all (not identifying). */
	public static final String WORKSPACE_CRN = "workspaceCrn";

	/** The retention's {@code keep-last}; absent for no count limit (not identifying). */
	public static final String KEEP_LAST = "keepLast";

	/**
	 * The retention's {@code max-age}, an ISO-8601 duration; absent for no age limit (not
	 * identifying).
	 */
	public static final String MAX_AGE = "maxAge";

	/** The doomed backups, fixed on the first attempt: backup CRN → why. */
	static final String DOOMED = DeleteDoomedBackupsTasklet.STEP + ".doomed";

	/**
	 * What became of each doomed backup handled: backup CRN → {@code started <workflow
	 * id>}, {@code refused} or {@code gone}.
	 */
	static final String HANDLED = DeleteDoomedBackupsTasklet.STEP + ".handled";

	private RetentionParameters() {
	}

}
