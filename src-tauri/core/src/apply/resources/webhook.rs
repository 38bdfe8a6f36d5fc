//! The CodeBuild webhook (build on the plan's event into its branch): create, update (journaling
//! AWS's JSON of the webhook as it was), or reuse; delete it or put it back on undo.

use aws_sdk_codebuild::operation::create_webhook::builders::CreateWebhookFluentBuilder;
use aws_sdk_codebuild::operation::update_webhook::builders::UpdateWebhookFluentBuilder;
use aws_sdk_codebuild::types as cb;
use serde_json::json;

use super::super::ctx::{console, AwsCtx};
use super::super::engine::{Done, Run};
use super::super::requests::{self, Webhook, WebhookFilter};
use super::super::types::*;
use super::{members, GONE};
use crate::aws::{map_sdk_error, or_not_found};
use crate::{Error, Result};

fn groups(filter_groups: Vec<Vec<WebhookFilter>>) -> Result<Vec<Vec<cb::WebhookFilter>>> {
    filter_groups
        .into_iter()
        .map(|group| {
            group
                .into_iter()
                .map(|WebhookFilter { kind, pattern }| {
                    cb::WebhookFilter::builder()
                        .r#type(cb::WebhookFilterType::from(kind))
                        .pattern(pattern)
                        .build()
                        .map_err(Error::internal)
                })
                .collect()
        })
        .collect()
}

/// Sets every field of a [`Webhook`] on CreateWebhook's or UpdateWebhook's builder (their
/// members are the same).
macro_rules! webhook_call {
    ($builder:expr, $w:expr) => {{
        let Webhook {
            project_name,
            build_type,
            filter_groups,
        } = $w;
        Ok($builder
            .project_name(project_name)
            .build_type(cb::WebhookBuildType::from(build_type))
            .set_filter_groups(Some(groups(filter_groups)?)))
    }};
}

/// The SDK call of CreateWebhook for a [`Webhook`], every field set.
fn create(client: &aws_sdk_codebuild::Client, w: Webhook) -> Result<CreateWebhookFluentBuilder> {
    webhook_call!(client.create_webhook(), w)
}

/// The SDK call of UpdateWebhook for a [`Webhook`], every field set.
fn update(client: &aws_sdk_codebuild::Client, w: Webhook) -> Result<UpdateWebhookFluentBuilder> {
    webhook_call!(client.update_webhook(), w)
}

/// Whether the webhook already filters as the plan asks.
fn matches(hook: &cb::Webhook, req: &Webhook) -> bool {
    let have: Vec<Vec<(&str, &str)>> = hook
        .filter_groups()
        .iter()
        .map(|g| {
            g.iter()
                .map(|f| (f.r#type().as_str(), f.pattern()))
                .collect()
        })
        .collect();
    let want: Vec<Vec<(&str, &str)>> = req
        .filter_groups
        .iter()
        .map(|g| g.iter().map(|f| (f.kind, f.pattern.as_str())).collect())
        .collect();
    have == want
}

impl Run<'_> {
    pub(in crate::apply) async fn webhook(&self) -> Result<Done> {
        let name = &self.plan.build.project;
        let url = console::project(&self.ctx.region, &self.ctx.account, name);
        let Some(req) = requests::webhook(self.plan).filter(|_| self.plan.build.create) else {
            return Ok(Done {
                outcome: StepStatus::Skipped,
                name: name.clone(),
                arn: None,
                console_url: None,
                message: "no webhook in the plan".into(),
            });
        };
        let cb = self.ctx.codebuild();
        let (project, raw) = super::project::current(&cb, name).await?;
        let current = project.and_then(|p| p.webhook().cloned());
        let done = |outcome| Done {
            outcome,
            name: format!("{name} webhook"),
            arn: None,
            console_url: Some(url.clone()),
            message: format!(
                "{} into {}",
                self.plan
                    .build
                    .webhook
                    .as_ref()
                    .map(|w| w.event.as_str())
                    .unwrap_or_default(),
                self.plan
                    .build
                    .webhook
                    .as_ref()
                    .map(|w| w.base_branch.as_str())
                    .unwrap_or_default()
            ),
        };
        match current {
            Some(hook) if !hook.filter_groups().is_empty() || hook.url().is_some() => {
                if matches(&hook, &req) {
                    return Ok(done(StepStatus::Reused));
                }
                let previous = raw
                    .json()
                    .and_then(|v| v["projects"][0].get("webhook").cloned())
                    .ok_or_else(|| Error::internal("BatchGetProjects returned no webhook JSON"))?;
                let hook_name = format!("{name} webhook");
                self.journal.intend_change(
                    StepId::Webhook,
                    &hook_name,
                    Change::Webhook {
                        project: name.clone(),
                        previous: previous.to_string(),
                    },
                )?;
                update(&cb, req)?
                    .send()
                    .await
                    .map_err(|e| map_sdk_error("UpdateWebhook", e))?;
                self.journal.change_done(StepId::Webhook)?;
                Ok(done(StepStatus::Updated))
            }
            _ => {
                self.journal.intend(
                    StepId::Webhook,
                    &format!("{name} webhook"),
                    None,
                    Some(url.clone()),
                )?;
                create(&cb, req)?
                    .send()
                    .await
                    .map_err(|e| map_sdk_error("CreateWebhook", e))?;
                self.journal.outcome(
                    StepId::Webhook,
                    &format!("{name} webhook"),
                    None,
                    StepStatus::Created,
                    Some(url.clone()),
                )?;
                Ok(done(StepStatus::Created))
            }
        }
    }
}

/// Deletes a webhook this receipt created.
pub(in crate::apply) async fn delete(ctx: &AwsCtx, project: &str) -> Result<String> {
    let out = ctx
        .codebuild()
        .delete_webhook()
        .project_name(project)
        .send()
        .await;
    Ok(
        match or_not_found("DeleteWebhook", out, |e| {
            e.is_resource_not_found_exception()
        })? {
            Some(_) => format!("deleted the webhook of {project}"),
            None => GONE.into(),
        },
    )
}

/// Puts a webhook back as BatchGetProjects returned it before this receipt's update.
pub(in crate::apply) async fn restore(ctx: &AwsCtx, project: &str, previous: &str) -> Result<()> {
    let w = super::parse(previous)?;
    let body = members(vec![
        ("projectName", Some(json!(project))),
        ("branchFilter", w.get("branchFilter").cloned()),
        ("filterGroups", w.get("filterGroups").cloned()),
        ("buildType", w.get("buildType").cloned()),
    ]);
    let out = send_with_body!(ctx.codebuild().update_webhook().project_name(project), body);
    or_not_found("UpdateWebhook", out, |e| {
        e.is_resource_not_found_exception()
    })?;
    Ok(())
}
