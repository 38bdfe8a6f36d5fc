-- 2: what the list and the figures read, in a lean table of their own, so opening a project
-- with 10,000 builds reads a tenth of the bytes and parses none of them: the list's JSON
-- (`summary`, a serialized `BuildSummary`) and the figures' facts. The whole records (phases,
-- links) move to `build_records`, read one at a time by the detail. (Rust backfills the rest.)
CREATE TABLE build_records (id TEXT PRIMARY KEY, record TEXT NOT NULL);
INSERT INTO build_records (id, record) SELECT id, record FROM builds;
DROP INDEX builds_by_project;
ALTER TABLE builds DROP COLUMN record;
ALTER TABLE builds ADD COLUMN summary TEXT NOT NULL DEFAULT '';
ALTER TABLE builds ADD COLUMN duration REAL;
ALTER TABLE builds ADD COLUMN compute_type TEXT;
ALTER TABLE builds ADD COLUMN phase_seconds TEXT NOT NULL DEFAULT '{}';
CREATE INDEX builds_by_project ON builds (scope, project, start_ms DESC, id DESC);
