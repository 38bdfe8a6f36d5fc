//! The `releases` table: a pipeline's executions, as release records.

use rusqlite::params;

use super::{db_err, HistoryStore};
use crate::history::types::ReleaseRecord;
use crate::{Error, Result};

impl HistoryStore {
    pub fn upsert_releases(&self, scope: &str, releases: &[ReleaseRecord]) -> Result<()> {
        let mut conn = self.conn.lock().unwrap();
        let tx = conn.transaction().map_err(db_err)?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO releases (execution_id, scope, pipeline, start_ms, status, record, build_id, commit_sha, commit_summary)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                     ON CONFLICT(scope, pipeline, execution_id) DO UPDATE SET start_ms = excluded.start_ms,
                       status = excluded.status, record = excluded.record, build_id = excluded.build_id,
                       commit_sha = excluded.commit_sha, commit_summary = excluded.commit_summary",
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
                    json,
                    r.build_id,
                    r.commit,
                    r.commit_summary
                ])
                .map_err(db_err)?;
            }
        }
        tx.commit().map_err(db_err)
    }

    pub fn releases(&self, scope: &str, pipeline: &str) -> Result<Vec<ReleaseRecord>> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT record FROM releases WHERE scope = ?1 AND pipeline = ?2 ORDER BY start_ms DESC",
                )
                .map_err(db_err)?;
            let rows = stmt
                .query_map(params![scope, pipeline], |r| r.get::<_, String>(0))
                .map_err(db_err)?;
            let mut out = Vec::new();
            for r in rows {
                if let Some(release) = self.readable(&r.map_err(db_err)?, "release") {
                    out.push(release);
                }
            }
            Ok(out)
        })
    }
}
