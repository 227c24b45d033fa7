package io.wsbackup.execution;

import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.events.EventLog;
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

	public ExecutionEvents(EventLog events, BackupRepository backups) {
		this.events = events;
		this.backups = backups;
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
			String workspaceCrn = parameters.getString("workspaceCrn");
			if (workspaceCrn == null && backupCrn != null) {
				workspaceCrn = backups.find(Crn.parse(backupCrn)).map((b) -> b.workspaceCrn().toString()).orElse(null);
			}
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
