//! The Pipelines list judged as the pipeline page judges: the latest execution of each pipeline
//! that CodePipeline calls Succeeded is checked against its deploy's ECS rollout
//! ([`rollout::release_status`]), so a release the circuit breaker rolled back shows Failed in the
//! list too. A settled verdict is kept (per account, region and execution), so each succeeded
//! execution costs its ListActionExecutions + DescribeServices once, not on every poll.

use std::collections::HashMap;
use std::sync::Mutex;

use futures::stream::{self, StreamExt};

use crate::apply::AwsCtx;
use crate::history::load::{deploy_rollouts, release_record};
use crate::release::{self, ExecutionSummary, PipelineSummary};
use crate::rollout::{self, RolloutState};
use crate::status::ExecutionStatus;
use crate::Result;

/// What the rollout made of an execution CodePipeline called Succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Verdict {
    status: ExecutionStatus,
    summary: Option<String>,
}

/// Settled verdicts by account, region, pipeline and execution.
#[derive(Default)]
pub struct VerdictCache {
    settled: Mutex<HashMap<String, Verdict>>,
}

impl VerdictCache {
    fn key(ctx: &AwsCtx, pipeline: &str, execution_id: &str) -> String {
        format!("{}/{}/{pipeline}/{execution_id}", ctx.account, ctx.region)
    }
}

/// The verdict of one execution, and whether it is settled (its rollout has ended, or it has no
/// ECS deploy to wait for).
async fn judge(ctx: &AwsCtx, pipeline: &str, e: &ExecutionSummary) -> Result<(Verdict, bool)> {
    let actions = release::action_executions(ctx, pipeline, &e.id).await?;
    let by_id = HashMap::from([(e.id.clone(), actions)]);
    let mut rollouts = deploy_rollouts(ctx, std::slice::from_ref(e), &by_id).await?;
    let rollout = rollouts.remove(&e.id);
    let settled = rollout
        .as_ref()
        .is_none_or(|r| r.state != RolloutState::InProgress);
    let summary = rollout
        .as_ref()
        .filter(|r| r.state == RolloutState::Failed)
        .map(rollout::headline);
    let record = release_record(pipeline, e, &by_id[&e.id], rollout);
    Ok((
        Verdict {
            status: record.status,
            summary,
        },
        settled,
    ))
}

/// Applies the rollout's verdict to each pipeline's latest execution that CodePipeline calls
/// Succeeded: `status` becomes the release's, `pipeline_status` keeps CodePipeline's when they
/// differ (as on the pipeline page). A pipeline whose verdict cannot be read keeps CodePipeline's
/// status (with a log line): the list is still shown.
pub async fn judge_latest(ctx: &AwsCtx, cache: &VerdictCache, pipelines: &mut [PipelineSummary]) {
    let todo: Vec<(usize, ExecutionSummary)> = pipelines
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            p.latest
                .as_ref()
                .filter(|l| l.status == ExecutionStatus::Succeeded && l.pipeline_status.is_none())
                .map(|l| (i, l.clone()))
        })
        .collect();
    let found: Vec<(usize, Option<Verdict>)> = stream::iter(todo)
        .map(|(i, latest)| {
            let name = pipelines[i].name.clone();
            async move {
                let key = VerdictCache::key(ctx, &name, &latest.id);
                if let Some(v) = cache.settled.lock().unwrap().get(&key) {
                    return (i, Some(v.clone()));
                }
                match judge(ctx, &name, &latest).await {
                    Ok((verdict, settled)) => {
                        if settled {
                            cache.settled.lock().unwrap().insert(key, verdict.clone());
                        }
                        (i, Some(verdict))
                    }
                    Err(e) => {
                        tracing::warn!("could not judge the rollout of {name}: {}", e.message());
                        (i, None)
                    }
                }
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    for (i, verdict) in found {
        let (Some(v), Some(latest)) = (verdict, pipelines[i].latest.as_mut()) else {
            continue;
        };
        if v.status != latest.status {
            latest.pipeline_status = Some(std::mem::replace(&mut latest.status, v.status));
            if v.summary.is_some() {
                latest.status_summary = v.summary;
            }
        }
    }
}
