-- 5: each listing that starts takes the next `generation` of its `sync_state` row, and marks
-- the row complete when it ends only if no other listing started since. Two syncs of one
-- project at once (two windows, the app and the CLI) can then not mark complete a store that
-- the one that started later left with a gap when it failed.
ALTER TABLE sync_state ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
