-- An entry changes state twice on its way out (RECEIVED -> SENDING -> outcome), each time in a commit that must reach the
-- disk before the request leaves or the next batch goes. Every index on state was rewritten by each of those commits
-- (H2 writes the touched pages of every changed index; PostgreSQL cannot update in place while an indexed column
-- changes), for queries that find their rows through the file anyway: a file's entries are read along (file_id, line),
-- and the rows still to send are the ones after the sender's line. Counting entries by state for metrics scans the table
-- at most once per paylink.observe.counts-cache instead.
DROP INDEX ledger_entry_state;
DROP INDEX ledger_entry_file_state_line;
