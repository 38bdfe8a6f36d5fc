//! The local history store: SQLite in the app's data dir, versioned migrations, no secrets.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};

use super::types::{BuildRecord, ReleaseRecord};
use crate::{Error, Result};

const MIGRATIONS: &[&str] = &[
    // 1: builds and releases, each row the record's JSON plus the columns queries need.
    "CREATE TABLE builds (
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
     CREATE INDEX releases_by_pipeline ON releases (scope, pipeline, start_ms DESC);",
];

fn db_err(e: rusqlite::Error) -> Error {
    Error::internal(format!("history store: {e}"))
}

pub struct HistoryStore {
    conn: Mutex<Connection>,
}

impl HistoryStore {
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        Self::init(Connection::open(path).map_err(db_err)?)
    }

    pub fn in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory().map_err(db_err)?)
    }

    fn init(conn: Connection) -> Result<Self> {
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db_err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(db_err)?;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(db_err)?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            conn.execute_batch(&format!(
                "BEGIN; {sql}; PRAGMA user_version = {}; COMMIT;",
                i + 1
            ))
            .map_err(db_err)?;
        }
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    pub fn schema_version(&self) -> i64 {
        self.conn
            .lock()
            .unwrap()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap_or(0)
    }

    pub fn upsert_builds(&self, scope: &str, builds: &[BuildRecord]) -> Result<()> {
        let mut conn = self.conn.lock().unwrap();
        let tx = conn.transaction().map_err(db_err)?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO builds (id, scope, project, start_ms, status, record) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT(id) DO UPDATE SET start_ms = excluded.start_ms, status = excluded.status, record = excluded.record",
                )
                .map_err(db_err)?;
            for b in builds {
                let json = serde_json::to_string(b).map_err(Error::internal)?;
                stmt.execute(params![b.id, scope, b.project, b.start_ms, b.status, json])
                    .map_err(db_err)?;
            }
        }
        tx.commit().map_err(db_err)
    }

    /// A project's builds, newest first.
    pub fn builds(
        &self,
        scope: &str,
        project: &str,
        limit: Option<usize>,
    ) -> Result<Vec<BuildRecord>> {
        let conn = self.conn.lock().unwrap();
        let mut stmt = conn
            .prepare_cached(
                "SELECT record FROM builds WHERE scope = ?1 AND project = ?2 ORDER BY start_ms DESC, id DESC LIMIT ?3",
            )
            .map_err(db_err)?;
        let limit = limit.map(|l| l as i64).unwrap_or(-1);
        let rows = stmt
            .query_map(params![scope, project, limit], |r| r.get::<_, String>(0))
            .map_err(db_err)?;
        rows.map(|r| {
            let text = r.map_err(db_err)?;
            serde_json::from_str(&text).map_err(Error::internal)
        })
        .collect()
    }

    pub fn build(&self, scope: &str, id: &str) -> Result<Option<BuildRecord>> {
        let conn = self.conn.lock().unwrap();
        let text: Option<String> = conn
            .query_row(
                "SELECT record FROM builds WHERE scope = ?1 AND id = ?2",
                params![scope, id],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_err)?;
        text.map(|t| serde_json::from_str(&t).map_err(Error::internal))
            .transpose()
    }

    /// Ids and statuses of the stored builds of a project (to decide what to fetch again).
    pub fn known(
        &self,
        scope: &str,
        project: &str,
    ) -> Result<std::collections::HashMap<String, String>> {
        let conn = self.conn.lock().unwrap();
        let mut stmt = conn
            .prepare_cached("SELECT id, status FROM builds WHERE scope = ?1 AND project = ?2")
            .map_err(db_err)?;
        let rows = stmt
            .query_map(params![scope, project], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(db_err)?;
        rows.collect::<std::result::Result<_, _>>().map_err(db_err)
    }

    pub fn upsert_releases(&self, scope: &str, releases: &[ReleaseRecord]) -> Result<()> {
        let mut conn = self.conn.lock().unwrap();
        let tx = conn.transaction().map_err(db_err)?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO releases (execution_id, scope, pipeline, start_ms, status, record) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT(scope, pipeline, execution_id) DO UPDATE SET start_ms = excluded.start_ms, status = excluded.status, record = excluded.record",
                )
                .map_err(db_err)?;
            for r in releases {
                let json = serde_json::to_string(r).map_err(Error::internal)?;
                stmt.execute(params![
                    r.execution_id,
                    scope,
                    r.pipeline,
                    r.start_ms,
                    r.status,
                    json
                ])
                .map_err(db_err)?;
            }
        }
        tx.commit().map_err(db_err)
    }

    pub fn releases(&self, scope: &str, pipeline: &str) -> Result<Vec<ReleaseRecord>> {
        let conn = self.conn.lock().unwrap();
        let mut stmt = conn
            .prepare_cached(
                "SELECT record FROM releases WHERE scope = ?1 AND pipeline = ?2 ORDER BY start_ms DESC",
            )
            .map_err(db_err)?;
        let rows = stmt
            .query_map(params![scope, pipeline], |r| r.get::<_, String>(0))
            .map_err(db_err)?;
        rows.map(|r| {
            let text = r.map_err(db_err)?;
            serde_json::from_str(&text).map_err(Error::internal)
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::types::Initiator;

    pub fn build(id: &str, start_ms: i64, status: &str) -> BuildRecord {
        BuildRecord {
            id: id.into(),
            project: "p".into(),
            build_number: None,
            status: status.into(),
            start_ms,
            end_ms: Some(start_ms + 60_000),
            duration_seconds: Some(60.0),
            initiator: "user".into(),
            initiator_kind: Initiator::User,
            source_version: None,
            commit: None,
            compute_type: None,
            phases: vec![],
            log_group: None,
            log_stream: None,
            log_url: None,
            console_url: String::new(),
        }
    }

    #[test]
    fn migrates_stores_and_reads_newest_first() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("history.sqlite");
        {
            let s = HistoryStore::open(&path).unwrap();
            assert_eq!(s.schema_version(), MIGRATIONS.len() as i64);
            s.upsert_builds(
                "a",
                &[build("p:1", 1, "SUCCEEDED"), build("p:2", 2, "IN_PROGRESS")],
            )
            .unwrap();
            s.upsert_builds("a", &[build("p:2", 2, "FAILED")]).unwrap();
        }
        let s = HistoryStore::open(&path).unwrap();
        let got = s.builds("a", "p", None).unwrap();
        assert_eq!(
            got.iter()
                .map(|b| (b.id.as_str(), b.status.as_str()))
                .collect::<Vec<_>>(),
            [("p:2", "FAILED"), ("p:1", "SUCCEEDED")]
        );
        assert!(s.builds("other-account", "p", None).unwrap().is_empty());
        assert_eq!(s.known("a", "p").unwrap().len(), 2);
    }
}
