//! The service roles: an existing one is only checked; one Pipewright creates gets its trust policy
//! and Pipewright's inline policy; deleted with its policies on tear-down.

use aws_sdk_iam::operation::create_role::builders::CreateRoleFluentBuilder;
use aws_sdk_iam::types::Tag;
use serde_json::Value;

use super::super::ctx::{console, AwsCtx};
use super::super::engine::{Done, Run};
use super::super::requests::{self, CreateRole};
use super::super::types::*;
use super::policy::PolicyWrite;
use crate::aws::{map_sdk_error, or_not_found};
use crate::plan::RoleChoice;
use crate::{Error, Result};

/// The SDK call of a [`CreateRole`], every field set.
fn create(iam: &aws_sdk_iam::Client, req: CreateRole) -> Result<CreateRoleFluentBuilder> {
    let CreateRole {
        role_name,
        assume_role_policy_document,
        description,
        tags,
    } = req;
    let tags = sdk_tags!(Tag, tags)?;
    Ok(iam
        .create_role()
        .role_name(role_name)
        .assume_role_policy_document(assume_role_policy_document.to_string())
        .description(description)
        .set_tags(Some(tags)))
}

impl Run<'_> {
    /// Ensures a service role: existing ones are only checked; created ones get their trust policy
    /// and Pipewright's inline policy (updated when it differs).
    pub(in crate::apply) async fn role(
        &self,
        step: StepId,
        choice: &RoleChoice,
        name: &str,
        service: &str,
        policy_name: &str,
        policy: Value,
    ) -> Result<Done> {
        let iam = self.ctx.iam();
        let url = console::role(name);
        let got = iam.get_role().role_name(name).send().await;
        let existing_arn = or_not_found("GetRole", got, |e| e.is_no_such_entity_exception())?
            .and_then(|out| out.role().map(|r| r.arn().to_owned()));
        if let RoleChoice::Existing { arn } = choice {
            return match existing_arn {
                Some(found) => Ok(Done {
                    outcome: StepStatus::Reused,
                    name: name.to_owned(),
                    arn: Some(found),
                    console_url: Some(url),
                    message: "existing role, left as it is".into(),
                }),
                None => Err(Error::NotFound(format!("the role {arn} does not exist"))),
            };
        }
        let (arn, mut outcome) = match existing_arn {
            Some(arn) => (arn, StepStatus::Reused),
            None => {
                let req = requests::create_role(name, service, "Created by Pipewright");
                let arn = format!(
                    "arn:{}:iam::{}:role/{name}",
                    self.names.partition, self.ctx.account
                );
                self.journal
                    .intend(step, name, Some(&arn), Some(url.clone()))?;
                let out = create(&iam, req)?
                    .send()
                    .await
                    .map_err(|e| map_sdk_error("CreateRole", e))?;
                let arn = out.role().map(|r| r.arn().to_owned()).unwrap_or_default();
                self.journal.outcome(
                    step,
                    name,
                    Some(&arn),
                    StepStatus::Created,
                    Some(url.clone()),
                )?;
                (arn, StepStatus::Created)
            }
        };
        let write = self
            .put_policy_if_changed(step, name, policy_name, &policy)
            .await?;
        if write != PolicyWrite::Unchanged && outcome == StepStatus::Reused {
            outcome = StepStatus::Updated;
        }
        Ok(Done {
            outcome,
            name: name.to_owned(),
            arn: Some(arn),
            console_url: Some(url),
            message: String::new(),
        })
    }
}

/// Deletes a role with its inline and attached policies. Returns false when it was already gone.
pub(in crate::apply) async fn delete(ctx: &AwsCtx, name: &str) -> Result<bool> {
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
