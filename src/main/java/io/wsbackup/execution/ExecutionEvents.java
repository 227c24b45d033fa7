package io.wsbackup.execution;

import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.events.EventLog;
import io.wsbackup.notification.Notice;
import io.wsbackup.notification.NotificationEvent;
import io.wsbackup.notification.Notifications;
import io.wsbackup.workspace.Crn;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.stereotype.Component;

/**
 * Writes what recovery did into the event log of the workspace a job execution works on
 * (every wsbackup job has the parameter {@code backupCrn}, most also
 * {@code workspaceCrn}), under the step name {@code recovery}. Never fails: an event that
 * cannot be written (the store is down) is logged only.
 */
@Component
public class ExecutionEvents {

	public static final String STEP = "recovery";

	private static final Logger log = LoggerFactory.getLogger(ExecutionEvents.class);

	private final EventLog events;

	private final BackupRepository backups;

	private final Notifications notifications;

	public ExecutionEvents(EventLog events, BackupRepository backups, Notifications notifications) {
		this.events = events;
		this.backups = backups;
		this.notifications = notifications;
	}

	/**
	 * A warning that this runner took over a job (or a launch) another runner left, also
	 * told to the notification targets that want {@code runner-took-over}.
	 */
	public void tookOver(JobParameters parameters, String message) {
		tookOver(parameters, message, () -> {
		});
	}

	/**
	 * Like {@link #tookOver(JobParameters, String)}, with the store change that records
	 * the takeover: the notification commits with it.
	 */
	public void tookOver(JobParameters parameters, String message, Runnable change) {
		notifications.atomically(() -> {
			change.run();
			tellTakeover(parameters, message);
			return null;
		});
		warning(parameters, message);
	}

	private void tellTakeover(JobParameters parameters, String message) {
		try {
			String backupCrn = parameters.getString("backupCrn");
			String workspaceCrn = workspaceOf(parameters);
			notifications.record(NotificationEvent.RUNNER_TOOK_OVER,
					() -> new Notice(NotificationEvent.RUNNER_TOOK_OVER, workspaceCrn,
							backupCrn != null ? backupCrn : workspaceCrn, null, message,
							Notice.fields("workspaceCrn", workspaceCrn, "backupCrn", backupCrn)));
		}
		catch (org.springframework.dao.DataAccessException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			log.warn("the takeover could not be told to the notification targets: {}", ex.getMessage());
		}
	}

	private String workspaceOf(JobParameters parameters) {
		String backupCrn = parameters.getString("backupCrn");
		String workspaceCrn = parameters.getString("workspaceCrn");
		if (workspaceCrn == null && backupCrn != null) {
			workspaceCrn = backups.find(Crn.parse(backupCrn)).map((b) -> b.workspaceCrn().toString()).orElse(null);
		}
		return workspaceCrn;
	}

	public void info(JobParameters parameters, String message) {
		write(parameters, false, message);
	}

	public void warning(JobParameters parameters, String message) {
		write(parameters, true, message);
	}

	private void write(JobParameters parameters, boolean warning, String message) {
		try {
			String backupCrn = parameters.getString("backupCrn");
			String workspaceCrn = workspaceOf(parameters);
			if (workspaceCrn == null) {
				log.warn("{}", message);
				return;
			}
			if (warning) {
				events.warning(workspaceCrn, backupCrn, STEP, message);
			}
			else {
				events.info(workspaceCrn, backupCrn, STEP, message);
			}
		}
		catch (RuntimeException ex) {
			log.warn("{} (not in the event log: {})", message, ex.getMessage());
		}
	}

}
