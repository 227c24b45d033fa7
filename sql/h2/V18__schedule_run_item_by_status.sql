-- A run's pending and running items are counted at each item's end and listed at each start turn: with this
-- index those reads touch only the items still open, not every item of a night of thousands.
CREATE INDEX WS_SCHEDULE_RUN_ITEM_BY_STATUS ON WS_SCHEDULE_RUN_ITEM (RUN_ID, STATUS, SLOT_TIME);
