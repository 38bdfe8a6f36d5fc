//! Pipelines and releases: the list, the live page, release, stop, retry, approvals, rollback.

use pipewright_core::approval::ApprovalOutcome;
use pipewright_core::diagnosis::Diagnosis;
use pipewright_core::plan::Issue;
use pipewright_core::release::{
    ActionExecutionView, ExecutionSummary, PipelineSummary, PipelineView, ReleaseRequest,
};
use pipewright_core::rollback::{RollbackPlan, RollbackResult};
use pipewright_core::service_change::ServiceChange;
use pipewright_core::session::Session;
use pipewright_core::Pipewright;
use tauri::State;

use super::CmdResult;

#[tauri::command]
pub async fn pipelines_list(
    core: State<'_, Pipewright>,
    session: Session,
) -> CmdResult<Vec<PipelineSummary>> {
    Ok(core.pipelines(&core.ctx(&session).await?).await?)
}

#[tauri::command]
pub async fn pipeline_view(
    core: State<'_, Pipewright>,
    session: Session,
    name: String,
) -> CmdResult<PipelineView> {
    Ok(core
        .pipeline_view(&core.ctx(&session).await?, &name)
        .await?)
}

#[tauri::command]
pub async fn pipeline_executions(
    core: State<'_, Pipewright>,
    session: Session,
    name: String,
    limit: Option<u32>,
) -> CmdResult<Vec<ExecutionSummary>> {
    let ctx = core.ctx(&session).await?;
    Ok(core.executions(&ctx, &name, limit.unwrap_or(25)).await?)
}

#[tauri::command]
pub async fn pipeline_action_executions(
    core: State<'_, Pipewright>,
    session: Session,
    name: String,
    execution_id: String,
) -> CmdResult<Vec<ActionExecutionView>> {
    let ctx = core.ctx(&session).await?;
    Ok(core.action_executions(&ctx, &name, &execution_id).await?)
}

/// Every problem with a release request, by field (the dialog asks before Release).
#[tauri::command]
pub fn release_validate(core: State<'_, Pipewright>, request: ReleaseRequest) -> Vec<Issue> {
    core.release_validate(&request)
}

#[tauri::command]
pub async fn release_start(
    core: State<'_, Pipewright>,
    session: Session,
    request: ReleaseRequest,
) -> CmdResult<String> {
    Ok(core.release(&core.ctx(&session).await?, &request).await?)
}

#[tauri::command]
pub async fn execution_stop(
    core: State<'_, Pipewright>,
    session: Session,
    name: String,
    execution_id: String,
    abandon: bool,
    reason: Option<String>,
) -> CmdResult<()> {
    let ctx = core.ctx(&session).await?;
    Ok(core
        .stop(&ctx, &name, &execution_id, abandon, reason.as_deref())
        .await?)
}

#[tauri::command]
pub async fn stage_retry(
    core: State<'_, Pipewright>,
    session: Session,
    name: String,
    stage: String,
    execution_id: Option<String>,
    all_actions: bool,
) -> CmdResult<String> {
    let ctx = core.ctx(&session).await?;
    Ok(core
        .retry(&ctx, &name, &stage, execution_id.as_deref(), all_actions)
        .await?)
}

/// Approve or reject the approval waiting in a pipeline (its token stays in Rust).
#[tauri::command]
pub async fn approval_decide(
    core: State<'_, Pipewright>,
    session: Session,
    pipeline: String,
    approve: bool,
    comment: Option<String>,
) -> CmdResult<ApprovalOutcome> {
    let ctx = core.ctx(&session).await?;
    Ok(core
        .approve(&ctx, &pipeline, approve, comment.as_deref())
        .await?)
}

/// What "Roll back to this release" would do (`to`: that execution, or the last good release).
#[tauri::command]
pub async fn rollback_plan(
    core: State<'_, Pipewright>,
    session: Session,
    pipeline: String,
    to: Option<String>,
) -> CmdResult<RollbackPlan> {
    let ctx = core.ctx(&session).await?;
    Ok(core.rollback_plan(&ctx, &pipeline, to.as_deref()).await?)
}

/// Does a confirmed rollback plan.
#[tauri::command]
pub async fn rollback_run(
    core: State<'_, Pipewright>,
    session: Session,
    plan: RollbackPlan,
) -> CmdResult<RollbackResult> {
    Ok(core.rollback_run(&core.ctx(&session).await?, &plan).await?)
}

/// The service updates Pipewright made for a pipeline (V1 rollbacks), newest first.
#[tauri::command]
pub async fn service_changes(
    core: State<'_, Pipewright>,
    session: Session,
    pipeline: String,
) -> CmdResult<Vec<ServiceChange>> {
    Ok(core
        .service_changes(&core.ctx(&session).await?, pipeline)
        .await?)
}

/// Puts a service back on what it ran before one of those updates.
#[tauri::command]
pub async fn service_change_undo(
    core: State<'_, Pipewright>,
    session: Session,
    id: String,
) -> CmdResult<ServiceChange> {
    Ok(core
        .service_change_undo(&core.ctx(&session).await?, &id)
        .await?)
}

/// Why a build failed (None unless it failed): its phases and the end of its log.
#[tauri::command]
pub async fn build_diagnosis(
    core: State<'_, Pipewright>,
    session: Session,
    build_id: String,
) -> CmdResult<Option<Diagnosis>> {
    Ok(core
        .build_diagnosis(&core.ctx(&session).await?, &build_id)
        .await?)
}
