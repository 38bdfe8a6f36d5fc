//! The local history store: SQLite in the app's data dir, versioned migrations, no secrets.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};

use super::stats::{self, BuildFacts, BuildPhases, BuildStats, PHASES};
use super::types::{BuildRecord, ReleaseRecord};
use crate::apply::console;
use crate::{Error, Result};

/// A schema step: SQL (`history/migrations/NNNN_*.sql`, each file saying why), then (optionally)
/// Rust that fills what SQL cannot, in the same transaction.
struct Migration {
    sql: &'static str,
    backfill: Option<fn(&Connection) -> rusqlite::Result<()>>,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        sql: include_str!("migrations/0001_builds_and_releases.sql"),
        backfill: None,
    },
    Migration {
        sql: include_str!("migrations/0002_lean_build_rows.sql"),
        backfill: Some(backfill_v2),
    },
    Migration {
        sql: include_str!("migrations/0003_phase_columns.sql"),
        backfill: None,
    },
    Migration {
        sql: include_str!("migrations/0004_joins_and_sync_state.sql"),
        backfill: Some(backfill_v4),
    },
    Migration {
        sql: include_str!("migrations/0005_sync_generation.sql"),
        backfill: None,
    },
];

fn backfill_v4(conn: &Connection) -> rusqlite::Result<()> {
    let rows: Vec<(String, String, String)> = conn
        .prepare("SELECT id, scope, project FROM builds")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = conn.prepare(
        "UPDATE build_records SET record = json_set(record, '$.consoleUrl', ?2) WHERE id = ?1",
    )?;
    for (id, scope, project) in rows {
        let (account, region) = scope.split_once('/').unwrap_or((&scope, ""));
        update.execute(params![id, console::build(region, account, &project, &id)])?;
    }
    Ok(())
}

/// A listing under way (`HistoryStore::begin_listing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListingTicket {
    /// The store had no gap when the listing started: it may stop at the first stored item.
    pub complete: bool,
    generation: i64,
}

/// What a `sync_state` row is about.
#[derive(Debug, Clone, Copy)]
pub enum Listing {
    /// A CodeBuild project's builds.
    Builds,
    /// A pipeline's executions.
    Executions,
}

impl Listing {
    fn as_str(self) -> &'static str {
        match self {
            Listing::Builds => "builds",
            Listing::Executions => "executions",
        }
    }
}

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

/// The derived columns of a record, as the v2 backfill wrote them.
fn derived(b: &BuildRecord) -> Result<(String, String)> {
    Ok((
        serde_json::to_string(&b.summary()).map_err(Error::internal)?,
        serde_json::to_string(&b.phase_seconds()).map_err(Error::internal)?,
    ))
}

fn backfill_v2(conn: &Connection) -> rusqlite::Result<()> {
    let rows: Vec<(String, String)> = conn
        .prepare("SELECT id, record FROM build_records")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = conn.prepare(
        "UPDATE builds SET summary = ?2, duration = ?3, compute_type = ?4, phase_seconds = ?5 WHERE id = ?1",
    )?;
    for (id, text) in rows {
        let to_sql = |e: Error| rusqlite::Error::ToSqlConversionFailure(e.to_string().into());
        // A record that no longer reads is dropped: the next sync fetches that build again.
        let Ok(b) = serde_json::from_str::<BuildRecord>(&text) else {
            conn.execute("DELETE FROM builds WHERE id = ?1", params![id])?;
            conn.execute("DELETE FROM build_records WHERE id = ?1", params![id])?;
            continue;
        };
        let (summary, phases) = derived(&b).map_err(to_sql)?;
        update.execute(params![
            id,
            summary,
            b.duration_seconds,
            b.compute_type,
            phases
        ])?;
    }
    Ok(())
}

fn db_err(e: rusqlite::Error) -> Error {
    Error::internal(format!("history store: {e}"))
}

/// How long a connection waits for another's lock (the app and the CLI share the file).
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Switches the file to WAL. SQLite answers a switch that meets another connection's lock with
/// SQLITE_BUSY at once, without the busy handler (two openers of a new or old store), so try
/// again for as long as the busy timeout.
fn set_wal(conn: &Connection) -> Result<()> {
    let start = std::time::Instant::now();
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && start.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            other => return other.map_err(db_err),
        }
    }
}

/// Read connections kept open for the next read (more are opened while all are in use).
const IDLE_READERS: usize = 4;

/// One connection writes (and migrates); reads go through connections of their own, so the page's
/// list and figures are read at the same time, and neither waits for a sync's writes (WAL lets
/// readers and a writer work at once).
pub struct HistoryStore {
    conn: Mutex<Connection>,
    /// The file, for the read connections; `None` in memory, where the one connection reads too.
    path: Option<PathBuf>,
    readers: Mutex<Vec<Connection>>,
    /// What the user should hear once: a store rebuilt, rows skipped ([`Self::take_notice`]).
    notice: Mutex<Option<String>>,
    /// Rows whose record could not be read, skipped since the last notice.
    skipped: std::sync::atomic::AtomicU64,
}

/// Whether SQLite says the file is not a database, or a damaged one.
fn is_corrupt(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
    )
}

/// Reads the file's header and schema: fails with NOTADB / CORRUPT on a damaged file.
fn probe(path: &Path) -> std::result::Result<(), rusqlite::Error> {
    if !path.exists() {
        return Ok(());
    }
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })?;
    conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))?;
    Ok(())
}

/// Moves a damaged store (and its -wal and -shm files) aside, to `<name>.corrupt-<ms>`.
fn move_aside(path: &Path) -> Result<PathBuf> {
    let stamp = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
    let aside = PathBuf::from(format!("{}.corrupt-{stamp}", path.display()));
    std::fs::rename(path, &aside)?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", path.display()));
        if side.exists() {
            let _ = std::fs::rename(&side, format!("{}{suffix}", aside.display()));
        }
    }
    Ok(aside)
}

impl HistoryStore {
    /// Opens (or creates) the store at `path`: the file owner-only (0600; SQLite gives its -wal
    /// and -shm files the same mode), in a directory created owner-only (0700). A store file
    /// left readable by others is made owner-only again.
    ///
    /// The store is a cache of what AWS has: a file SQLite finds damaged (not a database, or a
    /// corrupt one) is moved aside to `<name>.corrupt-<ms>` and a new store is made, to be filled
    /// again from AWS; [`Self::take_notice`] says so once.
    pub fn open(path: &Path) -> Result<Self> {
        match probe(path) {
            Err(e) if is_corrupt(&e) => {
                let aside = move_aside(path)?;
                tracing::warn!(
                    "the history store {} was damaged ({e}); moved to {}",
                    path.display(),
                    aside.display()
                );
                let store = Self::open_file(path)?;
                *store.notice.lock().unwrap() = Some(format!(
                    "The local build history was damaged ({e}), so it was moved to {} and is being rebuilt from AWS.",
                    aside.display()
                ));
                Ok(store)
            }
            _ => Self::open_file(path),
        }
    }

    /// Once: what happened to the store that the user should know (rebuilt, rows skipped).
    pub fn take_notice(&self) -> Option<String> {
        let skipped = self.skipped.swap(0, std::sync::atomic::Ordering::Relaxed);
        let mut notice = self.notice.lock().unwrap().take();
        if skipped > 0 {
            let rows = format!(
                "{skipped} stored {} could not be read and {} skipped; they come back with the next sync from AWS.",
                if skipped == 1 { "record" } else { "records" },
                if skipped == 1 { "was" } else { "were" }
            );
            notice = Some(match notice {
                Some(n) => format!("{n} {rows}"),
                None => rows,
            });
        }
        notice
    }

    /// A stored record, or None (counted and logged) when it cannot be read.
    fn readable<T: serde::de::DeserializeOwned>(&self, text: &str, what: &str) -> Option<T> {
        match serde_json::from_str(text) {
            Ok(v) => Some(v),
            Err(e) => {
                tracing::warn!("skipped an unreadable stored {what}: {e}");
                self.skipped
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                None
            }
        }
    }

    fn open_file(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            if !dir.exists() {
                let mut builder = std::fs::DirBuilder::new();
                builder.recursive(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::DirBuilderExt;
                    builder.mode(0o700);
                }
                builder.create(dir)?;
            }
        }
        {
            let mut options = std::fs::OpenOptions::new();
            options.read(true).write(true).create(true).truncate(false);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let file = options.open(path)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                if file.metadata()?.permissions().mode() & 0o077 != 0 {
                    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
                }
            }
        }
        Self::init(
            Connection::open(path).map_err(db_err)?,
            Some(path.to_owned()),
        )
    }

    pub fn in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory().map_err(db_err)?, None)
    }

    /// Runs `f` on a read connection, in one read transaction (one snapshot of the store).
    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let Some(path) = &self.path else {
            return f(&self.conn.lock().unwrap());
        };
        let idle = self.readers.lock().unwrap().pop();
        let conn = match idle {
            Some(conn) => conn,
            None => {
                let conn = Connection::open_with_flags(
                    path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(db_err)?;
                conn.busy_timeout(BUSY_TIMEOUT).map_err(db_err)?;
                conn
            }
        };
        let out = (|| {
            let tx = conn.unchecked_transaction().map_err(db_err)?;
            let out = f(&tx)?;
            tx.finish().map_err(db_err)?;
            Ok(out)
        })();
        let mut idle = self.readers.lock().unwrap();
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
        out
    }

    fn init(conn: Connection, path: Option<PathBuf>) -> Result<Self> {
        // The app and the CLI share the file: wait for the other's write instead of failing.
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db_err)?;
        set_wal(&conn)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(db_err)?;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(db_err)?;
        if version > MIGRATIONS.len() as i64 {
            return Err(Error::internal(format!(
                "the history store was written by a newer Pipewright (schema {version}, this one knows {}); update Pipewright",
                MIGRATIONS.len()
            )));
        }
        let mut conn = conn;
        for (i, m) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            // Take the write lock first, then look again: another process may have migrated.
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(db_err)?;
            let now: i64 = tx
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(db_err)?;
            if now > i as i64 {
                continue;
            }
            tx.execute_batch(m.sql).map_err(db_err)?;
            if let Some(backfill) = m.backfill {
                backfill(&tx).map_err(db_err)?;
            }
            tx.pragma_update(None, "user_version", i as i64 + 1)
                .map_err(db_err)?;
            tx.commit().map_err(db_err)?;
        }
        Ok(Self {
            conn: Mutex::new(conn),
            path,
            readers: Mutex::new(Vec::new()),
            notice: Mutex::new(None),
            skipped: std::sync::atomic::AtomicU64::new(0),
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
                    "INSERT INTO builds (id, scope, project, start_ms, status, summary, duration, compute_type,
                       s_queued, s_provisioning, s_download_source, s_install, s_pre_build, s_build, s_post_build, s_upload_artifacts,
                       environment_type, commit_sha, initiator)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
                     ON CONFLICT(id) DO UPDATE SET start_ms = excluded.start_ms, status = excluded.status,
                       summary = excluded.summary, duration = excluded.duration, compute_type = excluded.compute_type,
                       environment_type = excluded.environment_type, commit_sha = excluded.commit_sha,
                       initiator = excluded.initiator,
                       s_queued = excluded.s_queued, s_provisioning = excluded.s_provisioning,
                       s_download_source = excluded.s_download_source, s_install = excluded.s_install,
                       s_pre_build = excluded.s_pre_build, s_build = excluded.s_build,
                       s_post_build = excluded.s_post_build, s_upload_artifacts = excluded.s_upload_artifacts",
                )
                .map_err(db_err)?;
            let mut record = tx
                .prepare_cached(
                    "INSERT INTO build_records (id, record) VALUES (?1, ?2)
                     ON CONFLICT(id) DO UPDATE SET record = excluded.record",
                )
                .map_err(db_err)?;
            for b in builds {
                let json = serde_json::to_string(b).map_err(Error::internal)?;
                let summary = serde_json::to_string(&b.summary()).map_err(Error::internal)?;
                let [q, pr, ds, i, pre, bu, post, up] = stats::seconds_by_phase(b);
                stmt.execute(params![
                    b.id,
                    scope,
                    b.project,
                    b.start_ms,
                    b.status,
                    summary,
                    b.duration_seconds,
                    b.compute_type,
                    q,
                    pr,
                    ds,
                    i,
                    pre,
                    bu,
                    post,
                    up,
                    b.environment_type,
                    b.commit,
                    b.initiator
                ])
                .map_err(db_err)?;
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
                     WHERE scope = ?1 AND project = ?2 AND start_ms BETWEEN ?3 AND ?4 AND status != 'IN_PROGRESS'
                     ORDER BY start_ms DESC, id DESC LIMIT ?5",
                    PHASE_COLUMNS.map(|c| format!("coalesce({c}, 0)")).join(", ")
                ))
                .map_err(db_err)?
                .query_map(
                    params![scope, project, from, to, stats::RECENT_PHASE_BUILDS as i64],
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
    ) -> Result<std::collections::HashMap<String, String>> {
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

    /// Whether the last listing of `name` got to its end (no gap between what is stored and the
    /// newest item then). Never synced: false.
    pub fn listing_complete(&self, scope: &str, kind: Listing, name: &str) -> Result<bool> {
        self.read(|conn| {
            conn.prepare_cached(
                "SELECT complete FROM sync_state WHERE scope = ?1 AND kind = ?2 AND name = ?3",
            )
            .map_err(db_err)?
            .query_row(params![scope, kind.as_str(), name], |r| r.get::<_, bool>(0))
            .optional()
            .map(|c| c.unwrap_or(false))
            .map_err(db_err)
        })
    }

    /// Starts a listing of `name`, before its first write: says whether the store had no gap
    /// (`complete`), then marks the listing under way with a generation of its own.
    pub fn begin_listing(&self, scope: &str, kind: Listing, name: &str) -> Result<ListingTicket> {
        let mut conn = self.conn.lock().unwrap();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db_err)?;
        let (complete, generation): (bool, i64) = tx
            .prepare_cached(
                "SELECT complete, generation FROM sync_state WHERE scope = ?1 AND kind = ?2 AND name = ?3",
            )
            .map_err(db_err)?
            .query_row(params![scope, kind.as_str(), name], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .map_err(db_err)?
            .unwrap_or((false, 0));
        tx.prepare_cached(
            "INSERT INTO sync_state (scope, kind, name, complete, generation) VALUES (?1, ?2, ?3, 0, ?4)
             ON CONFLICT(scope, kind, name) DO UPDATE SET complete = 0, generation = excluded.generation",
        )
        .map_err(db_err)?
        .execute(params![scope, kind.as_str(), name, generation + 1])
        .map_err(db_err)?;
        tx.commit().map_err(db_err)?;
        Ok(ListingTicket {
            complete,
            generation: generation + 1,
        })
    }

    /// Marks a listing that got to its end: the store is complete, unless another listing of
    /// `name` started after this one (it may yet fail and leave a gap; its own end marks it).
    pub fn finish_listing(
        &self,
        scope: &str,
        kind: Listing,
        name: &str,
        ticket: ListingTicket,
    ) -> Result<()> {
        self.conn
            .lock()
            .unwrap()
            .prepare_cached(
                "UPDATE sync_state SET complete = 1
                 WHERE scope = ?1 AND kind = ?2 AND name = ?3 AND generation = ?4",
            )
            .map_err(db_err)?
            .execute(params![scope, kind.as_str(), name, ticket.generation])
            .map_err(db_err)?;
        Ok(())
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_damaged_store_is_moved_aside_and_made_again_once() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("history.sqlite");
        std::fs::write(
            &path,
            b"this is not a SQLite database, it is what a bad disk left",
        )
        .unwrap();
        let store = HistoryStore::open(&path).unwrap();
        let notice = store.take_notice().expect("a notice");
        assert!(
            notice.contains("moved to") && notice.contains("rebuilt from AWS"),
            "{notice}"
        );
        assert_eq!(store.take_notice(), None, "said once");
        assert_eq!(store.count("a", "p").unwrap(), 0);
        let aside: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("history.sqlite.corrupt-"))
            .collect();
        assert_eq!(aside.len(), 1, "{aside:?}");
        // A sound store opens as it is, without a notice.
        drop(store);
        let again = HistoryStore::open(&path).unwrap();
        assert_eq!(again.take_notice(), None);
    }

    #[test]
    fn an_unreadable_row_is_skipped_and_counted_not_the_whole_list() {
        let s = HistoryStore::in_memory().unwrap();
        s.upsert_builds(
            "a",
            &[
                build("p:1", 100, "SUCCEEDED"),
                build("p:2", 200, "SUCCEEDED"),
            ],
        )
        .unwrap();
        {
            let conn = s.conn.lock().unwrap();
            conn.execute(
                "UPDATE build_records SET record = '{broken' WHERE id = 'p:1'",
                [],
            )
            .unwrap();
            conn.execute("UPDATE builds SET summary = 'garbage' WHERE id = 'p:1'", [])
                .unwrap();
        }
        let records = s.builds("a", "p", None).unwrap();
        assert_eq!(
            records.iter().map(|b| b.id.as_str()).collect::<Vec<_>>(),
            ["p:2"]
        );
        let summaries: Vec<serde_json::Value> =
            serde_json::from_str(&s.summaries_json("a", "p", None).unwrap()).unwrap();
        assert_eq!(summaries.len(), 1);
        assert_eq!(s.build("a", "p:1").unwrap(), None);
        let notice = s.take_notice().unwrap();
        assert!(
            notice.starts_with("3 stored records could not be read"),
            "{notice}"
        );
    }

    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_store_is_owner_only_in_an_owner_only_directory() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data").join("pipewright");
        let path = dir.join("history.sqlite");
        let s = HistoryStore::open(&path).unwrap();
        s.upsert_releases("a", &[]).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&path), 0o600);
        let wal = dir.join("history.sqlite-wal");
        if wal.exists() {
            assert_eq!(mode(&wal), 0o600);
        }
        drop(s);
        // A store someone left readable by others is made owner-only again.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        HistoryStore::open(&path).unwrap();
        assert_eq!(mode(&path), 0o600);
    }
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
            environment_type: None,
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

    fn with_phases(mut b: BuildRecord, build_secs: f64) -> BuildRecord {
        use crate::history::types::PhaseRecord;
        b.phases = ["QUEUED", "BUILD", "COMPLETED"]
            .iter()
            .map(|p| PhaseRecord {
                phase: (*p).into(),
                status: Some("SUCCEEDED".into()),
                start_ms: Some(b.start_ms),
                end_ms: None,
                duration_seconds: match *p {
                    "QUEUED" => Some(2.0),
                    "BUILD" => Some(build_secs),
                    _ => None,
                },
                messages: vec![],
            })
            .collect();
        b
    }

    #[test]
    fn the_list_json_is_the_summaries_newest_first() {
        let s = HistoryStore::in_memory().unwrap();
        assert_eq!(s.summaries_json("a", "p", None).unwrap(), "[]");
        let mut records: Vec<BuildRecord> = (1..=5)
            .map(|i| with_phases(build(&format!("p:{i}"), i * 1000, "SUCCEEDED"), 10.0))
            .collect();
        records[2].commit = Some("deadbeef \"quoted\" <b>".into());
        s.upsert_builds("a", &records).unwrap();
        s.upsert_builds("b", &[build("p:other", 9_000, "FAILED")])
            .unwrap();
        let got: Vec<crate::history::BuildSummary> =
            serde_json::from_str(&s.summaries_json("a", "p", None).unwrap()).unwrap();
        let want: Vec<_> = records.iter().rev().map(BuildRecord::summary).collect();
        assert_eq!(got, want);
        let two: Vec<crate::history::BuildSummary> =
            serde_json::from_str(&s.summaries_json("a", "p", Some(2)).unwrap()).unwrap();
        assert_eq!(two, want[..2]);
        // An update replaces the summary too.
        s.upsert_builds("a", &[build("p:5", 5000, "FAILED")])
            .unwrap();
        let got: Vec<crate::history::BuildSummary> =
            serde_json::from_str(&s.summaries_json("a", "p", Some(1)).unwrap()).unwrap();
        assert_eq!(got[0].status, "FAILED");
    }

    #[test]
    fn stored_figures_equal_the_figures_of_the_records() {
        let s = HistoryStore::in_memory().unwrap();
        let day = 86_400_000;
        let now = 100 * day;
        let mut records = vec![
            with_phases(build("p:1", now - 2 * day, "SUCCEEDED"), 100.0),
            with_phases(build("p:2", now - 3 * day, "FAILED"), 50.0),
            with_phases(build("p:3", now - day, "IN_PROGRESS"), 5.0),
            with_phases(build("p:4", now - 40 * day, "SUCCEEDED"), 70.0),
            build("p:5", now - 5 * day, "STOPPED"),
        ];
        records[1].compute_type = Some("BUILD_GENERAL1_LARGE".into());
        records[1].duration_seconds = Some(301.0);
        records[1].build_number = Some(2);
        s.upsert_builds("a", &records).unwrap();
        for days in [7, 30, 90] {
            let stored = s.build_stats("a", "p", now, days).unwrap();
            assert_eq!(
                stored,
                stats::build_stats(&records, now, days),
                "{days} days"
            );
        }
        let week = s.build_stats("a", "p", now, 7).unwrap();
        assert_eq!((week.builds, week.succeeded, week.failed), (4, 1, 1));
        let build_phase = week.phases.iter().find(|p| p.phase == "BUILD").unwrap();
        assert_eq!(build_phase.seconds, 155.0);
        // The finished builds phase by phase, oldest first; the stopped one timed no phase.
        let recent: Vec<&str> = week.recent.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(recent, ["p:5", "p:2", "p:1"]);
        assert_eq!(week.recent[0].seconds, [0.0; 8]);
        assert_eq!(week.recent[1].build_number, Some(2));
    }

    #[test]
    fn opening_a_version_1_store_fills_the_new_columns() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("history.sqlite");
        let old = with_phases(build("p:1", 1000, "SUCCEEDED"), 42.0);
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0].sql).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute(
                "INSERT INTO builds (id, scope, project, start_ms, status, record) VALUES (?1, 'a', 'p', 1000, 'SUCCEEDED', ?2)",
                params![old.id, serde_json::to_string(&old).unwrap()],
            )
            .unwrap();
        }
        let s = HistoryStore::open(&path).unwrap();
        assert_eq!(s.schema_version(), MIGRATIONS.len() as i64);
        let got: Vec<crate::history::BuildSummary> =
            serde_json::from_str(&s.summaries_json("a", "p", None).unwrap()).unwrap();
        assert_eq!(got, [old.summary()]);
        // The same record, linked to the build's console page (v4).
        let mut want = old.clone();
        want.console_url = console::build("", "a", "p", "p:1");
        assert_eq!(
            s.builds("a", "p", None).unwrap(),
            std::slice::from_ref(&want)
        );
        let figures = s.build_stats("a", "p", 2000, 1).unwrap();
        assert_eq!(figures, stats::build_stats(&[old], 2000, 1));
    }

    #[test]
    fn opening_a_version_2_store_moves_the_phase_seconds_into_columns() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("history.sqlite");
        let now = 10 * 86_400_000;
        let records: Vec<BuildRecord> = (0..6)
            .map(|i| {
                let status = if i % 3 == 0 { "FAILED" } else { "SUCCEEDED" };
                with_phases(
                    build(&format!("p:{i}"), now - i * 3_600_000, status),
                    10.0 * i as f64,
                )
            })
            .collect();
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0].sql).unwrap();
            conn.execute_batch(MIGRATIONS[1].sql).unwrap();
            conn.pragma_update(None, "user_version", 2).unwrap();
            for b in &records {
                let (summary, phases) = derived(b).unwrap();
                conn.execute(
                    "INSERT INTO builds (id, scope, project, start_ms, status, summary, duration, compute_type, phase_seconds)
                     VALUES (?1, 'a', 'p', ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![b.id, b.start_ms, b.status, summary, b.duration_seconds, b.compute_type, phases],
                )
                .unwrap();
                conn.execute(
                    "INSERT INTO build_records (id, record) VALUES (?1, ?2)",
                    params![b.id, serde_json::to_string(b).unwrap()],
                )
                .unwrap();
            }
        }
        let s = HistoryStore::open(&path).unwrap();
        assert_eq!(s.schema_version(), MIGRATIONS.len() as i64);
        let figures = s.build_stats("a", "p", now, 1).unwrap();
        assert_eq!(figures, stats::build_stats(&records, now, 1));
        let build_phase = figures.phases.iter().find(|p| p.phase == "BUILD").unwrap();
        assert_eq!(build_phase.seconds, 150.0);
        // Written after the move: the same figures.
        s.upsert_builds("a", &records).unwrap();
        assert_eq!(s.build_stats("a", "p", now, 1).unwrap(), figures);
    }

    fn release(id: &str, start_ms: i64, build: Option<&str>, commit: &str) -> ReleaseRecord {
        ReleaseRecord {
            pipeline: "pipe".into(),
            execution_id: id.into(),
            status: "Succeeded".into(),
            trigger: None,
            commit: Some(commit.into()),
            commit_summary: Some(format!("message of {commit}")),
            start_ms,
            end_ms: Some(start_ms + 1000),
            build_id: build.map(str::to_owned),
            build_status: None,
            deploy_status: None,
            deploy_start_ms: None,
            deploy_end_ms: None,
            rollout: None,
            pipeline_status: None,
        }
    }

    #[test]
    fn builds_are_joined_to_releases_by_build_and_by_commit() {
        let s = HistoryStore::in_memory().unwrap();
        let with = |mut b: BuildRecord, initiator: &str, commit: &str| {
            b.initiator = initiator.into();
            b.commit = Some(commit.into());
            b
        };
        s.upsert_builds(
            "a",
            &[
                with(build("p:1", 1000, "SUCCEEDED"), "codepipeline/pipe", "c1"),
                // A webhook build of the same commit as a release.
                with(build("p:2", 900, "SUCCEEDED"), "GitHub-Hookshot/abc", "c2"),
                with(build("p:3", 800, "FAILED"), "GitHub-Hookshot/abc", "c3"),
                with(build("p:4", 700, "SUCCEEDED"), "codepipeline/other", "c4"),
            ],
        )
        .unwrap();
        s.upsert_builds(
            "b",
            &[with(
                build("p:9", 1, "SUCCEEDED"),
                "codepipeline/elsewhere",
                "c1",
            )],
        )
        .unwrap();
        assert_eq!(s.pipelines_of("a", "p").unwrap(), ["other", "pipe"]);
        // The build's own release wins over another release of the commit.
        s.upsert_releases(
            "a",
            &[
                release("e1", 1100, Some("p:1"), "c1"),
                release("e0", 500, None, "c1x"),
                release("e2", 950, None, "c2"),
            ],
        )
        .unwrap();
        let mut e0 = release("e0", 500, Some("p:1"), "c1x");
        e0.commit_summary = Some("not this one".into());
        s.upsert_releases("a", &[e0]).unwrap();
        let messages = s.commit_messages("a", "p").unwrap();
        assert_eq!(
            messages.into_iter().collect::<Vec<_>>(),
            [
                ("p:1".to_owned(), "message of c1".to_owned()),
                ("p:2".to_owned(), "message of c2".to_owned()),
            ]
        );
        assert!(s.commit_messages("b", "p").unwrap().is_empty());
        // c2 was first built at 900, before its release started (950); c1 at 1000.
        let first = s.commits_first_built("a", "pipe").unwrap();
        assert_eq!(first.get("c2"), Some(&900));
        assert_eq!(first.get("c1"), Some(&1000));
        assert_eq!(first.get("c1x"), None);
    }

    #[test]
    fn a_listing_is_complete_only_once_finished() {
        let s = HistoryStore::in_memory().unwrap();
        assert!(!s.listing_complete("a", Listing::Builds, "p").unwrap());
        let first = s.begin_listing("a", Listing::Builds, "p").unwrap();
        assert!(!first.complete, "never synced");
        assert!(!s.listing_complete("a", Listing::Builds, "p").unwrap());
        s.finish_listing("a", Listing::Builds, "p", first).unwrap();
        assert!(s.listing_complete("a", Listing::Builds, "p").unwrap());
        assert!(!s.listing_complete("a", Listing::Executions, "p").unwrap());
        assert!(!s.listing_complete("b", Listing::Builds, "p").unwrap());
        // A listing under way (or one that failed) leaves the store marked incomplete.
        let failed = s.begin_listing("a", Listing::Builds, "p").unwrap();
        assert!(failed.complete);
        assert!(!s.listing_complete("a", Listing::Builds, "p").unwrap());
        assert!(!s.begin_listing("a", Listing::Builds, "p").unwrap().complete);
    }

    #[test]
    fn of_two_listings_at_once_only_the_later_one_marks_the_store_complete() {
        let s = HistoryStore::in_memory().unwrap();
        let done = s.begin_listing("a", Listing::Builds, "p").unwrap();
        s.finish_listing("a", Listing::Builds, "p", done).unwrap();
        // One sync starts, a second starts while it runs; the first ends well, the second fails
        // half way: what the second stored may have a gap behind it.
        let earlier = s.begin_listing("a", Listing::Builds, "p").unwrap();
        let later = s.begin_listing("a", Listing::Builds, "p").unwrap();
        assert!(earlier.complete && !later.complete);
        s.finish_listing("a", Listing::Builds, "p", earlier)
            .unwrap();
        assert!(!s.listing_complete("a", Listing::Builds, "p").unwrap());
        // Had the later one ended well, the store would be complete, whatever the earlier did.
        let (x, y) = (
            s.begin_listing("a", Listing::Builds, "p").unwrap(),
            s.begin_listing("a", Listing::Builds, "p").unwrap(),
        );
        s.finish_listing("a", Listing::Builds, "p", y).unwrap();
        s.finish_listing("a", Listing::Builds, "p", x).unwrap();
        assert!(s.listing_complete("a", Listing::Builds, "p").unwrap());
        // Another process's store: the generations live in the file, not in this handle.
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("history.sqlite");
        let (one, two) = (
            HistoryStore::open(&path).unwrap(),
            HistoryStore::open(&path).unwrap(),
        );
        let a = one.begin_listing("a", Listing::Builds, "p").unwrap();
        let b = two.begin_listing("a", Listing::Builds, "p").unwrap();
        one.finish_listing("a", Listing::Builds, "p", a).unwrap();
        assert!(!two.listing_complete("a", Listing::Builds, "p").unwrap());
        two.finish_listing("a", Listing::Builds, "p", b).unwrap();
        assert!(one.listing_complete("a", Listing::Builds, "p").unwrap());
    }

    #[test]
    fn opening_a_version_3_store_joins_builds_and_releases_and_links_builds_in_the_console() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("history.sqlite");
        let mut b = with_phases(build("p:u-1", 5000, "SUCCEEDED"), 10.0);
        b.initiator = "codepipeline/pipe".into();
        b.commit = Some("c1".into());
        b.console_url = "https://us-east-1.console.aws.amazon.com/codesuite/codebuild/111122223333/projects/p?region=us-east-1".into();
        {
            // A v3 store as the previous Pipewright wrote it.
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0].sql).unwrap();
            conn.execute_batch(MIGRATIONS[1].sql).unwrap();
            conn.execute_batch(MIGRATIONS[2].sql).unwrap();
            conn.pragma_update(None, "user_version", 3).unwrap();
            conn.execute(
                "INSERT INTO builds (id, scope, project, start_ms, status, summary, duration, compute_type, s_build)
                 VALUES (?1, '111122223333/us-east-1', 'p', ?2, 'SUCCEEDED', ?3, 60, 'BUILD_GENERAL1_SMALL', 10)",
                params![b.id, b.start_ms, serde_json::to_string(&b.summary()).unwrap()],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO build_records (id, record) VALUES (?1, ?2)",
                params![b.id, serde_json::to_string(&b).unwrap()],
            )
            .unwrap();
            let r = release("e1", 6000, Some("p:u-1"), "c1");
            conn.execute(
                "INSERT INTO releases (execution_id, scope, pipeline, start_ms, status, record)
                 VALUES ('e1', '111122223333/us-east-1', 'pipe', 6000, 'Succeeded', ?1)",
                params![serde_json::to_string(&r).unwrap()],
            )
            .unwrap();
        }
        let s = HistoryStore::open(&path).unwrap();
        assert_eq!(s.schema_version(), MIGRATIONS.len() as i64);
        let scope = "111122223333/us-east-1";
        let stored = s.build(scope, "p:u-1").unwrap().unwrap();
        assert_eq!(
            stored.console_url,
            "https://us-east-1.console.aws.amazon.com/codesuite/codebuild/111122223333/projects/p/build/p%3Au-1/?region=us-east-1"
        );
        assert_eq!(stored.environment_type, None);
        assert_eq!(s.pipelines_of(scope, "p").unwrap(), ["pipe"]);
        assert_eq!(
            s.commit_messages(scope, "p")
                .unwrap()
                .get("p:u-1")
                .map(String::as_str),
            Some("message of c1")
        );
        // Never synced by this version: the next sync lists to the end.
        assert!(!s.listing_complete(scope, Listing::Builds, "p").unwrap());
        // A build stored before environment types were kept is priced as Linux.
        let figures = s.build_stats(scope, "p", 10_000, 1).unwrap();
        assert_eq!(
            (figures.build_minutes, figures.unpriced_minutes),
            (1.0, 0.0)
        );
    }

    #[test]
    fn reads_do_not_wait_for_a_write_in_progress() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("history.sqlite");
        let s = HistoryStore::open(&path).unwrap();
        let now = 86_400_000;
        let old = with_phases(build("p:1", now - 1000, "SUCCEEDED"), 7.0);
        s.upsert_builds("a", std::slice::from_ref(&old)).unwrap();
        // Another writer (the CLI, say) holds the write lock with a build not committed yet.
        let mut other = Connection::open(&path).unwrap();
        let tx = other
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .unwrap();
        tx.execute(
            "INSERT INTO builds (id, scope, project, start_ms, status, summary) VALUES ('p:2', 'a', 'p', ?1, 'SUCCEEDED', '{}')",
            params![now - 500],
        )
        .unwrap();
        let t = std::time::Instant::now();
        let list: Vec<crate::history::BuildSummary> =
            serde_json::from_str(&s.summaries_json("a", "p", None).unwrap()).unwrap();
        assert_eq!(list, [old.summary()]);
        assert_eq!(
            s.build_stats("a", "p", now, 1).unwrap(),
            stats::build_stats(std::slice::from_ref(&old), now, 1)
        );
        assert_eq!(s.build("a", "p:1").unwrap().as_ref(), Some(&old));
        assert!(s.build("a", "p:2").unwrap().is_none());
        assert_eq!(s.known("a", "p").unwrap().len(), 1);
        // The busy timeout is 10 s: a read that waited for the lock would take that long.
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
        tx.commit().unwrap();
        assert_eq!(s.known("a", "p").unwrap().len(), 2);
    }

    #[test]
    fn two_openers_of_an_old_store_migrate_it_once() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("history.sqlite");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0].sql).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            let mut stmt = conn
                .prepare("INSERT INTO builds (id, scope, project, start_ms, status, record) VALUES (?1, 'a', 'p', ?2, 'SUCCEEDED', ?3)")
                .unwrap();
            for i in 0..2000 {
                let b = with_phases(build(&format!("p:{i}"), i, "SUCCEEDED"), 3.0);
                stmt.execute(params![b.id, i, serde_json::to_string(&b).unwrap()])
                    .unwrap();
            }
            // A record an older Pipewright could not have written: dropped, fetched again later.
            stmt.execute(params!["p:bad", 5000, "{not json"]).unwrap();
        }
        let openers: Vec<_> = (0..3)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || HistoryStore::open(&path).map(|s| s.schema_version()))
            })
            .collect();
        for o in openers {
            assert_eq!(o.join().unwrap().unwrap(), MIGRATIONS.len() as i64);
        }
        let s = HistoryStore::open(&path).unwrap();
        assert_eq!(s.known("a", "p").unwrap().len(), 2000);
        assert!(s.build("a", "p:bad").unwrap().is_none());
        let list: Vec<crate::history::BuildSummary> =
            serde_json::from_str(&s.summaries_json("a", "p", Some(1)).unwrap()).unwrap();
        assert_eq!(list[0].id, "p:1999");
    }

    #[test]
    fn a_build_started_its_container_once_provisioning_succeeded() {
        use crate::history::types::PhaseRecord;
        let phase = |status: &str| PhaseRecord {
            phase: "PROVISIONING".into(),
            status: Some(status.into()),
            start_ms: None,
            end_ms: None,
            duration_seconds: Some(20.0),
            messages: vec![],
        };
        let mut b = build("p:1", 1, "FAILED");
        assert!(!b.started_container(), "no phases yet");
        b.phases = vec![phase("FAILED")];
        assert!(!b.started_container());
        b.phases = vec![phase("SUCCEEDED")];
        assert!(b.started_container());
    }

    #[test]
    fn a_store_from_a_newer_pipewright_is_refused_with_a_clear_error() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("history.sqlite");
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let err = HistoryStore::open(&path)
            .err()
            .expect("refused")
            .to_string();
        assert!(err.contains("newer Pipewright"), "{err}");
    }
}
