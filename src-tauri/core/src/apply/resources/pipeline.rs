//! The pipeline: Source → Build → Deploy. Reuse it when it matches the plan, update it
//! (journaling AWS's JSON of the declaration as it was), or create it; delete it or put it back on
//! undo.

use aws_sdk_codepipeline::operation::create_pipeline::builders::CreatePipelineFluentBuilder;
use aws_sdk_codepipeline::types as cp;
use serde_json::{json, Value};

use super::super::ctx::{console, AwsCtx};
use super::super::engine::{with_role_retry, Done, Run};
use super::super::raw::CaptureBody;
use super::super::requests::{
    self, Action, ActionTypeId, Artifact, ArtifactStore, CreatePipeline, PipelineDeclaration, Stage,
};
use super::super::types::*;
use super::GONE;
use crate::aws::{map_sdk_error, or_not_found};
use crate::{Error, Result};

fn built<T, E: std::fmt::Display>(r: std::result::Result<T, E>) -> Result<T> {
    r.map_err(|e| Error::internal(format!("building a CodePipeline request: {e}")))
}

fn artifact_names(list: Vec<Artifact>) -> impl Iterator<Item = String> {
    list.into_iter().map(|Artifact { name }| name)
}

fn action(a: Action) -> Result<cp::ActionDeclaration> {
    let Action {
        name,
        action_type_id:
            ActionTypeId {
                category,
                owner,
                provider,
                version,
            },
        run_order,
        configuration,
        input_artifacts,
        output_artifacts,
    } = a;
    built(
        cp::ActionDeclaration::builder()
            .name(name)
            .action_type_id(built(
                cp::ActionTypeId::builder()
                    .category(cp::ActionCategory::from(category))
                    .owner(cp::ActionOwner::from(owner))
                    .provider(provider)
                    .version(version)
                    .build(),
            )?)
            .run_order(run_order)
            .set_configuration(Some(configuration.into_iter().collect()))
            .set_input_artifacts(Some(
                artifact_names(input_artifacts)
                    .map(|n| built(cp::InputArtifact::builder().name(n).build()))
                    .collect::<Result<_>>()?,
            ))
            .set_output_artifacts(Some(
                artifact_names(output_artifacts)
                    .map(|n| built(cp::OutputArtifact::builder().name(n).build()))
                    .collect::<Result<_>>()?,
            ))
            .build(),
    )
}

/// The SDK declaration of a [`PipelineDeclaration`], every field set.
fn declaration(d: PipelineDeclaration) -> Result<cp::PipelineDeclaration> {
    let PipelineDeclaration {
        name,
        role_arn,
        artifact_store: ArtifactStore { kind, location },
        stages,
        version,
        pipeline_type,
        execution_mode,
    } = d;
    let stages = stages
        .into_iter()
        .map(|Stage { name, actions }| {
            built(
                cp::StageDeclaration::builder()
                    .name(name)
                    .set_actions(Some(
                        actions.into_iter().map(action).collect::<Result<_>>()?,
                    ))
                    .build(),
            )
        })
        .collect::<Result<Vec<_>>>()?;
    built(
        cp::PipelineDeclaration::builder()
            .name(name)
            .role_arn(role_arn)
            .artifact_store(built(
                cp::ArtifactStore::builder()
                    .r#type(cp::ArtifactStoreType::from(kind))
                    .location(location)
                    .build(),
            )?)
            .set_stages(Some(stages))
            .version(version)
            .pipeline_type(cp::PipelineType::from(pipeline_type))
            .execution_mode(cp::ExecutionMode::from(execution_mode))
            .build(),
    )
}

/// The SDK call of CreatePipeline for a [`CreatePipeline`], every field set.
fn create(
    client: &aws_sdk_codepipeline::Client,
    req: CreatePipeline,
) -> Result<CreatePipelineFluentBuilder> {
    let CreatePipeline { pipeline, tags } = req;
    let tags = sdk_tags!(cp::Tag, tags)?;
    Ok(client
        .create_pipeline()
        .pipeline(declaration(pipeline)?)
        .set_tags(Some(tags)))
}

/// What apply compares of a declaration: the parts the plan sets.
fn comparable(d: &PipelineDeclaration) -> Value {
    let stages: Vec<Value> = d
        .stages
        .iter()
        .map(|st| {
            let actions: Vec<Value> = st
                .actions
                .iter()
                .map(|a| {
                    json!({
                        "name": a.name,
                        "actionTypeId": a.action_type_id,
                        "configuration": a.configuration,
                        "inputArtifacts": a.input_artifacts,
                        "outputArtifacts": a.output_artifacts,
                    })
                })
                .collect();
            json!({"name": st.name, "actions": actions})
        })
        .collect();
    json!({
        "roleArn": d.role_arn,
        "artifactStore": d.artifact_store.location,
        "stages": stages,
        "pipelineType": d.pipeline_type,
        "executionMode": d.execution_mode,
    })
}

/// The same parts of a declaration read from AWS.
fn comparable_current(d: &cp::PipelineDeclaration) -> Value {
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
                    json!({
                        "name": a.name(),
                        "actionTypeId": t.map(|t| json!({
                            "category": t.category().as_str(), "owner": t.owner().as_str(),
                            "provider": t.provider(), "version": t.version()})),
                        "configuration": config,
                        "inputArtifacts": a.input_artifacts().iter().map(|i| json!({"name": i.name()})).collect::<Vec<_>>(),
                        "outputArtifacts": a.output_artifacts().iter().map(|o| json!({"name": o.name()})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({"name": st.name(), "actions": actions})
        })
        .collect();
    json!({
        "roleArn": d.role_arn(),
        "artifactStore": d.artifact_store().map(|s| s.location()),
        "stages": stages,
        "pipelineType": d.pipeline_type().map(|t| t.as_str()),
        "executionMode": d.execution_mode().map(|m| m.as_str()),
    })
}

impl Run<'_> {
    pub(in crate::apply) async fn pipeline(&self) -> Result<Done> {
        let client = self.ctx.codepipeline();
        let name = &self.plan.pipeline.name;
        let url = console::pipeline(&self.ctx.region, name);
        let req = requests::pipeline(self.plan, &self.names, &self.connection_arn());
        let wanted = comparable(&req.pipeline);
        let done = |outcome| Done {
            outcome,
            name: name.clone(),
            arn: Some(self.names.pipeline_arn.clone()),
            console_url: Some(url.clone()),
            message: String::new(),
        };
        let raw = CaptureBody::default();
        match client
            .get_pipeline()
            .name(name)
            .customize()
            .interceptor(raw.clone())
            .send()
            .await
        {
            Ok(current) => {
                let current = current.pipeline().cloned();
                let same = current
                    .as_ref()
                    .is_some_and(|c| comparable_current(c) == wanted);
                if same {
                    return Ok(done(StepStatus::Reused));
                }
                let previous = raw
                    .json()
                    .and_then(|v| v.get("pipeline").cloned())
                    .ok_or_else(|| Error::internal("GetPipeline returned no pipeline JSON"))?;
                self.journal.intend_change(
                    StepId::Pipeline,
                    name,
                    Change::Pipeline {
                        name: name.clone(),
                        previous: previous.to_string(),
                    },
                )?;
                let mut update = declaration(req.pipeline.clone())?;
                update.version = current.and_then(|c| c.version);
                let update = &update;
                with_role_retry(|| async {
                    client
                        .update_pipeline()
                        .pipeline(update.clone())
                        .send()
                        .await
                        .map_err(|e| map_sdk_error("UpdatePipeline", e))
                })
                .await?;
                self.journal.change_done(StepId::Pipeline)?;
                Ok(done(StepStatus::Updated))
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_pipeline_not_found_exception()) =>
            {
                self.journal.intend(
                    StepId::Pipeline,
                    name,
                    Some(&self.names.pipeline_arn),
                    Some(url.clone()),
                )?;
                with_role_retry(|| async {
                    create(&client, req.clone())?
                        .send()
                        .await
                        .map_err(|e| map_sdk_error("CreatePipeline", e))
                })
                .await?;
                self.journal.outcome(
                    StepId::Pipeline,
                    name,
                    Some(&self.names.pipeline_arn),
                    StepStatus::Created,
                    Some(url.clone()),
                )?;
                Ok(done(StepStatus::Created))
            }
            Err(e) => Err(map_sdk_error("GetPipeline", e)),
        }
    }
}

/// Deletes a pipeline this receipt created.
pub(in crate::apply) async fn delete(ctx: &AwsCtx, name: &str) -> Result<String> {
    let client = ctx.codepipeline();
    let found = client.get_pipeline().name(name).send().await;
    if or_not_found("GetPipeline", found, |e| {
        e.is_pipeline_not_found_exception()
    })?
    .is_none()
    {
        return Ok(GONE.into());
    }
    client
        .delete_pipeline()
        .name(name)
        .send()
        .await
        .map_err(|e| map_sdk_error("DeletePipeline", e))?;
    Ok(format!("deleted {name}"))
}

/// Puts a pipeline back as GetPipeline returned it before this receipt's update.
pub(in crate::apply) async fn restore(ctx: &AwsCtx, name: &str, previous: &str) -> Result<()> {
    let mut declaration = super::parse(previous)?;
    let client = ctx.codepipeline();
    let raw = CaptureBody::default();
    let current = client
        .get_pipeline()
        .name(name)
        .customize()
        .interceptor(raw.clone())
        .send()
        .await;
    let Some(_) = or_not_found("GetPipeline", current, |e| {
        e.is_pipeline_not_found_exception()
    })?
    else {
        return Ok(());
    };
    // UpdatePipeline wants the current version; everything else is the old declaration.
    declaration["version"] = raw
        .json()
        .map(|v| v["pipeline"]["version"].clone())
        .unwrap_or(json!(1));
    let body = json!({ "pipeline": declaration });
    // The SDK wants a declaration; the body sent is the one above.
    let placeholder = cp::PipelineDeclaration::builder()
        .name(name)
        .role_arn("placeholder")
        .set_stages(Some(Vec::new()))
        .build()
        .map_err(Error::internal)?;
    send_with_body!(client.update_pipeline().pipeline(placeholder), body)
        .map_err(|e| map_sdk_error("UpdatePipeline", e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::requests::Names;
    use crate::plan::Plan;

    #[test]
    fn the_declaration_sent_is_the_one_review_shows() {
        let plan = Plan::reference();
        let names = Names::new(&plan, "123456789012", "us-east-1");
        let req = requests::pipeline(
            &plan,
            &names,
            "arn:aws:codestar-connections:us-east-1:123456789012:connection/x",
        );
        let sent = declaration(req.pipeline.clone()).unwrap();
        assert_eq!(comparable_current(&sent), comparable(&req.pipeline));
        assert_eq!(sent.version(), Some(1));
        let client = aws_sdk_codepipeline::Client::from_conf(
            aws_sdk_codepipeline::Config::builder()
                .behavior_version(aws_sdk_codepipeline::config::BehaviorVersion::latest())
                .build(),
        );
        let call = create(&client, req).unwrap();
        let tags = call.get_tags().clone().unwrap();
        assert_eq!(
            (tags[0].key(), tags[0].value()),
            ("created-by", "pipewright")
        );
        assert_eq!(call.get_pipeline().as_ref(), Some(&sent));
    }
}
