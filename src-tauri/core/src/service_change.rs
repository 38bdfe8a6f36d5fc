//! The journal of the ECS service updates Pipewright makes outside a pipeline (the rollback of a
//! V1 pipeline: UpdateService to an older task definition). Each is written (0600, atomic) before
//! the request with the task definition the service ran, and again after, so it is shown, and
//! can be undone exactly: [`undo`] puts the service back on what it ran before, unless the
//! service has moved on since (a later release), which it does not overwrite.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::apply::AwsCtx;
use crate::aws::map_sdk_error;
use crate::paths::{write_private, AppDirs};
use crate::release::now_ms;
use crate::rollout::{self, DeployRef, EcsTarget, Rollout, RolloutState};
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ServiceChangeState {
    /// Written before UpdateService: it may or may not have been made.
    Pending,
    Done,
    /// Written before the undo's UpdateService.
    Undoing,
    Undone,
}

/// One UpdateService Pipewright made, with what the service ran before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ServiceChange {
    pub id: String,
    pub pipeline: String,
    pub account: String,
    pub region: String,
    pub target: EcsTarget,
    /// The task definition the service ran before (DescribeServices, just before the update).
    pub from_task_definition: String,
    pub to_task_definition: String,
    /// The release whose task definition it went back to.
    pub to_execution_id: Option<String>,
    pub state: ServiceChangeState,
    /// The ECS deployment the update started (and the undo's, once undone).
    pub deployment_id: Option<String>,
    /// Milliseconds since the epoch.
    #[ts(type = "number")]
    pub at_ms: i64,
    #[ts(type = "number | null")]
    pub undone_at_ms: Option<i64>,
}

fn dir(dirs: &AppDirs) -> PathBuf {
    dirs.data.join("service-changes")
}

fn save(dirs: &AppDirs, change: &ServiceChange) -> Result<()> {
    let text = serde_json::to_string_pretty(change).map_err(Error::internal)?;
    write_private(&dir(dirs).join(format!("{}.json", change.id)), &text).map_err(|e| {
        Error::internal(format!(
            "could not write the journal of the service update in {}: {e}. Nothing was changed in AWS",
            dir(dirs).display()
        ))
    })
}

/// The changes of one pipeline in one account and region, newest first. A file that cannot be
/// read is skipped (with a log line), not an error: the others are still shown.
pub fn list(
    dirs: &AppDirs,
    account: &str,
    region: &str,
    pipeline: &str,
) -> Result<Vec<ServiceChange>> {
    let entries = match std::fs::read_dir(dir(dirs)) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let mut out: Vec<ServiceChange> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .filter_map(|e| {
            let parsed = std::fs::read_to_string(e.path())
                .map_err(|err| err.to_string())
                .and_then(|t| {
                    serde_json::from_str::<ServiceChange>(&t).map_err(|err| err.to_string())
                });
            parsed
                .inspect_err(|err| tracing::warn!("skipped {}: {err}", e.path().display()))
                .ok()
        })
        .filter(|c| c.account == account && c.region == region && c.pipeline == pipeline)
        .collect();
    out.sort_by(|a, b| b.at_ms.cmp(&a.at_ms).then(b.id.cmp(&a.id)));
    Ok(out)
}

/// The task definition an ECS service runs now (NotFound when there is no such service).
pub(crate) async fn running_task_definition(ctx: &AwsCtx, target: &EcsTarget) -> Result<String> {
    let out = ctx
        .ecs()
        .describe_services()
        .cluster(&target.cluster)
        .services(&target.service)
        .send()
        .await
        .map_err(|e| map_sdk_error("DescribeServices", e))?;
    out.services()
        .first()
        .and_then(|s| s.task_definition())
        .map(str::to_owned)
        .ok_or_else(|| {
            Error::NotFound(format!(
                "the ECS service {} in the cluster {}",
                target.service, target.cluster
            ))
        })
}

async fn update_service(ctx: &AwsCtx, target: &EcsTarget, td: &str) -> Result<Option<String>> {
    let out = ctx
        .ecs()
        .update_service()
        .cluster(&target.cluster)
        .service(&target.service)
        .task_definition(td)
        .send()
        .await
        .map_err(|e| map_sdk_error("UpdateService", e))?;
    // The new PRIMARY deployment: the one of this task definition, created last.
    Ok(out.service().and_then(|s| {
        s.deployments()
            .iter()
            .filter(|d| d.task_definition() == Some(td))
            .max_by_key(|d| d.created_at().map(|t| t.to_millis().unwrap_or(0)))
            .and_then(|d| d.id())
            .map(str::to_owned)
    }))
}

/// Updates the service to `to_task_definition`, journaled before and after.
pub async fn update(
    ctx: &AwsCtx,
    dirs: &AppDirs,
    pipeline: &str,
    target: &EcsTarget,
    to_task_definition: &str,
    to_execution_id: Option<&str>,
) -> Result<ServiceChange> {
    let from = running_task_definition(ctx, target).await?;
    let at_ms = now_ms();
    let mut change = ServiceChange {
        id: format!("{at_ms}-{pipeline}"),
        pipeline: pipeline.to_owned(),
        account: ctx.account.clone(),
        region: ctx.region.clone(),
        target: target.clone(),
        from_task_definition: from,
        to_task_definition: to_task_definition.to_owned(),
        to_execution_id: to_execution_id.map(str::to_owned),
        state: ServiceChangeState::Pending,
        deployment_id: None,
        at_ms,
        undone_at_ms: None,
    };
    save(dirs, &change)?;
    change.deployment_id = update_service(ctx, target, to_task_definition).await?;
    change.state = ServiceChangeState::Done;
    save(dirs, &change)?;
    Ok(change)
}

/// Puts the service back on the task definition it ran before `id`'s update. Refused when the
/// service now runs neither side of that update (it has moved on: a later release).
pub async fn undo(ctx: &AwsCtx, dirs: &AppDirs, id: &str) -> Result<ServiceChange> {
    if id.is_empty() || id.contains(['/', '\\']) || id.starts_with('.') {
        return Err(Error::validation("id", "is not a service change id"));
    }
    let path = dir(dirs).join(format!("{id}.json"));
    let text = std::fs::read_to_string(&path)
        .map_err(|_| Error::NotFound(format!("the service change {id}")))?;
    let mut change: ServiceChange = serde_json::from_str(&text)
        .map_err(|e| Error::internal(format!("{} is not a service change: {e}", path.display())))?;
    if change.account != ctx.account || change.region != ctx.region {
        return Err(Error::validation(
            "profile",
            format!(
                "this change was made in account {} in {}: switch to a profile of that account and region",
                change.account, change.region
            ),
        ));
    }
    if change.state == ServiceChangeState::Undone {
        return Err(Error::Conflict(format!(
            "the service change {id} was already undone"
        )));
    }
    let now = running_task_definition(ctx, &change.target).await?;
    if now != change.to_task_definition && now != change.from_task_definition {
        return Err(Error::Conflict(format!(
            "the service {} has moved on since: it runs {now}, not {}. Pipewright does not undo over a later change",
            change.target.service, change.to_task_definition
        )));
    }
    change.state = ServiceChangeState::Undoing;
    save(dirs, &change)?;
    let from = change.from_task_definition.clone();
    change.deployment_id = update_service(ctx, &change.target, &from).await?;
    change.state = ServiceChangeState::Undone;
    change.undone_at_ms = Some(now_ms());
    save(dirs, &change)?;
    Ok(change)
}

/// Follows the ECS deployment a change started until it completes or fails.
pub async fn wait(
    ctx: &AwsCtx,
    change: &ServiceChange,
    poll: Duration,
    mut on_update: impl FnMut(&Rollout),
) -> Result<Option<Rollout>> {
    let Some(id) = &change.deployment_id else {
        return Ok(None);
    };
    let deploy = DeployRef {
        external_id: Some(id.clone()),
        started_ms: Some(change.undone_at_ms.unwrap_or(change.at_ms)),
        ended_ms: None,
    };
    loop {
        let read = rollout::read(ctx, &change.target, std::slice::from_ref(&deploy), now_ms())
            .await?
            .into_iter()
            .next()
            .flatten();
        if let Some(r) = &read {
            on_update(r);
            if r.state != RolloutState::InProgress {
                return Ok(read);
            }
        }
        tokio::time::sleep(poll).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(id: &str, at_ms: i64, pipeline: &str) -> ServiceChange {
        ServiceChange {
            id: id.into(),
            pipeline: pipeline.into(),
            account: "123456789012".into(),
            region: "us-east-1".into(),
            target: EcsTarget {
                cluster: "c".into(),
                service: "s".into(),
                region: None,
            },
            from_task_definition: "arn:td:2".into(),
            to_task_definition: "arn:td:1".into(),
            to_execution_id: None,
            state: ServiceChangeState::Done,
            deployment_id: None,
            at_ms,
            undone_at_ms: None,
        }
    }

    #[test]
    fn the_journal_lists_one_pipeline_newest_first_and_skips_what_it_cannot_read() {
        let tmp = tempfile::tempdir().unwrap();
        let dirs = AppDirs::at(tmp.path());
        assert!(list(&dirs, "123456789012", "us-east-1", "p")
            .unwrap()
            .is_empty());
        save(&dirs, &change("1-p", 1, "p")).unwrap();
        save(&dirs, &change("3-p", 3, "p")).unwrap();
        save(&dirs, &change("2-q", 2, "q")).unwrap();
        std::fs::write(dir(&dirs).join("broken.json"), "{not json").unwrap();
        let ids: Vec<String> = list(&dirs, "123456789012", "us-east-1", "p")
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(ids, ["3-p", "1-p"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir(&dirs).join("1-p.json"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
