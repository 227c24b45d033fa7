package io.wsbackup.verification;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.wsbackup.catalog.Backup;
import io.wsbackup.catalog.BackupRepository;
import io.wsbackup.catalog.BackupStatus;
import io.wsbackup.catalog.Verification;
import io.wsbackup.events.EventLog;
import io.wsbackup.execution.JobStarter;
import io.wsbackup.execution.JobStarter.LaunchFailedException;
import io.wsbackup.execution.LaunchableJob;
import io.wsbackup.system.WsbackupException;
import io.wsbackup.workspace.Crn;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Starts the {@code verifyBackup} job: checks every recovery point of a succeeded backup
 * where it lies and keeps the outcome on the backup. Each verification is a job instance
 * of its own; asking to verify a backup whose verification is running returns that one.
 */
@Component
public class VerifyLauncher implements LaunchableJob {

	private final BackupRepository backups;

	private final Job verifyBackupJob;

	private final JobStarter starter;

	private final JobRepository jobRepository;

	private final EventLog events;

	public VerifyLauncher(BackupRepository backups, @Qualifier("verifyBackupJob") Job verifyBackupJob,
			JobStarter starter, JobRepository jobRepository, EventLog events) {
		this.backups = backups;
		this.verifyBackupJob = verifyBackupJob;
		this.starter = starter;
		this.jobRepository = jobRepository;
		this.events = events;
	}

	@Override
	public String jobName() {
		return VerifyParameters.JOB_NAME;
	}

	/**
	 * Verifies a backup in the background.
	 * @return the workflow id: the job execution's id
	 * @throws WsbackupException {@code INVALID_ARGUMENT} for a bad CRN,
	 * {@code NOT_FOUND}, or {@code FAILED_PRECONDITION} unless the backup
	 * {@code succeeded}
	 */
	public long verifyBackup(String backupCrn) {
		Crn crn = Crn.parseField(backupCrn, Crn.BACKUP, "backupCrn");
		synchronized (starter.lock(crn.toString())) {
			Backup backup = backups.find(crn)
				.orElseThrow(() -> WsbackupException.notFound("backup " + crn + " not found"));
			if (backup.status() != BackupStatus.SUCCEEDED) {
				throw WsbackupException.failedPrecondition("backup " + backup.name() + " is " + backup.status()
						+ "; only a succeeded backup can be verified");
			}
			JobExecution running = running(crn);
			if (running != null) {
				return running.getId();
			}
			if (backups.verification(crn).status() == Verification.Status.VERIFYING) {
				throw WsbackupException.failedPrecondition(
						"backup " + backup.name() + " is being verified by a restore drill; try again once it ended");
			}
			return launch(backup, parameters(crn, UUID.randomUUID().toString()), "requested");
		}
	}

	private long launch(Backup backup, JobParameters parameters, String how) {
		Crn crn = backup.crn();
		try {
			return starter.launch(verifyBackupJob, parameters, crn.toString(), () -> {
				backups.verificationStarted(crn);
				events.info(backup.workspaceCrn().toString(), crn.toString(), VerifyParameters.JOB_NAME,
						"verification of backup " + backup.name() + " " + how);
			}, (ex) -> backups.verificationEnded(crn,
					List.of("the verification could not be started: " + ex.getMessage())))
				.getId();
		}
		catch (LaunchFailedException ex) {
			throw new IllegalStateException(
					"the verification of backup " + backup.name() + " could not be started: " + ex.getMessage(), ex);
		}
	}

	/** The verification of this backup running now (on any runner), or {@code null}. */
	private JobExecution running(Crn crn) {
		return jobRepository.findRunningJobExecutions(VerifyParameters.JOB_NAME)
			.stream()
			.filter((e) -> crn.toString().equals(e.getJobParameters().getString(VerifyParameters.BACKUP_CRN)))
			.findFirst()
			.orElse(null);
	}

	/** Starts a verification from the actuator's parameters: {@code backupCrn}. */
	@Override
	public long launch(Map<String, String> parameters, String creatorCrn) {
		return verifyBackup(parameters.get(VerifyParameters.BACKUP_CRN));
	}

	/** A verification resumes with the recovery points not checked yet. */
	@Override
	public long restart(JobParameters parameters) {
		Crn crn = Crn.parse(parameters.getString(VerifyParameters.BACKUP_CRN));
		synchronized (starter.lock(crn.toString())) {
			Backup backup = backups.find(crn)
				.orElseThrow(
						() -> WsbackupException.failedPrecondition("backup " + crn + " is no longer in the catalog"));
			JobExecution running = running(crn);
			if (running != null) {
				return running.getId();
			}
			return launch(backup, parameters, "resumed where it stopped");
		}
	}

	@Override
	public void stop(JobExecution execution) {
		starter.stop(execution);
	}

	@Override
	public long restartRecovered(JobParameters parameters) {
		return restart(parameters);
	}

	/**
	 * A verification whose runner died before its job started: a new one is started while
	 * the backup is still {@code verifying}.
	 */
	@Override
	public Resumed resumeLaunch(String subjectCrn) {
		Crn crn = Crn.parse(subjectCrn);
		Backup backup = backups.find(crn).orElse(null);
		JobParameters parameters = parameters(crn, UUID.randomUUID().toString());
		if (backup == null || backups.verification(crn).status() != Verification.Status.VERIFYING) {
			return new Resumed(parameters, "the verification of backup " + crn + " has nothing to launch");
		}
		JobExecution running = running(crn);
		if (running != null) {
			return new Resumed(running.getJobParameters(),
					"the verification of backup " + backup.name() + " runs as job execution " + running.getId());
		}
		JobExecution execution = starter.launch(verifyBackupJob, parameters, crn.toString());
		return new Resumed(parameters,
				"the verification of backup " + backup.name() + " started as job execution " + execution.getId());
	}

	private static JobParameters parameters(Crn backupCrn, String runId) {
		return new JobParametersBuilder().addString(VerifyParameters.BACKUP_CRN, backupCrn.toString())
			.addString(VerifyParameters.RUN_ID, runId)
			.toJobParameters();
	}

}
