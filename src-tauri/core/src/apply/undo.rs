//! Rollback and tear-down: undo what a receipt says its runs did, newest dependency first.
//!
//! - Changes to things Pipewright did not create are put back from the journaled previous version
//!   (AWS's own JSON, byte for byte); resources it created are deleted. Nothing else is touched.
//! - "Not found" is "already gone", so running a tear-down again finishes what one cut off left.
//! - A failed undo keeps everything it depends on (a role stays while its pipeline could not be
//!   deleted), and the receipt says what is left.

use serde_json::{json, Value};

use super::ctx::AwsCtx;
use super::engine::Sink;
use super::journal::Journal;
use super::raw::{CaptureBody, ReplaceBody};
use super::types::*;
use crate::aws::{map_sdk_error, or_not_found};
use crate::{AppError, Error, Result};

fn event(step: StepId, status: StepStatus, message: impl Into<String>) -> ApplyEvent {
    ApplyEvent {
        step,
        status,
        message: message.into(),
        arn: None,
        console_url: None,
        error: None,
    }
}

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

/// Drops JSON nulls (AWS omits absent members; some refuse a null).
fn members(pairs: Vec<(&str, Option<Value>)>) -> Value {
    Value::Object(
        pairs
            .into_iter()
            .filter_map(|(k, v)| v.filter(|v| !v.is_null()).map(|v| (k.to_owned(), v)))
            .collect(),
    )
}

fn parse(previous: &str) -> Result<Value> {
    serde_json::from_str(previous)
        .map_err(|e| Error::internal(format!("the receipt's previous version is not JSON: {e}")))
}

/// Puts a changed thing back as the journal recorded it before the change.
async fn restore(ctx: &AwsCtx, change: &Change) -> Result<()> {
    match change {
        Change::RolePolicy {
            role,
            policy_name,
            previous: None,
        } => {
            let out = ctx
                .iam()
                .delete_role_policy()
                .role_name(role)
                .policy_name(policy_name)
                .send()
                .await;
            or_not_found("DeleteRolePolicy", out, |e| e.is_no_such_entity_exception())?;
        }
        Change::RolePolicy {
            role,
            policy_name,
            previous: Some(doc),
        } => {
            let out = ctx
                .iam()
                .put_role_policy()
                .role_name(role)
                .policy_name(policy_name)
                .policy_document(doc)
                .send()
                .await;
            // The role itself is gone: nothing left to put back.
            or_not_found("PutRolePolicy", out, |e| e.is_no_such_entity_exception())?;
        }
        Change::Project { name, previous } => {
            let p = parse(previous)?;
            let body = members(vec![
                ("name", Some(json!(name))),
                (
                    "description",
                    Some(p.get("description").cloned().unwrap_or(json!(""))),
                ),
                ("source", p.get("source").cloned()),
                // An empty version removes one Pipewright set where there was none.
                (
                    "sourceVersion",
                    Some(p.get("sourceVersion").cloned().unwrap_or(json!(""))),
                ),
                ("artifacts", p.get("artifacts").cloned()),
                ("environment", p.get("environment").cloned()),
                ("serviceRole", p.get("serviceRole").cloned()),
                ("timeoutInMinutes", p.get("timeoutInMinutes").cloned()),
                (
                    "badgeEnabled",
                    Some(json!(p["badge"]["badgeEnabled"].as_bool().unwrap_or(false))),
                ),
                ("logsConfig", p.get("logsConfig").cloned()),
                // -1 removes a limit Pipewright set where there was none.
                (
                    "concurrentBuildLimit",
                    Some(p.get("concurrentBuildLimit").cloned().unwrap_or(json!(-1))),
                ),
            ]);
            let out = ctx
                .codebuild()
                .update_project()
                .name(name)
                .customize()
                .interceptor(ReplaceBody(body.to_string().into_bytes()))
                .send()
                .await;
            or_not_found("UpdateProject", out, |e| {
                e.is_resource_not_found_exception()
            })?;
        }
        Change::Webhook { project, previous } => {
            let w = parse(previous)?;
            let body = members(vec![
                ("projectName", Some(json!(project))),
                ("branchFilter", w.get("branchFilter").cloned()),
                ("filterGroups", w.get("filterGroups").cloned()),
                ("buildType", w.get("buildType").cloned()),
            ]);
            let out = ctx
                .codebuild()
                .update_webhook()
                .project_name(project)
                .customize()
                .interceptor(ReplaceBody(body.to_string().into_bytes()))
                .send()
                .await;
            or_not_found("UpdateWebhook", out, |e| {
                e.is_resource_not_found_exception()
            })?;
        }
        Change::Pipeline { name, previous } => {
            let mut declaration = parse(previous)?;
            let client = ctx.codepipeline();
            let raw = CaptureBody::default();
            let current = client
                .get_pipeline()
                .name(name)
                .customize()
                .interceptor(raw.clone())
                .send()
                .await;
            let Some(_) = or_not_found("GetPipeline", current, |e| {
                e.is_pipeline_not_found_exception()
            })?
            else {
                return Ok(());
            };
            // UpdatePipeline wants the current version; everything else is the old declaration.
            declaration["version"] = raw
                .json()
                .map(|v| v["pipeline"]["version"].clone())
                .unwrap_or(json!(1));
            let body = json!({ "pipeline": declaration });
            let placeholder = super::sdk::pipeline(&declaration)?;
            client
                .update_pipeline()
                .pipeline(placeholder)
                .customize()
                .interceptor(ReplaceBody(body.to_string().into_bytes()))
                .send()
                .await
                .map_err(|e| map_sdk_error("UpdatePipeline", e))?;
        }
    }
    Ok(())
}

const GONE: &str = "already gone";

/// Deletes a resource the receipt says its run created (or was about to create).
async fn delete(ctx: &AwsCtx, receipt: &Receipt, res: &ReceiptResource) -> Result<String> {
    let name = res.name.as_str();
    let deleted = format!("deleted {name}");
    match res.step {
        StepId::Pipeline => {
            let client = ctx.codepipeline();
            let found = client.get_pipeline().name(name).send().await;
            if or_not_found("GetPipeline", found, |e| {
                e.is_pipeline_not_found_exception()
            })?
            .is_none()
            {
                return Ok(GONE.into());
            }
            client
                .delete_pipeline()
                .name(name)
                .send()
                .await
                .map_err(|e| map_sdk_error("DeletePipeline", e))?;
        }
        StepId::Webhook => {
            let project = receipt
                .resource(StepId::CodebuildProject)
                .map(|r| r.name.clone())
                .unwrap_or_else(|| name.trim_end_matches(" webhook").to_owned());
            let out = ctx
                .codebuild()
                .delete_webhook()
                .project_name(&project)
                .send()
                .await;
            if or_not_found("DeleteWebhook", out, |e| {
                e.is_resource_not_found_exception()
            })?
            .is_none()
            {
                return Ok(GONE.into());
            }
        }
        StepId::CodebuildProject => {
            let out = ctx.codebuild().delete_project().name(name).send().await;
            or_not_found("DeleteProject", out, |_| false)?;
        }
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
            let out = ctx
                .iam()
                .delete_role_policy()
                .role_name(role)
                .policy_name(name)
                .send()
                .await;
            if or_not_found("DeleteRolePolicy", out, |e| e.is_no_such_entity_exception())?.is_none()
            {
                return Ok(GONE.into());
            }
        }
        StepId::CodebuildRole | StepId::PipelineRole => {
            if !delete_role(ctx, name).await? {
                return Ok(GONE.into());
            }
        }
        StepId::ArtifactBucket => {
            if !delete_bucket(ctx, name).await? {
                return Ok(GONE.into());
            }
        }
        StepId::Connection => {
            let arn = match &res.arn {
                Some(arn) => Some(arn.clone()),
                // Cut off between CreateConnection and its answer: find it by name.
                None => super::discover::find_connection(ctx, name)
                    .await?
                    .map(|c| c.arn),
            };
            let Some(arn) = arn else {
                return Ok(GONE.into());
            };
            let out = ctx
                .connections()
                .delete_connection()
                .connection_arn(arn)
                .send()
                .await;
            if or_not_found("DeleteConnection", out, |e| {
                e.is_resource_not_found_exception()
            })?
            .is_none()
            {
                return Ok(GONE.into());
            }
        }
    }
    Ok(deleted)
}

/// Deletes a role with its inline and attached policies. Returns false when it was already gone.
async fn delete_role(ctx: &AwsCtx, name: &str) -> Result<bool> {
    let iam = ctx.iam();
    let listed = iam.list_role_policies().role_name(name).send().await;
    let Some(policies) = or_not_found("ListRolePolicies", listed, |e| {
        e.is_no_such_entity_exception()
    })?
    else {
        return Ok(false);
    };
    for policy in policies.policy_names() {
        let out = iam
            .delete_role_policy()
            .role_name(name)
            .policy_name(policy)
            .send()
            .await;
        or_not_found("DeleteRolePolicy", out, |e| e.is_no_such_entity_exception())?;
    }
    let attached = iam
        .list_attached_role_policies()
        .role_name(name)
        .send()
        .await;
    if let Some(attached) = or_not_found("ListAttachedRolePolicies", attached, |e| {
        e.is_no_such_entity_exception()
    })? {
        for p in attached.attached_policies() {
            if let Some(arn) = p.policy_arn() {
                let out = iam
                    .detach_role_policy()
                    .role_name(name)
                    .policy_arn(arn)
                    .send()
                    .await;
                or_not_found("DetachRolePolicy", out, |e| e.is_no_such_entity_exception())?;
            }
        }
    }
    let out = iam.delete_role().role_name(name).send().await;
    Ok(or_not_found("DeleteRole", out, |e| e.is_no_such_entity_exception())?.is_some())
}

fn is_missing<E>(
    e: &aws_sdk_s3::error::SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> bool {
    e.raw_response().is_some_and(|r| r.status().as_u16() == 404)
}

/// Empties and deletes a bucket this receipt created (it holds only its pipeline's artifacts),
/// every call naming the account as the expected owner. Returns false when it was already gone.
async fn delete_bucket(ctx: &AwsCtx, name: &str) -> Result<bool> {
    let s3 = ctx.s3();
    let mut token = None;
    loop {
        let listed = s3
            .list_objects_v2()
            .bucket(name)
            .expected_bucket_owner(&ctx.account)
            .set_continuation_token(token.clone())
            .send()
            .await;
        let page = match listed {
            Ok(page) => page,
            Err(e) if is_missing(&e) => return Ok(false),
            Err(e) => return Err(map_sdk_error("ListObjectsV2", e)),
        };
        let keys: Vec<_> = page
            .contents()
            .iter()
            .filter_map(|o| o.key())
            .filter_map(|k| {
                aws_sdk_s3::types::ObjectIdentifier::builder()
                    .key(k)
                    .build()
                    .ok()
            })
            .collect();
        if !keys.is_empty() {
            let delete = aws_sdk_s3::types::Delete::builder()
                .set_objects(Some(keys))
                .quiet(true)
                .build()
                .map_err(Error::internal)?;
            s3.delete_objects()
                .bucket(name)
                .expected_bucket_owner(&ctx.account)
                .delete(delete)
                .send()
                .await
                .map_err(|e| map_sdk_error("DeleteObjects", e))?;
        }
        token = page.next_continuation_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    match s3
        .delete_bucket()
        .bucket(name)
        .expected_bucket_owner(&ctx.account)
        .send()
        .await
    {
        Ok(_) => Ok(true),
        Err(e) if is_missing(&e) => Ok(false),
        Err(e) => Err(map_sdk_error("DeleteBucket", e)),
    }
}
