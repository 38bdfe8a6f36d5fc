//! The plan's types: [`Plan`] and its settings, one struct or enum per part, as they are saved in
//! `pipewright.toml` and sent to the window (ts-rs); with the AWS spelling of their values.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub const PLAN_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct Plan {
    #[serde(default = "plan_version")]
    pub version: u32,
    /// The region to create everything in; empty = the profile's region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub pipeline: PipelineSettings,
    pub source: SourceSettings,
    pub build: BuildSettings,
    pub ecr: EcrSettings,
    pub buildspec: BuildspecSettings,
    pub deploy: DeploySettings,
}

fn plan_version() -> u32 {
    PLAN_VERSION
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum PipelineType {
    V1,
    V2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum ExecutionMode {
    Superseded,
    Queued,
    Parallel,
}

/// A service role: created by Pipewright (with a default or given name) or an existing one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "mode", rename_all = "camelCase")]
#[ts(export)]
pub enum RoleChoice {
    /// A new role; `name` empty = the console's default name.
    Create {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    Existing {
        arn: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct PipelineSettings {
    pub name: String,
    pub role: RoleChoice,
    /// A custom artifact bucket; empty = the default `codepipeline-<region>-<account>-<suffix>`
    /// (created if missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_bucket: Option<String>,
    /// The default bucket's random suffix, chosen once when the plan is made and kept in it, so
    /// nobody can create the bucket first under a name they can guess.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_bucket_suffix: Option<String>,
    pub pipeline_type: PipelineType,
    pub execution_mode: ExecutionMode,
    /// A manual approval stage before Deploy; none: every release goes straight to prod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<ApprovalSettings>,
    /// A CodeStar Notifications rule on the pipeline, so the team hears of it even when no
    /// Pipewright is open; none: only this desktop is told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notifications: Option<NotificationSettings>,
}

/// The pipeline's events a notification rule can send (CodeStar Notifications event types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum NotificationEvent {
    ExecutionStarted,
    ExecutionFailed,
    ExecutionSucceeded,
    ExecutionCanceled,
    ApprovalNeeded,
}

impl NotificationEvent {
    pub const ALL: [NotificationEvent; 5] = [
        Self::ExecutionStarted,
        Self::ExecutionFailed,
        Self::ExecutionSucceeded,
        Self::ExecutionCanceled,
        Self::ApprovalNeeded,
    ];

    /// Its CodeStar Notifications event type id.
    pub fn event_type_id(self) -> &'static str {
        match self {
            Self::ExecutionStarted => "codepipeline-pipeline-pipeline-execution-started",
            Self::ExecutionFailed => "codepipeline-pipeline-pipeline-execution-failed",
            Self::ExecutionSucceeded => "codepipeline-pipeline-pipeline-execution-succeeded",
            Self::ExecutionCanceled => "codepipeline-pipeline-pipeline-execution-canceled",
            Self::ApprovalNeeded => "codepipeline-pipeline-manual-approval-needed",
        }
    }

    pub fn from_event_type_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.event_type_id() == id)
    }
}

/// How much a notification says (CodeStar Notifications' DetailType).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum NotificationDetail {
    Basic,
    #[default]
    Full,
}

impl NotificationDetail {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Basic => "BASIC",
            Self::Full => "FULL",
        }
    }
}

/// A notification rule on the pipeline to an SNS topic. Pipewright never changes the topic: its
/// access policy must already let `codestar-notifications.amazonaws.com` publish (the review
/// checks it and shows the statement to add).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct NotificationSettings {
    /// The SNS topic told (its ARN), in the pipeline's region.
    pub sns_topic_arn: String,
    pub events: Vec<NotificationEvent>,
    #[serde(default)]
    pub detail: NotificationDetail,
    /// The rule's name; empty = `<pipeline>-pipewright` (CodeStar Notifications names are unique
    /// per account and region).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_name: Option<String>,
}

/// The manual approval before Deploy: who is told (an SNS topic, or nobody but the app), what the
/// approver should look at, and what the request says.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApprovalSettings {
    /// The SNS topic CodePipeline tells when an approval waits (its ARN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sns_topic_arn: Option<String>,
    /// A URL for the approver to review (e.g. staging): the action's ExternalEntityLink.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_url: Option<String>,
    /// What the request says to the approver: the action's CustomData.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
}

/// The GitHub connection (CodeStar Connections): a new one by name, or an existing one by ARN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "mode", rename_all = "camelCase")]
#[ts(export)]
pub enum ConnectionChoice {
    /// Reuses a connection of this name if there is one, else creates it (PENDING until the user
    /// completes the handshake in the AWS console).
    Create {
        name: String,
    },
    Existing {
        arn: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum SourceOutputFormat {
    /// CodePipeline default: a zip of the commit.
    CodeZip,
    /// Full clone (CodeBuild gets git metadata).
    CodebuildCloneRef,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct SourceSettings {
    pub connection: ConnectionChoice,
    /// `owner/name` on GitHub.
    pub repository: String,
    pub branch: String,
    /// Start the pipeline when the branch changes.
    pub detect_changes: bool,
    pub output_format: SourceOutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum ComputeType {
    #[serde(rename = "BUILD_GENERAL1_SMALL")]
    BuildGeneral1Small,
    #[serde(rename = "BUILD_GENERAL1_MEDIUM")]
    BuildGeneral1Medium,
    #[serde(rename = "BUILD_GENERAL1_LARGE")]
    BuildGeneral1Large,
    #[serde(rename = "BUILD_GENERAL1_XLARGE")]
    BuildGeneral1Xlarge,
    #[serde(rename = "BUILD_GENERAL1_2XLARGE")]
    BuildGeneral12xlarge,
}

impl ComputeType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BuildGeneral1Small => "BUILD_GENERAL1_SMALL",
            Self::BuildGeneral1Medium => "BUILD_GENERAL1_MEDIUM",
            Self::BuildGeneral1Large => "BUILD_GENERAL1_LARGE",
            Self::BuildGeneral1Xlarge => "BUILD_GENERAL1_XLARGE",
            Self::BuildGeneral12xlarge => "BUILD_GENERAL1_2XLARGE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum WebhookEvent {
    Push,
    PullRequestCreated,
    PullRequestUpdated,
    PullRequestMerged,
}

impl WebhookEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Push => "PUSH",
            Self::PullRequestCreated => "PULL_REQUEST_CREATED",
            Self::PullRequestUpdated => "PULL_REQUEST_UPDATED",
            Self::PullRequestMerged => "PULL_REQUEST_MERGED",
        }
    }
}

/// The CodeBuild webhook: fire on `event` into `base_branch`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct WebhookSettings {
    pub event: WebhookEvent,
    pub base_branch: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct EnvVar {
    pub name: String,
    /// The value (plain text), or the Parameter Store parameter name / Secrets Manager secret id.
    pub value: String,
    /// None = plain text.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub kind: Option<EnvVarType>,
}

impl EnvVar {
    pub fn kind(&self) -> EnvVarType {
        self.kind.unwrap_or_default()
    }
}

/// How CodeBuild resolves a build environment variable (its `type`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum EnvVarType {
    #[default]
    Plaintext,
    ParameterStore,
    SecretsManager,
}

impl EnvVarType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Plaintext => "PLAINTEXT",
            Self::ParameterStore => "PARAMETER_STORE",
            Self::SecretsManager => "SECRETS_MANAGER",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct BuildSettings {
    /// The CodeBuild project name.
    pub project: String,
    /// false = use an existing project of that name as it is.
    pub create: bool,
    #[serde(default)]
    pub description: String,
    pub badge: bool,
    /// None = no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrent_build_limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<WebhookSettings>,
    pub image: String,
    pub compute_type: ComputeType,
    /// Needed to run Docker inside the build.
    pub privileged: bool,
    pub role: RoleChoice,
    pub timeout_minutes: u32,
    /// The buildspec's path in the repository.
    pub buildspec_path: String,
    #[serde(default)]
    pub environment_variables: Vec<EnvVar>,
    /// The pipeline's build action.
    pub action_name: String,
    pub output_artifact: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct EcrSettings {
    /// The ECR repository name the build pushes to.
    pub repository: String,
    /// The inline policy's name on the CodeBuild role.
    pub policy_name: String,
    /// The policy JSON as edited by the user; None = generated (least privilege).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_document: Option<String>,
}

/// Inputs of the generated buildspec.yml.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct BuildspecSettings {
    /// The folder of the service in the repository (`cd` target), e.g. `backend-flask`.
    pub service_dir: String,
    pub dockerfile: String,
    /// Must equal the container name in the ECS task definition.
    pub container_name: String,
    pub image_tag: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum DeploySettings {
    Ecs {
        cluster: String,
        service: String,
        #[serde(rename = "fileName")]
        file_name: String,
    },
    None,
}
