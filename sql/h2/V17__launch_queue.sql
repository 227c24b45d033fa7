-- Queued launches (issue 17, README "A fleet in flight"): a launch acknowledged while no runner had room for it
-- (wsbackup.jobs.max-concurrent per runner, wsbackup.jobs.max-concurrent-per-account per cloud account), or a
-- schedule's start, which any runner may take. QUEUED_AT is set while it waits: the recovery scan leaves such a row
-- alone, and every runner's dispatcher takes queued rows, oldest first, compare-and-set, when it has room (clearing
-- QUEUED_AT and writing its RUNNER_ID), then completes the launch as the recovery scan would. Nothing is queued in
-- memory only; a runner that dies leaves its queued launches to the others. ACCOUNT_ID: the cloud account of the
-- launch's workspace, for the per-account limit.
-- Keep sql/mysql/V17__launch_queue.sql in step (SchemaInStepTest checks it).

ALTER TABLE WS_LAUNCH ADD COLUMN QUEUED_AT TIMESTAMP(3);
ALTER TABLE WS_LAUNCH ADD COLUMN ACCOUNT_ID VARCHAR(64);
CREATE INDEX WS_LAUNCH_BY_QUEUED ON WS_LAUNCH (QUEUED_AT);
