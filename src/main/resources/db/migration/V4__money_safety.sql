-- This ledger's own id, generated once at its first start: event ids are derived from it, so two ledgers (one reset
-- or replaced) never produce the same event id for different happenings. One row only.
CREATE TABLE ledger_info (
    singleton  INTEGER     NOT NULL PRIMARY KEY CHECK (singleton = 1),
    ledger_id  VARCHAR(36) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Where a completed run's input file was archived: a restart that finds the finished file still in the inbox
-- (killed between "done" and the move) moves it there without reading it again.
ALTER TABLE intake_file ADD COLUMN moved_to VARCHAR(2000);
CREATE INDEX intake_file_completed ON intake_file (file_name, sha256, status, id);
