//! The AWS requests apply sends, built once as JSON in the AWS API's own shape. The review page shows
//! exactly these, and the engine reads them back to build the SDK calls, so what is shown is what is
//! sent.

use serde_json::{json, Value};

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
            bucket,
            bucket_is_default,
            partition,
            account: account.to_owned(),
            region: region.to_owned(),
        }
    }
}

pub fn create_connection(name: &str) -> Value {
    json!({"ProviderType": "GitHub", "ConnectionName": name, "Tags": [{"Key": "created-by", "Value": "pipewright"}]})
}

pub fn create_bucket(n: &Names) -> Value {
    let mut req = json!({"Bucket": n.bucket});
    if n.region != "us-east-1" {
        req["CreateBucketConfiguration"] = json!({"LocationConstraint": n.region});
    }
    req
}

pub fn create_role(name: &str, service: &str, description: &str) -> Value {
    json!({
        "RoleName": name,
        "AssumeRolePolicyDocument": policy::trust_policy(service),
        "Description": description,
        "Tags": [{"Key": "created-by", "Value": "pipewright"}]
    })
}

pub fn put_role_policy(role: &str, policy_name: &str, document: Value) -> Value {
    json!({"RoleName": role, "PolicyName": policy_name, "PolicyDocument": document})
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
    )
}

/// CodeBuild CreateProject / UpdateProject input. The GitHub source authenticates through the same
/// connection as the pipeline.
pub fn project(plan: &Plan, n: &Names, connection_arn: &str) -> Value {
    let b = &plan.build;
    let mut req = json!({
        "name": b.project,
        "description": b.description,
        "source": {
            "type": "GITHUB",
            "location": format!("https://github.com/{}.git", plan.source.repository),
            "buildspec": b.buildspec_path,
            "reportBuildStatus": true,
            "auth": {"type": "CODECONNECTIONS", "resource": connection_arn}
        },
        "sourceVersion": format!("refs/heads/{}", plan.source.branch),
        "artifacts": {"type": "NO_ARTIFACTS"},
        "environment": {
            "type": "LINUX_CONTAINER",
            "image": b.image,
            "computeType": b.compute_type.as_str(),
            "privilegedMode": b.privileged,
            "imagePullCredentialsType": "CODEBUILD",
            "environmentVariables": b.environment_variables.iter()
                .map(|v| json!({"name": v.name, "value": v.value, "type": v.kind().as_str()}))
                .collect::<Vec<_>>()
        },
        "serviceRole": n.codebuild_role_arn,
        "timeoutInMinutes": b.timeout_minutes,
        "badgeEnabled": b.badge,
        "logsConfig": {"cloudWatchLogs": {"status": "ENABLED"}},
        "tags": [{"key": "created-by", "value": "pipewright"}]
    });
    if let Some(limit) = b.concurrent_build_limit {
        req["concurrentBuildLimit"] = json!(limit);
    }
    req
}

/// CodeBuild CreateWebhook / UpdateWebhook input, or None when the plan has no webhook.
pub fn webhook(plan: &Plan) -> Option<Value> {
    let hook = plan.build.webhook.as_ref()?;
    Some(json!({
        "projectName": plan.build.project,
        "buildType": "BUILD",
        "filterGroups": [[
            {"type": "EVENT", "pattern": hook.event.as_str()},
            {"type": "BASE_REF", "pattern": format!("^refs/heads/{}$", regex::escape(&hook.base_branch))}
        ]]
    }))
}

/// CodePipeline CreatePipeline / UpdatePipeline input.
pub fn pipeline(plan: &Plan, n: &Names, connection_arn: &str) -> Value {
    let p = &plan.pipeline;
    let s = &plan.source;
    let b = &plan.build;
    let mut stages = vec![
        json!({
            "name": "Source",
            "actions": [{
                "name": "Source",
                "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "CodeStarSourceConnection", "version": "1"},
                "runOrder": 1,
                "configuration": {
                    "ConnectionArn": connection_arn,
                    "FullRepositoryId": s.repository,
                    "BranchName": s.branch,
                    "DetectChanges": if s.detect_changes { "true" } else { "false" },
                    "OutputArtifactFormat": match s.output_format {
                        SourceOutputFormat::CodeZip => "CODE_ZIP",
                        SourceOutputFormat::CodebuildCloneRef => "CODEBUILD_CLONE_REF",
                    }
                },
                "outputArtifacts": [{"name": SOURCE_ARTIFACT}],
                "inputArtifacts": []
            }]
        }),
        json!({
            "name": "Build",
            "actions": [{
                "name": b.action_name,
                "actionTypeId": {"category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"},
                "runOrder": 1,
                "configuration": {"ProjectName": b.project},
                "inputArtifacts": [{"name": SOURCE_ARTIFACT}],
                "outputArtifacts": [{"name": b.output_artifact}]
            }]
        }),
    ];
    if let DeploySettings::Ecs {
        cluster,
        service,
        file_name,
    } = &plan.deploy
    {
        stages.push(json!({
            "name": "Deploy",
            "actions": [{
                "name": "Deploy",
                "actionTypeId": {"category": "Deploy", "owner": "AWS", "provider": "ECS", "version": "1"},
                "runOrder": 1,
                "configuration": {"ClusterName": cluster, "ServiceName": service, "FileName": file_name},
                "inputArtifacts": [{"name": b.output_artifact}],
                "outputArtifacts": []
            }]
        }));
    }
    json!({
        "pipeline": {
            "name": p.name,
            "roleArn": n.pipeline_role_arn,
            "artifactStore": {"type": "S3", "location": n.bucket},
            "stages": stages,
            "version": 1,
            "pipelineType": match p.pipeline_type {
                crate::plan::PipelineType::V1 => "V1",
                crate::plan::PipelineType::V2 => "V2",
            },
            "executionMode": match p.execution_mode {
                crate::plan::ExecutionMode::Superseded => "SUPERSEDED",
                crate::plan::ExecutionMode::Queued => "QUEUED",
                crate::plan::ExecutionMode::Parallel => "PARALLEL",
            }
        },
        "tags": [{"key": "created-by", "value": "pipewright"}]
    })
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
        let req = pipeline(&plan, &n, "arn:conn");
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
    }

    #[test]
    fn webhook_matches_the_branch_exactly() {
        let mut plan = Plan::reference();
        plan.build.webhook.as_mut().unwrap().base_branch = "release.1".into();
        let hook = webhook(&plan).unwrap();
        assert_eq!(hook["filterGroups"][0][0]["pattern"], "PULL_REQUEST_MERGED");
        assert_eq!(
            hook["filterGroups"][0][1]["pattern"],
            "^refs/heads/release\\.1$"
        );
    }

    #[test]
    fn bucket_outside_us_east_1_gets_a_location() {
        let plan = Plan::reference();
        assert!(create_bucket(&Names::new(&plan, "1", "us-east-1"))
            .get("CreateBucketConfiguration")
            .is_none());
        assert_eq!(
            create_bucket(&Names::new(&plan, "1", "eu-west-2"))["CreateBucketConfiguration"]
                ["LocationConstraint"],
            "eu-west-2"
        );
    }
}
