-- 4: what joins builds to releases and commits, and how far each listing got:
-- - builds: `environment_type` (prices), `commit_sha` and `initiator` (commit messages, lead time,
--   the pipelines that started a project's builds);
-- - releases: `build_id`, `commit_sha`, `commit_summary` (a build's commit message);
-- - `sync_state`: whether the last listing of a project's builds (or a pipeline's executions)
--   got to its end, so a sync only stops at the first stored item when the store has no gap;
-- - the console link of stored builds points at the build, not its project (Rust backfills it).
ALTER TABLE builds ADD COLUMN environment_type TEXT;
ALTER TABLE builds ADD COLUMN commit_sha TEXT;
ALTER TABLE builds ADD COLUMN initiator TEXT;
UPDATE builds SET commit_sha = json_extract(summary, '$.commit'),
   initiator = json_extract(summary, '$.initiator');
CREATE INDEX builds_by_commit ON builds (scope, commit_sha);
ALTER TABLE releases ADD COLUMN build_id TEXT;
ALTER TABLE releases ADD COLUMN commit_sha TEXT;
ALTER TABLE releases ADD COLUMN commit_summary TEXT;
UPDATE releases SET build_id = json_extract(record, '$.buildId'),
   commit_sha = json_extract(record, '$.commit'),
   commit_summary = json_extract(record, '$.commitSummary');
CREATE INDEX releases_by_build ON releases (scope, build_id);
CREATE INDEX releases_by_commit ON releases (scope, commit_sha);
CREATE TABLE sync_state (
   scope TEXT NOT NULL,
   kind TEXT NOT NULL,
   name TEXT NOT NULL,
   complete INTEGER NOT NULL,
   PRIMARY KEY (scope, kind, name)
);
