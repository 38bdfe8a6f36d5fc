-- 1: builds and releases, each row the record's JSON plus the columns queries need.
CREATE TABLE builds (
   id TEXT PRIMARY KEY,
   scope TEXT NOT NULL,
   project TEXT NOT NULL,
   start_ms INTEGER NOT NULL,
   status TEXT NOT NULL,
   record TEXT NOT NULL
);
CREATE INDEX builds_by_project ON builds (scope, project, start_ms DESC);
CREATE TABLE releases (
   execution_id TEXT NOT NULL,
   scope TEXT NOT NULL,
   pipeline TEXT NOT NULL,
   start_ms INTEGER NOT NULL,
   status TEXT NOT NULL,
   record TEXT NOT NULL,
   PRIMARY KEY (scope, pipeline, execution_id)
);
CREATE INDEX releases_by_pipeline ON releases (scope, pipeline, start_ms DESC);
