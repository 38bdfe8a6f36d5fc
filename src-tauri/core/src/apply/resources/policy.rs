//! Inline policies on the roles (Pipewright's base policies and the ECR push policy): written only
//! when they differ, with the document they replace journaled first; put back or deleted on undo.

use aws_sdk_iam::operation::put_role_policy::builders::PutRolePolicyFluentBuilder;
use serde_json::Value;

use super::super::ctx::{console, AwsCtx};
use super::super::engine::{Done, Run};
use super::super::requests::{self, PutRolePolicy};
use super::super::types::*;
use super::GONE;
use crate::aws::{map_sdk_error, or_not_found};
use crate::{Error, Result};

/// What [`Run::put_policy_if_changed`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::apply) enum PolicyWrite {
    Created,
    Updated,
    Unchanged,
}

/// Percent-decodes IAM's policy documents (GetRolePolicy returns them URL-encoded).
fn decode_policy(doc: &str) -> Option<Value> {
    serde_json::from_str(doc).ok().or_else(|| {
        let decoded = percent_encoding::percent_decode_str(doc)
            .decode_utf8()
            .ok()?;
        serde_json::from_str(&decoded).ok()
    })
}

/// The SDK call of a [`PutRolePolicy`], every field set.
fn put(iam: &aws_sdk_iam::Client, req: PutRolePolicy) -> PutRolePolicyFluentBuilder {
    let PutRolePolicy {
        role_name,
        policy_name,
        policy_document,
    } = req;
    iam.put_role_policy()
        .role_name(role_name)
        .policy_name(policy_name)
        .policy_document(policy_document.to_string())
}

impl Run<'_> {
    /// PutRolePolicy unless the same document is already there (one GetRolePolicy to find out);
    /// the document it replaces (or its absence) is journaled first.
    pub(in crate::apply) async fn put_policy_if_changed(
        &self,
        step: StepId,
        role: &str,
        policy_name: &str,
        doc: &Value,
    ) -> Result<PolicyWrite> {
        let iam = self.ctx.iam();
        let got = iam
            .get_role_policy()
            .role_name(role)
            .policy_name(policy_name)
            .send()
            .await;
        let current = or_not_found("GetRolePolicy", got, |e| e.is_no_such_entity_exception())?
            .map(|out| decode_policy(out.policy_document()));
        let write = match &current {
            None => PolicyWrite::Created,
            Some(existing) if existing.as_ref() == Some(doc) => return Ok(PolicyWrite::Unchanged),
            Some(_) => PolicyWrite::Updated,
        };
        let previous = current.map(|d| d.map(|v| v.to_string()).unwrap_or_default());
        self.journal.intend_change(
            step,
            policy_name,
            Change::RolePolicy {
                role: role.to_owned(),
                policy_name: policy_name.to_owned(),
                previous,
            },
        )?;
        put(
            &iam,
            requests::put_role_policy(role, policy_name, doc.clone()),
        )
        .send()
        .await
        .map_err(|e| map_sdk_error("PutRolePolicy", e))?;
        self.journal.change_done(step)?;
        Ok(write)
    }

    pub(in crate::apply) async fn ecr_policy(&self) -> Result<Done> {
        let repo = &self.plan.ecr.repository;
        let described = self
            .ctx
            .ecr()
            .describe_repositories()
            .repository_names(repo)
            .send()
            .await;
        if or_not_found("DescribeRepositories", described, |e| {
            e.is_repository_not_found_exception()
        })?
        .is_none()
        {
            return Err(Error::validation(
                "ecr.repository",
                format!(
                    "the ECR repository {repo} does not exist in {}: create it or pick another",
                    self.ctx.region
                ),
            ));
        }
        let role = &self.names.codebuild_role;
        let name = &self.plan.ecr.policy_name;
        let doc = requests::ecr_policy_document(self.plan, &self.names);
        let write = self
            .put_policy_if_changed(StepId::EcrPolicy, role, name, &doc)
            .await?;
        let arn = format!("{}/policy/{name}", self.names.codebuild_role_arn);
        let outcome = match write {
            PolicyWrite::Created => {
                self.journal.outcome(
                    StepId::EcrPolicy,
                    name,
                    Some(&arn),
                    StepStatus::Created,
                    Some(console::role(role)),
                )?;
                StepStatus::Created
            }
            PolicyWrite::Updated => StepStatus::Updated,
            PolicyWrite::Unchanged => StepStatus::Reused,
        };
        Ok(Done {
            outcome,
            name: name.clone(),
            arn: Some(arn),
            console_url: Some(console::role(role)),
            message: format!("on {role}: push to {repo}"),
        })
    }
}

/// Puts an inline policy back as it was: the previous document, or none (deleted).
pub(in crate::apply) async fn restore(
    ctx: &AwsCtx,
    role: &str,
    policy_name: &str,
    previous: Option<&str>,
) -> Result<()> {
    match previous {
        None => {
            let out = ctx
                .iam()
                .delete_role_policy()
                .role_name(role)
                .policy_name(policy_name)
                .send()
                .await;
            or_not_found("DeleteRolePolicy", out, |e| e.is_no_such_entity_exception())?;
        }
        Some(doc) => {
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
    }
    Ok(())
}

/// Deletes the ECR policy a receipt created on a role it did not create.
pub(in crate::apply) async fn delete(ctx: &AwsCtx, role: &str, name: &str) -> Result<String> {
    let out = ctx
        .iam()
        .delete_role_policy()
        .role_name(role)
        .policy_name(name)
        .send()
        .await;
    Ok(
        match or_not_found("DeleteRolePolicy", out, |e| e.is_no_such_entity_exception())? {
            Some(_) => format!("deleted {name}"),
            None => GONE.into(),
        },
    )
}
