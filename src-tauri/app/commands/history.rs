//! Build history: builds, a build's log, releases, commit messages and the figures.

use std::collections::BTreeMap;

use pipewright_core::history::stats::{BuildStats, DoraStats};
use pipewright_core::history::{
    BuildRecord, BuildSummary, LogCursor, LogRead, ReleaseRecord, SyncReport,
};
use pipewright_core::session::Session;
use pipewright_core::Pipewright;
use tauri::ipc::Channel;
use tauri::State;

use super::CmdResult;

/// The stored builds of a project as the list shows them (`BuildSummary[]`), newest first:
/// instant, no AWS call. The JSON comes put together from the store and crosses as it is.
#[tauri::command]
pub async fn history_builds(
    core: State<'_, Pipewright>,
    session: Session,
    project: String,
    limit: Option<u32>,
) -> CmdResult<tauri::ipc::Response> {
    let ctx = core.ctx(&session).await?;
    let json = core.builds_json(&ctx, project, limit).await?;
    Ok(tauri::ipc::Response::new(json))
}

/// Fetches what is new since the last sync, streaming each batch (as list summaries) as it lands.
#[tauri::command]
pub async fn history_sync(
    core: State<'_, Pipewright>,
    session: Session,
    project: String,
    on_batch: Channel<Vec<BuildSummary>>,
) -> CmdResult<SyncReport> {
    let ctx = core.ctx(&session).await?;
    Ok(core
        .builds_sync(&ctx, &project, |batch| {
            let _ = on_batch.send(batch.iter().map(BuildRecord::summary).collect());
        })
        .await?)
}

#[tauri::command]
pub async fn history_stats(
    core: State<'_, Pipewright>,
    session: Session,
    project: String,
    window_days: u32,
) -> CmdResult<BuildStats> {
    let ctx = core.ctx(&session).await?;
    Ok(core.build_stats(&ctx, project, window_days).await?)
}

/// A build as it is now (stored when finished, else fetched and stored).
#[tauri::command]
pub async fn history_build(
    core: State<'_, Pipewright>,
    session: Session,
    build_id: String,
) -> CmdResult<BuildRecord> {
    Ok(core.build(&core.ctx(&session).await?, &build_id).await?)
}

/// The next lines of a build's log and what to do next (read on, poll, or stop): the follow rule
/// is core's, the same as the CLI's `logs --follow`.
#[tauri::command]
pub async fn build_log_read(
    core: State<'_, Pipewright>,
    session: Session,
    group: String,
    stream: String,
    cursor: LogCursor,
    running: bool,
) -> CmdResult<LogRead> {
    let ctx = core.ctx(&session).await?;
    Ok(core
        .log_read(&ctx, &group, &stream, cursor, running)
        .await?)
}

/// Brings a pipeline's executions up to date from AWS, then answers every stored one.
#[tauri::command]
pub async fn history_releases_sync(
    core: State<'_, Pipewright>,
    session: Session,
    pipeline: String,
) -> CmdResult<Vec<ReleaseRecord>> {
    Ok(core
        .releases_sync(&core.ctx(&session).await?, &pipeline)
        .await?)
}

/// The commit messages of a project's stored builds that have one, by build id: what the store
/// has (instant, no AWS call).
#[tauri::command]
pub async fn history_commits(
    core: State<'_, Pipewright>,
    session: Session,
    project: String,
) -> CmdResult<BTreeMap<String, String>> {
    Ok(core.commits(&core.ctx(&session).await?, project).await?)
}

/// The same, after bringing up to date the releases of the pipelines that started the project's
/// builds (where the messages come from).
#[tauri::command]
pub async fn history_commits_sync(
    core: State<'_, Pipewright>,
    session: Session,
    project: String,
) -> CmdResult<BTreeMap<String, String>> {
    Ok(core
        .commits_sync(&core.ctx(&session).await?, &project)
        .await?)
}

#[tauri::command]
pub async fn history_dora(
    core: State<'_, Pipewright>,
    session: Session,
    pipeline: String,
    window_days: u32,
) -> CmdResult<DoraStats> {
    let ctx = core.ctx(&session).await?;
    Ok(core.dora(&ctx, pipeline, window_days).await?)
}
