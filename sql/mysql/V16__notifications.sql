-- Notifications (issue 19, docs/notifications.md): the outbox. One row per event and target, written in the
-- transaction of the state change it tells (a backup's end, a restore's end, a drill's failure, a schedule's skip, a
-- runner's takeover), so that a crash between the change and the send loses nothing. Any live runner sends a row:
-- it claims it compare-and-set (CLAIMED_BY, CLAIMED_UNTIL: a lease that a dead runner's claim outlives by no more than
-- its length), posts it, and marks it delivered, or due again later (NEXT_ATTEMPT_AT, exponential back-off) until its
-- retry period ends and it is marked failed.
-- EVENT_ID: the CloudEvent id, the same for every target of one event (a receiver de-duplicates on it).
-- STATUS: 'pending' (due at NEXT_ATTEMPT_AT, or being sent while CLAIMED_UNTIL lies ahead), 'delivered', 'failed'.
-- DATA: the event's data, JSON; the payload is made from it at each attempt, in the target's format.
-- Keep sql/h2/V16__notifications.sql in step (SchemaInStepTest checks it).

CREATE TABLE WS_NOTIFICATION (
	ID BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
	EVENT_ID VARCHAR(64) NOT NULL,
	EVENT_TYPE VARCHAR(100) NOT NULL,
	TARGET VARCHAR(100) NOT NULL,
	WORKSPACE_CRN VARCHAR(200),
	SUBJECT_CRN VARCHAR(200),
	DATA VARCHAR(8000) NOT NULL,
	CREATED_AT DATETIME(3) NOT NULL,
	STATUS VARCHAR(20) NOT NULL,
	ATTEMPTS INT NOT NULL,
	NEXT_ATTEMPT_AT DATETIME(3) NOT NULL,
	CLAIMED_BY VARCHAR(64),
	CLAIMED_UNTIL DATETIME(3),
	LAST_ATTEMPT_AT DATETIME(3),
	LAST_RESPONSE_STATUS INT,
	LAST_ERROR VARCHAR(1000),
	DELIVERED_AT DATETIME(3)
) ENGINE=InnoDB;

CREATE INDEX WS_NOTIFICATION_DUE ON WS_NOTIFICATION (STATUS, NEXT_ATTEMPT_AT);
CREATE INDEX WS_NOTIFICATION_BY_EVENT ON WS_NOTIFICATION (EVENT_ID);
