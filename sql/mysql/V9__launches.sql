-- Launches (README "Crash recovery"): an operation the API acknowledged whose job is not yet in the job repository.
-- The launcher writes a row in the same transaction as the catalog change it acknowledges (a backup running, a
-- restore's new workspace restore:started, a backup deleting, a backup or restore restarted) and removes it once the
-- job's execution exists; from then on the execution's owner (WS_EXECUTION_OWNER) stands for it. A row whose runner
-- died in between is claimed here, compare-and-set, by the recovery scan of another runner (or of this one when it
-- comes back), which starts the job, or ends a backup cancelled before its job began.
-- SUBJECT_CRN: the backup (backupWorkspace, deleteBackup) or the new workspace (restoreWorkspace).
-- Keep sql/h2/V9__launches.sql in step (SchemaInStepTest checks it).

CREATE TABLE WS_LAUNCH (
	JOB_NAME VARCHAR(100) NOT NULL,
	SUBJECT_CRN VARCHAR(200) NOT NULL,
	RUNNER_ID VARCHAR(64) NOT NULL,
	REQUESTED_AT DATETIME(3) NOT NULL,
	PRIMARY KEY (JOB_NAME, SUBJECT_CRN)
) ENGINE=InnoDB;

-- A restore's timeout, so that a restore whose launch was cut short starts later with the timeout it was asked for.
ALTER TABLE WS_WORKSPACE ADD COLUMN RESTORE_TIMEOUT_MINUTES INT;

-- Operations left without a job by a runner killed between its answer and its job's commit, before this migration:
-- launches of a runner that is gone ('before-V9' never heartbeats), which the recovery scan completes.
INSERT INTO WS_LAUNCH (JOB_NAME, SUBJECT_CRN, RUNNER_ID, REQUESTED_AT)
SELECT 'backupWorkspace', b.CRN, 'before-V9', LOCALTIMESTAMP(3) FROM WS_BACKUP b
LEFT JOIN BATCH_JOB_EXECUTION e ON e.JOB_EXECUTION_ID = b.JOB_EXECUTION_ID
WHERE b.STATUS IN ('running', 'cancelling') AND (e.JOB_EXECUTION_ID IS NULL OR e.STATUS NOT IN ('STARTING', 'STARTED', 'STOPPING'));

INSERT INTO WS_LAUNCH (JOB_NAME, SUBJECT_CRN, RUNNER_ID, REQUESTED_AT)
SELECT 'restoreWorkspace', w.CRN, 'before-V9', LOCALTIMESTAMP(3) FROM WS_WORKSPACE w
LEFT JOIN BATCH_JOB_EXECUTION e ON e.JOB_EXECUTION_ID = w.RESTORE_JOB_EXECUTION_ID
WHERE w.STATUS = 'restore:started' AND (e.JOB_EXECUTION_ID IS NULL OR e.STATUS NOT IN ('STARTING', 'STARTED', 'STOPPING'));

INSERT INTO WS_LAUNCH (JOB_NAME, SUBJECT_CRN, RUNNER_ID, REQUESTED_AT)
SELECT 'deleteBackup', b.CRN, 'before-V9', LOCALTIMESTAMP(3) FROM WS_BACKUP b
LEFT JOIN BATCH_JOB_EXECUTION e ON e.JOB_EXECUTION_ID = b.JOB_EXECUTION_ID
LEFT JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID
WHERE b.STATUS = 'deleting' AND (i.JOB_NAME IS NULL OR i.JOB_NAME <> 'deleteBackup');
