-- How a backup was last proven restorable where it lies (issue 18, job verifyBackup): never, verifying, verified
-- or failed; when the last verification ended; and, when it failed, what failed (one line per problem, bounded like
-- WS_BACKUP.WARNINGS). The index answers the newest verified backup of each workspace (metric and retention).
-- Keep sql/h2/V11__backup_verification.sql in step.

ALTER TABLE WS_BACKUP ADD COLUMN VERIFICATION_STATUS VARCHAR(20) NOT NULL DEFAULT 'never';
ALTER TABLE WS_BACKUP ADD COLUMN LAST_VERIFIED_AT DATETIME(3);
ALTER TABLE WS_BACKUP ADD COLUMN VERIFICATION_FAILURE VARCHAR(4000);
CREATE INDEX WS_BACKUP_BY_WORKSPACE_VERIFICATION ON WS_BACKUP (WORKSPACE_CRN, VERIFICATION_STATUS, CREATED_AT);
