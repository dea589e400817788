-- ledger_key's index on (file_id, line) is gone: every claim wrote it, and it held each SHA-256 key a third time (about
-- 90 bytes a row on disk). Entries keep their key, so a key is found from its entry by ledger_key's primary key, and the
-- keys of a run are deleted through ledger_entry's (file_id, line) index (Ledger.fail, Ledger.releaseUnsent).
DROP INDEX ledger_key_file_line;
