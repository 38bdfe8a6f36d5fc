//! Rollback and tear-down: undo what a receipt says its runs did, newest dependency first.
//!
//! - Changes to things Pipewright did not create are put back from the journaled previous version
//!   (AWS's own JSON, byte for byte); resources it created are deleted. Nothing else is touched.
//! - "Not found" is "already gone", so running a tear-down again finishes what one cut off left.
//! - A failed undo keeps everything it depends on (a role stays while its pipeline could not be
//!   deleted), and the receipt says what is left.

use super::ctx::AwsCtx;
use super::engine::{event, Sink};
use super::journal::Journal;
use super::resources::{
    bucket, connection, notifications, pipeline, policy, project, role, webhook, GONE,
};
use super::types::*;
use crate::{AppError, Error, Result};

/// Undoes every step of the journal's receipt that has something to undo, and ends the journal.
pub(crate) async fn teardown(ctx: &AwsCtx, journal: Journal, sink: Sink<'_>) -> Receipt {
    let was = journal.snapshot().status;
    if let Err(e) = journal.record(|r| {
        r.status = ReceiptStatus::InProgress;
        r.error = None;
    }) {
        return journal.finish(|r| r.error = Some(AppError::from(&e)));
    }
    let mut failed: Vec<StepId> = Vec::new();
    let mut first_error: Option<Error> = None;
    for step in StepId::ALL.iter().rev().copied() {
        let snapshot = journal.snapshot();
        let Some(res) = snapshot.resource(step).cloned() else {
            continue;
        };
        let created = matches!(res.outcome, StepStatus::Created | StepStatus::Running);
        let pending: Vec<(usize, Change)> = res
            .changes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.state != ChangeState::Restored)
            .map(|(i, c)| (i, c.change.clone()))
            .collect();
        if !created && pending.is_empty() {
            continue;
        }
        if let Some(blocker) = StepId::ALL
            .iter()
            .find(|t| t.depends_on().contains(&step) && failed.contains(t))
        {
            sink(event(
                step,
                StepStatus::Skipped,
                format!(
                    "kept: {} could not be removed, and it uses this",
                    blocker.title()
                ),
            ));
            failed.push(step);
            continue;
        }
        sink(event(
            step,
            StepStatus::Running,
            if created {
                format!("deleting {}", res.name)
            } else {
                format!("putting {} back", res.name)
            },
        ));
        match undo_step(ctx, &journal, &snapshot, &res, created, pending).await {
            Ok((status, message)) => sink(ApplyEvent {
                arn: res.arn.clone(),
                ..event(step, status, message)
            }),
            Err(e) => {
                sink(ApplyEvent {
                    error: Some(AppError::from(&e)),
                    ..event(step, StepStatus::Failed, e.message())
                });
                failed.push(step);
                first_error.get_or_insert(e);
            }
        }
    }
    journal.finish(|r| match &first_error {
        None => {
            r.status = if was == ReceiptStatus::Succeeded {
                ReceiptStatus::TornDown
            } else {
                ReceiptStatus::RolledBack
            };
            r.error = None;
        }
        Some(e) => {
            r.status = ReceiptStatus::Failed;
            r.error = Some(AppError::from(e));
        }
    })
}

async fn undo_step(
    ctx: &AwsCtx,
    journal: &Journal,
    receipt: &Receipt,
    res: &ReceiptResource,
    created: bool,
    pending: Vec<(usize, Change)>,
) -> Result<(StepStatus, String)> {
    let step = res.step;
    for (i, change) in pending.into_iter().rev() {
        restore(ctx, &change).await?;
        journal.record(|r| {
            if let Some(c) = r
                .resources
                .iter_mut()
                .find(|x| x.step == step)
                .and_then(|x| x.changes.get_mut(i))
            {
                c.state = ChangeState::Restored;
            }
        })?;
    }
    if created {
        let message = delete(ctx, receipt, res).await?;
        journal.outcome(step, &res.name, None, StepStatus::Deleted, None)?;
        Ok((StepStatus::Deleted, message))
    } else {
        journal.outcome(step, &res.name, None, StepStatus::Restored, None)?;
        Ok((
            StepStatus::Restored,
            format!("put {} back as it was", res.name),
        ))
    }
}

/// Puts a changed thing back as the journal recorded it before the change.
async fn restore(ctx: &AwsCtx, change: &Change) -> Result<()> {
    match change {
        Change::RolePolicy {
            role,
            policy_name,
            previous,
        } => policy::restore(ctx, role, policy_name, previous.as_deref()).await,
        Change::Project { name, previous } => project::restore(ctx, name, previous).await,
        Change::Webhook { project, previous } => webhook::restore(ctx, project, previous).await,
        Change::Pipeline { name, previous } => pipeline::restore(ctx, name, previous).await,
        Change::NotificationRule { arn, previous } => {
            notifications::restore(ctx, arn, previous).await
        }
    }
}

/// Deletes a resource the receipt says its run created (or was about to create).
async fn delete(ctx: &AwsCtx, receipt: &Receipt, res: &ReceiptResource) -> Result<String> {
    let name = res.name.as_str();
    let deleted = format!("deleted {name}");
    match res.step {
        StepId::Notifications => {
            notifications::delete(ctx, receipt, name, res.arn.as_deref()).await
        }
        StepId::Pipeline => pipeline::delete(ctx, name).await,
        StepId::Webhook => {
            let project = receipt
                .resource(StepId::CodebuildProject)
                .map(|r| r.name.clone())
                .unwrap_or_else(|| name.trim_end_matches(" webhook").to_owned());
            webhook::delete(ctx, &project).await
        }
        StepId::CodebuildProject => project::delete(ctx, name).await.map(|()| deleted),
        StepId::EcrPolicy => {
            if receipt.created(StepId::CodebuildRole) {
                return Ok("deleted with its role".into());
            }
            let role = receipt
                .resource(StepId::CodebuildRole)
                .map(|r| r.name.clone())
                .or_else(|| {
                    // `arn:…:role/NAME/policy/POLICY`
                    res.arn
                        .as_deref()
                        .and_then(|a| a.split("/policy/").next())
                        .and_then(|a| a.rsplit('/').next())
                        .map(str::to_owned)
                })
                .ok_or_else(|| Error::internal("the receipt has no role for the ECR policy"))?;
            policy::delete(ctx, &role, name).await
        }
        StepId::CodebuildRole | StepId::PipelineRole => Ok(if role::delete(ctx, name).await? {
            deleted
        } else {
            GONE.into()
        }),
        StepId::ArtifactBucket => Ok(if bucket::delete(ctx, name).await? {
            deleted
        } else {
            GONE.into()
        }),
        StepId::Connection => connection::delete(ctx, name, res.arn.as_deref()).await,
    }
}
