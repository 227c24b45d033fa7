-- Locks of one operation at a time across every runner of a store. The registration of a workspace reads every
-- workspace's storage to refuse one that overlaps another's, then inserts: two registrations at the same moment (on
-- one runner or two) would each read the other not yet there and both be admitted. WorkspaceService.register holds
-- the 'storage-admission' row FOR UPDATE from that read until its insert commits. Keep sql/mysql and sql/h2 in step.

CREATE TABLE WS_LOCK (
	NAME VARCHAR(64) NOT NULL,
	PRIMARY KEY (NAME)
);

INSERT INTO WS_LOCK (NAME) VALUES ('storage-admission');
