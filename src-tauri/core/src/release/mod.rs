//! Pipelines and one-click release: list pipelines with their latest execution, the live stage view
//! (GetPipeline + GetPipelineState), release (StartPipelineExecution with a client request token so
//! a double click starts one execution), stop, retry, executions and action executions.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_codepipeline::types as cp;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::apply::{console, AwsCtx};
use crate::aws::{all_pages, map_sdk_error};
use crate::plan::Issue;
use crate::rollout::{self, DeployRef, EcsTarget, Rollout};
use crate::status::ExecutionStatus;
use crate::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SourceRevision {
    pub action: String,
    /// The commit id for GitHub sources.
    pub revision_id: String,
    /// The commit message summary, as CodePipeline reports it.
    pub summary: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExecutionSummary {
    pub id: String,
    pub status: ExecutionStatus,
    pub status_summary: Option<String>,
    /// StartPipelineExecution, Webhook, CloudWatchEvent, CreatePipeline, ...
    pub trigger: Option<String>,
    pub trigger_detail: Option<String>,
    pub revisions: Vec<SourceRevision>,
    /// RFC 3339.
    pub started_at: Option<String>,
    pub updated_at: Option<String>,
    pub duration_seconds: Option<f64>,
    /// STANDARD or ROLLBACK (V2), when reported.
    pub execution_type: Option<String>,
    /// CodePipeline's own status when the release's differs from it (`status` follows the ECS
    /// rollout: see [`rollout::release_status`]).
    #[serde(default)]
    pub pipeline_status: Option<ExecutionStatus>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PipelineSummary {
    pub name: String,
    pub pipeline_type: Option<String>,
    pub execution_mode: Option<String>,
    pub updated_at: Option<String>,
    pub latest: Option<ExecutionSummary>,
    pub console_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionView {
    pub name: String,
    pub category: String,
    pub provider: String,
    /// None = never ran.
    pub status: Option<ExecutionStatus>,
    pub execution_id: Option<String>,
    pub last_change: Option<String>,
    pub summary: Option<String>,
    /// For CodeBuild actions, the build id.
    pub external_execution_id: Option<String>,
    pub external_url: Option<String>,
    pub entity_url: Option<String>,
    pub error: Option<String>,
    /// A manual approval waiting for someone.
    pub awaiting_approval: bool,
    /// For an ECS deploy action, its deployment as ECS tells it.
    pub rollout: Option<Rollout>,
    /// Why it failed, for a failed action other than a build (a build's comes from its log:
    /// `diagnosis::of_build`).
    pub diagnosis: Option<crate::diagnosis::Diagnosis>,
    /// For a manual approval: what it asks and who may answer.
    pub approval: Option<crate::approval::ApprovalInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StageView {
    pub name: String,
    pub status: Option<ExecutionStatus>,
    pub execution_id: Option<String>,
    /// The inbound transition: false when someone disabled it.
    pub transition_enabled: bool,
    pub transition_disabled_reason: Option<String>,
    pub actions: Vec<ActionView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PipelineView {
    pub name: String,
    pub version: Option<i32>,
    pub pipeline_type: Option<String>,
    pub execution_mode: Option<String>,
    /// `owner/name` and branch of the Source action, when it is GitHub.
    pub repository: Option<String>,
    pub branch: Option<String>,
    pub stages: Vec<StageView>,
    pub latest: Option<ExecutionSummary>,
    pub in_progress: bool,
    /// When the UI should look again: fast while something runs, slow when idle.
    pub poll_after_ms: u32,
    pub console_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionExecutionView {
    pub stage: String,
    pub action: String,
    pub status: ExecutionStatus,
    pub started_at: Option<String>,
    pub updated_at: Option<String>,
    pub summary: Option<String>,
    pub external_execution_id: Option<String>,
    pub external_url: Option<String>,
    pub error: Option<String>,
    /// The CodeBuild build id, for a build action.
    pub build_id: Option<String>,
    /// Source, Build, Test, Deploy, Approval or Invoke (the action type's category).
    pub category: Option<String>,
    /// For an ECS deploy action, the service it updates.
    pub ecs: Option<EcsTarget>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PipelineVariable {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReleaseRequest {
    pub pipeline: String,
    /// Release this commit instead of the branch head.
    pub revision: Option<String>,
    #[serde(default)]
    pub variables: Vec<PipelineVariable>,
    /// The caller's idempotency seed: with the request's content it makes the token CodePipeline
    /// gets ([`request_token`]), so the same request twice starts one execution.
    pub client_request_token: String,
}

mod cache;
mod read;
mod start;
#[cfg(test)]
mod tests;
mod wait;

pub use cache::*;
pub use read::*;
pub use start::*;
pub use wait::*;
