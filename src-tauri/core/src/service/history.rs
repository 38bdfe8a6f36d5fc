//! Build history: the local store brought up to date from AWS, a build as it is now, its log read
//! and followed by one rule, releases, commit messages and the figures (build stats, DORA).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{now_ms, Pipewright};
use crate::apply::AwsCtx;
use crate::history::stats::{self, BuildStats, DoraStats};
use crate::history::{
    self, logs, BuildRecord, HistoryStore, LogCursor, LogRead, ReleaseRecord, SyncReport,
};
use crate::{Error, Result};

impl Pipewright {
    /// Runs `f` over the store and the context's scope off the async workers (SQLite blocks).
    async fn with_store<T: Send + 'static>(
        &self,
        ctx: &AwsCtx,
        f: impl FnOnce(&HistoryStore, &str) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let store: Arc<HistoryStore> = self.history()?;
        let scope = history::load_scope(ctx);
        tokio::task::spawn_blocking(move || f(&store, &scope))
            .await
            .map_err(Error::internal)?
    }

    /// The stored builds of a project as the list shows them (`BuildSummary[]` as JSON, put
    /// together by SQLite), newest first: instant, no AWS call.
    pub async fn builds_json(
        &self,
        ctx: &AwsCtx,
        project: String,
        limit: Option<u32>,
    ) -> Result<String> {
        self.with_store(ctx, move |s, scope| {
            s.summaries_json(scope, &project, limit.map(|l| l as usize))
        })
        .await
    }

    /// The stored builds of a project, newest first.
    pub async fn builds(&self, ctx: &AwsCtx, project: String) -> Result<Vec<BuildRecord>> {
        self.with_store(ctx, move |s, scope| s.builds(scope, &project, None))
            .await
    }

    /// Fetches what is new since the last sync; `on_batch` gets each batch as it lands.
    pub async fn builds_sync(
        &self,
        ctx: &AwsCtx,
        project: &str,
        on_batch: impl FnMut(&[BuildRecord]),
    ) -> Result<SyncReport> {
        history::sync_builds(ctx, &*self.history()?, project, on_batch).await
    }

    /// Success rate, percentiles, phases and cost over the last `window_days`.
    pub async fn build_stats(
        &self,
        ctx: &AwsCtx,
        project: String,
        window_days: u32,
    ) -> Result<BuildStats> {
        self.with_store(ctx, move |s, scope| {
            s.build_stats(scope, &project, now_ms(), window_days)
        })
        .await
    }

    /// A build as it is now: the stored record when it has finished (it cannot change), else
    /// fetched from CodeBuild and stored.
    pub async fn build(&self, ctx: &AwsCtx, build_id: &str) -> Result<BuildRecord> {
        let store = self.history()?;
        let scope = history::load_scope(ctx);
        if let Some(b) = store.build(&scope, build_id)?.filter(BuildRecord::finished) {
            return Ok(b);
        }
        let fresh = history::fetch_builds(ctx, vec![build_id.to_owned()]).await?;
        store.upsert_builds(&scope, &fresh)?;
        fresh
            .into_iter()
            .next()
            .ok_or_else(|| Error::NotFound(format!("no build {build_id}")))
    }

    /// The next lines of a build's log from `cursor`, and what to do next ([`logs::read`]).
    pub async fn log_read(
        &self,
        ctx: &AwsCtx,
        group: &str,
        stream: &str,
        cursor: LogCursor,
        running: bool,
    ) -> Result<LogRead> {
        logs::read(ctx, group, stream, cursor, running).await
    }

    /// Brings a pipeline's executions up to date from AWS, then answers every stored one.
    pub async fn releases_sync(&self, ctx: &AwsCtx, pipeline: &str) -> Result<Vec<ReleaseRecord>> {
        history::sync_executions(ctx, &*self.history()?, pipeline).await
    }

    /// The commit messages of a project's stored builds, by build id: what the store has.
    pub async fn commits(&self, ctx: &AwsCtx, project: String) -> Result<BTreeMap<String, String>> {
        self.with_store(ctx, move |s, scope| s.commit_messages(scope, &project))
            .await
    }

    /// The same, after bringing up to date the releases that carry them.
    pub async fn commits_sync(
        &self,
        ctx: &AwsCtx,
        project: &str,
    ) -> Result<BTreeMap<String, String>> {
        history::sync_commit_messages(ctx, &*self.history()?, project).await
    }

    /// DORA figures of a pipeline's stored releases over the last `window_days`.
    pub async fn dora(
        &self,
        ctx: &AwsCtx,
        pipeline: String,
        window_days: u32,
    ) -> Result<DoraStats> {
        self.with_store(ctx, move |s, scope| {
            let releases = s.releases(scope, &pipeline)?;
            let first_built = s.commits_first_built(scope, &pipeline)?;
            Ok(stats::dora(&releases, &first_built, now_ms(), window_days))
        })
        .await
    }
}
