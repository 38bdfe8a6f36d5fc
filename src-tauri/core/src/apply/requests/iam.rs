//! IAM: the service roles (CreateRole) and their inline policies (PutRolePolicy), with the policy
//! documents Pipewright writes for CodeBuild (base and ECR push) and CodePipeline.

use serde::Serialize;
use serde_json::Value;

use super::{created_by, Names, Tag};
use crate::plan::{DeploySettings, Plan};
use crate::policy;

pub const CODEBUILD_BASE_POLICY: &str = "PipewrightCodeBuildBase";
pub const PIPELINE_POLICY: &str = "PipewrightCodePipeline";

/// IAM CreateRole.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateRole {
    pub role_name: String,
    pub assume_role_policy_document: Value,
    pub description: String,
    pub tags: Vec<Tag>,
}

pub fn create_role(name: &str, service: &str, description: &str) -> CreateRole {
    CreateRole {
        role_name: name.to_owned(),
        assume_role_policy_document: policy::trust_policy(service),
        description: description.to_owned(),
        tags: vec![created_by()],
    }
}

/// IAM PutRolePolicy.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRolePolicy {
    pub role_name: String,
    pub policy_name: String,
    pub policy_document: Value,
}

pub fn put_role_policy(role: &str, policy_name: &str, document: Value) -> PutRolePolicy {
    PutRolePolicy {
        role_name: role.to_owned(),
        policy_name: policy_name.to_owned(),
        policy_document: document,
    }
}

/// The ECR policy document: the user's edit if any, else the generated least-privilege one.
pub fn ecr_policy_document(plan: &Plan, n: &Names) -> Value {
    plan.ecr
        .policy_document
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or_else(|| policy::ecr_push_policy(&n.repository_arn))
}

pub fn codebuild_base_policy(plan: &Plan, n: &Names, connection_arn: &str) -> Value {
    policy::codebuild_base_policy(
        &n.partition,
        &n.region,
        &n.account,
        &plan.build.project,
        &n.bucket,
        connection_arn,
    )
}

pub fn pipeline_policy(plan: &Plan, n: &Names, connection_arn: &str) -> Value {
    policy::pipeline_policy(
        &n.partition,
        &n.bucket,
        connection_arn,
        &n.project_arn,
        matches!(plan.deploy, DeploySettings::Ecs { .. }),
        plan.pipeline
            .approval
            .as_ref()
            .and_then(|a| a.sns_topic_arn.as_deref()),
    )
}
