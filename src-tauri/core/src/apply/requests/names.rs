//! The names and ARNs a plan implies in one account and region: the artifact bucket, the roles,
//! the project, the ECR repository, the pipeline and its notification rule.

use crate::plan::Plan;
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
