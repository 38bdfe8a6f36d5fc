//! Queries that read builds and releases together: a build's commit message (from the release
//! that ran it, or one of the same commit), and when a release's commits were first built.

use rusqlite::params;

use super::{db_err, HistoryStore};
use crate::Result;

impl HistoryStore {
    /// The commit message of each stored build of a project whose message is known, by build id:
    /// the message of the pipeline execution that ran the build, else that of any stored
    /// execution of the same commit (so a webhook build of a released commit has it too).
    pub fn commit_messages(
        &self,
        scope: &str,
        project: &str,
    ) -> Result<std::collections::BTreeMap<String, String>> {
        self.read(|conn| {
            conn.prepare_cached(
                "SELECT id, message FROM (
                   SELECT b.id, coalesce(
                     (SELECT r.commit_summary FROM releases r
                      WHERE r.scope = b.scope AND r.build_id = b.id AND r.commit_summary IS NOT NULL),
                     (SELECT r.commit_summary FROM releases r
                      WHERE r.scope = b.scope AND r.commit_sha = b.commit_sha AND r.commit_summary IS NOT NULL
                      ORDER BY r.start_ms LIMIT 1)) AS message
                   FROM builds b WHERE b.scope = ?1 AND b.project = ?2)
                 WHERE message IS NOT NULL",
            )
            .map_err(db_err)?
            .query_map(params![scope, project], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(db_err)?
            .collect::<rusqlite::Result<_>>()
            .map_err(db_err)
        })
    }

    /// For each commit a pipeline's stored executions carried, when it was first seen: the start
    /// of its earliest stored build (of any project), if any (lead time counts from there).
    pub fn commits_first_built(
        &self,
        scope: &str,
        pipeline: &str,
    ) -> Result<std::collections::HashMap<String, i64>> {
        self.read(|conn| {
            conn.prepare_cached(
                "SELECT b.commit_sha, min(b.start_ms) FROM builds b
                 WHERE b.scope = ?1 AND b.commit_sha IN
                   (SELECT commit_sha FROM releases WHERE scope = ?1 AND pipeline = ?2)
                 GROUP BY b.commit_sha",
            )
            .map_err(db_err)?
            .query_map(params![scope, pipeline], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(db_err)?
            .collect::<rusqlite::Result<_>>()
            .map_err(db_err)
        })
    }
}
