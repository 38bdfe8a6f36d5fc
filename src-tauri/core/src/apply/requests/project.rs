//! The CodeBuild project: CreateProject / UpdateProject.

use serde::Serialize;

use super::{created_by_lower, LowerTag, Names};
use crate::plan::Plan;

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
