-- One owner per input file when several instances share this database and one inbox (README "Running several
-- instances"). The file consumers' read lock (camel-file readLock=idempotent-changed) keeps its locks here through
-- camel-sql's JdbcOrphanLockAwareIdempotentRepository: a row per file being processed (inbox:<name>, resolve:<name>)
-- and one per running instance (instance:<id>). Its owner renews createdAt every paylink.cluster.heartbeat; a row older
-- than paylink.cluster.file-lease belongs to a dead (or stalled) owner and may be taken over. The column names are the
-- ones camel-sql's queries use.
CREATE TABLE owner_lock (
    processorName VARCHAR(255)  NOT NULL,
    messageId     VARCHAR(1100) NOT NULL,   -- inbox:<file name>, resolve:<file name>, instance:<id>
    createdAt     TIMESTAMP WITH TIME ZONE NOT NULL,  -- last renewed (the heartbeat), not first taken
    owner         VARCHAR(200)  NOT NULL,   -- paylink.cluster.instance-id of the holder
    PRIMARY KEY (processorName, messageId)
);

-- Which instance marked an entry SENDING: a resend left SENDING is UNCERTAIN once its sender is gone (its instance row
-- stale or absent), never while that instance is alive and its request may still be answered.
ALTER TABLE ledger_entry ADD COLUMN sending_owner VARCHAR(200);
