//! The `sync_state` table: whether a listing of a project's builds or a pipeline's executions
//! got to its end, so the next sync knows where it may stop.

use rusqlite::{params, OptionalExtension};

use super::{db_err, HistoryStore};
use crate::Result;

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

impl HistoryStore {
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
}
