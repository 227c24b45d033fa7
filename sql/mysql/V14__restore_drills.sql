-- Restore drills (issue 18, job drillBackup): a drill restores a backup into a scratch workspace, checks the restored
-- data, and removes the scratch workspace. DRILL_OF_BACKUP_CRN marks such a workspace (the backup it drills): it is
-- never listed, counted, scheduled or backed up, and the drill deletes its row at the end. On the backup, how its
-- last verification was made (verifyBackup: 'in-place', drillBackup: 'drill') and how long it took.
-- Keep sql/h2/V14__restore_drills.sql in step.

ALTER TABLE WS_WORKSPACE ADD COLUMN DRILL_OF_BACKUP_CRN VARCHAR(200);
ALTER TABLE WS_BACKUP ADD COLUMN VERIFIED_BY VARCHAR(20);
ALTER TABLE WS_BACKUP ADD COLUMN VERIFICATION_SECONDS BIGINT;
