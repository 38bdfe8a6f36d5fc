//! The pipeline: CodePipeline CreatePipeline / UpdatePipeline, its Source, Build, optional
//! Approval and Deploy stages.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{created_by_lower, LowerTag, Names};
use crate::plan::{DeploySettings, Plan, SourceOutputFormat};

pub const SOURCE_ARTIFACT: &str = "SourceArtifact";

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
