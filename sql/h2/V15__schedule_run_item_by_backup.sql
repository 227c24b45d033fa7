-- A drill's end finds the schedule run items that follow its backup (ScheduleRunRepository, by backup CRN and
-- status), at every drill's end: without this index each end reads every run item of every night.
-- Keep sql/mysql/V15__schedule_run_item_by_backup.sql in step.

CREATE INDEX WS_SCHEDULE_RUN_ITEM_BY_BACKUP ON WS_SCHEDULE_RUN_ITEM (BACKUP_CRN, STATUS);
