package io.wsbackup.deletion;

import java.util.Map;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.events.EventLog;
import io.wsbackup.execution.JobStarter;
import io.wsbackup.execution.JobStarter.LaunchFailedException;
import io.wsbackup.execution.LaunchableJob;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.workspace.Crn;
import io.wsbackup.workspace.WorkspaceRepository;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Starts the {@code deleteBackup} job: marks a backup {@code deleting} and deletes its
 * recovery points from the vault, then removes it from the catalog. Deleting a backup
 * already being deleted returns the running job (the same workflow id to every caller,
 * however many ask at once), or restarts it where it stopped if it failed.
 */
@Component
public class DeleteLauncher implements LaunchableJob {

	private final WorkspaceRepository workspaces;

	private final BackupRepository backups;

	private final Job deleteBackupJob;

	private final JobStarter starter;

	private final EventLog events;

	public DeleteLauncher(WorkspaceRepository workspaces, BackupRepository backups,
			@Qualifier("deleteBackupJob") Job deleteBackupJob, JobStarter starter, EventLog events) {
		this.workspaces = workspaces;
		this.backups = backups;
		this.deleteBackupJob = deleteBackupJob;
		this.starter = starter;
		this.events = events;
	}

	@Override
	public String jobName() {
		return DeleteParameters.JOB_NAME;
	}

	/**
	 * Deletes a backup in the background.
	 * @return the workflow id: the job execution's id
	 * @throws WsbackupException {@code NOT_FOUND}, or {@code FAILED_PRECONDITION} while
	 * the backup runs or a restore reads from it
	 */
	public long deleteBackup(String backupCrn) {
		Crn crn = Crn.parseField(backupCrn, Crn.BACKUP, "backupCrn");
		synchronized (starter.lock(crn.toString())) {
			// a second attempt when another runner changed the backup between the read
			// and the compare-and-set: it is deleting now, and its delete is adopted
			for (int attempt = 1;; attempt++) {
				try {
					return deleteBackup(crn);
				}
				catch (ChangedMeanwhileException ex) {
					if (attempt == 3) {
						throw WsbackupException.failedPrecondition(ex.getMessage());
					}
				}
			}
		}
	}

	private long deleteBackup(Crn crn) {
		Backup backup = backups.find(crn).orElseThrow(() -> WsbackupException.notFound("backup " + crn + " not found"));
		if (backup.status() == BackupStatus.RUNNING || backup.status() == BackupStatus.CANCELLING) {
			throw WsbackupException.failedPrecondition("backup " + backup.name() + " is " + backup.status()
					+ "; cancel it or wait for it to end before deleting it");
		}
		var restores = workspaces.restoringFrom(crn.toString());
		if (!restores.isEmpty()) {
			throw WsbackupException.failedPrecondition("backup " + backup.name() + " is being restored into workspace "
					+ restores.get(0).name() + " (" + restores.get(0).crn() + "); delete it once the restore ended");
		}
		if (backup.status() != BackupStatus.DELETING
				&& backups.verification(crn).status() == io.wsbackup.catalog.Verification.Status.VERIFYING) {
			throw WsbackupException.failedPrecondition("backup " + backup.name()
					+ " is being verified (a verifyBackup or a drill reads it); delete it once the verification ended");
		}
		JobParameters parameters = parameters(crn);
		if (backup.status() == BackupStatus.DELETING) {
			JobExecution last = starter.lastExecution(DeleteParameters.JOB_NAME, parameters);
			if (last != null && last.isRunning()) {
				return last.getId();
			}
		}
		BackupStatus before = backup.status();
		try {
			return starter.launch(deleteBackupJob, parameters, crn.toString(), () -> {
				if (before != BackupStatus.DELETING && !backups.moveStatus(crn, before, BackupStatus.DELETING, null)) {
					throw new ChangedMeanwhileException(
							"backup " + backup.name() + " changed while it was being deleted; try again");
				}
				events.info(backup.workspaceCrn().toString(), crn.toString(), DeleteParameters.JOB_NAME,
						"delete of backup " + backup.name()
								+ (before == BackupStatus.DELETING ? " resumed where it stopped" : " requested"));
			}, null).getId();
		}
		catch (LaunchFailedException ex) {
			throw new IllegalStateException(
					"the delete job of backup " + backup.name() + " could not be started: " + ex.getMessage(), ex);
		}
	}

	/** Starts a delete from the actuator's parameters: {@code backupCrn}. */
	@Override
	public long launch(Map<String, String> parameters, String creatorCrn) {
		return deleteBackup(parameters.get(DeleteParameters.BACKUP_CRN));
	}

	/** A delete resumes with the recovery points not yet deleted. */
	@Override
	public long restart(JobParameters parameters) {
		return deleteBackup(parameters.getString(DeleteParameters.BACKUP_CRN));
	}

	@Override
	public void stop(JobExecution execution) {
		starter.stop(execution);
	}

	@Override
	public long restartRecovered(JobParameters parameters) {
		return deleteBackup(parameters.getString(DeleteParameters.BACKUP_CRN));
	}

	@Override
	public Resumed resumeLaunch(String subjectCrn) {
		Crn crn = Crn.parse(subjectCrn);
		JobParameters parameters = parameters(crn);
		Backup backup = backups.find(crn).orElse(null);
		if (backup == null || backup.status() != BackupStatus.DELETING) {
			return new Resumed(parameters, "the delete of backup " + crn + " has nothing to launch: the backup is "
					+ (backup == null ? "no longer in the catalog" : backup.status()));
		}
		String what = "the delete job of backup " + backup.name();
		JobExecution last = starter.lastExecution(DeleteParameters.JOB_NAME, parameters);
		if (last != null && last.isRunning()) {
			return new Resumed(parameters, what + " exists as job execution " + last.getId());
		}
		JobExecution execution = starter.launch(deleteBackupJob, parameters, crn.toString());
		return new Resumed(parameters,
				what + (last == null ? " started" : " restarted") + " as job execution " + execution.getId());
	}

	private static JobParameters parameters(Crn backupCrn) {
		return new JobParametersBuilder().addString(DeleteParameters.BACKUP_CRN, backupCrn.toString())
			.toJobParameters();
	}

	/** A compare-and-set lost to another runner or thread. */
	private static final class ChangedMeanwhileException extends RuntimeException {

		ChangedMeanwhileException(String message) {
			super(message);
		}

	}

}
