//! Loading from AWS, pipelined: each page of build ids goes to BatchGetBuilds as soon as it is
//! listed, while the next page is being listed. Incremental: listing stops at the first stored,
//! finished build, and stored builds that were still running are fetched again.

use std::collections::HashMap;

use aws_sdk_codebuild::types::{Build, SortOrderType};
use futures::stream::{FuturesOrdered, StreamExt};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::store::{HistoryStore, Listing};
use super::types::*;
use crate::apply::{console, AwsCtx};
use crate::aws::map_sdk_error;
use crate::status::{BuildStatus, ExecutionStatus};
use crate::{release, rollout, Error, Result};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncReport {
    pub list_requests: u32,
    pub batch_requests: u32,
    /// Builds fetched (new ones and re-fetched running ones).
    pub fetched: u32,
    pub total_stored: u32,
    /// Said once: the store was damaged and rebuilt, or stored records could not be read.
    #[serde(default)]
    pub notice: Option<String>,
}

fn ms(t: Option<&aws_smithy_types::DateTime>) -> Option<i64> {
    t.map(|t| (t.as_nanos() / 1_000_000) as i64)
}

pub fn initiator_kind(initiator: &str) -> Initiator {
    if initiator.starts_with("codepipeline/") {
        Initiator::Pipeline
    } else if initiator.starts_with("GitHub-Hookshot")
        || initiator.to_ascii_lowercase().contains("webhook")
    {
        Initiator::Webhook
    } else {
        Initiator::User
    }
}

pub fn record(ctx: &AwsCtx, b: &Build) -> BuildRecord {
    let start_ms = ms(b.start_time()).unwrap_or(0);
    let end_ms = ms(b.end_time());
    let project = b.project_name().unwrap_or_default().to_owned();
    let initiator = b.initiator().unwrap_or_default().to_owned();
    BuildRecord {
        id: b.id().unwrap_or_default().to_owned(),
        build_number: b.build_number(),
        status: BuildStatus::parse(b.build_status().map(|s| s.as_str()).unwrap_or_default()),
        start_ms,
        end_ms,
        duration_seconds: end_ms.map(|e| (e - start_ms) as f64 / 1000.0),
        initiator_kind: initiator_kind(&initiator),
        initiator,
        source_version: b.source_version().map(str::to_owned),
        commit: b.resolved_source_version().map(str::to_owned),
        compute_type: b
            .environment()
            .map(|e| e.compute_type().as_str().to_owned()),
        environment_type: b.environment().map(|e| e.r#type().as_str().to_owned()),
        phases: b
            .phases()
            .iter()
            .map(|p| PhaseRecord {
                phase: p
                    .phase_type()
                    .map(|t| t.as_str().to_owned())
                    .unwrap_or_default(),
                status: p.phase_status().map(|s| BuildStatus::parse(s.as_str())),
                start_ms: ms(p.start_time()),
                end_ms: ms(p.end_time()),
                duration_seconds: p.duration_in_seconds().map(|d| d as f64),
                messages: p
                    .contexts()
                    .iter()
                    .filter_map(|c| c.message().map(str::to_owned))
                    .filter(|m| !m.is_empty())
                    .collect(),
            })
            .collect(),
        log_group: b.logs().and_then(|l| l.group_name()).map(str::to_owned),
        log_stream: b.logs().and_then(|l| l.stream_name()).map(str::to_owned),
        log_url: b.logs().and_then(|l| l.deep_link()).map(str::to_owned),
        console_url: console::build(
            &ctx.region,
            &ctx.account,
            &project,
            b.id().unwrap_or_default(),
        ),
        project,
    }
}

pub fn scope(ctx: &AwsCtx) -> String {
    format!("{}/{}", ctx.account, ctx.region)
}

/// Every build id of a project, newest first (one sequential listing chain: the critical path).
pub async fn list_all_ids(ctx: &AwsCtx, project: &str) -> Result<Vec<String>> {
    let client = ctx.codebuild();
    let mut ids = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_builds_for_project()
            .project_name(project)
            .sort_order(SortOrderType::Descending)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| map_sdk_error("ListBuildsForProject", e))?;
        ids.extend(page.ids().iter().cloned());
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            return Ok(ids);
        }
    }
}

/// BatchGetBuilds's limit on ids per request.
pub const BATCH_GET_BUILDS_MAX: usize = 100;

/// `ids` in order, in requests of at most [`BATCH_GET_BUILDS_MAX`].
fn batches(ids: Vec<String>) -> Vec<Vec<String>> {
    ids.chunks(BATCH_GET_BUILDS_MAX)
        .map(<[String]>::to_vec)
        .collect()
}

/// BatchGetBuilds for up to 100 ids.
pub async fn fetch_builds(ctx: &AwsCtx, ids: Vec<String>) -> Result<Vec<BuildRecord>> {
    let out = ctx
        .codebuild()
        .batch_get_builds()
        .set_ids(Some(ids))
        .send()
        .await
        .map_err(|e| map_sdk_error("BatchGetBuilds", e))?;
    Ok(out.builds().iter().map(|b| record(ctx, b)).collect())
}

/// Runs `f` (SQLite work) without holding up the other tasks of this worker: on a multi-thread
/// runtime they move to another worker meanwhile. Elsewhere (a current-thread runtime) it just runs.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(h) if h.runtime_flavor() == RuntimeFlavor::MultiThread => tokio::task::block_in_place(f),
        _ => f(),
    }
}

/// Brings the store up to date for a project; `on_batch` gets each batch as it lands, newest first.
pub async fn sync_builds(
    ctx: &AwsCtx,
    store: &HistoryStore,
    project: &str,
    mut on_batch: impl FnMut(&[BuildRecord]),
) -> Result<SyncReport> {
    let scope = scope(ctx);
    let known = store.known(&scope, project)?;
    let running: Vec<String> = known
        .iter()
        .filter(|(_, status)| !status.finished())
        .map(|(id, _)| id.clone())
        .collect();
    let mut report = SyncReport::default();
    // Stopping at the first stored, finished build is right only if the store has everything
    // older than it: not after a sync that failed half way (or a first one), when the listing
    // goes to its end instead, fetching what is missing.
    let listing = blocking(|| store.begin_listing(&scope, Listing::Builds, project))?;
    let complete = listing.complete;

    // The lister runs on its own, sending pages of new ids.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<String>>(64);
    let client = ctx.codebuild();
    let project_name = project.to_owned();
    let known_finished: std::collections::HashSet<String> = known
        .into_iter()
        .filter(|(_, s)| s.finished())
        .map(|(id, _)| id)
        .collect();
    let lister = tokio::spawn(async move {
        let mut token = None;
        let mut pages = 0u32;
        loop {
            let page = client
                .list_builds_for_project()
                .project_name(&project_name)
                .sort_order(SortOrderType::Descending)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| map_sdk_error("ListBuildsForProject", e))?;
            pages += 1;
            let mut ids = Vec::new();
            let mut reached_known = false;
            for id in page.ids() {
                if known_finished.contains(id) {
                    reached_known = complete;
                    if reached_known {
                        break;
                    }
                    continue;
                }
                ids.push(id.clone());
            }
            // AWS pages at 100, but BatchGetBuilds takes at most 100 ids whatever a page holds.
            let mut closed = false;
            for batch in batches(ids) {
                if tx.send(batch).await.is_err() {
                    closed = true;
                    break;
                }
            }
            if closed {
                break;
            }
            token = page.next_token().map(str::to_owned);
            if reached_known || token.is_none() {
                break;
            }
        }
        Ok::<u32, Error>(pages)
    });

    // Each BatchGetBuilds is a task of its own, so responses are read and parsed on any worker
    // while this loop stores the previous batch; they are handled in listing order.
    let mut inflight: FuturesOrdered<tokio::task::JoinHandle<Result<Vec<BuildRecord>>>> =
        FuturesOrdered::new();
    let mut fetched_ids: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut handle = |records: Vec<BuildRecord>, report: &mut SyncReport| -> Result<()> {
        blocking(|| store.upsert_builds(&scope, &records))?;
        report.fetched += records.len() as u32;
        on_batch(&records);
        Ok(())
    };
    let mut listing_done = false;
    while !listing_done || !inflight.is_empty() {
        tokio::select! {
            biased;
            Some(done) = inflight.next(), if !inflight.is_empty() => {
                handle(done.map_err(Error::internal)??, &mut report)?;
            }
            msg = rx.recv(), if !listing_done => match msg {
                Some(ids) => {
                    fetched_ids.extend(ids.iter().cloned());
                    report.batch_requests += 1;
                    let ctx = ctx.clone();
                    inflight.push_back(tokio::spawn(async move { fetch_builds(&ctx, ids).await }));
                }
                None => listing_done = true,
            },
        }
    }
    report.list_requests = lister.await.map_err(Error::internal)??;

    // Builds that were running last time and were not in the new pages: fetch them again.
    let stale: Vec<String> = running
        .into_iter()
        .filter(|id| !fetched_ids.contains(id))
        .collect();
    for chunk in stale.chunks(BATCH_GET_BUILDS_MAX) {
        report.batch_requests += 1;
        let records = fetch_builds(ctx, chunk.to_vec()).await?;
        handle(records, &mut report)?;
    }
    blocking(|| store.finish_listing(&scope, Listing::Builds, project, listing))?;
    report.total_stored = store.count(&scope, project)?;
    report.notice = store.take_notice();
    Ok(report)
}

/// Above this many executions to fetch, their actions are listed across the pipeline (100 a
/// request) rather than one request per execution.
const PER_EXECUTION_FETCHES: usize = 8;

/// Brings a pipeline's releases up to date and returns them all, newest first: new executions
/// and those that were running, each joined to its build and deploy through its action
/// executions. The first sync lists every execution AWS still has (12 months); later ones stop
/// at the first stored, settled execution. Stored releases stay when AWS forgets them.
pub async fn sync_executions(
    ctx: &AwsCtx,
    store: &HistoryStore,
    pipeline: &str,
) -> Result<Vec<ReleaseRecord>> {
    let scope = scope(ctx);
    let stored: HashMap<String, ReleaseRecord> = store
        .releases(&scope, pipeline)?
        .into_iter()
        .map(|r| (r.execution_id.clone(), r))
        .collect();
    let listing = store.begin_listing(&scope, Listing::Executions, pipeline)?;
    let complete = listing.complete;
    let settled = |e: &release::ExecutionSummary| {
        stored.get(&e.id).is_some_and(|s| {
            s.pipeline_status.as_ref().unwrap_or(&s.status) == &e.status && !s.status.running()
        })
    };
    let (executions, _) =
        release::executions_until(ctx, pipeline, |e| complete && settled(e)).await?;
    let todo: Vec<_> = executions.into_iter().filter(|e| !settled(e)).collect();

    let actions: HashMap<String, Vec<release::ActionExecutionView>> =
        if todo.len() > PER_EXECUTION_FETCHES {
            let since = todo
                .iter()
                .filter_map(|e| parse_ms(&e.started_at))
                .min()
                .unwrap_or(0);
            release::action_executions_since(ctx, pipeline, since).await?
        } else {
            let ids: Vec<String> = todo.iter().map(|e| e.id.clone()).collect();
            futures::stream::iter(ids)
                .map(|id| async move {
                    let actions = release::action_executions(ctx, pipeline, &id).await?;
                    Ok::<_, Error>((id, actions))
                })
                .buffer_unordered(8)
                .collect::<Vec<_>>()
                .await
                .into_iter()
                .collect::<Result<_>>()?
        };
    let mut rollouts = deploy_rollouts(ctx, &todo, &actions).await?;
    let fresh: Vec<ReleaseRecord> = todo
        .iter()
        .map(|e| {
            release_record(
                pipeline,
                e,
                actions.get(&e.id).map_or(&[], Vec::as_slice),
                rollouts.remove(&e.id),
            )
        })
        .collect();
    store.upsert_releases(&scope, &fresh)?;
    store.finish_listing(&scope, Listing::Executions, pipeline, listing)?;
    store.releases(&scope, pipeline)
}

fn parse_ms(t: &Option<String>) -> Option<i64> {
    release::parse_ms(t.as_deref())
}

/// The last Deploy action of an execution: the one that reaches prod.
fn last_deploy(actions: &[release::ActionExecutionView]) -> Option<&release::ActionExecutionView> {
    actions
        .iter()
        .rev()
        .find(|a| a.category.as_deref() == Some("Deploy"))
}

/// The ECS rollout of each execution's last deploy, by execution id: one DescribeServices per
/// service for all of them (ECS lists only current deployments and the last 100 events, so
/// older executions get none).
pub(crate) async fn deploy_rollouts(
    ctx: &AwsCtx,
    executions: &[release::ExecutionSummary],
    actions: &HashMap<String, Vec<release::ActionExecutionView>>,
) -> Result<HashMap<String, rollout::Rollout>> {
    let mut by_service: HashMap<rollout::EcsTarget, Vec<(String, rollout::DeployRef)>> =
        HashMap::new();
    for e in executions {
        let Some(deploy) = actions.get(&e.id).and_then(|a| last_deploy(a)) else {
            continue;
        };
        let Some(target) = deploy.ecs.clone() else {
            continue;
        };
        let running = deploy.status == ExecutionStatus::InProgress;
        by_service.entry(target).or_default().push((
            e.id.clone(),
            rollout::DeployRef {
                external_id: deploy.external_execution_id.clone(),
                started_ms: parse_ms(&deploy.started_at),
                ended_ms: if running {
                    None
                } else {
                    parse_ms(&deploy.updated_at)
                },
            },
        ));
    }
    let now = release::now_ms();
    let mut out = HashMap::new();
    for (target, deploys) in by_service {
        let refs: Vec<rollout::DeployRef> = deploys.iter().map(|(_, d)| d.clone()).collect();
        let found = rollout::read(ctx, &target, &refs, now).await?;
        for ((id, _), r) in deploys.into_iter().zip(found) {
            if let Some(r) = r {
                out.insert(id, r);
            }
        }
    }
    Ok(out)
}

/// An execution joined to its build (the action whose external execution id is a CodeBuild
/// build), its deploy (the last Deploy action: the one that reaches prod) and that deploy's ECS
/// rollout, which decides the release's status ([`rollout::release_status`]).
pub fn release_record(
    pipeline: &str,
    e: &release::ExecutionSummary,
    actions: &[release::ActionExecutionView],
    rollout: Option<rollout::Rollout>,
) -> ReleaseRecord {
    let build = actions.iter().find(|a| a.build_id.is_some());
    let deploy = last_deploy(actions);
    let state = rollout.as_ref().map(|r| r.state);
    let status = rollout::release_status(&e.status, state);
    let deploy_status = deploy.map(|d| rollout::release_status(&d.status, state));
    let deploy_ended = deploy_status
        .as_ref()
        .is_some_and(|s| *s != ExecutionStatus::InProgress);
    let revision = e.revisions.first();
    ReleaseRecord {
        pipeline: pipeline.to_owned(),
        execution_id: e.id.clone(),
        pipeline_status: (status != e.status).then(|| e.status.clone()),
        status: status.clone(),
        trigger: e.trigger.clone(),
        commit: revision.map(|r| r.revision_id.clone()),
        commit_summary: revision.and_then(|r| r.summary.clone()),
        start_ms: parse_ms(&e.started_at).unwrap_or(0),
        end_ms: if status.running() {
            None
        } else {
            parse_ms(&e.updated_at)
        },
        build_id: build.and_then(|b| b.build_id.clone()),
        build_status: build.map(|b| b.status.clone()),
        deploy_status,
        deploy_start_ms: deploy.and_then(|d| parse_ms(&d.started_at)),
        deploy_end_ms: deploy
            .filter(|_| deploy_ended)
            .and_then(|d| parse_ms(&d.updated_at)),
        rollout,
    }
}

/// The commit message of each stored build of a project that has one, by build id, after
/// bringing up to date the releases of the pipelines that started its builds (CodeBuild does
/// not keep commit messages; the pipeline's source revisions do). A pipeline that is gone is
/// skipped.
pub async fn sync_commit_messages(
    ctx: &AwsCtx,
    store: &HistoryStore,
    project: &str,
) -> Result<std::collections::BTreeMap<String, String>> {
    let scope = scope(ctx);
    for pipeline in store.pipelines_of(&scope, project)? {
        match sync_executions(ctx, store, &pipeline).await {
            Err(Error::Aws { code, .. }) if code == "PipelineNotFoundException" => {}
            other => {
                other?;
            }
        }
    }
    store.commit_messages(&scope, project)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_of_any_size_becomes_requests_of_at_most_100_ids_in_order() {
        let ids: Vec<String> = (0..250).map(|i| format!("p:{i}")).collect();
        let got = batches(ids.clone());
        assert_eq!(got.iter().map(Vec::len).collect::<Vec<_>>(), [100, 100, 50]);
        assert_eq!(got.concat(), ids);
        assert!(batches(Vec::new()).is_empty());
        assert_eq!(batches(vec!["a".into()]), vec![vec!["a".to_owned()]]);
    }
}
