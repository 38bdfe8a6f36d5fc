//! The schema steps of the history store, oldest first: each a SQL file under
//! `history/migrations/` and, where SQL cannot do it, a backfill in Rust.

use rusqlite::{params, Connection};

use crate::apply::console;
use crate::history::types::BuildRecord;
use crate::{Error, Result};

/// A schema step: SQL (`history/migrations/NNNN_*.sql`, each file saying why), then (optionally)
/// Rust that fills what SQL cannot, in the same transaction.
pub(super) struct Migration {
    pub(super) sql: &'static str,
    pub(super) backfill: Option<fn(&Connection) -> rusqlite::Result<()>>,
}

pub(super) const MIGRATIONS: &[Migration] = &[
    Migration {
        sql: include_str!("../migrations/0001_builds_and_releases.sql"),
        backfill: None,
    },
    Migration {
        sql: include_str!("../migrations/0002_lean_build_rows.sql"),
        backfill: Some(backfill_v2),
    },
    Migration {
        sql: include_str!("../migrations/0003_phase_columns.sql"),
        backfill: None,
    },
    Migration {
        sql: include_str!("../migrations/0004_joins_and_sync_state.sql"),
        backfill: Some(backfill_v4),
    },
    Migration {
        sql: include_str!("../migrations/0005_sync_generation.sql"),
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

/// The derived columns of a record, as the v2 backfill wrote them.
pub(super) fn derived(b: &BuildRecord) -> Result<(String, String)> {
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
