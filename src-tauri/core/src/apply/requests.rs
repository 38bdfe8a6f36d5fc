//! The AWS requests apply sends, built once from the plan as typed structs in the AWS API's own
//! shape. The review page shows them serialized (the API's JSON), and each resource module turns the
//! same struct into its SDK builder by destructuring every field (`resources/*`), so what is shown is
//! what is sent, and a field added here that the SDK call does not set fails to compile.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::plan::{ConnectionChoice, DeploySettings, Plan, SourceOutputFormat};
use crate::policy;

/// Names and ARNs derived from a plan for one account and region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    pub partition: String,
    pub account: String,
    pub region: String,
    pub bucket: String,
    pub bucket_is_default: bool,
    pub codebuild_role: String,
    pub codebuild_role_arn: String,
    pub pipeline_role: String,
    pub pipeline_role_arn: String,
    pub project_arn: String,
    pub repository_arn: String,
    pub pipeline_arn: String,
    pub notification_rule: String,
}

pub const CODEBUILD_BASE_POLICY: &str = "PipewrightCodeBuildBase";
pub const PIPELINE_POLICY: &str = "PipewrightCodePipeline";
pub const SOURCE_ARTIFACT: &str = "SourceArtifact";

pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// The default artifact bucket: the console's `codepipeline-<region>-<account>` plus the plan's own
/// random suffix (a name nobody else can create first).
pub fn default_bucket(plan: &Plan, account: &str, region: &str) -> String {
    match plan.pipeline.artifact_bucket_suffix.as_deref() {
        Some(suffix) if !suffix.is_empty() => format!("codepipeline-{region}-{account}-{suffix}"),
        _ => format!("codepipeline-{region}-{account}"),
    }
}

impl Names {
    pub fn new(plan: &Plan, account: &str, region: &str) -> Self {
        let partition = partition_of(region).to_owned();
        let (bucket, bucket_is_default) = match &plan.pipeline.artifact_bucket {
            Some(b) if !b.is_empty() => (b.clone(), false),
            _ => (default_bucket(plan, account, region), true),
        };
        let role_arn = |choice: &crate::plan::RoleChoice, name: &str| match choice {
            crate::plan::RoleChoice::Existing { arn } => arn.clone(),
            crate::plan::RoleChoice::Create { .. } => {
                format!("arn:{partition}:iam::{account}:role/{name}")
            }
        };
        let codebuild_role = plan.codebuild_role_name();
        let pipeline_role = plan.pipeline_role_name(region);
        Names {
            codebuild_role_arn: role_arn(&plan.build.role, &codebuild_role),
            pipeline_role_arn: role_arn(&plan.pipeline.role, &pipeline_role),
            codebuild_role,
            pipeline_role,
            project_arn: format!(
                "arn:{partition}:codebuild:{region}:{account}:project/{}",
                plan.build.project
            ),
            repository_arn: policy::ecr_repository_arn(
                &partition,
                region,
                account,
                &plan.ecr.repository,
            ),
            pipeline_arn: format!(
                "arn:{partition}:codepipeline:{region}:{account}:{}",
                plan.pipeline.name
            ),
            notification_rule: plan.notification_rule_name(),
            bucket,
            bucket_is_default,
            partition,
            account: account.to_owned(),
            region: region.to_owned(),
        }
    }
}

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

/// CodeStar Connections CreateConnection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateConnection {
    pub provider_type: &'static str,
    pub connection_name: String,
    pub tags: Vec<Tag>,
}

pub fn create_connection(name: &str) -> CreateConnection {
    CreateConnection {
        provider_type: "GitHub",
        connection_name: name.to_owned(),
        tags: vec![created_by()],
    }
}

/// S3 CreateBucket (a location outside us-east-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateBucket {
    pub bucket: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_bucket_configuration: Option<BucketConfiguration>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BucketConfiguration {
    pub location_constraint: String,
}

pub fn create_bucket(n: &Names) -> CreateBucket {
    CreateBucket {
        bucket: n.bucket.clone(),
        create_bucket_configuration: (n.region != "us-east-1").then(|| BucketConfiguration {
            location_constraint: n.region.clone(),
        }),
    }
}

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

/// CodeBuild CreateProject / UpdateProject (the fields both take; tags on create only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub name: String,
    pub description: String,
    pub source: ProjectSource,
    pub source_version: String,
    pub artifacts: ProjectArtifacts,
    pub environment: ProjectEnvironment,
    pub service_role: String,
    pub timeout_in_minutes: u32,
    pub badge_enabled: bool,
    pub logs_config: LogsConfig,
    pub tags: Vec<LowerTag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concurrent_build_limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectSource {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub location: String,
    pub buildspec: String,
    pub report_build_status: bool,
    pub auth: SourceAuth,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceAuth {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub resource: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectArtifacts {
    #[serde(rename = "type")]
    pub kind: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectEnvironment {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub image: String,
    pub compute_type: &'static str,
    pub privileged_mode: bool,
    pub image_pull_credentials_type: &'static str,
    pub environment_variables: Vec<EnvironmentVariable>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvironmentVariable {
    pub name: String,
    pub value: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogsConfig {
    pub cloud_watch_logs: CloudWatchLogs,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CloudWatchLogs {
    pub status: &'static str,
}

/// CodeBuild CreateProject / UpdateProject input. The GitHub source authenticates through the same
/// connection as the pipeline.
pub fn project(plan: &Plan, n: &Names, connection_arn: &str) -> Project {
    let b = &plan.build;
    Project {
        name: b.project.clone(),
        description: b.description.clone(),
        source: ProjectSource {
            kind: "GITHUB",
            location: format!("https://github.com/{}.git", plan.source.repository),
            buildspec: b.buildspec_path.clone(),
            report_build_status: true,
            auth: SourceAuth {
                kind: "CODECONNECTIONS",
                resource: connection_arn.to_owned(),
            },
        },
        source_version: format!("refs/heads/{}", plan.source.branch),
        artifacts: ProjectArtifacts {
            kind: "NO_ARTIFACTS",
        },
        environment: ProjectEnvironment {
            kind: "LINUX_CONTAINER",
            image: b.image.clone(),
            compute_type: b.compute_type.as_str(),
            privileged_mode: b.privileged,
            image_pull_credentials_type: "CODEBUILD",
            environment_variables: b
                .environment_variables
                .iter()
                .map(|v| EnvironmentVariable {
                    name: v.name.clone(),
                    value: v.value.clone(),
                    kind: v.kind().as_str(),
                })
                .collect(),
        },
        service_role: n.codebuild_role_arn.clone(),
        timeout_in_minutes: b.timeout_minutes,
        badge_enabled: b.badge,
        logs_config: LogsConfig {
            cloud_watch_logs: CloudWatchLogs { status: "ENABLED" },
        },
        tags: vec![created_by_lower()],
        concurrent_build_limit: b.concurrent_build_limit,
    }
}

/// CodeBuild CreateWebhook / UpdateWebhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    pub project_name: String,
    pub build_type: &'static str,
    pub filter_groups: Vec<Vec<WebhookFilter>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookFilter {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub pattern: String,
}

/// CodeBuild CreateWebhook / UpdateWebhook input, or None when the plan has no webhook.
pub fn webhook(plan: &Plan) -> Option<Webhook> {
    let hook = plan.build.webhook.as_ref()?;
    Some(Webhook {
        project_name: plan.build.project.clone(),
        build_type: "BUILD",
        filter_groups: vec![vec![
            WebhookFilter {
                kind: "EVENT",
                pattern: hook.event.as_str().to_owned(),
            },
            WebhookFilter {
                kind: "BASE_REF",
                pattern: format!("^refs/heads/{}$", regex::escape(&hook.base_branch)),
            },
        ]],
    })
}

/// CodePipeline CreatePipeline (UpdatePipeline takes its `pipeline`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreatePipeline {
    pub pipeline: PipelineDeclaration,
    pub tags: Vec<LowerTag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PipelineDeclaration {
    pub name: String,
    pub role_arn: String,
    pub artifact_store: ArtifactStore,
    pub stages: Vec<Stage>,
    pub version: i32,
    pub pipeline_type: &'static str,
    pub execution_mode: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArtifactStore {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub location: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stage {
    pub name: String,
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    pub name: String,
    pub action_type_id: ActionTypeId,
    pub run_order: i32,
    pub configuration: BTreeMap<String, String>,
    pub input_artifacts: Vec<Artifact>,
    pub output_artifacts: Vec<Artifact>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionTypeId {
    pub category: &'static str,
    pub owner: &'static str,
    pub provider: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Artifact {
    pub name: String,
}

fn artifacts(names: &[&str]) -> Vec<Artifact> {
    names
        .iter()
        .map(|n| Artifact {
            name: (*n).to_owned(),
        })
        .collect()
}

fn action(
    name: &str,
    (category, provider): (&'static str, &'static str),
    configuration: &[(&str, &str)],
    inputs: &[&str],
    outputs: &[&str],
) -> Action {
    Action {
        name: name.to_owned(),
        action_type_id: ActionTypeId {
            category,
            owner: "AWS",
            provider,
            version: "1",
        },
        run_order: 1,
        configuration: configuration
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        input_artifacts: artifacts(inputs),
        output_artifacts: artifacts(outputs),
    }
}

/// The manual approval's stage and action (before Deploy).
pub const APPROVAL_STAGE: &str = "Approval";
pub const APPROVAL_ACTION: &str = "Approve";

/// CodePipeline CreatePipeline / UpdatePipeline input.
pub fn pipeline(plan: &Plan, n: &Names, connection_arn: &str) -> CreatePipeline {
    let p = &plan.pipeline;
    let s = &plan.source;
    let b = &plan.build;
    let output_format = match s.output_format {
        SourceOutputFormat::CodeZip => "CODE_ZIP",
        SourceOutputFormat::CodebuildCloneRef => "CODEBUILD_CLONE_REF",
    };
    let mut stages = vec![
        Stage {
            name: "Source".into(),
            actions: vec![action(
                "Source",
                ("Source", "CodeStarSourceConnection"),
                &[
                    ("ConnectionArn", connection_arn),
                    ("FullRepositoryId", &s.repository),
                    ("BranchName", &s.branch),
                    (
                        "DetectChanges",
                        if s.detect_changes { "true" } else { "false" },
                    ),
                    ("OutputArtifactFormat", output_format),
                ],
                &[],
                &[SOURCE_ARTIFACT],
            )],
        },
        Stage {
            name: "Build".into(),
            actions: vec![action(
                &b.action_name,
                ("Build", "CodeBuild"),
                &[("ProjectName", &b.project)],
                &[SOURCE_ARTIFACT],
                &[&b.output_artifact],
            )],
        },
    ];
    if let DeploySettings::Ecs {
        cluster,
        service,
        file_name,
    } = &plan.deploy
    {
        if let Some(a) = &p.approval {
            let mut config: Vec<(&str, &str)> = Vec::new();
            if let Some(topic) = &a.sns_topic_arn {
                config.push(("NotificationArn", topic));
            }
            if let Some(url) = &a.review_url {
                config.push(("ExternalEntityLink", url));
            }
            if let Some(text) = &a.comments {
                config.push(("CustomData", text));
            }
            stages.push(Stage {
                name: APPROVAL_STAGE.into(),
                actions: vec![action(
                    APPROVAL_ACTION,
                    ("Approval", "Manual"),
                    &config,
                    &[],
                    &[],
                )],
            });
        }
        stages.push(Stage {
            name: "Deploy".into(),
            actions: vec![action(
                "Deploy",
                ("Deploy", "ECS"),
                &[
                    ("ClusterName", cluster),
                    ("ServiceName", service),
                    ("FileName", file_name),
                ],
                &[&b.output_artifact],
                &[],
            )],
        });
    }
    CreatePipeline {
        pipeline: PipelineDeclaration {
            name: p.name.clone(),
            role_arn: n.pipeline_role_arn.clone(),
            artifact_store: ArtifactStore {
                kind: "S3",
                location: n.bucket.clone(),
            },
            stages,
            version: 1,
            pipeline_type: match p.pipeline_type {
                crate::plan::PipelineType::V1 => "V1",
                crate::plan::PipelineType::V2 => "V2",
            },
            execution_mode: match p.execution_mode {
                crate::plan::ExecutionMode::Superseded => "SUPERSEDED",
                crate::plan::ExecutionMode::Queued => "QUEUED",
                crate::plan::ExecutionMode::Parallel => "PARALLEL",
            },
        },
        tags: vec![created_by_lower()],
    }
}

/// The connection ARN the pipeline will use, as known before apply (a placeholder for a connection
/// still to be created).
pub fn connection_arn_for_review(plan: &Plan, existing: Option<&str>) -> String {
    match (&plan.source.connection, existing) {
        (ConnectionChoice::Existing { arn }, _) => arn.clone(),
        (_, Some(arn)) => arn.to_owned(),
        (ConnectionChoice::Create { name }, None) => format!("<ARN of the new connection {name}>"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_pipeline_has_source_build_deploy() {
        let plan = Plan::reference();
        let n = Names::new(&plan, "123456789012", "eu-west-2");
        assert_eq!(
            n.bucket,
            format!(
                "codepipeline-eu-west-2-123456789012-{}",
                plan.pipeline.artifact_bucket_suffix.as_deref().unwrap()
            )
        );
        assert_eq!(
            n.codebuild_role_arn,
            "arn:aws:iam::123456789012:role/codebuild-cruddur-backend-flask-bake-image-service-role"
        );
        let req = serde_json::to_value(pipeline(&plan, &n, "arn:conn")).unwrap();
        let stages = req["pipeline"]["stages"].as_array().unwrap();
        let names: Vec<&str> = stages.iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Source", "Build", "Deploy"]);
        let src = &stages[0]["actions"][0]["configuration"];
        assert_eq!(src["BranchName"], "prod");
        assert_eq!(src["DetectChanges"], "true");
        assert_eq!(src["ConnectionArn"], "arn:conn");
        let build = &stages[1]["actions"][0];
        assert_eq!(build["name"], "bake");
        assert_eq!(build["outputArtifacts"][0]["name"], "ImageDefinition");
        let deploy = &stages[2]["actions"][0]["configuration"];
        assert_eq!(deploy["FileName"], "imagedefinitions.json");
        assert_eq!(req["pipeline"]["pipelineType"], "V2");
        // No approval: the role may publish to no topic.
        let policy = pipeline_policy(&plan, &n, "arn:conn").to_string();
        assert!(!policy.contains("sns:"), "{policy}");
    }

    #[test]
    fn an_approval_stage_comes_before_deploy_and_its_topic_is_all_the_role_may_publish_to() {
        let mut plan = Plan::reference();
        let topic = "arn:aws:sns:eu-west-2:123456789012:prod-approvals";
        plan.pipeline.approval = Some(crate::plan::ApprovalSettings {
            sns_topic_arn: Some(topic.into()),
            review_url: Some("https://staging.example.com".into()),
            comments: None,
        });
        let n = Names::new(&plan, "123456789012", "eu-west-2");
        let req = serde_json::to_value(pipeline(&plan, &n, "arn:conn")).unwrap();
        let stages = req["pipeline"]["stages"].as_array().unwrap();
        let names: Vec<&str> = stages.iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Source", "Build", "Approval", "Deploy"]);
        let approve = &stages[2]["actions"][0];
        assert_eq!(approve["name"], "Approve");
        assert_eq!(approve["actionTypeId"]["category"], "Approval");
        assert_eq!(approve["actionTypeId"]["provider"], "Manual");
        assert_eq!(
            approve["configuration"],
            serde_json::json!({"NotificationArn": topic, "ExternalEntityLink": "https://staging.example.com"})
        );
        assert_eq!(approve["inputArtifacts"], serde_json::json!([]));
        let policy = pipeline_policy(&plan, &n, "arn:conn");
        let sns: Vec<&serde_json::Value> = policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s.to_string().contains("sns:"))
            .collect();
        assert_eq!(sns.len(), 1);
        assert_eq!(sns[0]["Action"], "sns:Publish");
        assert_eq!(sns[0]["Resource"], topic);
    }

    #[test]
    fn webhook_matches_the_branch_exactly() {
        let mut plan = Plan::reference();
        plan.build.webhook.as_mut().unwrap().base_branch = "release.1".into();
        let hook = serde_json::to_value(webhook(&plan).unwrap()).unwrap();
        assert_eq!(hook["filterGroups"][0][0]["pattern"], "PULL_REQUEST_MERGED");
        assert_eq!(
            hook["filterGroups"][0][1]["pattern"],
            "^refs/heads/release\\.1$"
        );
    }

    #[test]
    fn bucket_outside_us_east_1_gets_a_location() {
        let plan = Plan::reference();
        let json =
            |region| serde_json::to_value(create_bucket(&Names::new(&plan, "1", region))).unwrap();
        assert!(json("us-east-1").get("CreateBucketConfiguration").is_none());
        assert_eq!(
            json("eu-west-2")["CreateBucketConfiguration"]["LocationConstraint"],
            "eu-west-2"
        );
    }
}
