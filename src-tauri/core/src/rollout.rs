//! The ECS rollout behind a deploy action, as it really went. CodePipeline's ECS action can say
//! Succeeded after the deployment circuit breaker rolled the service back (it waits for a stable
//! service, and the rolled-back service is stable); so a release is judged by its ECS deployment:
//! DescribeServices (deployments with their rollout state, the service events) and, for failed
//! tasks, ListTasks + DescribeTasks on the stopped ones.
//!
//! The rules live here once: [`release_status`] (what a release's status is, given its
//! execution's and its rollout's) and [`stall_note`] (when an unfinished rollout says so).

use aws_sdk_ecs::types as ecs;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::apply::AwsCtx;
use crate::aws::map_sdk_error;
use crate::release::{parse_ms, rfc3339};
use crate::status::ExecutionStatus;
use crate::Result;

/// The cluster and service an ECS deploy action updates (its configuration).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EcsTarget {
    pub cluster: String,
    pub service: String,
    /// The action's region when it is not the pipeline's.
    pub region: Option<String>,
}

impl EcsTarget {
    /// From a deploy action's provider and configuration (`ClusterName`, `ServiceName`).
    pub fn of_action<'a>(
        provider: &str,
        config: impl Fn(&str) -> Option<&'a str>,
        region: Option<&str>,
    ) -> Option<Self> {
        if provider != "ECS" {
            return None;
        }
        Some(Self {
            cluster: config("ClusterName")?.to_owned(),
            service: config("ServiceName")?.to_owned(),
            region: region.map(str::to_owned),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum RolloutState {
    InProgress,
    Completed,
    Failed,
}

impl RolloutState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "IN_PROGRESS",
            Self::Completed => "COMPLETED",
            Self::Failed => "FAILED",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ContainerExit {
    pub name: String,
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StoppedTask {
    pub task_id: String,
    /// RFC 3339.
    pub stopped_at: Option<String>,
    /// TaskFailedToStart, EssentialContainerExited, ServiceSchedulerInitiated, ...
    pub stop_code: Option<String>,
    pub stopped_reason: Option<String>,
    pub containers: Vec<ContainerExit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RolloutEvent {
    pub at: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Rollout {
    pub cluster: String,
    pub service: String,
    pub deployment_id: String,
    pub state: RolloutState,
    /// ECS's rolloutStateReason, or the event that told the outcome.
    pub reason: Option<String>,
    pub task_definition: Option<String>,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    pub failed_tasks: i32,
    /// RFC 3339.
    pub created_at: Option<String>,
    /// The deployment circuit breaker rolled the service back to the deployment before.
    pub rolled_back: bool,
    /// The deployment ECS rolled back to.
    pub rolled_back_to: Option<String>,
    /// The service's events about this deployment, newest first (at most [`MAX_EVENTS`]).
    pub events: Vec<RolloutEvent>,
    /// The deployment's stopped tasks, newest first (at most [`MAX_STOPPED_TASKS`]).
    pub stopped_tasks: Vec<StoppedTask>,
    /// Set when the rollout has gone on past [`STALL_AFTER_MS`] without its tasks up.
    pub stalled: Option<String>,
    /// The rollout in a few words ([`headline`]), e.g. "rolled back by the circuit breaker:
    /// tasks failed to start".
    pub summary: String,
}

pub const MAX_EVENTS: usize = 20;
pub const MAX_STOPPED_TASKS: usize = 10;
/// After this long in progress without every task running, a rollout says so.
pub const STALL_AFTER_MS: i64 = 10 * 60 * 1000;
/// CodePipeline's ECS action gives up after 60 minutes by default.
pub const ACTION_TIMEOUT_MIN: i64 = 60;
/// How far before the deploy action's start (clock skew) a deployment may be created and
/// still be the action's.
const MATCH_SLACK_MS: i64 = 60_000;

/// A release's status: CodePipeline's, corrected by the rollout. A release whose deployment
/// failed (or was rolled back) failed, whatever the action said; one whose execution succeeded
/// while its deployment still runs is in progress; Succeeded needs a COMPLETED deployment when
/// one is known.
pub fn release_status(
    execution_status: &ExecutionStatus,
    rollout: Option<RolloutState>,
) -> ExecutionStatus {
    match (execution_status, rollout) {
        (_, Some(RolloutState::Failed)) => ExecutionStatus::Failed,
        (ExecutionStatus::Succeeded, Some(RolloutState::InProgress)) => ExecutionStatus::InProgress,
        (s, _) => s.clone(),
    }
}

/// What an unfinished rollout says once it has gone on too long, e.g. "no healthy task after
/// 10 min; the action times out after 60".
pub fn stall_note(
    state: RolloutState,
    created_ms: Option<i64>,
    running: i32,
    desired: i32,
    now_ms: i64,
) -> Option<String> {
    let created = created_ms?;
    let elapsed = now_ms - created;
    if state != RolloutState::InProgress || elapsed < STALL_AFTER_MS || running >= desired {
        return None;
    }
    let minutes = elapsed / 60_000;
    let tasks = if running == 0 {
        "no healthy task".to_owned()
    } else {
        format!("{running} of {desired} tasks running")
    };
    Some(format!(
        "{tasks} after {minutes} min; the action times out after {ACTION_TIMEOUT_MIN}"
    ))
}

fn ms(t: Option<&aws_smithy_types::DateTime>) -> Option<i64> {
    t.map(|t| (t.as_nanos() / 1_000_000) as i64)
}

/// Which deployment an action made: by the action's external execution id when it is an ECS
/// deployment id, else the newest one created in the action's time span.
fn matches(d: &ecs::Deployment, deploy: &DeployRef) -> bool {
    if let Some(id) = deploy
        .external_id
        .as_deref()
        .filter(|id| id.starts_with("ecs-svc/"))
    {
        return d.id() == Some(id);
    }
    let Some(created) = ms(d.created_at()) else {
        return false;
    };
    deploy
        .started_ms
        .is_some_and(|s| created >= s - MATCH_SLACK_MS)
        && deploy
            .ended_ms
            .is_none_or(|e| created <= e + MATCH_SLACK_MS)
}

/// A deploy action to find the rollout of.
#[derive(Debug, Clone, Default)]
pub struct DeployRef {
    pub external_id: Option<String>,
    pub started_ms: Option<i64>,
    /// None while the action runs.
    pub ended_ms: Option<i64>,
}

/// The rollout of each deploy of one service, in order (None where ECS no longer knows the
/// deployment: it drops finished deployments and keeps the last 100 events). One
/// DescribeServices for all of them, and ListTasks + DescribeTasks for each with failed tasks.
pub async fn read(
    ctx: &AwsCtx,
    target: &EcsTarget,
    deploys: &[DeployRef],
    now_ms: i64,
) -> Result<Vec<Option<Rollout>>> {
    if target.region.as_deref().is_some_and(|r| r != ctx.region) {
        // Another region's service needs another client; not read (yet).
        return Ok(vec![None; deploys.len()]);
    }
    let client = ctx.ecs();
    let out = client
        .describe_services()
        .cluster(&target.cluster)
        .services(&target.service)
        .send()
        .await
        .map_err(|e| map_sdk_error("DescribeServices", e))?;
    let Some(service) = out.services().first() else {
        return Ok(vec![None; deploys.len()]);
    };
    let mut rollouts = Vec::with_capacity(deploys.len());
    for deploy in deploys {
        let mut rollout = service
            .deployments()
            .iter()
            .filter(|d| matches(d, deploy))
            .max_by_key(|d| ms(d.created_at()))
            .map(|d| from_deployment(target, d, service))
            .or_else(|| from_events(target, deploy, service));
        if let Some(r) = rollout.as_mut() {
            if r.failed_tasks > 0 || r.state == RolloutState::Failed {
                r.stopped_tasks = stopped_tasks(ctx, &target.cluster, &r.deployment_id).await?;
            }
            let created = parse_ms(r.created_at.as_deref());
            r.stalled = stall_note(r.state, created, r.running, r.desired, now_ms);
            r.summary = headline(r);
        }
        rollouts.push(rollout);
    }
    Ok(rollouts)
}

fn deployment_events(service: &ecs::Service, id: &str) -> Vec<RolloutEvent> {
    // Events naming the deployment, and those between its creation and the next deployment's
    // (tasks started and stopped, the rollback) that name no other deployment.
    let tag = format!("(deployment {id})");
    service
        .events()
        .iter()
        .filter(|e| {
            let m = e.message().unwrap_or_default();
            m.contains(&tag)
        })
        .take(MAX_EVENTS)
        .map(|e| RolloutEvent {
            at: rfc3339(e.created_at()),
            message: e.message().unwrap_or_default().to_owned(),
        })
        .collect()
}

/// "(service S) rolling back to deployment X." after this deployment failed.
fn rolled_back_to(service: &ecs::Service, failed_at: Option<i64>) -> Option<String> {
    service
        .events()
        .iter()
        .filter(|e| failed_at.is_none_or(|f| ms(e.created_at()).is_some_and(|t| t >= f)))
        .filter_map(|e| {
            let m = e.message()?;
            let rest = &m[m.find("rolling back to deployment ")? + 27..];
            Some(rest.trim_end_matches('.').to_owned())
        })
        .next_back()
}

fn from_deployment(target: &EcsTarget, d: &ecs::Deployment, service: &ecs::Service) -> Rollout {
    let id = d.id().unwrap_or_default().to_owned();
    let state = match d.rollout_state() {
        Some(ecs::DeploymentRolloutState::Completed) => RolloutState::Completed,
        Some(ecs::DeploymentRolloutState::Failed) => RolloutState::Failed,
        _ => RolloutState::InProgress,
    };
    let events = deployment_events(service, &id);
    let failed_at = events
        .iter()
        .find(|e| e.message.contains("deployment failed"))
        .and_then(|e| parse_ms(e.at.as_deref()));
    let rolled_back_to = (state == RolloutState::Failed)
        .then(|| rolled_back_to(service, failed_at))
        .flatten();
    Rollout {
        cluster: target.cluster.clone(),
        service: target.service.clone(),
        deployment_id: id,
        state,
        reason: d.rollout_state_reason().map(str::to_owned),
        task_definition: d.task_definition().map(str::to_owned),
        desired: d.desired_count(),
        running: d.running_count(),
        pending: d.pending_count(),
        failed_tasks: d.failed_tasks(),
        created_at: rfc3339(d.created_at()),
        rolled_back: rolled_back_to.is_some(),
        rolled_back_to,
        events,
        stopped_tasks: Vec::new(),
        stalled: None,
        summary: String::new(),
    }
}

/// A deployment ECS no longer lists, told by the service's events ("deployment failed: ...",
/// "deployment completed.").
fn from_events(target: &EcsTarget, deploy: &DeployRef, service: &ecs::Service) -> Option<Rollout> {
    let id = deploy
        .external_id
        .as_deref()
        .filter(|id| id.starts_with("ecs-svc/"))?;
    let events = deployment_events(service, id);
    let (state, reason, at) = events.iter().find_map(|e| {
        let m = &e.message;
        if let Some(i) = m.find("deployment failed: ") {
            Some((RolloutState::Failed, m[i..].to_owned(), e.at.clone()))
        } else if m.contains("deployment completed") {
            Some((
                RolloutState::Completed,
                format!("ECS deployment {id} completed."),
                e.at.clone(),
            ))
        } else {
            None
        }
    })?;
    let rolled_back_to = (state == RolloutState::Failed)
        .then(|| rolled_back_to(service, parse_ms(at.as_deref())))
        .flatten();
    Some(Rollout {
        cluster: target.cluster.clone(),
        service: target.service.clone(),
        deployment_id: id.to_owned(),
        state,
        reason: Some(reason),
        task_definition: None,
        desired: 0,
        running: 0,
        pending: 0,
        failed_tasks: 0,
        created_at: None,
        rolled_back: rolled_back_to.is_some(),
        rolled_back_to,
        events,
        stopped_tasks: Vec::new(),
        stalled: None,
        summary: String::new(),
    })
}

async fn stopped_tasks(ctx: &AwsCtx, cluster: &str, deployment: &str) -> Result<Vec<StoppedTask>> {
    let client = ctx.ecs();
    let listed = client
        .list_tasks()
        .cluster(cluster)
        .started_by(deployment)
        .desired_status(ecs::DesiredStatus::Stopped)
        .max_results(100)
        .send()
        .await
        .map_err(|e| map_sdk_error("ListTasks", e))?;
    let arns: Vec<String> = listed.task_arns().to_vec();
    if arns.is_empty() {
        return Ok(Vec::new());
    }
    let described = client
        .describe_tasks()
        .cluster(cluster)
        .set_tasks(Some(arns))
        .send()
        .await
        .map_err(|e| map_sdk_error("DescribeTasks", e))?;
    let mut tasks: Vec<(Option<i64>, StoppedTask)> = described
        .tasks()
        .iter()
        .map(|t| {
            let arn = t.task_arn().unwrap_or_default();
            (
                ms(t.stopped_at()),
                StoppedTask {
                    task_id: arn.rsplit('/').next().unwrap_or(arn).to_owned(),
                    stopped_at: rfc3339(t.stopped_at()),
                    stop_code: t.stop_code().map(|c| c.as_str().to_owned()),
                    stopped_reason: t.stopped_reason().map(str::to_owned),
                    containers: t
                        .containers()
                        .iter()
                        .map(|c| ContainerExit {
                            name: c.name().unwrap_or_default().to_owned(),
                            exit_code: c.exit_code(),
                            reason: c.reason().map(str::to_owned),
                        })
                        .collect(),
                },
            )
        })
        .collect();
    tasks.sort_by_key(|t| std::cmp::Reverse(t.0));
    Ok(tasks
        .into_iter()
        .map(|(_, t)| t)
        .take(MAX_STOPPED_TASKS)
        .collect())
}

/// One line per stopped task's cause: its stopped reason, and each container's exit code and
/// reason where they add something (for the CLI and notifications).
pub fn task_reasons(r: &Rollout) -> Vec<String> {
    r.stopped_tasks
        .iter()
        .map(|t| {
            let mut line = t.stopped_reason.clone().unwrap_or_else(|| "stopped".into());
            for c in &t.containers {
                match (c.exit_code, c.reason.as_deref()) {
                    (_, Some(reason)) if t.stopped_reason.as_deref() != Some(reason) => {
                        line.push_str(&format!("; {}: {reason}", c.name))
                    }
                    (Some(code), _) if code != 0 => {
                        line.push_str(&format!("; {} exited {code}", c.name))
                    }
                    _ => {}
                }
            }
            format!("task {}: {line}", t.task_id)
        })
        .collect()
}

/// The rollout in a few words: "rolled back by the circuit breaker: tasks failed to start", ...
pub fn headline(r: &Rollout) -> String {
    match r.state {
        RolloutState::Completed => format!("{} of {} tasks running", r.running, r.desired),
        RolloutState::Failed if r.rolled_back => format!(
            "rolled back by the circuit breaker{}",
            r.reason
                .as_deref()
                .and_then(|x| x.split_once(": "))
                .map(|(_, why)| format!(": {}", why.trim_end_matches('.')))
                .unwrap_or_default()
        ),
        RolloutState::Failed => format!(
            "deployment failed{}",
            r.reason
                .as_deref()
                .map(|x| format!(": {x}"))
                .unwrap_or_default()
        ),
        RolloutState::InProgress => r.stalled.clone().unwrap_or_else(|| {
            format!(
                "{} of {} tasks running{}",
                r.running,
                r.desired,
                if r.failed_tasks > 0 {
                    format!(", {} failed", r.failed_tasks)
                } else {
                    String::new()
                }
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_or_rolled_back_deployment_fails_the_release_whatever_codepipeline_said() {
        let f = Some(RolloutState::Failed);
        assert_eq!(release_status(&"Succeeded".into(), f), "Failed");
        assert_eq!(release_status(&"Failed".into(), f), "Failed");
        assert_eq!(release_status(&"InProgress".into(), f), "Failed");
        assert_eq!(
            release_status(&"Succeeded".into(), Some(RolloutState::InProgress)),
            "InProgress"
        );
        assert_eq!(
            release_status(&"Succeeded".into(), Some(RolloutState::Completed)),
            "Succeeded"
        );
        // Without a known deployment, CodePipeline's word stands.
        assert_eq!(release_status(&"Succeeded".into(), None), "Succeeded");
        assert_eq!(release_status(&"Stopped".into(), None), "Stopped");
    }

    #[test]
    fn an_unfinished_rollout_says_so_after_ten_minutes() {
        let created = Some(0);
        let min = 60_000;
        let ip = RolloutState::InProgress;
        assert_eq!(stall_note(ip, created, 0, 2, 9 * min + 59_000), None);
        assert_eq!(
            stall_note(ip, created, 0, 2, 10 * min).as_deref(),
            Some("no healthy task after 10 min; the action times out after 60")
        );
        assert_eq!(
            stall_note(ip, created, 1, 2, 25 * min).as_deref(),
            Some("1 of 2 tasks running after 25 min; the action times out after 60")
        );
        assert_eq!(stall_note(ip, created, 2, 2, 25 * min), None);
        assert_eq!(
            stall_note(RolloutState::Failed, created, 0, 2, 25 * min),
            None
        );
        assert_eq!(stall_note(ip, None, 0, 2, 25 * min), None);
    }

    fn task(reason: &str, containers: Vec<ContainerExit>) -> StoppedTask {
        StoppedTask {
            task_id: "abc".into(),
            stopped_at: None,
            stop_code: None,
            stopped_reason: Some(reason.into()),
            containers,
        }
    }

    #[test]
    fn task_reasons_add_container_exits_that_say_more() {
        let mut r = Rollout {
            cluster: "c".into(),
            service: "s".into(),
            deployment_id: "ecs-svc/1".into(),
            state: RolloutState::Failed,
            reason: Some("ECS deployment circuit breaker: tasks failed to start.".into()),
            task_definition: None,
            desired: 1,
            running: 0,
            pending: 0,
            failed_tasks: 3,
            created_at: None,
            rolled_back: true,
            rolled_back_to: Some("ecs-svc/0".into()),
            events: vec![],
            stopped_tasks: vec![
                task(
                    "Essential container in task exited",
                    vec![
                        ContainerExit {
                            name: "app".into(),
                            exit_code: Some(1),
                            reason: None,
                        },
                        ContainerExit {
                            name: "sidecar".into(),
                            exit_code: Some(0),
                            reason: None,
                        },
                    ],
                ),
                task(
                    "CannotPullContainerError: not found",
                    vec![ContainerExit {
                        name: "app".into(),
                        exit_code: None,
                        reason: Some("CannotPullContainerError: not found".into()),
                    }],
                ),
            ],
            stalled: None,
            summary: String::new(),
        };
        assert_eq!(
            task_reasons(&r),
            vec![
                "task abc: Essential container in task exited; app exited 1",
                "task abc: CannotPullContainerError: not found",
            ]
        );
        assert_eq!(
            headline(&r),
            "rolled back by the circuit breaker: tasks failed to start"
        );
        r.rolled_back = false;
        r.reason = None;
        assert_eq!(headline(&r), "deployment failed");
    }
}
