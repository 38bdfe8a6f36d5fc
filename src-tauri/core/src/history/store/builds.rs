//! The `builds` table (and `build_records`, each build's whole record): writing builds, the list,
//! one build, and the figures SQLite sums from the stored columns.

use std::sync::OnceLock;

use rusqlite::{params, OptionalExtension, ToSql};

use super::{db_err, HistoryStore};
use crate::history::stats::{self, BuildFacts, BuildPhases, BuildStats, PHASES};
use crate::history::types::BuildRecord;
use crate::status::BuildStatus;
use crate::{Error, Result};

/// The per-phase columns (v3), in `stats::PHASES` order.
const PHASE_COLUMNS: [&str; PHASES.len()] = [
    "s_queued",
    "s_provisioning",
    "s_download_source",
    "s_install",
    "s_pre_build",
    "s_build",
    "s_post_build",
    "s_upload_artifacts",
];

/// The columns that name a build's row: written once, never updated.
const KEY_COLUMNS: [&str; 3] = ["id", "scope", "project"];

/// The columns a sync rewrites: when the build started, how it went and what it cost.
const FACT_COLUMNS: [&str; 5] = ["start_ms", "status", "summary", "duration", "compute_type"];

/// The columns v4 added: what prices a build and joins it to releases and commits.
const V4_COLUMNS: [&str; 3] = ["environment_type", "commit_sha", "initiator"];

/// The upsert of a build's row, made from the column lists ([`PHASE_COLUMNS`] among them) so a
/// column cannot be missing from the names, the values or the updates:
///
/// ```sql
/// INSERT INTO builds (id, scope, project, start_ms, …, compute_type, s_queued, …,
///   s_upload_artifacts, environment_type, commit_sha, initiator) VALUES (?1, …, ?19)
/// ON CONFLICT(id) DO UPDATE SET start_ms = excluded.start_ms, …, initiator = excluded.initiator,
///   s_queued = excluded.s_queued, …, s_upload_artifacts = excluded.s_upload_artifacts
/// ```
pub(super) fn upsert_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let columns: Vec<&str> = KEY_COLUMNS
            .iter()
            .chain(&FACT_COLUMNS)
            .chain(&PHASE_COLUMNS)
            .chain(&V4_COLUMNS)
            .copied()
            .collect();
        let values: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let updates: Vec<String> = FACT_COLUMNS
            .iter()
            .chain(&V4_COLUMNS)
            .chain(&PHASE_COLUMNS)
            .map(|c| format!("{c} = excluded.{c}"))
            .collect();
        format!(
            "INSERT INTO builds ({}) VALUES ({}) ON CONFLICT(id) DO UPDATE SET {}",
            columns.join(", "),
            values.join(", "),
            updates.join(", ")
        )
    })
}

impl HistoryStore {
    pub fn upsert_builds(&self, scope: &str, builds: &[BuildRecord]) -> Result<()> {
        let mut conn = self.conn.lock().unwrap();
        let tx = conn.transaction().map_err(db_err)?;
        {
            let mut stmt = tx.prepare_cached(upsert_sql()).map_err(db_err)?;
            let mut record = tx
                .prepare_cached(
                    "INSERT INTO build_records (id, record) VALUES (?1, ?2)
                     ON CONFLICT(id) DO UPDATE SET record = excluded.record",
                )
                .map_err(db_err)?;
            for b in builds {
                let json = serde_json::to_string(b).map_err(Error::internal)?;
                let summary = serde_json::to_string(&b.summary()).map_err(Error::internal)?;
                let key: [&dyn ToSql; KEY_COLUMNS.len()] = [&b.id, &scope, &b.project];
                let facts: [&dyn ToSql; FACT_COLUMNS.len()] = [
                    &b.start_ms,
                    &b.status,
                    &summary,
                    &b.duration_seconds,
                    &b.compute_type,
                ];
                let phases: [Option<f64>; PHASE_COLUMNS.len()] = stats::seconds_by_phase(b);
                let v4: [&dyn ToSql; V4_COLUMNS.len()] =
                    [&b.environment_type, &b.commit, &b.initiator];
                // In the order of the statement's columns (`upsert_sql`).
                let values: Vec<&dyn ToSql> = key
                    .into_iter()
                    .chain(facts)
                    .chain(phases.iter().map(|s| s as &dyn ToSql))
                    .chain(v4)
                    .collect();
                stmt.execute(values.as_slice()).map_err(db_err)?;
                record.execute(params![b.id, json]).map_err(db_err)?;
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
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT r.record FROM builds b JOIN build_records r ON r.id = b.id
                     WHERE b.scope = ?1 AND b.project = ?2 ORDER BY b.start_ms DESC, b.id DESC LIMIT ?3",
                )
                .map_err(db_err)?;
            let limit = limit.map(|l| l as i64).unwrap_or(-1);
            let rows = stmt
                .query_map(params![scope, project, limit], |r| r.get::<_, String>(0))
                .map_err(db_err)?;
            let mut out = Vec::new();
            for r in rows {
                if let Some(b) = self.readable(&r.map_err(db_err)?, "build") {
                    out.push(b);
                }
            }
            Ok(out)
        })
    }

    /// A project's builds as the list shows them (`BuildSummary`), newest first, as one JSON array
    /// put together from the stored summaries: nothing is parsed or serialized again, so 10,000
    /// builds cross to the window in a few milliseconds.
    pub fn summaries_json(
        &self,
        scope: &str,
        project: &str,
        limit: Option<usize>,
    ) -> Result<String> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT summary FROM builds WHERE scope = ?1 AND project = ?2
                     ORDER BY start_ms DESC, id DESC LIMIT ?3",
                )
                .map_err(db_err)?;
            let limit = limit.map(|l| l as i64).unwrap_or(-1);
            let mut rows = stmt.query(params![scope, project, limit]).map_err(db_err)?;
            let mut json = String::with_capacity(64 * 1024);
            json.push('[');
            while let Some(row) = rows.next().map_err(db_err)? {
                // Only an object goes in (a damaged row would break the whole array).
                let summary = row.get_ref(0).ok().and_then(|v| v.as_str().ok());
                let Some(summary) = summary.filter(|s| s.starts_with('{') && s.ends_with('}'))
                else {
                    tracing::warn!("skipped an unreadable stored build summary");
                    self.skipped
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    continue;
                };
                if json.len() > 1 {
                    json.push(',');
                }
                json.push_str(summary);
            }
            json.push(']');
            Ok(json)
        })
    }

    /// The figures of a project's builds that started in `[now - days, now]`, from the stored
    /// facts (status, duration, compute type) and per-phase sums done by SQLite, in one snapshot.
    pub fn build_stats(
        &self,
        scope: &str,
        project: &str,
        now_ms: i64,
        window_days: u32,
    ) -> Result<BuildStats> {
        let (from, to) = stats::window_bounds(now_ms, window_days);
        self.read(|conn| {
            let facts: Vec<BuildFacts> = conn
                .prepare_cached(
                    "SELECT status, duration, compute_type, environment_type FROM builds
                     WHERE scope = ?1 AND project = ?2 AND start_ms BETWEEN ?3 AND ?4",
                )
                .map_err(db_err)?
                .query_map(params![scope, project, from, to], |r| {
                    Ok(BuildFacts {
                        status: r.get(0)?,
                        duration_seconds: r.get(1)?,
                        compute_type: r.get(2)?,
                        environment_type: r.get(3)?,
                    })
                })
                .map_err(db_err)?
                .collect::<rusqlite::Result<_>>()
                .map_err(db_err)?;
            let sums: Vec<Option<f64>> = conn
                .prepare_cached(&format!(
                    "SELECT {} FROM builds WHERE scope = ?1 AND project = ?2 AND start_ms BETWEEN ?3 AND ?4",
                    PHASE_COLUMNS.map(|c| format!("sum({c})")).join(", ")
                ))
                .map_err(db_err)?
                .query_row(params![scope, project, from, to], |r| {
                    (0..PHASE_COLUMNS.len()).map(|i| r.get(i)).collect()
                })
                .map_err(db_err)?;
            let phase_seconds = PHASES
                .iter()
                .zip(sums)
                .filter_map(|(phase, sum)| sum.map(|s| ((*phase).to_owned(), s)))
                .collect();
            let recent: Vec<BuildPhases> = conn
                .prepare_cached(&format!(
                    "SELECT id, json_extract(summary, '$.buildNumber'), status, start_ms, {} FROM builds
                     WHERE scope = ?1 AND project = ?2 AND start_ms BETWEEN ?3 AND ?4 AND status != ?6
                     ORDER BY start_ms DESC, id DESC LIMIT ?5",
                    PHASE_COLUMNS.map(|c| format!("coalesce({c}, 0)")).join(", ")
                ))
                .map_err(db_err)?
                .query_map(
                    params![
                        scope,
                        project,
                        from,
                        to,
                        stats::RECENT_PHASE_BUILDS as i64,
                        BuildStatus::InProgress
                    ],
                    |r| {
                        Ok(BuildPhases {
                            id: r.get(0)?,
                            build_number: r.get(1)?,
                            status: r.get(2)?,
                            start_ms: r.get(3)?,
                            seconds: (4..4 + PHASE_COLUMNS.len())
                                .map(|i| r.get(i))
                                .collect::<rusqlite::Result<_>>()?,
                        })
                    },
                )
                .map_err(db_err)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(db_err)?
                .into_iter()
                .rev()
                .collect();
            Ok(stats::stats_of(&facts, &phase_seconds, recent, window_days))
        })
    }

    pub fn build(&self, scope: &str, id: &str) -> Result<Option<BuildRecord>> {
        self.read(|conn| {
            let text: Option<String> = conn
                .query_row(
                    "SELECT r.record FROM builds b JOIN build_records r ON r.id = b.id WHERE b.scope = ?1 AND b.id = ?2",
                    params![scope, id],
                    |r| r.get(0),
                )
                .optional()
                .map_err(db_err)?;
            Ok(text.and_then(|t| self.readable(&t, "build")))
        })
    }

    /// How many builds of a project are stored.
    pub fn count(&self, scope: &str, project: &str) -> Result<u32> {
        self.read(|conn| {
            conn.prepare_cached("SELECT count(*) FROM builds WHERE scope = ?1 AND project = ?2")
                .map_err(db_err)?
                .query_row(params![scope, project], |r| r.get(0))
                .map_err(db_err)
        })
    }

    /// Ids and statuses of the stored builds of a project (to decide what to fetch again).
    pub fn known(
        &self,
        scope: &str,
        project: &str,
    ) -> Result<std::collections::HashMap<String, BuildStatus>> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached("SELECT id, status FROM builds WHERE scope = ?1 AND project = ?2")
                .map_err(db_err)?;
            let rows = stmt
                .query_map(params![scope, project], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(db_err)?;
            rows.collect::<std::result::Result<_, _>>().map_err(db_err)
        })
    }

    /// The pipelines that started stored builds of a project (`codepipeline/<name>` initiators).
    pub fn pipelines_of(&self, scope: &str, project: &str) -> Result<Vec<String>> {
        self.read(|conn| {
            conn.prepare_cached(
                "SELECT DISTINCT substr(initiator, 14) FROM builds
                 WHERE scope = ?1 AND project = ?2 AND initiator LIKE 'codepipeline/%' ORDER BY 1",
            )
            .map_err(db_err)?
            .query_map(params![scope, project], |r| r.get(0))
            .map_err(db_err)?
            .collect::<rusqlite::Result<_>>()
            .map_err(db_err)
        })
    }
}
