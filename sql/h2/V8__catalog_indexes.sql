-- Indexes found by the catalog-scale benchmark (bench/run, issue 8): a schedule's start counts the backups of
-- its creator that are still running (its cap), and retention lists a creator's backups; without an index both
-- read the whole catalog (1,000,000 rows in the benchmark). Keep sql/mysql and sql/h2 in step.

CREATE INDEX WS_BACKUP_BY_CREATOR_STATUS ON WS_BACKUP (CREATOR_CRN, STATUS);
CREATE INDEX WS_BACKUP_BY_CREATOR_CREATED ON WS_BACKUP (CREATOR_CRN, CREATED_AT);
