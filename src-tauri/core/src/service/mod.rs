//! The core service: one object, built once from the environment, that owns what every operation
//! needs (the directories, the profile store and its keyring, the AWS contexts in use, the build
//! history store, the caches of the pipeline pages) and offers each feature as one whole operation.
//!
//! The desktop app's commands and the CLI's subcommands are adapters over it: parse, call one
//! method, map the error or print. Nothing else builds a profile store, opens `history.sqlite` or
//! writes a receipt.
//!
//! Operations are grouped by feature, one file each: [`profiles`] (profiles, sessions, who am I),
//! [`plans`] (the wizard's plan: review, apply with its journal, teardown, receipts),
//! [`pipelines`] (pipelines, releases, approvals, rollback), [`history`] (builds, logs, releases,
//! figures).

mod history;
mod pipelines;
mod plans;
mod profiles;

use std::sync::{Arc, Mutex};

pub use profiles::Selection;

use crate::apply::{AwsCtx, CtxCache};
use crate::history::HistoryStore;
use crate::keyring_store::OsKeyring;
use crate::paths::AppDirs;
use crate::profiles::{ProfileStore, Sandbox};
use crate::release::ViewCache;
use crate::session::Session;
use crate::verdict::VerdictCache;
use crate::{Error, Result};

pub struct Pipewright {
    profiles: Arc<ProfileStore>,
    /// AWS contexts (config + account) of the profiles in use.
    contexts: CtxCache,
    /// Last pipeline views, so an idle poll of a pipeline page is one request.
    views: ViewCache,
    /// The Pipelines list's settled rollout verdicts.
    verdicts: VerdictCache,
    /// The local build history (SQLite in the data dir), opened on first use: once, even when
    /// several operations ask for it at the same moment.
    history: Mutex<Option<Arc<HistoryStore>>>,
}

impl Pipewright {
    /// The directories of the environment (`PIPEWRIGHT_HOME` or the platform's), the OS keyring,
    /// and the sandbox when `PIPEWRIGHT_SANDBOX_ENDPOINT` asks for it.
    pub fn from_env() -> Result<Self> {
        let dirs = AppDirs::from_env()?;
        Ok(Self::new(ProfileStore::new(
            dirs,
            Arc::new(OsKeyring::default()),
            Sandbox::from_env(),
        )))
    }

    /// Over a given profile store (tests give one with an in-memory keyring).
    pub fn new(profiles: ProfileStore) -> Self {
        Self {
            profiles: Arc::new(profiles),
            contexts: CtxCache::default(),
            views: ViewCache::default(),
            verdicts: VerdictCache::default(),
            history: Mutex::new(None),
        }
    }

    pub fn dirs(&self) -> &AppDirs {
        self.profiles.dirs()
    }

    pub fn sandbox(&self) -> Option<&Sandbox> {
        self.profiles.sandbox()
    }

    /// The AWS context of the session's profile in its region (connected once, then cached).
    pub async fn ctx(&self, session: &Session) -> Result<AwsCtx> {
        self.contexts.get(&self.profiles, session, None).await
    }

    /// The same profile in another region (a receipt's, for its teardown).
    pub async fn ctx_in(&self, session: &Session, region: &str) -> Result<AwsCtx> {
        self.contexts
            .get(&self.profiles, session, Some(region))
            .await
    }

    /// The build history store, opened (and migrated) on first use.
    pub fn history(&self) -> Result<Arc<HistoryStore>> {
        let mut slot = self.history.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(h) = slot.as_ref() {
            return Ok(h.clone());
        }
        let store = Arc::new(HistoryStore::open(
            &self.dirs().data.join("history.sqlite"),
        )?);
        *slot = Some(store.clone());
        Ok(store)
    }

    /// Runs blocking work (files, the keyring, SQLite) off the async runtime's workers.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&ProfileStore) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let store = self.profiles.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(Error::internal)?
    }
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}
