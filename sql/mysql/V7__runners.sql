-- Crash recovery (README "Crash recovery"): every runner process registers under a fresh id and heartbeats; every job
-- execution it starts or restarts is owned by it. A runner whose heartbeat is older than wsbackup.recovery.dead-after
-- is dead: another runner (or this one when it comes back) claims its executions here, compare-and-set, recovers and
-- restarts them. Heartbeats use the store's clock (LOCALTIMESTAMP), so runners on hosts whose clocks differ agree.
-- Keep sql/h2/V7__runners.sql in step (SchemaInStepTest checks it).

CREATE TABLE WS_RUNNER (
	RUNNER_ID VARCHAR(64) NOT NULL PRIMARY KEY,
	HOST VARCHAR(255) NOT NULL,
	STARTED_AT DATETIME(3) NOT NULL,
	HEARTBEAT_AT DATETIME(3) NOT NULL
) ENGINE=InnoDB;

-- STATE: RUNNING (the runner works on it), RELEASED (its runner shut down at a commit point and left it to the
-- others), RECOVERING (claimed by RUNNER_ID, being recovered and restarted), RECOVERED (restarted as RESTARTED_AS),
-- NOT_RESTARTED (recovered but not restarted: NOTE says why).
CREATE TABLE WS_EXECUTION_OWNER (
	JOB_EXECUTION_ID BIGINT NOT NULL PRIMARY KEY,
	RUNNER_ID VARCHAR(64) NOT NULL,
	STATE VARCHAR(20) NOT NULL,
	UPDATED_AT DATETIME(3) NOT NULL,
	PREVIOUS_RUNNER_ID VARCHAR(64),
	RESTARTED_AS BIGINT,
	NOTE VARCHAR(2000)
) ENGINE=InnoDB;

CREATE INDEX WS_EXECUTION_OWNER_BY_STATE ON WS_EXECUTION_OWNER (STATE);
