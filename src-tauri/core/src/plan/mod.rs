//! The plan: everything the wizard collects, as one serde type saved as `pipewright.toml`.
//!
//! A plan is validated offline ([`validate`]) with errors that name the field path and the AWS rule;
//! validation never calls AWS. The apply engine turns a valid plan into AWS resources.

pub mod validate;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use validate::{validate, Issue};

use crate::{Error, Result};

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

impl Plan {
    /// The reference flow (the console walkthrough the wizard replaces), as a starting point.
    pub fn reference() -> Self {
        Plan {
            version: PLAN_VERSION,
            region: None,
            pipeline: PipelineSettings {
                name: "cruddur-backend-fargate".into(),
                role: RoleChoice::Create { name: None },
                artifact_bucket: None,
                artifact_bucket_suffix: Some(random_suffix()),
                pipeline_type: PipelineType::V2,
                execution_mode: ExecutionMode::Superseded,
                approval: None,
                notifications: None,
            },
            source: SourceSettings {
                connection: ConnectionChoice::Create {
                    name: "Cruddur".into(),
                },
                repository: "example/aws-bootcamp-cruddur-2023".into(),
                branch: "prod".into(),
                detect_changes: true,
                output_format: SourceOutputFormat::CodeZip,
            },
            build: BuildSettings {
                project: "cruddur-backend-flask-bake-image".into(),
                create: true,
                description: "Bake the backend-flask image and push it to ECR".into(),
                badge: true,
                concurrent_build_limit: None,
                webhook: Some(WebhookSettings {
                    event: WebhookEvent::PullRequestMerged,
                    base_branch: "prod".into(),
                }),
                image: DEFAULT_IMAGE.into(),
                compute_type: ComputeType::BuildGeneral1Small,
                privileged: true,
                role: RoleChoice::Create { name: None },
                timeout_minutes: 20,
                buildspec_path: "backend-flask/buildspec.yml".into(),
                environment_variables: Vec::new(),
                action_name: "bake".into(),
                output_artifact: "ImageDefinition".into(),
            },
            ecr: EcrSettings {
                repository: "backend-flask".into(),
                policy_name: "ECRPushImage".into(),
                policy_document: None,
            },
            buildspec: BuildspecSettings {
                service_dir: "backend-flask".into(),
                dockerfile: "Dockerfile.prod".into(),
                container_name: "backend-flask".into(),
                image_tag: "latest".into(),
            },
            deploy: DeploySettings::Ecs {
                cluster: "cruddur".into(),
                service: "backend-flask".into(),
                file_name: "imagedefinitions.json".into(),
            },
        }
    }

    /// Reads a plan file. A type error, an unknown enum value or an unknown key names its field
    /// path (`build.computeType`), as [`validate`] does.
    pub fn from_toml(text: &str) -> Result<Self> {
        let de = toml::Deserializer::parse(text).map_err(|e| {
            Error::validation("plan", format!("is not a TOML file: {}", e.message()))
        })?;
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = field_path(e.path());
            let message = e.inner().message().to_owned();
            match path {
                Some(path) => Error::validation(path, message),
                None => Error::validation("plan", format!("is not a valid plan file: {message}")),
            }
        })
    }

    /// Fills what a plan made by an older Pipewright lacks (the default bucket's suffix). Returns
    /// whether it changed anything, so the caller can save the plan.
    pub fn fill_defaults(&mut self) -> bool {
        if self.pipeline.artifact_bucket_suffix.is_none() {
            self.pipeline.artifact_bucket_suffix = Some(random_suffix());
            return true;
        }
        false
    }

    pub fn to_toml(&self) -> Result<String> {
        toml::to_string_pretty(self).map_err(Error::internal)
    }

    /// The name of the CodeBuild service role (created or existing).
    pub fn codebuild_role_name(&self) -> String {
        role_name(&self.build.role, || {
            fit_role_name(format!("codebuild-{}-service-role", self.build.project))
        })
    }

    /// The name of the CodePipeline service role (created or existing), as the console names it.
    pub fn pipeline_role_name(&self, region: &str) -> String {
        role_name(&self.pipeline.role, || {
            fit_role_name(format!(
                "AWSCodePipelineServiceRole-{region}-{}",
                self.pipeline.name
            ))
        })
    }
}

impl Plan {
    /// The notification rule's name: the plan's, or `<pipeline>-pipewright` within CodeStar
    /// Notifications' rule (64 of letters, digits, '-', '_', ' '). A pipeline name with other
    /// characters ('.', '@') gets them as '-' plus a hash of the real name, so `a.b` and `a-b`
    /// do not share a rule name.
    pub fn notification_rule_name(&self) -> String {
        if let Some(name) = self
            .pipeline
            .notifications
            .as_ref()
            .and_then(|n| n.rule_name.as_deref())
            .filter(|s| !s.is_empty())
        {
            return name.to_owned();
        }
        let name = &self.pipeline.name;
        let clean: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        if &clean == name {
            fit_role_name(format!("{clean}-pipewright"))
        } else {
            let keep: String = clean.chars().take(ROLE_NAME_MAX - 20).collect();
            format!("{keep}-{:08x}-pipewright", fnv1a(name))
        }
    }
}

/// IAM's limit on a role name.
pub const ROLE_NAME_MAX: usize = 64;

/// FNV-1a: stable across versions and platforms (std's hasher is neither).
fn fnv1a(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// A default role name within IAM's 64 characters: kept as it is when it fits, else cut and given a
/// stable hash of the whole name, so two long names that share their first 55 characters still get
/// different roles.
pub fn fit_role_name(name: String) -> String {
    if name.len() <= ROLE_NAME_MAX {
        return name;
    }
    let hash = fnv1a(&name);
    let keep = ROLE_NAME_MAX - 9;
    format!("{}-{hash:08x}", &name[..keep])
}

/// 8 random lowercase letters and digits (the OS's randomness, through std's hasher seeds).
pub fn random_suffix() -> String {
    use std::hash::{BuildHasher, Hasher};
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    let mut n = h.finish();
    (0..8)
        .map(|_| {
            let c = ALPHABET[(n % 36) as usize] as char;
            n /= 36;
            c
        })
        .collect()
}

/// `build.environmentVariables[0].name` → `build.environmentVariables.0.name`; None at the root.
fn field_path(path: &serde_path_to_error::Path) -> Option<String> {
    let text = path.to_string().replace('[', ".").replace(']', "");
    (text != "." && !text.is_empty()).then_some(text)
}

pub const DEFAULT_IMAGE: &str = "aws/codebuild/amazonlinux2-x86_64-standard:5.0";

fn role_name(choice: &RoleChoice, default: impl FnOnce() -> String) -> String {
    match choice {
        RoleChoice::Create { name: Some(n) } if !n.trim().is_empty() => n.trim().to_owned(),
        RoleChoice::Create { .. } => default(),
        RoleChoice::Existing { arn } => arn.rsplit('/').next().unwrap_or(arn).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_plan_round_trips_through_toml() {
        let plan = Plan::reference();
        let text = plan.to_toml().unwrap();
        assert_eq!(Plan::from_toml(&text).unwrap(), plan);
        assert!(
            text.contains("name = \"cruddur-backend-fargate\""),
            "{text}"
        );
    }

    #[test]
    fn unknown_fields_are_rejected_with_a_message() {
        let mut text = Plan::reference().to_toml().unwrap();
        text = text.replace("[pipeline]\n", "[pipeline]\ncolour = \"blue\"\n");
        let e = Plan::from_toml(&text).unwrap_err();
        assert!(e.message().contains("colour"), "{}", e.message());
    }

    #[test]
    fn type_errors_and_unknown_values_name_their_field() {
        let text = Plan::reference().to_toml().unwrap();
        let cases = [
            (
                text.replace("BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_HUGE"),
                "build.computeType",
            ),
            (
                text.replace("timeoutMinutes = 20", "timeoutMinutes = \"twenty\""),
                "build.timeoutMinutes",
            ),
            (
                text.replace("privileged = true", "privileged = \"yes\""),
                "build.privileged",
            ),
            (
                text.replace("pipelineType = \"V2\"", "pipelineType = \"V3\""),
                "pipeline.pipelineType",
            ),
            (
                text.replace("[pipeline]\n", "[pipeline]\ncolour = \"blue\"\n"),
                "pipeline.colour",
            ),
        ];
        for (text, path) in cases {
            let e = Plan::from_toml(&text).unwrap_err();
            assert_eq!(e.field(), Some(path), "{}", e.message());
            assert!(!e.message().contains("byte"), "{}", e.message());
        }
        let e = Plan::from_toml("[pipeline\n").unwrap_err();
        assert_eq!(e.field(), Some("plan"));
    }

    #[test]
    fn long_default_role_names_get_a_stable_hash_not_a_cut() {
        let mut a = Plan::reference();
        a.pipeline.name = "cruddur-backend-fargate".into();
        let mut b = a.clone();
        b.pipeline.name = "cruddur-backend-fargate-staging".into();
        let (ra, rb) = (
            a.pipeline_role_name("ap-southeast-2"),
            b.pipeline_role_name("ap-southeast-2"),
        );
        assert_ne!(ra, rb);
        assert!(ra.len() <= 64 && rb.len() <= 64, "{ra} {rb}");
        assert_eq!(rb, b.pipeline_role_name("ap-southeast-2"), "stable");
        assert!(rb.starts_with("AWSCodePipelineServiceRole-ap-southeast-2-cruddur"));
        // Names that fit are the console's, unchanged.
        assert_eq!(
            a.pipeline_role_name("us-east-1"),
            "AWSCodePipelineServiceRole-us-east-1-cruddur-backend-fargate"
        );
        let mut c = Plan::reference();
        c.build.project = "p".repeat(100);
        let role = c.codebuild_role_name();
        assert_eq!(role.len(), 64);
        assert!(crate::plan::validate::is_role_name(&role));
    }

    #[test]
    fn a_new_plan_has_its_own_bucket_suffix() {
        let (a, b) = (Plan::reference(), Plan::reference());
        let sa = a.pipeline.artifact_bucket_suffix.clone().unwrap();
        assert_eq!(sa.len(), 8);
        assert!(sa
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        assert_ne!(
            a.pipeline.artifact_bucket_suffix,
            b.pipeline.artifact_bucket_suffix
        );
        let mut old = a.clone();
        old.pipeline.artifact_bucket_suffix = None;
        assert!(old.fill_defaults());
        assert!(!old.fill_defaults());
    }

    #[test]
    fn role_names_follow_the_console() {
        let plan = Plan::reference();
        assert_eq!(
            plan.codebuild_role_name(),
            "codebuild-cruddur-backend-flask-bake-image-service-role"
        );
        assert_eq!(
            plan.pipeline_role_name("eu-west-2"),
            "AWSCodePipelineServiceRole-eu-west-2-cruddur-backend-fargate"
        );
    }
}
