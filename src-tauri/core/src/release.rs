//! Pipelines and one-click release: list pipelines with their latest execution, the live stage view
//! (GetPipeline + GetPipelineState), release (StartPipelineExecution with a client request token so
//! a double click starts one execution), stop, retry, executions and action executions.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_codepipeline::types as cp;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::apply::{console, AwsCtx};
use crate::aws::map_sdk_error;
use crate::rollout::{self, DeployRef, EcsTarget, Rollout};
use crate::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SourceRevision {
    pub action: String,
    /// The commit id for GitHub sources.
    pub revision_id: String,
    /// The commit message summary, as CodePipeline reports it.
    pub summary: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExecutionSummary {
    pub id: String,
    /// Cancelled, InProgress, Stopped, Stopping, Succeeded, Superseded, Failed.
    pub status: String,
    pub status_summary: Option<String>,
    /// StartPipelineExecution, Webhook, CloudWatchEvent, CreatePipeline, ...
    pub trigger: Option<String>,
    pub trigger_detail: Option<String>,
    pub revisions: Vec<SourceRevision>,
    /// RFC 3339.
    pub started_at: Option<String>,
    pub updated_at: Option<String>,
    pub duration_seconds: Option<f64>,
    /// STANDARD or ROLLBACK (V2), when reported.
    pub execution_type: Option<String>,
    /// CodePipeline's own status when the release's differs from it (`status` follows the ECS
    /// rollout: see [`rollout::release_status`]).
    #[serde(default)]
    pub pipeline_status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PipelineSummary {
    pub name: String,
    pub pipeline_type: Option<String>,
    pub execution_mode: Option<String>,
    pub updated_at: Option<String>,
    pub latest: Option<ExecutionSummary>,
    pub console_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionView {
    pub name: String,
    pub category: String,
    pub provider: String,
    /// InProgress, Abandoned, Succeeded, Failed; None = never ran.
    pub status: Option<String>,
    pub execution_id: Option<String>,
    pub last_change: Option<String>,
    pub summary: Option<String>,
    /// For CodeBuild actions, the build id.
    pub external_execution_id: Option<String>,
    pub external_url: Option<String>,
    pub entity_url: Option<String>,
    pub error: Option<String>,
    /// A manual approval waiting for someone.
    pub awaiting_approval: bool,
    /// For an ECS deploy action, its deployment as ECS tells it.
    pub rollout: Option<Rollout>,
    /// Why it failed, for a failed action other than a build (a build's comes from its log:
    /// `diagnosis::of_build`).
    pub diagnosis: Option<crate::diagnosis::Diagnosis>,
    /// For a manual approval: what it asks and who may answer.
    pub approval: Option<crate::approval::ApprovalInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StageView {
    pub name: String,
    pub status: Option<String>,
    pub execution_id: Option<String>,
    /// The inbound transition: false when someone disabled it.
    pub transition_enabled: bool,
    pub transition_disabled_reason: Option<String>,
    pub actions: Vec<ActionView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PipelineView {
    pub name: String,
    pub version: Option<i32>,
    pub pipeline_type: Option<String>,
    pub execution_mode: Option<String>,
    /// `owner/name` and branch of the Source action, when it is GitHub.
    pub repository: Option<String>,
    pub branch: Option<String>,
    pub stages: Vec<StageView>,
    pub latest: Option<ExecutionSummary>,
    pub in_progress: bool,
    /// When the UI should look again: fast while something runs, slow when idle.
    pub poll_after_ms: u32,
    pub console_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionExecutionView {
    pub stage: String,
    pub action: String,
    pub status: String,
    pub started_at: Option<String>,
    pub updated_at: Option<String>,
    pub summary: Option<String>,
    pub external_execution_id: Option<String>,
    pub external_url: Option<String>,
    pub error: Option<String>,
    /// The CodeBuild build id, for a build action.
    pub build_id: Option<String>,
    /// Source, Build, Test, Deploy, Approval or Invoke (the action type's category).
    pub category: Option<String>,
    /// For an ECS deploy action, the service it updates.
    pub ecs: Option<EcsTarget>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PipelineVariable {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReleaseRequest {
    pub pipeline: String,
    /// Release this commit instead of the branch head.
    pub revision: Option<String>,
    #[serde(default)]
    pub variables: Vec<PipelineVariable>,
    /// The caller's idempotency seed: with the request's content it makes the token CodePipeline
    /// gets ([`request_token`]), so the same request twice starts one execution.
    pub client_request_token: String,
}

/// Poll every 2 s while an execution runs; when idle every 30 s, and an idle poll is one request
/// (see [`ViewCache`]): 2 requests a minute per open pipeline.
pub const POLL_RUNNING_MS: u32 = 2_000;
pub const POLL_IDLE_MS: u32 = 30_000;

/// Remembers each pipeline's last view so that an idle poll costs one request (the latest
/// execution): the full view (3 requests) is fetched again only when that changed, when something
/// runs, or after 10 minutes.
#[derive(Default)]
pub struct ViewCache {
    entries: std::sync::Mutex<HashMap<String, (std::time::Instant, PipelineView)>>,
}

impl ViewCache {
    fn key(ctx: &AwsCtx, name: &str) -> String {
        format!("{}/{}/{name}", ctx.account, ctx.region)
    }

    /// Forget a pipeline's view (after release, stop or retry) so the next poll is a full one.
    pub fn invalidate(&self, ctx: &AwsCtx, name: &str) {
        self.entries.lock().unwrap().remove(&Self::key(ctx, name));
    }

    /// The view for a poll: cheap when nothing happened, full otherwise.
    pub async fn poll(&self, ctx: &AwsCtx, name: &str) -> Result<PipelineView> {
        let key = Self::key(ctx, name);
        let cached = self.entries.lock().unwrap().get(&key).cloned();
        if let Some((at, view)) = cached {
            if !view.in_progress && at.elapsed() < Duration::from_secs(600) {
                let latest = executions(ctx, name, 1).await?.into_iter().next();
                // CodePipeline's status on both sides (the view's may be the rollout's verdict).
                let same = |l: &Option<ExecutionSummary>| {
                    l.as_ref().map(|e| {
                        let status = e.pipeline_status.as_ref().unwrap_or(&e.status);
                        (e.id.clone(), status.clone())
                    })
                };
                if same(&latest) == same(&view.latest) {
                    return Ok(view);
                }
            }
        }
        let view = pipeline_view(ctx, name).await?;
        self.entries
            .lock()
            .unwrap()
            .insert(key, (std::time::Instant::now(), view.clone()));
        Ok(view)
    }
}

pub(crate) fn rfc3339(t: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    let t = t?;
    time::OffsetDateTime::from_unix_timestamp_nanos(t.as_nanos())
        .ok()?
        .format(&time::format_description::well_known::Rfc3339)
        .ok()
}

fn seconds_between(
    a: Option<&aws_smithy_types::DateTime>,
    b: Option<&aws_smithy_types::DateTime>,
) -> Option<f64> {
    Some((b?.as_secs_f64() - a?.as_secs_f64()).max(0.0))
}

fn revisions(list: &[cp::SourceRevision]) -> Vec<SourceRevision> {
    list.iter()
        .map(|r| SourceRevision {
            action: r.action_name().to_owned(),
            revision_id: r.revision_id().unwrap_or_default().to_owned(),
            summary: r.revision_summary().map(summary_line),
            url: r.revision_url().map(str::to_owned),
        })
        .collect()
}

/// GitHub summaries come as JSON (`{"ProviderType":"GitHub","CommitMessage":"..."}`) or text.
fn summary_line(raw: &str) -> String {
    let text = serde_json::from_str::<serde_json::Value>(raw)
        .ok()
        .and_then(|v| {
            v.get("CommitMessage")
                .and_then(|m| m.as_str())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| raw.to_owned());
    text.lines().next().unwrap_or_default().to_owned()
}

// What started an execution: both execution shapes (summary and full) carry the same trigger.
fn trigger_type(t: Option<&cp::ExecutionTrigger>) -> Option<String> {
    t.and_then(|t| t.trigger_type())
        .map(|t| t.as_str().to_owned())
}

fn trigger_detail(t: Option<&cp::ExecutionTrigger>) -> Option<String> {
    t.and_then(|t| t.trigger_detail()).map(str::to_owned)
}

fn summary_of(s: &cp::PipelineExecutionSummary) -> ExecutionSummary {
    ExecutionSummary {
        id: s.pipeline_execution_id().unwrap_or_default().to_owned(),
        status: s
            .status()
            .map(|x| x.as_str().to_owned())
            .unwrap_or_default(),
        status_summary: s.status_summary().map(str::to_owned),
        trigger: trigger_type(s.trigger()),
        trigger_detail: trigger_detail(s.trigger()),
        revisions: revisions(s.source_revisions()),
        started_at: rfc3339(s.start_time()),
        updated_at: rfc3339(s.last_update_time()),
        duration_seconds: seconds_between(s.start_time(), s.last_update_time()),
        execution_type: s.execution_type().map(|t| t.as_str().to_owned()),
        pipeline_status: None,
    }
}

/// The newest executions of a pipeline (paginated, up to `limit`).
pub async fn executions(
    ctx: &AwsCtx,
    pipeline: &str,
    limit: usize,
) -> Result<Vec<ExecutionSummary>> {
    let mut out = Vec::new();
    let mut pages = ctx
        .codepipeline()
        .list_pipeline_executions()
        .pipeline_name(pipeline)
        .max_results(limit.clamp(1, 100) as i32)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| map_sdk_error("ListPipelineExecutions", e))?;
        out.extend(page.pipeline_execution_summaries().iter().map(summary_of));
        if out.len() >= limit {
            break;
        }
    }
    out.truncate(limit);
    Ok(out)
}

/// A pipeline's executions, newest first, page by page (100 each) until the end or a page with
/// an execution for which `known` says true.
pub async fn executions_until(
    ctx: &AwsCtx,
    pipeline: &str,
    mut known: impl FnMut(&ExecutionSummary) -> bool,
) -> Result<(Vec<ExecutionSummary>, bool)> {
    let mut out = Vec::new();
    let mut pages = ctx
        .codepipeline()
        .list_pipeline_executions()
        .pipeline_name(pipeline)
        .max_results(100)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| map_sdk_error("ListPipelineExecutions", e))?;
        let before = out.len();
        out.extend(page.pipeline_execution_summaries().iter().map(summary_of));
        if out[before..].iter().any(&mut known) {
            return Ok((out, true));
        }
    }
    Ok((out, false))
}

/// Every pipeline with its latest execution. Latest executions are fetched 16 at a time.
pub async fn list_pipelines(ctx: &AwsCtx) -> Result<Vec<PipelineSummary>> {
    let pages: Vec<_> = ctx
        .codepipeline()
        .list_pipelines()
        .into_paginator()
        .send()
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| map_sdk_error("ListPipelines", e))?;
    let pipelines: Vec<cp::PipelineSummary> =
        pages.iter().flat_map(|p| p.pipelines().to_vec()).collect();
    let mut out: Vec<PipelineSummary> = futures::stream::iter(pipelines)
        .map(|p| async move {
            let name = p.name().unwrap_or_default().to_owned();
            let latest = executions(ctx, &name, 1).await?.into_iter().next();
            Ok::<_, Error>(PipelineSummary {
                console_url: console::pipeline(&ctx.region, &name),
                pipeline_type: p.pipeline_type().map(|t| t.as_str().to_owned()),
                execution_mode: p.execution_mode().map(|m| m.as_str().to_owned()),
                updated_at: rfc3339(p.updated()),
                latest,
                name,
            })
        })
        .buffer_unordered(16)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<Vec<_>>>()?;
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The stage diagram with live states.
pub async fn pipeline_view(ctx: &AwsCtx, name: &str) -> Result<PipelineView> {
    let client = ctx.codepipeline();
    let (declaration, state, latest) = tokio::join!(
        client.get_pipeline().name(name).send(),
        client.get_pipeline_state().name(name).send(),
        executions(ctx, name, 1),
    );
    let declaration = declaration.map_err(|e| map_sdk_error("GetPipeline", e))?;
    let state = state.map_err(|e| map_sdk_error("GetPipelineState", e))?;
    let latest = latest?.into_iter().next();
    let decl = declaration
        .pipeline()
        .ok_or_else(|| Error::NotFound(format!("no pipeline {name}")))?;
    let mut repository = None;
    let mut branch = None;
    let stages: Vec<StageView> = decl
        .stages()
        .iter()
        .map(|stage| {
            let st = state
                .stage_states()
                .iter()
                .find(|s| s.stage_name() == Some(stage.name()));
            let actions = stage
                .actions()
                .iter()
                .map(|a| {
                    let t = a.action_type_id();
                    if t.map(|t| t.category().as_str()) == Some("Source") {
                        if let Some(c) = a.configuration() {
                            repository = repository
                                .clone()
                                .or_else(|| c.get("FullRepositoryId").cloned());
                            branch = branch.clone().or_else(|| c.get("BranchName").cloned());
                        }
                    }
                    let live = st.and_then(|s| {
                        s.action_states()
                            .iter()
                            .find(|x| x.action_name() == Some(a.name()))
                    });
                    let exec = live.and_then(|l| l.latest_execution());
                    let category = t
                        .map(|t| t.category().as_str().to_owned())
                        .unwrap_or_default();
                    let status = exec.and_then(|e| e.status()).map(|s| s.as_str().to_owned());
                    let approval = (category == "Approval").then(|| {
                        crate::approval::info(
                            (
                                crate::apply::requests::partition_of(&ctx.region),
                                &ctx.region,
                                &ctx.account,
                            ),
                            name,
                            stage.name(),
                            a.name(),
                            |k| a.configuration().and_then(|c| c.get(k)).cloned(),
                        )
                    });
                    ActionView {
                        name: a.name().to_owned(),
                        approval,
                        awaiting_approval: category == "Approval"
                            && status.as_deref() == Some("InProgress"),
                        category,
                        provider: t.map(|t| t.provider().to_owned()).unwrap_or_default(),
                        status,
                        execution_id: exec
                            .and_then(|e| e.action_execution_id())
                            .map(str::to_owned),
                        last_change: rfc3339(exec.and_then(|e| e.last_status_change())),
                        summary: exec.and_then(|e| e.summary()).map(str::to_owned),
                        external_execution_id: exec
                            .and_then(|e| e.external_execution_id())
                            .map(str::to_owned),
                        external_url: exec
                            .and_then(|e| e.external_execution_url())
                            .map(str::to_owned),
                        entity_url: live.and_then(|l| l.entity_url()).map(str::to_owned),
                        error: exec.and_then(|e| e.error_details()).map(|d| {
                            format!(
                                "{}: {}",
                                d.code().unwrap_or("Error"),
                                d.message().unwrap_or_default()
                            )
                        }),
                        rollout: None,
                        diagnosis: None,
                    }
                })
                .collect();
            let transition = st.and_then(|s| s.inbound_transition_state());
            StageView {
                name: stage.name().to_owned(),
                status: st
                    .and_then(|s| s.latest_execution())
                    .map(|e| e.status().as_str().to_owned()),
                execution_id: st
                    .and_then(|s| s.latest_execution())
                    .map(|e| e.pipeline_execution_id().to_owned()),
                transition_enabled: transition.map(|t| t.enabled()).unwrap_or(true),
                transition_disabled_reason: transition
                    .and_then(|t| t.disabled_reason())
                    .map(str::to_owned),
                actions,
            }
        })
        .collect();
    let mut stages = stages;
    let mut latest = latest;
    read_rollouts(ctx, decl, &mut stages, latest.as_mut()).await?;
    for stage in &mut stages {
        for a in &mut stage.actions {
            if a.provider != "CodeBuild" {
                a.diagnosis = crate::diagnosis::for_action(&stage.name, a);
            }
        }
    }
    let in_progress = latest.as_ref().is_some_and(|l| {
        l.status == "InProgress"
            || l.status == "Stopping"
            || l.pipeline_status.as_deref() == Some("InProgress")
    }) || stages.iter().any(|s| {
        s.status.as_deref() == Some("InProgress")
            || s.actions.iter().any(|a| {
                a.rollout
                    .as_ref()
                    .is_some_and(|r| r.state == rollout::RolloutState::InProgress)
            })
    });
    Ok(PipelineView {
        name: decl.name().to_owned(),
        version: decl.version(),
        pipeline_type: decl.pipeline_type().map(|t| t.as_str().to_owned()),
        execution_mode: decl.execution_mode().map(|m| m.as_str().to_owned()),
        repository,
        branch,
        stages,
        latest,
        in_progress,
        poll_after_ms: if in_progress {
            POLL_RUNNING_MS
        } else {
            POLL_IDLE_MS
        },
        console_url: console::pipeline(&ctx.region, name),
    })
}

pub(crate) fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// RFC 3339 → Unix milliseconds.
pub(crate) fn parse_ms(t: Option<&str>) -> Option<i64> {
    let t = time::OffsetDateTime::parse(t?, &time::format_description::well_known::Rfc3339).ok()?;
    Some((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// Reads the ECS rollout of each ECS deploy action that has run, and corrects the latest
/// execution's status by the rollout of its deploy ([`rollout::release_status`]).
async fn read_rollouts(
    ctx: &AwsCtx,
    decl: &cp::PipelineDeclaration,
    stages: &mut [StageView],
    mut latest: Option<&mut ExecutionSummary>,
) -> Result<()> {
    let now = now_ms();
    for (stage, sdecl) in stages.iter_mut().zip(decl.stages()) {
        let stage_execution = stage.execution_id.clone();
        let stage_started = latest
            .as_deref()
            .filter(|l| Some(&l.id) == stage_execution.as_ref())
            .and_then(|l| parse_ms(l.started_at.as_deref()));
        for (action, adecl) in stage.actions.iter_mut().zip(sdecl.actions()) {
            if action.category != "Deploy" || action.status.is_none() {
                continue;
            }
            let config = adecl.configuration();
            let Some(target) = EcsTarget::of_action(
                &action.provider,
                |k| config.and_then(|c| c.get(k)).map(String::as_str),
                adecl.region(),
            ) else {
                continue;
            };
            let last_change = parse_ms(action.last_change.as_deref());
            let running = action.status.as_deref() == Some("InProgress");
            let deploy = DeployRef {
                external_id: action.external_execution_id.clone(),
                started_ms: stage_started.or(if running { last_change } else { None }),
                ended_ms: if running { None } else { last_change },
            };
            action.rollout = rollout::read(ctx, &target, &[deploy], now)
                .await?
                .into_iter()
                .next()
                .flatten();
            if let (Some(l), Some(r)) = (latest.as_deref_mut(), action.rollout.as_ref()) {
                if Some(&l.id) == stage_execution.as_ref() {
                    let status = rollout::release_status(&l.status, Some(r.state));
                    if status != l.status {
                        l.pipeline_status = Some(std::mem::replace(&mut l.status, status));
                        if r.state == rollout::RolloutState::Failed {
                            l.status_summary = Some(rollout::headline(r));
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// The idempotency token CodePipeline gets: the caller's seed (one per release dialog, per CLI
/// run, or the CLI's `--client-request-token`) joined with what the request asks (pipeline,
/// commit, variables). The same request sent again (a double click, a retry after a dropped
/// connection) starts one execution; a changed request (another commit, other variables) starts
/// its own even from the same dialog.
pub fn request_token(req: &ReleaseRequest) -> String {
    let mut content = Vec::new();
    for part in [
        req.client_request_token.as_str(),
        req.pipeline.as_str(),
        req.revision.as_deref().map(str::trim).unwrap_or_default(),
    ] {
        content.extend_from_slice(part.as_bytes());
        content.push(0);
    }
    for v in &req.variables {
        content.extend_from_slice(v.name.as_bytes());
        content.push(b'=');
        content.extend_from_slice(v.value.as_bytes());
        content.push(0);
    }
    // Two 64-bit FNV-1a over the content (stable across versions and platforms).
    let fnv = |offset: u64| {
        content.iter().fold(offset, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    format!(
        "pw-{:016x}{:016x}",
        fnv(0xcbf2_9ce4_8422_2325),
        fnv(0x6c62_272e_07bb_0142)
    )
}

/// Starts a release. Offline checks first (names, commit id), then one StartPipelineExecution.
pub async fn release(ctx: &AwsCtx, req: &ReleaseRequest) -> Result<String> {
    if !crate::plan::validate::is_pipeline_name(&req.pipeline) {
        return Err(Error::validation("pipeline", "is not a pipeline name"));
    }
    if req.client_request_token.is_empty() || req.client_request_token.len() > 128 {
        return Err(Error::validation(
            "clientRequestToken",
            "must be 1–128 characters",
        ));
    }
    let revision = req
        .revision
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if let Some(rev) = revision {
        if !(7..=40).contains(&rev.len()) || !rev.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(Error::validation(
                "revision",
                "must be a git commit id (7–40 hex characters)",
            ));
        }
    }
    for (i, v) in req.variables.iter().enumerate() {
        if v.name.is_empty()
            || v.name.len() > 128
            || !v
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "@-_".contains(c))
        {
            return Err(Error::validation(
                format!("variables.{i}.name"),
                "must be 1–128 letters, digits, '@', '-' or '_'",
            ));
        }
    }
    let client = ctx.codepipeline();
    let mut start = client
        .start_pipeline_execution()
        .name(&req.pipeline)
        .client_request_token(request_token(req));
    if let Some(rev) = revision {
        // The override names the source action: read it from the pipeline.
        let declaration = client
            .get_pipeline()
            .name(&req.pipeline)
            .send()
            .await
            .map_err(|e| map_sdk_error("GetPipeline", e))?;
        let source = declaration
            .pipeline()
            .and_then(|p| p.stages().first())
            .and_then(|s| s.actions().first())
            .map(|a| a.name().to_owned())
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "the pipeline {} has no source action",
                    req.pipeline
                ))
            })?;
        start = start.source_revisions(
            cp::SourceRevisionOverride::builder()
                .action_name(source)
                .revision_type(cp::SourceRevisionType::CommitId)
                .revision_value(rev)
                .build()
                .map_err(Error::internal)?,
        );
    }
    for v in &req.variables {
        start = start.variables(
            cp::PipelineVariable::builder()
                .name(&v.name)
                .value(&v.value)
                .build()
                .map_err(Error::internal)?,
        );
    }
    let out = start
        .send()
        .await
        .map_err(|e| map_sdk_error("StartPipelineExecution", e))?;
    Ok(out.pipeline_execution_id().unwrap_or_default().to_owned())
}

pub async fn execution(ctx: &AwsCtx, pipeline: &str, id: &str) -> Result<ExecutionSummary> {
    let out = ctx
        .codepipeline()
        .get_pipeline_execution()
        .pipeline_name(pipeline)
        .pipeline_execution_id(id)
        .send()
        .await
        .map_err(|e| map_sdk_error("GetPipelineExecution", e))?;
    let e = out
        .pipeline_execution()
        .ok_or_else(|| Error::NotFound(format!("no execution {id}")))?;
    Ok(ExecutionSummary {
        id: id.to_owned(),
        status: e
            .status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        status_summary: e.status_summary().map(str::to_owned),
        trigger: trigger_type(e.trigger()),
        trigger_detail: trigger_detail(e.trigger()),
        revisions: e
            .artifact_revisions()
            .iter()
            .map(|r| SourceRevision {
                action: r.name().unwrap_or_default().to_owned(),
                revision_id: r.revision_id().unwrap_or_default().to_owned(),
                summary: r.revision_summary().map(summary_line),
                url: r.revision_url().map(str::to_owned),
            })
            .collect(),
        started_at: None,
        updated_at: None,
        duration_seconds: None,
        execution_type: e.execution_type().map(|t| t.as_str().to_owned()),
        pipeline_status: None,
    })
}

pub async fn stop(
    ctx: &AwsCtx,
    pipeline: &str,
    execution_id: &str,
    abandon: bool,
    reason: Option<&str>,
) -> Result<()> {
    ctx.codepipeline()
        .stop_pipeline_execution()
        .pipeline_name(pipeline)
        .pipeline_execution_id(execution_id)
        .abandon(abandon)
        .set_reason(reason.map(str::to_owned))
        .send()
        .await
        .map_err(|e| map_sdk_error("StopPipelineExecution", e))?;
    Ok(())
}

/// Retries a failed stage of `execution_id` (the stage's latest execution when None).
pub async fn retry(
    ctx: &AwsCtx,
    pipeline: &str,
    stage: &str,
    execution_id: Option<&str>,
    all_actions: bool,
) -> Result<String> {
    let execution_id = match execution_id {
        Some(id) => id.to_owned(),
        None => {
            let state = ctx
                .codepipeline()
                .get_pipeline_state()
                .name(pipeline)
                .send()
                .await
                .map_err(|e| map_sdk_error("GetPipelineState", e))?;
            state
                .stage_states()
                .iter()
                .find(|s| s.stage_name() == Some(stage))
                .and_then(|s| s.latest_execution())
                .map(|e| e.pipeline_execution_id().to_owned())
                .ok_or_else(|| {
                    Error::NotFound(format!("the stage {stage} of {pipeline} has not run"))
                })?
        }
    };
    let out = ctx
        .codepipeline()
        .retry_stage_execution()
        .pipeline_name(pipeline)
        .stage_name(stage)
        .pipeline_execution_id(&execution_id)
        .retry_mode(if all_actions {
            cp::StageRetryMode::AllActions
        } else {
            cp::StageRetryMode::FailedActions
        })
        .send()
        .await
        .map_err(|e| map_sdk_error("RetryStageExecution", e))?;
    Ok(out
        .pipeline_execution_id()
        .unwrap_or(&execution_id)
        .to_owned())
}

pub async fn action_executions(
    ctx: &AwsCtx,
    pipeline: &str,
    execution_id: &str,
) -> Result<Vec<ActionExecutionView>> {
    let pages: Vec<_> = ctx
        .codepipeline()
        .list_action_executions()
        .pipeline_name(pipeline)
        .filter(
            cp::ActionExecutionFilter::builder()
                .pipeline_execution_id(execution_id)
                .build(),
        )
        .into_paginator()
        .send()
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| map_sdk_error("ListActionExecutions", e))?;
    let mut out: Vec<ActionExecutionView> = pages
        .iter()
        .flat_map(|p| p.action_execution_details())
        .map(action_view)
        .collect();
    out.sort_by(|a, b| a.started_at.cmp(&b.started_at));
    Ok(out)
}

fn action_view(a: &cp::ActionExecutionDetail) -> ActionExecutionView {
    let result = a.output().and_then(|o| o.execution_result());
    let type_id = a.input().and_then(|i| i.action_type_id());
    let provider = type_id.map(|t| t.provider()).unwrap_or_default();
    let external = result
        .and_then(|r| r.external_execution_id())
        .map(str::to_owned);
    ActionExecutionView {
        stage: a.stage_name().unwrap_or_default().to_owned(),
        action: a.action_name().unwrap_or_default().to_owned(),
        status: a
            .status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        started_at: rfc3339(a.start_time()),
        updated_at: rfc3339(a.last_update_time()),
        summary: result
            .and_then(|r| r.external_execution_summary())
            .map(str::to_owned),
        external_url: result
            .and_then(|r| r.external_execution_url())
            .map(str::to_owned),
        error: result.and_then(|r| r.error_details()).map(|d| {
            format!(
                "{}: {}",
                d.code().unwrap_or("Error"),
                d.message().unwrap_or_default()
            )
        }),
        build_id: external.clone().filter(|_| provider == "CodeBuild"),
        external_execution_id: external,
        category: type_id.map(|t| t.category().as_str().to_owned()),
        ecs: a.input().and_then(|i| {
            let config = i.configuration();
            EcsTarget::of_action(
                provider,
                |k| config.and_then(|c| c.get(k)).map(String::as_str),
                i.region(),
            )
        }),
    }
}

/// The action executions of every execution of a pipeline that started at or after `since_ms`
/// (Unix ms), by pipeline execution id, each list in start order: pages of 100 across the
/// pipeline, newest first, up to the first action older than `since_ms` (one request per 100
/// actions, instead of one per execution).
pub async fn action_executions_since(
    ctx: &AwsCtx,
    pipeline: &str,
    since_ms: i64,
) -> Result<HashMap<String, Vec<ActionExecutionView>>> {
    let mut out: HashMap<String, Vec<ActionExecutionView>> = HashMap::new();
    let mut pages = ctx
        .codepipeline()
        .list_action_executions()
        .pipeline_name(pipeline)
        .max_results(100)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| map_sdk_error("ListActionExecutions", e))?;
        let mut newer = 0;
        for a in page.action_execution_details() {
            let started = a.start_time().map(|t| (t.as_nanos() / 1_000_000) as i64);
            if started.is_some_and(|t| t < since_ms) {
                continue;
            }
            newer += 1;
            if let Some(id) = a.pipeline_execution_id() {
                out.entry(id.to_owned()).or_default().push(action_view(a));
            }
        }
        // Newest first: a page with nothing as new as `since_ms` is past it.
        if newer == 0 {
            break;
        }
    }
    for actions in out.values_mut() {
        actions.sort_by(|a, b| a.started_at.cmp(&b.started_at));
    }
    Ok(out)
}

/// Polls an execution until it ends and its ECS rollouts with it, calling `on_change` with the
/// view whenever a stage or action status (or a rollout's) changes. Returns the release's final
/// status ([`rollout::release_status`]: Failed when a deployment failed or was rolled back,
/// whatever CodePipeline said) and the last view.
pub async fn wait(
    ctx: &AwsCtx,
    pipeline: &str,
    execution_id: &str,
    interval: Duration,
    mut on_change: impl FnMut(&PipelineView),
) -> Result<(String, PipelineView)> {
    let mut last: Option<Vec<(String, Option<String>)>> = None;
    loop {
        let view = pipeline_view(ctx, pipeline).await?;
        let mine = |view: &PipelineView| -> Vec<(String, Option<String>)> {
            view.stages
                .iter()
                .filter(|s| s.execution_id.as_deref() == Some(execution_id))
                .flat_map(|s| {
                    s.actions.iter().map(move |a| {
                        let rollout = a
                            .rollout
                            .as_ref()
                            .map(|r| format!("{} {}/{}", r.state.as_str(), r.running, r.desired));
                        (
                            format!("{}/{}", s.name, a.name),
                            a.status.clone().map(|st| match rollout {
                                Some(r) => format!("{st} {r}"),
                                None => st,
                            }),
                        )
                    })
                })
                .collect()
        };
        let now = mine(&view);
        if last.as_ref() != Some(&now) {
            on_change(&view);
            last = Some(now);
        }
        let status = execution(ctx, pipeline, execution_id).await?.status;
        if status != "InProgress" && status != "Stopping" {
            // The view as of the end (the one above may be a poll older).
            let view = pipeline_view(ctx, pipeline).await?;
            if last.as_ref() != Some(&mine(&view)) {
                on_change(&view);
            }
            let rollout = deploy_rollout(&view, execution_id).map(|r| r.state);
            let verdict = rollout::release_status(&status, rollout);
            if verdict != "InProgress" {
                return Ok((verdict, view));
            }
        }
        tokio::time::sleep(interval).await;
    }
}

/// The rollout of an execution's last ECS deploy, when the view shows it.
pub fn deploy_rollout<'a>(view: &'a PipelineView, execution_id: &str) -> Option<&'a Rollout> {
    view.stages
        .iter()
        .filter(|s| s.execution_id.as_deref() == Some(execution_id))
        .flat_map(|s| s.actions.iter())
        .filter_map(|a| a.rollout.as_ref())
        .next_back()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_token_follows_the_seed_and_the_content() {
        let req = |seed: &str, rev: Option<&str>, vars: &[(&str, &str)]| ReleaseRequest {
            pipeline: "p".into(),
            revision: rev.map(str::to_owned),
            variables: vars
                .iter()
                .map(|(n, v)| PipelineVariable {
                    name: (*n).into(),
                    value: (*v).into(),
                })
                .collect(),
            client_request_token: seed.into(),
        };
        let a = request_token(&req("dialog-1", Some("abc1234"), &[("ENV", "prod")]));
        assert_eq!(
            a,
            request_token(&req("dialog-1", Some(" abc1234 "), &[("ENV", "prod")]))
        );
        assert!(a.len() <= 128 && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        for other in [
            req("dialog-2", Some("abc1234"), &[("ENV", "prod")]),
            req("dialog-1", Some("def5678"), &[("ENV", "prod")]),
            req("dialog-1", None, &[("ENV", "prod")]),
            req("dialog-1", Some("abc1234"), &[("ENV", "staging")]),
            req("dialog-1", Some("abc1234"), &[]),
        ] {
            assert_ne!(request_token(&other), a, "{other:?}");
        }
        // Boundaries between fields count: ("ab", "c") is not ("a", "bc").
        assert_ne!(
            request_token(&req("s", None, &[("ab", "c")])),
            request_token(&req("s", None, &[("a", "bc")]))
        );
    }

    #[test]
    fn github_summaries_become_the_first_line_of_the_message() {
        assert_eq!(
            summary_line(r#"{"ProviderType":"GitHub","CommitMessage":"Fix login\n\nLong body"}"#),
            "Fix login"
        );
        assert_eq!(summary_line("plain text\nsecond"), "plain text");
    }
}
