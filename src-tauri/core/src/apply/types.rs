//! What the review page, the progress view and receipts show. Shared with the UI through ts-rs.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::AppError;

/// The resources the wizard creates, in dependency order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StepId {
    Connection,
    ArtifactBucket,
    CodebuildRole,
    EcrPolicy,
    CodebuildProject,
    Webhook,
    PipelineRole,
    Pipeline,
    Notifications,
}

impl StepId {
    pub const ALL: [StepId; 9] = [
        StepId::Connection,
        StepId::ArtifactBucket,
        StepId::CodebuildRole,
        StepId::EcrPolicy,
        StepId::CodebuildProject,
        StepId::Webhook,
        StepId::PipelineRole,
        StepId::Pipeline,
        StepId::Notifications,
    ];

    pub fn title(self) -> &'static str {
        match self {
            StepId::Connection => "GitHub connection",
            StepId::ArtifactBucket => "Artifact bucket",
            StepId::CodebuildRole => "CodeBuild service role",
            StepId::EcrPolicy => "ECR push policy",
            StepId::CodebuildProject => "CodeBuild project",
            StepId::Webhook => "CodeBuild webhook",
            StepId::PipelineRole => "CodePipeline service role",
            StepId::Pipeline => "Pipeline",
            StepId::Notifications => "Notification rule",
        }
    }

    /// The steps that must finish before this one starts.
    pub fn depends_on(self) -> &'static [StepId] {
        match self {
            StepId::Connection | StepId::ArtifactBucket => &[],
            // The build role may use the connection (least privilege: that connection only).
            StepId::CodebuildRole => &[StepId::Connection],
            StepId::EcrPolicy => &[StepId::CodebuildRole],
            StepId::CodebuildProject => &[StepId::CodebuildRole],
            StepId::Webhook => &[StepId::CodebuildProject],
            StepId::PipelineRole => &[StepId::Connection, StepId::ArtifactBucket],
            StepId::Pipeline => &[
                StepId::Connection,
                StepId::ArtifactBucket,
                StepId::EcrPolicy,
                StepId::CodebuildProject,
                StepId::Webhook,
                StepId::PipelineRole,
            ],
            // A rule is on the pipeline's ARN, which must exist.
            StepId::Notifications => &[StepId::Pipeline],
        }
    }
}

/// What applying will do to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StepAction {
    Create,
    Reuse,
    Update,
    Skip,
}

/// Where a step is, live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StepStatus {
    Pending,
    Running,
    /// Waiting on the user (the GitHub connection handshake).
    Waiting,
    Created,
    Reused,
    Updated,
    Skipped,
    Failed,
    /// Deleted again by a rollback or tear-down.
    Deleted,
    /// Put back as it was before this run changed it, by a rollback or tear-down.
    Restored,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReviewStep {
    pub id: StepId,
    pub title: String,
    /// The resource's name (or ARN when it is an existing one).
    pub resource: String,
    pub action: StepAction,
    pub depends_on: Vec<StepId>,
    /// The exact request(s) Pipewright will send, as pretty JSON in the AWS API's shape.
    pub request: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// A preflight finding: errors block Create, warnings are shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Finding {
    pub severity: Severity,
    /// The plan field it is about, if any.
    pub path: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CostLine {
    pub item: String,
    pub quantity: f64,
    pub unit: String,
    pub unit_price_usd: f64,
    pub monthly_usd: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CostEstimate {
    pub lines: Vec<CostLine>,
    pub total_monthly_usd: f64,
    /// When the prices were taken from AWS's pricing pages.
    pub prices_as_of: String,
    pub assumptions: Vec<String>,
}

/// Everything the review page shows before Create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Review {
    pub account: String,
    pub region: String,
    pub steps: Vec<ReviewStep>,
    pub findings: Vec<Finding>,
    pub cost: CostEstimate,
    pub buildspec: String,
    pub ecr_policy: String,
}

/// One progress event of apply, rollback or tear-down.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApplyEvent {
    pub step: StepId,
    pub status: StepStatus,
    pub message: String,
    pub arn: Option<String>,
    pub console_url: Option<String>,
    /// On failure: the error, with a plain-words fix.
    pub error: Option<AppError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReceiptResource {
    pub step: StepId,
    pub name: String,
    pub arn: Option<String>,
    /// Created, Reused, Updated, Deleted after a rollback / tear-down, or Running: the run was about
    /// to create it (written before the request), so it may exist.
    pub outcome: StepStatus,
    pub console_url: Option<String>,
    /// What this run changed on it while it existed before (undone in reverse order).
    #[serde(default)]
    pub changes: Vec<ChangeRecord>,
}

/// A change to something Pipewright did not create, with what was there before, so that a rollback
/// or tear-down can put it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum Change {
    /// An inline policy put on a role; `previous` is the document before (None: there was none,
    /// so undo deletes it).
    RolePolicy {
        role: String,
        policy_name: String,
        previous: Option<String>,
    },
    /// UpdateProject; `previous` is the project as BatchGetProjects returned it (AWS's JSON).
    Project { name: String, previous: String },
    /// UpdateWebhook; `previous` is the webhook as BatchGetProjects returned it (AWS's JSON).
    Webhook { project: String, previous: String },
    /// UpdatePipeline; `previous` is the declaration as GetPipeline returned it (AWS's JSON).
    Pipeline { name: String, previous: String },
    /// UpdateNotificationRule; `previous` is the rule as DescribeNotificationRule returned it.
    NotificationRule { arn: String, previous: String },
}

impl Change {
    /// Two changes of one target (the same policy, project, webhook or pipeline).
    pub fn same_target(&self, other: &Change) -> bool {
        match (self, other) {
            (
                Change::RolePolicy {
                    role: a,
                    policy_name: pa,
                    ..
                },
                Change::RolePolicy {
                    role: b,
                    policy_name: pb,
                    ..
                },
            ) => a == b && pa == pb,
            (Change::Project { name: a, .. }, Change::Project { name: b, .. })
            | (Change::Pipeline { name: a, .. }, Change::Pipeline { name: b, .. })
            | (Change::Webhook { project: a, .. }, Change::Webhook { project: b, .. })
            | (Change::NotificationRule { arn: a, .. }, Change::NotificationRule { arn: b, .. }) => {
                a == b
            }
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ChangeState {
    /// Written before the request: it may or may not have been made.
    Pending,
    Done,
    Restored,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ChangeRecord {
    pub change: Change,
    pub state: ChangeState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReceiptStatus {
    /// A run is going on, or was cut off (the process died): resume or roll it back.
    InProgress,
    Succeeded,
    Failed,
    RolledBack,
    TornDown,
}

/// What a run did, kept locally: every ARN it created, reused or updated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Receipt {
    pub id: String,
    pub pipeline: String,
    pub account: String,
    pub region: String,
    #[serde(default)]
    pub endpoint_url: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    pub status: ReceiptStatus,
    pub error: Option<AppError>,
    pub resources: Vec<ReceiptResource>,
    /// RFC 3339: the journal's last write.
    #[serde(default)]
    pub updated_at: Option<String>,
    /// The plan of the latest run (what "resume" applies again).
    #[serde(default)]
    pub plan: Option<crate::plan::Plan>,
    /// Set when the last run ended without this receipt on disk (the journal could not be saved):
    /// keep this copy, it is the only one.
    #[serde(default)]
    pub unsaved: bool,
}

impl Receipt {
    pub fn resource(&self, step: StepId) -> Option<&ReceiptResource> {
        self.resources.iter().find(|r| r.step == step)
    }

    /// Whether this run created `step`'s resource (or was about to, when it was cut off).
    pub fn created(&self, step: StepId) -> bool {
        self.resource(step)
            .is_some_and(|r| matches!(r.outcome, StepStatus::Created | StepStatus::Running))
    }

    /// Whether anything is still to be undone (created and not deleted, changed and not restored).
    pub fn has_something_to_undo(&self) -> bool {
        self.resources.iter().any(|r| {
            matches!(r.outcome, StepStatus::Created | StepStatus::Running)
                || r.changes.iter().any(|c| c.state != ChangeState::Restored)
        })
    }
}

/// A GitHub connection as the source step shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConnectionInfo {
    pub arn: String,
    pub name: String,
    /// PENDING, AVAILABLE or ERROR.
    pub status: String,
    pub provider: String,
    /// The AWS console page that completes a pending handshake.
    pub console_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EcrRepositoryInfo {
    pub name: String,
    pub arn: String,
    pub uri: String,
}
