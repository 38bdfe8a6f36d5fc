//! Reading pipelines: the list, the live stage view with each deploy's rollout, executions and
//! action executions.

use super::*;

pub(crate) fn rfc3339(t: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    let t = t?;
    time::OffsetDateTime::from_unix_timestamp_nanos(t.as_nanos())
        .ok()?
        .format(&time::format_description::well_known::Rfc3339)
        .ok()
}

pub(super) fn seconds_between(
    a: Option<&aws_smithy_types::DateTime>,
    b: Option<&aws_smithy_types::DateTime>,
) -> Option<f64> {
    Some((b?.as_secs_f64() - a?.as_secs_f64()).max(0.0))
}

pub(super) fn revisions(list: &[cp::SourceRevision]) -> Vec<SourceRevision> {
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
pub(super) fn summary_line(raw: &str) -> String {
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
pub(super) fn trigger_type(t: Option<&cp::ExecutionTrigger>) -> Option<String> {
    t.and_then(|t| t.trigger_type())
        .map(|t| t.as_str().to_owned())
}

pub(super) fn trigger_detail(t: Option<&cp::ExecutionTrigger>) -> Option<String> {
    t.and_then(|t| t.trigger_detail()).map(str::to_owned)
}

pub(super) fn summary_of(s: &cp::PipelineExecutionSummary) -> ExecutionSummary {
    ExecutionSummary {
        id: s.pipeline_execution_id().unwrap_or_default().to_owned(),
        status: ExecutionStatus::parse(s.status().map(|x| x.as_str()).unwrap_or_default()),
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
    let pages: Vec<_> = all_pages!("ListPipelines", ctx.codepipeline().list_pipelines())?;
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
/// A pipeline's declaration and its state (GetPipeline and GetPipelineState, together).
pub async fn declaration_and_state(
    ctx: &AwsCtx,
    pipeline: &str,
) -> Result<(
    aws_sdk_codepipeline::operation::get_pipeline::GetPipelineOutput,
    aws_sdk_codepipeline::operation::get_pipeline_state::GetPipelineStateOutput,
)> {
    let client = ctx.codepipeline();
    let (declaration, state) = tokio::join!(
        client.get_pipeline().name(pipeline).send(),
        client.get_pipeline_state().name(pipeline).send(),
    );
    Ok((
        declaration.map_err(|e| map_sdk_error("GetPipeline", e))?,
        state.map_err(|e| map_sdk_error("GetPipelineState", e))?,
    ))
}

pub async fn pipeline_view(ctx: &AwsCtx, name: &str) -> Result<PipelineView> {
    let (found, latest) = tokio::join!(declaration_and_state(ctx, name), executions(ctx, name, 1));
    let (declaration, state) = found?;
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
                    let status = exec
                        .and_then(|e| e.status())
                        .map(|s| ExecutionStatus::parse(s.as_str()));
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
                            && status == Some(ExecutionStatus::InProgress),
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
                    .map(|e| ExecutionStatus::parse(e.status().as_str())),
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
        l.status.running()
            || l.pipeline_status
                .as_ref()
                .is_some_and(ExecutionStatus::running)
    }) || stages.iter().any(|s| {
        s.status == Some(ExecutionStatus::InProgress)
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
pub(super) async fn read_rollouts(
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
            let running = action.status == Some(ExecutionStatus::InProgress);
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
        status: ExecutionStatus::parse(e.status().map(|s| s.as_str()).unwrap_or_default()),
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

pub async fn action_executions(
    ctx: &AwsCtx,
    pipeline: &str,
    execution_id: &str,
) -> Result<Vec<ActionExecutionView>> {
    let filter = cp::ActionExecutionFilter::builder()
        .pipeline_execution_id(execution_id)
        .build();
    let list = ctx
        .codepipeline()
        .list_action_executions()
        .pipeline_name(pipeline)
        .filter(filter);
    let pages: Vec<_> = all_pages!("ListActionExecutions", list)?;
    let mut out: Vec<ActionExecutionView> = pages
        .iter()
        .flat_map(|p| p.action_execution_details())
        .map(action_view)
        .collect();
    out.sort_by(|a, b| a.started_at.cmp(&b.started_at));
    Ok(out)
}

pub(super) fn action_view(a: &cp::ActionExecutionDetail) -> ActionExecutionView {
    let result = a.output().and_then(|o| o.execution_result());
    let type_id = a.input().and_then(|i| i.action_type_id());
    let provider = type_id.map(|t| t.provider()).unwrap_or_default();
    let external = result
        .and_then(|r| r.external_execution_id())
        .map(str::to_owned);
    ActionExecutionView {
        stage: a.stage_name().unwrap_or_default().to_owned(),
        action: a.action_name().unwrap_or_default().to_owned(),
        status: ExecutionStatus::parse(a.status().map(|s| s.as_str()).unwrap_or_default()),
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
