//! Tauri commands: parse, call core, map errors to `{code, message, field}`. No logic here.

use std::sync::Arc;

use pipewright_core::app_info::AppInfo;
use pipewright_core::aws::{self, Identity};
use pipewright_core::profiles::{ProfileInput, ProfileRef, ProfileStore, ProfileSummary};
use pipewright_core::regions::{self, RegionInfo};
use pipewright_core::session::{self, Session};

use pipewright_core::apply::{
    self, discover, ApplyEvent, ApplyOptions, AwsCtx, ConnectionInfo, EcrRepositoryInfo, Receipt,
    Review,
};
use pipewright_core::approval::{self, ApprovalOutcome};
use pipewright_core::desktop::{self, NotificationOpen};
use pipewright_core::diagnosis::{self, Diagnosis};
use pipewright_core::files::{self, FileKind, OpenedPlan};
use pipewright_core::history::stats::{BuildStats, DoraStats};
use pipewright_core::history::{
    self, BuildRecord, BuildSummary, LogPage, ReleaseRecord, SyncReport,
};
use pipewright_core::plan::{self, Issue, Plan};
use pipewright_core::release::{
    self, ActionExecutionView, ExecutionSummary, PipelineSummary, PipelineView, ReleaseRequest,
};
use pipewright_core::rollback::{self, RollbackPlan, RollbackResult};
use pipewright_core::service_change::{self, ServiceChange};
use pipewright_core::verdict;
use pipewright_core::{buildspec, policy, AppError, Error};
use tauri::ipc::Channel;
use tauri::State;

use crate::AppState;

type CmdResult<T> = Result<T, AppError>;

/// Runs blocking core work (file and keyring I/O) off the async runtime's workers.
async fn blocking<T: Send + 'static>(
    store: &Arc<ProfileStore>,
    f: impl FnOnce(&ProfileStore) -> pipewright_core::Result<T> + Send + 'static,
) -> CmdResult<T> {
    let store = store.clone();
    tauri::async_runtime::spawn_blocking(move || f(&store))
        .await
        .map_err(|e| AppError::from(Error::internal(e)))?
        .map_err(AppError::from)
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        sandbox: state.profiles.sandbox().is_some(),
        config_dir: state.profiles.dirs().config.display().to_string(),
    }
}

#[tauri::command]
pub fn regions_list() -> Vec<RegionInfo> {
    regions::list()
}

#[tauri::command]
pub async fn profiles_list(state: State<'_, AppState>) -> CmdResult<Vec<ProfileSummary>> {
    Ok(state.profiles.list_all().await?)
}

#[tauri::command]
pub async fn profile_save(
    state: State<'_, AppState>,
    input: ProfileInput,
) -> CmdResult<ProfileSummary> {
    state.contexts.clear();
    blocking(&state.profiles, move |s| s.save(&input)).await
}

#[tauri::command]
pub async fn profile_remove(state: State<'_, AppState>, name: String) -> CmdResult<()> {
    state.contexts.clear();
    blocking(&state.profiles, move |s| s.remove(&name)).await
}

#[tauri::command]
pub async fn profile_test(
    state: State<'_, AppState>,
    profile: ProfileRef,
    region: Option<String>,
) -> CmdResult<Identity> {
    let target = {
        let profile = profile.clone();
        blocking(&state.profiles, move |s| {
            s.target(&profile, region.as_deref(), None)
        })
        .await?
    };
    let identity = aws::whoami(&aws::load_config(&target).await?).await?;
    let account = identity.account.clone();
    blocking(&state.profiles, move |s| {
        s.record_account(&profile, &account)
    })
    .await?;
    Ok(identity)
}

#[tauri::command]
pub async fn credentials_test(
    state: State<'_, AppState>,
    input: ProfileInput,
) -> CmdResult<Identity> {
    let target = blocking(&state.profiles, move |s| s.target_for_input(&input)).await?;
    Ok(aws::whoami(&aws::load_config(&target).await?).await?)
}

#[tauri::command]
pub async fn session_get(state: State<'_, AppState>) -> CmdResult<Session> {
    blocking(&state.profiles, session::current).await
}

#[tauri::command]
pub async fn session_set(state: State<'_, AppState>, session: Session) -> CmdResult<Session> {
    blocking(&state.profiles, move |s| {
        session::save(s.dirs(), &session)?;
        Ok(session)
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// The pipeline wizard.

async fn ctx(state: &AppState, session: &Session) -> CmdResult<AwsCtx> {
    Ok(state.contexts.get(&state.profiles, session, None).await?)
}

#[tauri::command]
pub fn plan_reference() -> Plan {
    Plan::reference()
}

#[tauri::command]
pub fn plan_validate(plan: Plan) -> Vec<Issue> {
    plan::validate(&plan)
}

/// Asks the user for a plan file (a native dialog opened here) and reads it; None on cancel.
#[tauri::command]
pub async fn plan_open(app: tauri::AppHandle) -> CmdResult<Option<OpenedPlan>> {
    let Some(path) = crate::files::pick_open(&app, FileKind::Plan).await? else {
        return Ok(None);
    };
    let plan = blocking_io(move || files::open_plan(&path).map(|plan| (path, plan))).await?;
    Ok(Some(OpenedPlan {
        path: plan.0.display().to_string(),
        plan: plan.1,
    }))
}

/// Asks where to save the plan (suggesting `fileName`) and writes it; the path, or None on cancel.
#[tauri::command]
pub async fn plan_save(
    app: tauri::AppHandle,
    plan: Plan,
    file_name: Option<String>,
) -> CmdResult<Option<String>> {
    let text = plan.to_toml()?;
    save_as(app, FileKind::Plan, text, file_name).await
}

/// Asks where to save a generated file of `kind` and writes `contents`; the path, or None.
#[tauri::command]
pub async fn text_save(
    app: tauri::AppHandle,
    kind: FileKind,
    contents: String,
    file_name: Option<String>,
) -> CmdResult<Option<String>> {
    if kind == FileKind::Plan {
        return Err(Error::validation("kind", "save a plan with plan_save").into());
    }
    save_as(app, kind, contents, file_name).await
}

async fn save_as(
    app: tauri::AppHandle,
    kind: FileKind,
    contents: String,
    file_name: Option<String>,
) -> CmdResult<Option<String>> {
    let Some(path) = crate::files::pick_save(&app, kind, file_name.as_deref()).await? else {
        return Ok(None);
    };
    let written = blocking_io(move || files::save(kind, &path, &contents)).await?;
    Ok(Some(written.display().to_string()))
}

async fn blocking_io<T: Send + 'static>(
    f: impl FnOnce() -> pipewright_core::Result<T> + Send + 'static,
) -> CmdResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::from(Error::internal(e)))?
        .map_err(AppError::from)
}

#[tauri::command]
pub async fn connections_list(
    state: State<'_, AppState>,
    session: Session,
) -> CmdResult<Vec<ConnectionInfo>> {
    Ok(discover::connections(&ctx(&state, &session).await?).await?)
}

#[tauri::command]
pub async fn connection_create(
    state: State<'_, AppState>,
    session: Session,
    name: String,
) -> CmdResult<ConnectionInfo> {
    Ok(discover::create_connection(&ctx(&state, &session).await?, &name).await?)
}

#[tauri::command]
pub async fn connection_get(
    state: State<'_, AppState>,
    session: Session,
    arn: String,
) -> CmdResult<ConnectionInfo> {
    Ok(discover::get_connection(&ctx(&state, &session).await?, &arn).await?)
}

#[tauri::command]
pub async fn ecr_repositories(
    state: State<'_, AppState>,
    session: Session,
) -> CmdResult<Vec<EcrRepositoryInfo>> {
    Ok(discover::ecr_repositories(&ctx(&state, &session).await?).await?)
}

#[tauri::command]
pub async fn ecs_clusters(state: State<'_, AppState>, session: Session) -> CmdResult<Vec<String>> {
    Ok(discover::ecs_clusters(&ctx(&state, &session).await?).await?)
}

#[tauri::command]
pub async fn ecs_services(
    state: State<'_, AppState>,
    session: Session,
    cluster: String,
) -> CmdResult<Vec<String>> {
    Ok(discover::ecs_services(&ctx(&state, &session).await?, &cluster).await?)
}

#[tauri::command]
pub async fn ecs_containers(
    state: State<'_, AppState>,
    session: Session,
    cluster: String,
    service: String,
) -> CmdResult<Vec<String>> {
    Ok(discover::ecs_containers(&ctx(&state, &session).await?, &cluster, &service).await?)
}

#[tauri::command]
pub async fn codebuild_projects(
    state: State<'_, AppState>,
    session: Session,
) -> CmdResult<Vec<String>> {
    Ok(discover::codebuild_projects(&ctx(&state, &session).await?).await?)
}

#[tauri::command]
pub async fn ecr_policy_generate(
    state: State<'_, AppState>,
    session: Session,
    plan: Plan,
) -> CmdResult<String> {
    let ctx = ctx(&state, &session).await?;
    let names = apply::requests::Names::new(&plan, &ctx.account, &ctx.region);
    serde_json::to_string_pretty(&policy::ecr_push_policy(&names.repository_arn))
        .map_err(|e| AppError::from(Error::internal(e)))
}

#[tauri::command]
pub async fn buildspec_generate(
    state: State<'_, AppState>,
    session: Session,
    plan: Plan,
) -> CmdResult<String> {
    let ctx = ctx(&state, &session).await?;
    Ok(buildspec::generate(&plan, &ctx.account, &ctx.region)?)
}

#[tauri::command]
pub async fn plan_review(
    state: State<'_, AppState>,
    session: Session,
    plan: Plan,
) -> CmdResult<Review> {
    Ok(apply::review(&ctx(&state, &session).await?, &plan).await?)
}

#[tauri::command]
pub async fn apply_start(
    state: State<'_, AppState>,
    session: Session,
    plan: Plan,
    on_event: Channel<ApplyEvent>,
) -> CmdResult<Receipt> {
    let ctx = ctx(&state, &session).await?;
    let sink = move |e: ApplyEvent| {
        let _ = on_event.send(e);
    };
    let dirs = state.profiles.dirs();
    Ok(apply::apply(dirs, &ctx, &plan, &ApplyOptions::default(), false, &sink).await?)
}

#[tauri::command]
pub async fn receipt_teardown(
    state: State<'_, AppState>,
    session: Session,
    receipt_id: String,
    on_event: Channel<ApplyEvent>,
) -> CmdResult<Receipt> {
    let receipt = {
        let id = receipt_id.clone();
        blocking(&state.profiles, move |s| {
            apply::receipts::load(s.dirs(), &id)
        })
        .await?
    };
    // The session's profile, in the receipt's region (destroy refuses another account).
    let ctx = state
        .contexts
        .get(&state.profiles, &session, Some(&receipt.region))
        .await?;
    let sink = move |e: ApplyEvent| {
        let _ = on_event.send(e);
    };
    Ok(apply::destroy(state.profiles.dirs(), &ctx, receipt, &sink).await?)
}

#[tauri::command]
pub async fn receipts_list(state: State<'_, AppState>) -> CmdResult<Vec<Receipt>> {
    blocking(&state.profiles, |s| apply::receipts::list(s.dirs())).await
}

/// Runs that were cut off (the app or the CLI died mid-run): resume or roll back.
#[tauri::command]
pub async fn receipts_unfinished(state: State<'_, AppState>) -> CmdResult<Vec<Receipt>> {
    blocking(&state.profiles, |s| apply::unfinished(s.dirs())).await
}

// ---------------------------------------------------------------------------------------------
// Pipelines and release.

#[tauri::command]
pub async fn pipelines_list(
    state: State<'_, AppState>,
    session: Session,
) -> CmdResult<Vec<PipelineSummary>> {
    let ctx = ctx(&state, &session).await?;
    let mut list = release::list_pipelines(&ctx).await?;
    verdict::judge_latest(&ctx, &state.verdicts, &mut list).await;
    Ok(list)
}

#[tauri::command]
pub async fn pipeline_view(
    state: State<'_, AppState>,
    session: Session,
    name: String,
) -> CmdResult<PipelineView> {
    // An idle poll is one request when nothing changed (the view cache); a full read otherwise.
    Ok(state
        .views
        .poll(&ctx(&state, &session).await?, &name)
        .await?)
}

#[tauri::command]
pub async fn pipeline_executions(
    state: State<'_, AppState>,
    session: Session,
    name: String,
    limit: Option<u32>,
) -> CmdResult<Vec<ExecutionSummary>> {
    let limit = limit.unwrap_or(25).clamp(1, 500) as usize;
    Ok(release::executions(&ctx(&state, &session).await?, &name, limit).await?)
}

#[tauri::command]
pub async fn pipeline_action_executions(
    state: State<'_, AppState>,
    session: Session,
    name: String,
    execution_id: String,
) -> CmdResult<Vec<ActionExecutionView>> {
    Ok(release::action_executions(&ctx(&state, &session).await?, &name, &execution_id).await?)
}

#[tauri::command]
pub async fn release_start(
    state: State<'_, AppState>,
    session: Session,
    request: ReleaseRequest,
) -> CmdResult<String> {
    let ctx = ctx(&state, &session).await?;
    let id = release::release(&ctx, &request).await?;
    state.views.invalidate(&ctx, &request.pipeline);
    Ok(id)
}

#[tauri::command]
pub async fn execution_stop(
    state: State<'_, AppState>,
    session: Session,
    name: String,
    execution_id: String,
    abandon: bool,
    reason: Option<String>,
) -> CmdResult<()> {
    let ctx = ctx(&state, &session).await?;
    state.views.invalidate(&ctx, &name);
    Ok(release::stop(&ctx, &name, &execution_id, abandon, reason.as_deref()).await?)
}

#[tauri::command]
pub async fn stage_retry(
    state: State<'_, AppState>,
    session: Session,
    name: String,
    stage: String,
    execution_id: Option<String>,
    all_actions: bool,
) -> CmdResult<String> {
    let ctx = ctx(&state, &session).await?;
    state.views.invalidate(&ctx, &name);
    Ok(release::retry(&ctx, &name, &stage, execution_id.as_deref(), all_actions).await?)
}

/// Approve or reject the approval waiting in a pipeline (its token stays in Rust).
#[tauri::command]
pub async fn approval_decide(
    state: State<'_, AppState>,
    session: Session,
    pipeline: String,
    approve: bool,
    comment: Option<String>,
) -> CmdResult<ApprovalOutcome> {
    let ctx = ctx(&state, &session).await?;
    state.views.invalidate(&ctx, &pipeline);
    Ok(approval::decide(&ctx, &pipeline, approve, comment.as_deref()).await?)
}

/// What "Roll back to this release" would do (`to`: that execution, or the last good release).
#[tauri::command]
pub async fn rollback_plan(
    state: State<'_, AppState>,
    session: Session,
    pipeline: String,
    to: Option<String>,
) -> CmdResult<RollbackPlan> {
    let ctx = ctx(&state, &session).await?;
    let store = state.history()?;
    Ok(rollback::plan(&ctx, &store, &pipeline, to.as_deref()).await?)
}

/// Does a confirmed rollback plan.
#[tauri::command]
pub async fn rollback_run(
    state: State<'_, AppState>,
    session: Session,
    plan: RollbackPlan,
) -> CmdResult<RollbackResult> {
    let ctx = ctx(&state, &session).await?;
    state.views.invalidate(&ctx, &plan.pipeline);
    Ok(rollback::run(&ctx, state.profiles.dirs(), &plan).await?)
}

/// The service updates Pipewright made for a pipeline (V1 rollbacks), newest first.
#[tauri::command]
pub async fn service_changes(
    state: State<'_, AppState>,
    session: Session,
    pipeline: String,
) -> CmdResult<Vec<ServiceChange>> {
    let ctx = ctx(&state, &session).await?;
    Ok(service_change::list(
        state.profiles.dirs(),
        &ctx.account,
        &ctx.region,
        &pipeline,
    )?)
}

/// Puts a service back on what it ran before one of those updates.
#[tauri::command]
pub async fn service_change_undo(
    state: State<'_, AppState>,
    session: Session,
    id: String,
) -> CmdResult<ServiceChange> {
    let ctx = ctx(&state, &session).await?;
    let done = service_change::undo(&ctx, state.profiles.dirs(), &id).await?;
    state.views.invalidate(&ctx, &done.pipeline);
    Ok(done)
}

/// Shows a desktop notification; clicked, it opens `open` (a pipeline's page, at its approval).
#[tauri::command]
pub async fn desktop_notify(
    app: tauri::AppHandle,
    title: String,
    body: String,
    open: Option<NotificationOpen>,
) -> CmdResult<()> {
    desktop::check_text(&title, &body)?;
    if let Some(o) = &open {
        o.check()?;
    }
    crate::notify::show(&app, &title, &body, open).await
}

/// Opens an https page of the AWS console or GitHub in the browser, after Rust checked the URL
/// (`links::check_external`); nothing else is opened.
#[tauri::command]
pub async fn open_external(app: tauri::AppHandle, url: String) -> CmdResult<()> {
    use tauri_plugin_opener::OpenerExt;
    let url = pipewright_core::links::check_external(&url)?;
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| AppError::from(Error::internal(e)))
}

/// Why a build failed (None unless it failed): its phases and the end of its log.
#[tauri::command]
pub async fn build_diagnosis(
    state: State<'_, AppState>,
    session: Session,
    build_id: String,
) -> CmdResult<Option<Diagnosis>> {
    Ok(diagnosis::of_build(&ctx(&state, &session).await?, &build_id).await?)
}

/// The plan Pipewright last applied for a project (for a failure the plan fixes), from its receipts.
#[tauri::command]
pub async fn diagnosis_fix_plan(
    state: State<'_, AppState>,
    session: Session,
    project: String,
) -> CmdResult<Option<Plan>> {
    let ctx = ctx(&state, &session).await?;
    blocking(&state.profiles, move |s| {
        diagnosis::fix_plan(s.dirs(), &ctx.account, &ctx.region, &project)
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Build history.

/// The stored builds of a project as the list shows them (`BuildSummary[]`), newest first:
/// instant, no AWS call. The JSON comes put together from the store and crosses as it is.
#[tauri::command]
pub async fn history_builds(
    state: State<'_, AppState>,
    session: Session,
    project: String,
    limit: Option<u32>,
) -> CmdResult<tauri::ipc::Response> {
    let ctx = ctx(&state, &session).await?;
    let history = state.history()?;
    let scope = history::load_scope(&ctx);
    let json = tauri::async_runtime::spawn_blocking(move || {
        history.summaries_json(&scope, &project, limit.map(|l| l as usize))
    })
    .await
    .map_err(|e| AppError::from(Error::internal(e)))??;
    Ok(tauri::ipc::Response::new(json))
}

/// Fetches what is new since the last sync, streaming each batch (as list summaries) as it lands.
#[tauri::command]
pub async fn history_sync(
    state: State<'_, AppState>,
    session: Session,
    project: String,
    on_batch: Channel<Vec<BuildSummary>>,
) -> CmdResult<SyncReport> {
    let ctx = ctx(&state, &session).await?;
    let history = state.history()?;
    Ok(history::sync_builds(&ctx, &history, &project, |batch| {
        let _ = on_batch.send(batch.iter().map(BuildRecord::summary).collect());
    })
    .await?)
}

#[tauri::command]
pub async fn history_stats(
    state: State<'_, AppState>,
    session: Session,
    project: String,
    window_days: u32,
) -> CmdResult<BuildStats> {
    let ctx = ctx(&state, &session).await?;
    let history = state.history()?;
    let scope = history::load_scope(&ctx);
    tauri::async_runtime::spawn_blocking(move || {
        history.build_stats(&scope, &project, now_ms(), window_days)
    })
    .await
    .map_err(|e| AppError::from(Error::internal(e)))?
    .map_err(AppError::from)
}

#[tauri::command]
pub async fn history_build(
    state: State<'_, AppState>,
    session: Session,
    build_id: String,
) -> CmdResult<BuildRecord> {
    let ctx = ctx(&state, &session).await?;
    let history = state.history()?;
    let stored = history.build(&history::load_scope(&ctx), &build_id)?;
    match stored {
        Some(b) if b.finished() => Ok(b),
        _ => {
            let fresh = history::fetch_builds(&ctx, vec![build_id.clone()]).await?;
            history.upsert_builds(&history::load_scope(&ctx), &fresh)?;
            fresh
                .into_iter()
                .next()
                .ok_or_else(|| AppError::from(Error::NotFound(format!("no build {build_id}"))))
        }
    }
}

#[tauri::command]
pub async fn build_logs(
    state: State<'_, AppState>,
    session: Session,
    group: String,
    stream: String,
    next_token: Option<String>,
) -> CmdResult<LogPage> {
    Ok(history::logs::page(&ctx(&state, &session).await?, &group, &stream, next_token).await?)
}

/// Brings a pipeline's executions up to date from AWS, then answers every stored one.
#[tauri::command]
pub async fn history_releases_sync(
    state: State<'_, AppState>,
    session: Session,
    pipeline: String,
) -> CmdResult<Vec<ReleaseRecord>> {
    let ctx = ctx(&state, &session).await?;
    let store = state.history()?;
    Ok(history::sync_executions(&ctx, &store, &pipeline).await?)
}

/// The commit messages of a project's stored builds that have one, by build id: what the store
/// has (instant, no AWS call).
#[tauri::command]
pub async fn history_commits(
    state: State<'_, AppState>,
    session: Session,
    project: String,
) -> CmdResult<std::collections::BTreeMap<String, String>> {
    let ctx = ctx(&state, &session).await?;
    let store = state.history()?;
    Ok(store.commit_messages(&history::load_scope(&ctx), &project)?)
}

/// The same, after bringing up to date the releases of the pipelines that started the project's
/// builds (where the messages come from).
#[tauri::command]
pub async fn history_commits_sync(
    state: State<'_, AppState>,
    session: Session,
    project: String,
) -> CmdResult<std::collections::BTreeMap<String, String>> {
    let ctx = ctx(&state, &session).await?;
    let store = state.history()?;
    Ok(history::sync_commit_messages(&ctx, &store, &project).await?)
}

#[tauri::command]
pub async fn history_dora(
    state: State<'_, AppState>,
    session: Session,
    pipeline: String,
    window_days: u32,
) -> CmdResult<DoraStats> {
    let ctx = ctx(&state, &session).await?;
    let store = state.history()?;
    let scope = history::load_scope(&ctx);
    let releases = store.releases(&scope, &pipeline)?;
    let first_built = store.commits_first_built(&scope, &pipeline)?;
    Ok(history::stats::dora(
        &releases,
        &first_built,
        now_ms(),
        window_days,
    ))
}

fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}
