//! "Roll back to this release": for V2 pipelines, CodePipeline's RollbackStage on the deploy
//! stage to that execution; for V1 pipelines, UpdateService to the task definition that release
//! deployed. [`plan`] finds what runs now and what it goes back to (the confirmation shows it);
//! [`run`] does it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::apply::AwsCtx;
use crate::aws::map_sdk_error;
use crate::history::{self, HistoryStore, ReleaseRecord};
use crate::paths::AppDirs;
use crate::rollout::{EcsTarget, RolloutState};
use crate::service_change::{self, ServiceChange};
use crate::status::ExecutionStatus;
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum RollbackMethod {
    /// CodePipeline RollbackStage: the deploy stage runs again with that execution's artifacts.
    RollbackStage,
    /// ECS UpdateService to the task definition that release deployed.
    UpdateService,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RollbackPlan {
    pub pipeline: String,
    /// The stage that deploys to ECS.
    pub stage: String,
    pub method: RollbackMethod,
    /// Why this method (e.g. "a V1 pipeline has no RollbackStage").
    pub method_reason: String,
    pub target: EcsTarget,
    /// The release to go back to.
    pub to_execution_id: String,
    pub to_commit: Option<String>,
    pub to_commit_summary: Option<String>,
    pub to_task_definition: Option<String>,
    /// What runs now: the deploy stage's latest execution and the service's task definition.
    pub current_execution_id: Option<String>,
    pub current_commit: Option<String>,
    pub current_task_definition: Option<String>,
    /// Things to know before confirming (e.g. the same mutable image tag on both sides).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RollbackResult {
    pub method: RollbackMethod,
    /// The ROLLBACK execution (RollbackStage).
    pub execution_id: Option<String>,
    /// The task definition the service now rolls out (UpdateService).
    pub task_definition: Option<String>,
    /// The journaled service update (UpdateService), which [`crate::service_change::undo`]
    /// puts back.
    pub change: Option<ServiceChange>,
}

fn is_rollback(r: &ReleaseRecord) -> bool {
    matches!(
        r.trigger.as_deref(),
        Some("ManualRollback" | "AutomatedRollback")
    )
}

/// A release that can be gone back to: it succeeded (its rollout too, when known) and was not
/// itself a rollback.
pub fn is_good_target(r: &ReleaseRecord) -> bool {
    r.status == ExecutionStatus::Succeeded
        && r.deploy_status == Some(ExecutionStatus::Succeeded)
        && r.rollout
            .as_ref()
            .is_none_or(|x| x.state == RolloutState::Completed)
        && !is_rollback(r)
}

/// The release to go back to: `to`, or the newest good one other than what runs now.
pub fn choose<'a>(
    releases: &'a [ReleaseRecord],
    to: Option<&str>,
    current: Option<&str>,
) -> Result<&'a ReleaseRecord> {
    match to {
        Some(id) => {
            let r = releases
                .iter()
                .find(|r| r.execution_id == id)
                .ok_or_else(|| {
                    Error::validation("to", format!("{id} is not an execution of this pipeline"))
                })?;
            if Some(id) == current {
                return Err(Error::validation(
                    "to",
                    format!("{id} is what the deploy stage runs now"),
                ));
            }
            if !is_good_target(r) {
                return Err(Error::validation(
                    "to",
                    format!(
                        "{id} did not deploy successfully (its release {}, deploy {})",
                        r.status,
                        r.deploy_status
                            .as_ref()
                            .map_or("never ran", ExecutionStatus::as_str)
                    ),
                ));
            }
            Ok(r)
        }
        None => releases
            .iter()
            .filter(|r| Some(r.execution_id.as_str()) != current)
            .find(|r| is_good_target(r))
            .ok_or_else(|| Error::NotFound("no earlier release whose deployment completed".into())),
    }
}

/// What a rollback would do. Reads the pipeline (type, deploy stage), its releases (synced into
/// the local store), the deploy stage's current execution and the service's task definition.
pub async fn plan(
    ctx: &AwsCtx,
    store: &HistoryStore,
    pipeline: &str,
    to: Option<&str>,
) -> Result<RollbackPlan> {
    if !crate::plan::validate::is_pipeline_name(pipeline) {
        return Err(Error::validation("pipeline", "is not a pipeline name"));
    }
    if let Some(id) = to {
        if id.len() != 36 || !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(Error::validation(
                "to",
                "must be a pipeline execution id (36 characters)",
            ));
        }
    }
    let (declaration, state) = crate::release::declaration_and_state(ctx, pipeline).await?;
    let decl = declaration
        .pipeline()
        .ok_or_else(|| Error::NotFound(format!("no pipeline {pipeline}")))?;
    // The last stage with an ECS deploy action: the one that reaches prod.
    let (stage, target) = decl
        .stages()
        .iter()
        .rev()
        .find_map(|s| {
            s.actions().iter().find_map(|a| {
                let t = a.action_type_id()?;
                if t.category().as_str() != "Deploy" {
                    return None;
                }
                let config = a.configuration();
                EcsTarget::of_action(
                    t.provider(),
                    |k| config.and_then(|c| c.get(k)).map(String::as_str),
                    a.region(),
                )
                .map(|target| (s.name().to_owned(), target))
            })
        })
        .ok_or_else(|| {
            Error::validation(
                "pipeline",
                format!("{pipeline} has no ECS deploy action to roll back"),
            )
        })?;
    let current_execution_id = state
        .stage_states()
        .iter()
        .find(|s| s.stage_name() == Some(stage.as_str()))
        .and_then(|s| s.latest_execution())
        .map(|e| e.pipeline_execution_id().to_owned());
    let releases = history::sync_executions(ctx, store, pipeline).await?;
    let chosen = choose(&releases, to, current_execution_id.as_deref())?;
    let current = current_execution_id
        .as_deref()
        .and_then(|id| releases.iter().find(|r| r.execution_id == id));

    let current_task_definition = match service_change::running_task_definition(ctx, &target).await
    {
        Ok(td) => Some(td),
        Err(Error::NotFound(_)) => None,
        Err(e) => return Err(e),
    };

    let v2 = decl.pipeline_type().map(|t| t.as_str()) == Some("V2");
    let (method, method_reason) = if v2 {
        (
            RollbackMethod::RollbackStage,
            format!("CodePipeline runs the {stage} stage again with that execution's artifacts"),
        )
    } else {
        (
            RollbackMethod::UpdateService,
            "a V1 pipeline has no RollbackStage: the ECS service is updated to the task definition that release deployed".into(),
        )
    };
    let mut to_task_definition = chosen
        .rollout
        .as_ref()
        .and_then(|r| r.task_definition.clone());
    if to_task_definition.is_none() {
        if let (Some(commit), Some(family)) = (
            chosen.commit.as_deref(),
            current_task_definition.as_deref().and_then(family_of),
        ) {
            to_task_definition = task_definition_for_commit(ctx, family, commit).await?;
        }
    }
    let mut warnings = Vec::new();
    if method == RollbackMethod::UpdateService && to_task_definition.is_none() {
        return Err(Error::NotFound(format!(
            "the task definition that {} deployed is not known: ECS no longer lists that deployment, and no revision of the service's task definition has an image tagged with its commit",
            chosen.execution_id
        )));
    }
    if let (Some(to), Some(now)) = (&to_task_definition, &current_task_definition) {
        if to == now {
            let short = to.rsplit('/').next().unwrap_or(to);
            warnings.push(format!(
                "the service already runs {short} (the circuit breaker may have rolled it back): rolling back starts a new deployment of the same task definition"
            ));
        }
    }
    Ok(RollbackPlan {
        pipeline: pipeline.to_owned(),
        stage,
        method,
        method_reason,
        target,
        to_execution_id: chosen.execution_id.clone(),
        to_commit: chosen.commit.clone(),
        to_commit_summary: chosen.commit_summary.clone(),
        to_task_definition,
        current_execution_id,
        current_commit: current.and_then(|r| r.commit.clone()),
        current_task_definition,
        warnings,
    })
}

/// `arn:aws:ecs:r:a:task-definition/family:3` or `family:3` → `family`.
fn family_of(task_definition: &str) -> Option<&str> {
    let name = task_definition.rsplit('/').next()?;
    Some(name.rsplit_once(':').map_or(name, |(f, _)| f))
}

/// The newest revision of `family` (of the last 50) whose container image is tagged with the
/// commit (its full id or a prefix of 7 or more characters): what a per-commit image tag lets
/// Pipewright find again once ECS forgot the deployment.
async fn task_definition_for_commit(
    ctx: &AwsCtx,
    family: &str,
    commit: &str,
) -> Result<Option<String>> {
    let ecs = ctx.ecs();
    let listed = ecs
        .list_task_definitions()
        .family_prefix(family)
        .sort(aws_sdk_ecs::types::SortOrder::Desc)
        .max_results(50)
        .send()
        .await
        .map_err(|e| map_sdk_error("ListTaskDefinitions", e))?;
    for arn in listed.task_definition_arns() {
        let td = ecs
            .describe_task_definition()
            .task_definition(arn)
            .send()
            .await
            .map_err(|e| map_sdk_error("DescribeTaskDefinition", e))?;
        let tagged = td.task_definition().is_some_and(|t| {
            t.container_definitions().iter().any(|c| {
                c.image()
                    .and_then(|i| i.rsplit_once(':'))
                    .is_some_and(|(_, tag)| tag.len() >= 7 && commit.starts_with(tag))
            })
        });
        if tagged {
            return Ok(Some(arn.clone()));
        }
    }
    Ok(None)
}

/// Does what the plan says (an UpdateService journaled in `dirs`, see [`crate::service_change`]).
pub async fn run(ctx: &AwsCtx, dirs: &AppDirs, plan: &RollbackPlan) -> Result<RollbackResult> {
    match plan.method {
        RollbackMethod::RollbackStage => {
            let out = ctx
                .codepipeline()
                .rollback_stage()
                .pipeline_name(&plan.pipeline)
                .stage_name(&plan.stage)
                .target_pipeline_execution_id(&plan.to_execution_id)
                .send()
                .await
                .map_err(|e| map_sdk_error("RollbackStage", e))?;
            Ok(RollbackResult {
                method: plan.method,
                execution_id: Some(out.pipeline_execution_id().to_owned()),
                task_definition: None,
                change: None,
            })
        }
        RollbackMethod::UpdateService => {
            let td = plan.to_task_definition.as_deref().ok_or_else(|| {
                Error::validation("toTaskDefinition", "is needed to update the service")
            })?;
            let change = service_change::update(
                ctx,
                dirs,
                &plan.pipeline,
                &plan.target,
                td,
                Some(&plan.to_execution_id),
            )
            .await?;
            Ok(RollbackResult {
                method: plan.method,
                execution_id: None,
                task_definition: Some(td.to_owned()),
                change: Some(change),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(id: &str, status: &str, deploy: Option<&str>, trigger: &str) -> ReleaseRecord {
        ReleaseRecord {
            pipeline: "p".into(),
            execution_id: id.into(),
            status: status.into(),
            trigger: Some(trigger.into()),
            commit: None,
            commit_summary: None,
            start_ms: 0,
            end_ms: None,
            build_id: None,
            build_status: None,
            deploy_status: deploy.map(ExecutionStatus::parse),
            deploy_start_ms: None,
            deploy_end_ms: None,
            rollout: None,
            pipeline_status: None,
        }
    }

    #[test]
    fn the_default_target_is_the_newest_good_release_other_than_the_current_one() {
        let releases = vec![
            rel("e5", "Failed", Some("Failed"), "Webhook"), // current: rolled back
            rel("e4", "Succeeded", Some("Succeeded"), "ManualRollback"),
            rel("e3", "Failed", None, "Webhook"), // the build failed
            rel("e2", "Succeeded", Some("Succeeded"), "Webhook"),
            rel("e1", "Succeeded", Some("Succeeded"), "Webhook"),
        ];
        assert_eq!(
            choose(&releases, None, Some("e5")).unwrap().execution_id,
            "e2"
        );
        assert_eq!(
            choose(&releases, None, Some("e2")).unwrap().execution_id,
            "e1"
        );
        assert_eq!(
            choose(&releases, Some("e1"), Some("e5"))
                .unwrap()
                .execution_id,
            "e1"
        );
        let e = choose(&releases, Some("e3"), Some("e5")).unwrap_err();
        assert_eq!(e.field(), Some("to"));
        assert!(e.message().contains("did not deploy successfully"), "{e}");
        assert!(choose(&releases, Some("e5"), Some("e5")).is_err());
        assert!(choose(&releases, Some("nope"), None).is_err());
        assert!(choose(&releases[..1], None, Some("e5")).is_err());
    }

    #[test]
    fn a_release_whose_rollout_failed_is_no_target() {
        let mut r = rel("e1", "Succeeded", Some("Succeeded"), "Webhook");
        assert!(is_good_target(&r));
        r.status = "Failed".into(); // release_status of a rolled-back deployment
        assert!(!is_good_target(&r));
    }

    #[test]
    fn family_of_a_task_definition() {
        assert_eq!(
            family_of("arn:aws:ecs:us-east-1:1:task-definition/backend-flask:7"),
            Some("backend-flask")
        );
        assert_eq!(family_of("backend-flask:7"), Some("backend-flask"));
        assert_eq!(family_of("backend-flask"), Some("backend-flask"));
    }
}
