//! Reads the JSON requests of [`super::requests`] back into aws-sdk input types, so the SDK sends
//! exactly what the review page showed.

use aws_sdk_codebuild::types as cb;
use aws_sdk_codepipeline::types as cp;
use serde_json::Value;

use crate::{Error, Result};

fn s(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn built<T, E: std::fmt::Display>(r: std::result::Result<T, E>) -> Result<T> {
    r.map_err(|e| Error::internal(format!("building an AWS request: {e}")))
}

pub struct ProjectInput {
    pub name: String,
    pub description: String,
    pub source: cb::ProjectSource,
    pub source_version: String,
    pub artifacts: cb::ProjectArtifacts,
    pub environment: cb::ProjectEnvironment,
    pub service_role: String,
    pub timeout: i32,
    pub badge: bool,
    pub logs: cb::LogsConfig,
    pub concurrent_build_limit: Option<i32>,
    pub tags: Vec<cb::Tag>,
}

pub fn project(req: &Value) -> Result<ProjectInput> {
    let src = &req["source"];
    let auth = &src["auth"];
    let source = built(
        cb::ProjectSource::builder()
            .r#type(cb::SourceType::from(s(src, "type").as_str()))
            .location(s(src, "location"))
            .buildspec(s(src, "buildspec"))
            .report_build_status(src["reportBuildStatus"].as_bool().unwrap_or(false))
            .auth(built(
                cb::SourceAuth::builder()
                    .r#type(cb::SourceAuthType::from(s(auth, "type").as_str()))
                    .resource(s(auth, "resource"))
                    .build(),
            )?)
            .build(),
    )?;
    let env = &req["environment"];
    let vars = env["environmentVariables"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            built(
                cb::EnvironmentVariable::builder()
                    .name(s(v, "name"))
                    .value(s(v, "value"))
                    .r#type(cb::EnvironmentVariableType::from(s(v, "type").as_str()))
                    .build(),
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let environment = built(
        cb::ProjectEnvironment::builder()
            .r#type(cb::EnvironmentType::from(s(env, "type").as_str()))
            .image(s(env, "image"))
            .compute_type(cb::ComputeType::from(s(env, "computeType").as_str()))
            .privileged_mode(env["privilegedMode"].as_bool().unwrap_or(false))
            .image_pull_credentials_type(cb::ImagePullCredentialsType::Codebuild)
            .set_environment_variables(Some(vars))
            .build(),
    )?;
    let tags = req["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            cb::Tag::builder()
                .key(s(t, "key"))
                .value(s(t, "value"))
                .build()
        })
        .collect();
    Ok(ProjectInput {
        name: s(req, "name"),
        description: s(req, "description"),
        source,
        source_version: s(req, "sourceVersion"),
        artifacts: built(
            cb::ProjectArtifacts::builder()
                .r#type(cb::ArtifactsType::from(
                    s(&req["artifacts"], "type").as_str(),
                ))
                .build(),
        )?,
        environment,
        service_role: s(req, "serviceRole"),
        timeout: req["timeoutInMinutes"].as_i64().unwrap_or(60) as i32,
        badge: req["badgeEnabled"].as_bool().unwrap_or(false),
        logs: cb::LogsConfig::builder()
            .cloud_watch_logs(built(
                cb::CloudWatchLogsConfig::builder()
                    .status(cb::LogsConfigStatusType::Enabled)
                    .build(),
            )?)
            .build(),
        concurrent_build_limit: req["concurrentBuildLimit"].as_i64().map(|n| n as i32),
        tags,
    })
}

pub fn filter_groups(req: &Value) -> Result<Vec<Vec<cb::WebhookFilter>>> {
    req["filterGroups"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|group| {
            group
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| {
                    built(
                        cb::WebhookFilter::builder()
                            .r#type(cb::WebhookFilterType::from(s(f, "type").as_str()))
                            .pattern(s(f, "pattern"))
                            .build(),
                    )
                })
                .collect()
        })
        .collect()
}

fn artifacts(v: &Value) -> Result<Vec<cp::OutputArtifact>> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|a| built(cp::OutputArtifact::builder().name(s(a, "name")).build()))
        .collect()
}

fn input_artifacts(v: &Value) -> Result<Vec<cp::InputArtifact>> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|a| built(cp::InputArtifact::builder().name(s(a, "name")).build()))
        .collect()
}

/// The `pipeline` member of a CreatePipeline request.
pub fn pipeline(p: &Value) -> Result<cp::PipelineDeclaration> {
    let mut stages = Vec::new();
    for stage in p["stages"].as_array().into_iter().flatten() {
        let mut actions = Vec::new();
        for a in stage["actions"].as_array().into_iter().flatten() {
            let t = &a["actionTypeId"];
            let configuration = a["configuration"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect();
            actions.push(built(
                cp::ActionDeclaration::builder()
                    .name(s(a, "name"))
                    .action_type_id(built(
                        cp::ActionTypeId::builder()
                            .category(cp::ActionCategory::from(s(t, "category").as_str()))
                            .owner(cp::ActionOwner::from(s(t, "owner").as_str()))
                            .provider(s(t, "provider"))
                            .version(s(t, "version"))
                            .build(),
                    )?)
                    .run_order(a["runOrder"].as_i64().unwrap_or(1) as i32)
                    .set_configuration(Some(configuration))
                    .set_input_artifacts(Some(input_artifacts(&a["inputArtifacts"])?))
                    .set_output_artifacts(Some(artifacts(&a["outputArtifacts"])?))
                    .build(),
            )?);
        }
        stages.push(built(
            cp::StageDeclaration::builder()
                .name(s(stage, "name"))
                .set_actions(Some(actions))
                .build(),
        )?);
    }
    let store = &p["artifactStore"];
    built(
        cp::PipelineDeclaration::builder()
            .name(s(p, "name"))
            .role_arn(s(p, "roleArn"))
            .artifact_store(built(
                cp::ArtifactStore::builder()
                    .r#type(cp::ArtifactStoreType::S3)
                    .location(s(store, "location"))
                    .build(),
            )?)
            .set_stages(Some(stages))
            .version(p["version"].as_i64().unwrap_or(1) as i32)
            .pipeline_type(cp::PipelineType::from(s(p, "pipelineType").as_str()))
            .execution_mode(cp::ExecutionMode::from(s(p, "executionMode").as_str()))
            .build(),
    )
}

/// A declaration read from AWS, in the same JSON shape as our request (for comparison).
pub fn pipeline_json(d: &cp::PipelineDeclaration) -> Value {
    let stages: Vec<Value> = d
        .stages()
        .iter()
        .map(|st| {
            let actions: Vec<Value> = st
                .actions()
                .iter()
                .map(|a| {
                    let t = a.action_type_id();
                    let config: serde_json::Map<String, Value> = a
                        .configuration()
                        .map(|c| {
                            c.iter()
                                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                                .collect()
                        })
                        .unwrap_or_default();
                    serde_json::json!({
                        "name": a.name(),
                        "actionTypeId": t.map(|t| serde_json::json!({
                            "category": t.category().as_str(), "owner": t.owner().as_str(),
                            "provider": t.provider(), "version": t.version()})),
                        "configuration": config,
                        "inputArtifacts": a.input_artifacts().iter().map(|i| serde_json::json!({"name": i.name()})).collect::<Vec<_>>(),
                        "outputArtifacts": a.output_artifacts().iter().map(|o| serde_json::json!({"name": o.name()})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            serde_json::json!({"name": st.name(), "actions": actions})
        })
        .collect();
    serde_json::json!({
        "roleArn": d.role_arn(),
        "artifactStore": d.artifact_store().map(|s| s.location()),
        "stages": stages,
        "pipelineType": d.pipeline_type().map(|t| t.as_str()),
        "executionMode": d.execution_mode().map(|m| m.as_str()),
    })
}

/// Our request's pipeline in the comparable subset of [`pipeline_json`].
pub fn comparable(p: &Value) -> Value {
    let stages: Vec<Value> = p["stages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|st| {
            let actions: Vec<Value> = st["actions"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| {
                    serde_json::json!({
                        "name": a["name"],
                        "actionTypeId": a["actionTypeId"],
                        "configuration": a["configuration"],
                        "inputArtifacts": a["inputArtifacts"],
                        "outputArtifacts": a["outputArtifacts"],
                    })
                })
                .collect();
            serde_json::json!({"name": st["name"], "actions": actions})
        })
        .collect();
    serde_json::json!({
        "roleArn": p["roleArn"],
        "artifactStore": p["artifactStore"]["location"],
        "stages": stages,
        "pipelineType": p["pipelineType"],
        "executionMode": p["executionMode"],
    })
}
