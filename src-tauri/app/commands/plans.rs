//! The wizard: plan files, what AWS already has, generated files, review, apply and teardown.

use pipewright_core::apply::{
    discover, ApplyEvent, ApplyOptions, ConnectionInfo, EcrRepositoryInfo, Receipt, Review,
};
use pipewright_core::files::{FileKind, OpenedPlan};
use pipewright_core::plan::{Issue, Plan};
use pipewright_core::session::Session;
use pipewright_core::{files, Error, Pipewright};
use tauri::ipc::Channel;
use tauri::State;

use super::CmdResult;

#[tauri::command]
pub fn plan_reference() -> Plan {
    Plan::reference()
}

#[tauri::command]
pub fn plan_validate(core: State<'_, Pipewright>, plan: Plan) -> Vec<Issue> {
    core.plan_validate(&plan)
}

/// Asks the user for a plan file (a native dialog opened here) and reads it; None on cancel.
#[tauri::command]
pub async fn plan_open(app: tauri::AppHandle) -> CmdResult<Option<OpenedPlan>> {
    let Some(path) = crate::files::pick_open(&app, FileKind::Plan).await? else {
        return Ok(None);
    };
    Ok(Some(
        crate::files::blocking(move || files::opened_plan(&path)).await?,
    ))
}

/// Asks where to save the plan (suggesting `fileName`) and writes it; the path, or None on cancel.
#[tauri::command]
pub async fn plan_save(
    app: tauri::AppHandle,
    plan: Plan,
    file_name: Option<String>,
) -> CmdResult<Option<String>> {
    let text = plan.to_toml()?;
    crate::files::save_as(app, FileKind::Plan, text, file_name).await
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
    crate::files::save_as(app, kind, contents, file_name).await
}

#[tauri::command]
pub async fn connections_list(
    core: State<'_, Pipewright>,
    session: Session,
) -> CmdResult<Vec<ConnectionInfo>> {
    Ok(discover::connections(&core.ctx(&session).await?).await?)
}

#[tauri::command]
pub async fn connection_create(
    core: State<'_, Pipewright>,
    session: Session,
    name: String,
) -> CmdResult<ConnectionInfo> {
    Ok(discover::create_connection(&core.ctx(&session).await?, &name).await?)
}

#[tauri::command]
pub async fn connection_get(
    core: State<'_, Pipewright>,
    session: Session,
    arn: String,
) -> CmdResult<ConnectionInfo> {
    Ok(discover::get_connection(&core.ctx(&session).await?, &arn).await?)
}

#[tauri::command]
pub async fn ecr_repositories(
    core: State<'_, Pipewright>,
    session: Session,
) -> CmdResult<Vec<EcrRepositoryInfo>> {
    Ok(discover::ecr_repositories(&core.ctx(&session).await?).await?)
}

#[tauri::command]
pub async fn ecs_clusters(core: State<'_, Pipewright>, session: Session) -> CmdResult<Vec<String>> {
    Ok(discover::ecs_clusters(&core.ctx(&session).await?).await?)
}

#[tauri::command]
pub async fn ecs_services(
    core: State<'_, Pipewright>,
    session: Session,
    cluster: String,
) -> CmdResult<Vec<String>> {
    Ok(discover::ecs_services(&core.ctx(&session).await?, &cluster).await?)
}

#[tauri::command]
pub async fn ecs_containers(
    core: State<'_, Pipewright>,
    session: Session,
    cluster: String,
    service: String,
) -> CmdResult<Vec<String>> {
    Ok(discover::ecs_containers(&core.ctx(&session).await?, &cluster, &service).await?)
}

#[tauri::command]
pub async fn codebuild_projects(
    core: State<'_, Pipewright>,
    session: Session,
) -> CmdResult<Vec<String>> {
    Ok(discover::codebuild_projects(&core.ctx(&session).await?).await?)
}

#[tauri::command]
pub async fn ecr_policy_generate(
    core: State<'_, Pipewright>,
    session: Session,
    plan: Plan,
) -> CmdResult<String> {
    Ok(core.ecr_policy(&core.ctx(&session).await?, &plan)?)
}

#[tauri::command]
pub async fn buildspec_generate(
    core: State<'_, Pipewright>,
    session: Session,
    plan: Plan,
) -> CmdResult<String> {
    Ok(core.buildspec(&core.ctx(&session).await?, &plan)?)
}

#[tauri::command]
pub async fn plan_review(
    core: State<'_, Pipewright>,
    session: Session,
    plan: Plan,
) -> CmdResult<Review> {
    Ok(core.plan_review(&core.ctx(&session).await?, &plan).await?)
}

#[tauri::command]
pub async fn apply_start(
    core: State<'_, Pipewright>,
    session: Session,
    plan: Plan,
    on_event: Channel<ApplyEvent>,
) -> CmdResult<Receipt> {
    let ctx = core.ctx(&session).await?;
    let sink = move |e: ApplyEvent| {
        let _ = on_event.send(e);
    };
    Ok(core
        .apply(&ctx, &plan, &ApplyOptions::default(), false, &sink)
        .await?)
}

/// Deletes exactly what a receipt's run created (roll back / tear down), with the session's
/// profile in the receipt's region (teardown refuses another account).
#[tauri::command]
pub async fn receipt_teardown(
    core: State<'_, Pipewright>,
    session: Session,
    receipt_id: String,
    on_event: Channel<ApplyEvent>,
) -> CmdResult<Receipt> {
    let receipt = core.receipt(&receipt_id).await?;
    let ctx = core.ctx_in(&session, &receipt.region).await?;
    let sink = move |e: ApplyEvent| {
        let _ = on_event.send(e);
    };
    Ok(core.teardown(&ctx, receipt, &sink).await?)
}

#[tauri::command]
pub async fn receipts_list(core: State<'_, Pipewright>) -> CmdResult<Vec<Receipt>> {
    Ok(core.receipts(false).await?)
}

/// Runs that were cut off (the app or the CLI died mid-run): resume or roll back.
#[tauri::command]
pub async fn receipts_unfinished(core: State<'_, Pipewright>) -> CmdResult<Vec<Receipt>> {
    Ok(core.receipts(true).await?)
}

/// The plan Pipewright last applied for a project (for a failure the plan fixes), from its receipts.
#[tauri::command]
pub async fn diagnosis_fix_plan(
    core: State<'_, Pipewright>,
    session: Session,
    project: String,
) -> CmdResult<Option<Plan>> {
    Ok(core.fix_plan(&core.ctx(&session).await?, project).await?)
}
