//! The AWS requests apply sends, built once from the plan as typed structs in the AWS API's own
//! shape. The review page shows them serialized (the API's JSON), and each resource module turns the
//! same struct into its SDK builder by destructuring every field (`resources/*`), so what is shown is
//! what is sent, and a field added here that the SDK call does not set fails to compile.
//!
//! One module per resource: `names` (the names and ARNs a plan implies in an account and region),
//! `connection`, `bucket`, `iam` (roles and their policies), `project` (the CodeBuild project),
//! `webhook` and `pipeline`; the tags they share are here.

mod bucket;
mod connection;
mod iam;
mod names;
mod pipeline;
mod project;
#[cfg(test)]
mod tests;
mod webhook;

use serde::Serialize;

pub use bucket::{create_bucket, BucketConfiguration, CreateBucket};
pub use connection::{connection_arn_for_review, create_connection, CreateConnection};
pub use iam::{
    codebuild_base_policy, create_role, ecr_policy_document, pipeline_policy, put_role_policy,
    CreateRole, PutRolePolicy, CODEBUILD_BASE_POLICY, PIPELINE_POLICY,
};
pub use names::{default_bucket, partition_of, Names};
pub use pipeline::{
    pipeline, Action, ActionTypeId, Artifact, ArtifactStore, CreatePipeline, PipelineDeclaration,
    Stage, APPROVAL_ACTION, APPROVAL_STAGE, SOURCE_ARTIFACT,
};
pub use project::{
    project, CloudWatchLogs, EnvironmentVariable, LogsConfig, Project, ProjectArtifacts,
    ProjectEnvironment, ProjectSource, SourceAuth,
};
pub use webhook::{webhook, Webhook, WebhookFilter};

/// `created-by = pipewright` (IAM and CodeStar spell tags `Key`/`Value`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// `created-by = pipewright` (CodeBuild and CodePipeline spell tags `key`/`value`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LowerTag {
    pub key: String,
    pub value: String,
}

fn created_by() -> Tag {
    Tag {
        key: "created-by".into(),
        value: "pipewright".into(),
    }
}

fn created_by_lower() -> LowerTag {
    LowerTag {
        key: "created-by".into(),
        value: "pipewright".into(),
    }
}
