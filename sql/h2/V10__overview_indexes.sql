-- Indexes of the fleet overview (issue 15, benchmark 7): the catalog of every workspace is listed newest first in
-- pages (listBackups), and the summary counts the workspaces with a succeeded backup of the last 26 hours; without
-- them both sort or read the whole catalog at every refresh of the console. Keep sql/mysql and sql/h2 in step.

CREATE INDEX WS_BACKUP_BY_CREATED ON WS_BACKUP (CREATED_AT, CRN);
CREATE INDEX WS_BACKUP_BY_STATUS_CREATED ON WS_BACKUP (STATUS, CREATED_AT);
