//! The local history store: SQLite in the app's data dir, versioned migrations, no secrets.
//!
//! This module holds [`HistoryStore`] itself: opening the file (owner-only), moving a damaged one
//! aside, running the migrations, and the read connections. The queries are in one module per
//! table: `builds`, `releases`, `listings` (`sync_state`), and `joins` for those that read builds
//! and releases together; `migrations` holds the schema steps.

mod builds;
mod joins;
mod listings;
mod migrations;
mod releases;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::Connection;

pub use listings::Listing;
use migrations::MIGRATIONS;

use crate::{Error, Result};

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
}
