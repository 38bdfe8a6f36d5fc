//! The CodeBuild project: reuse it when it matches the plan, update it (journaling AWS's JSON of
//! the project as it was), or create it; delete it or put it back on undo.

use aws_sdk_codebuild::operation::create_project::builders::CreateProjectFluentBuilder;
use aws_sdk_codebuild::operation::update_project::builders::UpdateProjectFluentBuilder;
use aws_sdk_codebuild::types as cb;
use serde_json::json;

use super::super::ctx::{console, AwsCtx};
use super::super::engine::{with_role_retry, Done, Run};
use super::super::raw::CaptureBody;
use super::super::requests::{
    self, CloudWatchLogs, EnvironmentVariable, LogsConfig, LowerTag, Project, ProjectArtifacts,
    ProjectEnvironment, ProjectSource, SourceAuth,
};
use super::super::types::*;
use super::members;
use crate::aws::{map_sdk_error, or_not_found};
use crate::{Error, Result};

fn built<T, E: std::fmt::Display>(r: std::result::Result<T, E>) -> Result<T> {
    r.map_err(|e| Error::internal(format!("building a CodeBuild request: {e}")))
}

fn source(s: ProjectSource) -> Result<cb::ProjectSource> {
    let ProjectSource {
        kind,
        location,
        buildspec,
        report_build_status,
        auth: SourceAuth {
            kind: auth_kind,
            resource,
        },
    } = s;
    built(
        cb::ProjectSource::builder()
            .r#type(cb::SourceType::from(kind))
            .location(location)
            .buildspec(buildspec)
            .report_build_status(report_build_status)
            .auth(built(
                cb::SourceAuth::builder()
                    .r#type(cb::SourceAuthType::from(auth_kind))
                    .resource(resource)
                    .build(),
            )?)
            .build(),
    )
}

fn environment(e: ProjectEnvironment) -> Result<cb::ProjectEnvironment> {
    let ProjectEnvironment {
        kind,
        image,
        compute_type,
        privileged_mode,
        image_pull_credentials_type,
        environment_variables,
    } = e;
    let vars = environment_variables
        .into_iter()
        .map(|EnvironmentVariable { name, value, kind }| {
            built(
                cb::EnvironmentVariable::builder()
                    .name(name)
                    .value(value)
                    .r#type(cb::EnvironmentVariableType::from(kind))
                    .build(),
            )
        })
        .collect::<Result<Vec<_>>>()?;
    built(
        cb::ProjectEnvironment::builder()
            .r#type(cb::EnvironmentType::from(kind))
            .image(image)
            .compute_type(cb::ComputeType::from(compute_type))
            .privileged_mode(privileged_mode)
            .image_pull_credentials_type(cb::ImagePullCredentialsType::from(
                image_pull_credentials_type,
            ))
            .set_environment_variables(Some(vars))
            .build(),
    )
}

fn logs(l: LogsConfig) -> Result<cb::LogsConfig> {
    let LogsConfig {
        cloud_watch_logs: CloudWatchLogs { status },
    } = l;
    Ok(cb::LogsConfig::builder()
        .cloud_watch_logs(built(
            cb::CloudWatchLogsConfig::builder()
                .status(cb::LogsConfigStatusType::from(status))
                .build(),
        )?)
        .build())
}

/// Sets every field of a [`Project`] on a CreateProject or UpdateProject builder; returns the
/// builder and the tags (CreateProject takes them, UpdateProject leaves the project's as they are).
macro_rules! project_fields {
    ($builder:expr, $p:expr) => {{
        let Project {
            name,
            description,
            source: src,
            source_version,
            artifacts: ProjectArtifacts { kind: artifacts },
            environment: env,
            service_role,
            timeout_in_minutes,
            badge_enabled,
            logs_config,
            tags,
            concurrent_build_limit,
        } = $p;
        let builder = $builder
            .name(name)
            .description(description)
            .source(source(src)?)
            .source_version(source_version)
            .artifacts(built(
                cb::ProjectArtifacts::builder()
                    .r#type(cb::ArtifactsType::from(artifacts))
                    .build(),
            )?)
            .environment(environment(env)?)
            .service_role(service_role)
            .timeout_in_minutes(i32::try_from(timeout_in_minutes).map_err(Error::internal)?)
            .badge_enabled(badge_enabled)
            .logs_config(logs(logs_config)?)
            .set_concurrent_build_limit(
                concurrent_build_limit
                    .map(i32::try_from)
                    .transpose()
                    .map_err(Error::internal)?,
            );
        (builder, tags)
    }};
}

fn tags(tags: Vec<LowerTag>) -> Vec<cb::Tag> {
    tags.into_iter()
        .map(|LowerTag { key, value }| cb::Tag::builder().key(key).value(value).build())
        .collect()
}

/// The SDK call of CreateProject for a [`Project`], every field set.
fn create(client: &aws_sdk_codebuild::Client, p: Project) -> Result<CreateProjectFluentBuilder> {
    let (builder, t) = project_fields!(client.create_project(), p);
    Ok(builder.set_tags(Some(tags(t))))
}

/// The SDK call of UpdateProject for a [`Project`], every field but the tags set.
fn update(client: &aws_sdk_codebuild::Client, p: Project) -> Result<UpdateProjectFluentBuilder> {
    let (builder, _tags_stay_as_they_are) = project_fields!(client.update_project(), p);
    Ok(builder)
}

/// Whether the project already is what the plan asks for (then apply leaves it alone).
fn matches(p: &cb::Project, req: &Project) -> bool {
    let env = p.environment();
    let src = p.source();
    let vars: Vec<(&str, &str, &str)> = env
        .map(|e| {
            e.environment_variables()
                .iter()
                .map(|v| {
                    (
                        v.name(),
                        v.value(),
                        v.r#type().map(|t| t.as_str()).unwrap_or("PLAINTEXT"),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let want_vars: Vec<(&str, &str, &str)> = req
        .environment
        .environment_variables
        .iter()
        .map(|v| (v.name.as_str(), v.value.as_str(), v.kind))
        .collect();
    p.description().unwrap_or_default() == req.description
        && src.and_then(|s| s.location()) == Some(req.source.location.as_str())
        && src.and_then(|s| s.buildspec()) == Some(req.source.buildspec.as_str())
        && env.map(|e| e.image()) == Some(req.environment.image.as_str())
        && env.map(|e| e.compute_type().as_str()) == Some(req.environment.compute_type)
        && env.and_then(|e| e.privileged_mode()) == Some(req.environment.privileged_mode)
        && p.service_role() == Some(req.service_role.as_str())
        && p.timeout_in_minutes().map(i64::from) == Some(i64::from(req.timeout_in_minutes))
        && p.badge().map(|b| b.badge_enabled()).unwrap_or(false) == req.badge_enabled
        && p.concurrent_build_limit().map(i64::from) == req.concurrent_build_limit.map(i64::from)
        && vars == want_vars
}

/// The project as CodeBuild has it, and the raw JSON of the answer (what a receipt journals).
pub(super) async fn current(
    cb: &aws_sdk_codebuild::Client,
    name: &str,
) -> Result<(Option<cb::Project>, CaptureBody)> {
    let raw = CaptureBody::default();
    let project = cb
        .batch_get_projects()
        .names(name)
        .customize()
        .interceptor(raw.clone())
        .send()
        .await
        .map_err(|e| map_sdk_error("BatchGetProjects", e))?
        .projects()
        .first()
        .cloned();
    Ok((project, raw))
}

impl Run<'_> {
    pub(in crate::apply) async fn project(&self) -> Result<Done> {
        let cb = self.ctx.codebuild();
        let name = &self.plan.build.project;
        let url = console::project(&self.ctx.region, &self.ctx.account, name);
        let (current, raw) = current(&cb, name).await?;
        let done = |outcome, arn: Option<String>| Done {
            outcome,
            name: name.clone(),
            arn: arn.or_else(|| Some(self.names.project_arn.clone())),
            console_url: Some(url.clone()),
            message: String::new(),
        };
        if !self.plan.build.create {
            return match current {
                Some(p) => Ok(done(StepStatus::Reused, p.arn().map(str::to_owned))),
                None => Err(Error::validation(
                    "build.project",
                    format!("the CodeBuild project {name} does not exist: choose \"new project\" or another project"),
                )),
            };
        }
        let req = requests::project(self.plan, &self.names, &self.connection_arn());
        match current {
            Some(p) if matches(&p, &req) => {
                Ok(done(StepStatus::Reused, p.arn().map(str::to_owned)))
            }
            Some(_) => {
                let previous = raw
                    .json()
                    .and_then(|v| v["projects"].get(0).cloned())
                    .ok_or_else(|| Error::internal("BatchGetProjects returned no project JSON"))?;
                self.journal.intend_change(
                    StepId::CodebuildProject,
                    name,
                    Change::Project {
                        name: name.clone(),
                        previous: previous.to_string(),
                    },
                )?;
                with_role_retry(|| async {
                    update(&cb, req.clone())?
                        .send()
                        .await
                        .map_err(|e| map_sdk_error("UpdateProject", e))
                })
                .await?;
                self.journal.change_done(StepId::CodebuildProject)?;
                Ok(done(StepStatus::Updated, None))
            }
            None => {
                self.journal.intend(
                    StepId::CodebuildProject,
                    name,
                    Some(&self.names.project_arn),
                    Some(url.clone()),
                )?;
                let out = with_role_retry(|| async {
                    create(&cb, req.clone())?
                        .send()
                        .await
                        .map_err(|e| map_sdk_error("CreateProject", e))
                })
                .await?;
                let arn = out.project().and_then(|p| p.arn()).map(str::to_owned);
                self.journal.outcome(
                    StepId::CodebuildProject,
                    name,
                    arn.as_deref().or(Some(&self.names.project_arn)),
                    StepStatus::Created,
                    Some(url.clone()),
                )?;
                Ok(done(StepStatus::Created, arn))
            }
        }
    }
}

/// Deletes a project this receipt created.
pub(in crate::apply) async fn delete(ctx: &AwsCtx, name: &str) -> Result<()> {
    let out = ctx.codebuild().delete_project().name(name).send().await;
    or_not_found("DeleteProject", out, |_| false)?;
    Ok(())
}

/// Puts a project back as BatchGetProjects returned it before this receipt's update (AWS's JSON,
/// the fields UpdateProject sets).
pub(in crate::apply) async fn restore(ctx: &AwsCtx, name: &str, previous: &str) -> Result<()> {
    let p = super::parse(previous)?;

    let body = members(vec![
        ("name", Some(json!(name))),
        (
            "description",
            Some(p.get("description").cloned().unwrap_or(json!(""))),
        ),
        ("source", p.get("source").cloned()),
        // An empty version removes one Pipewright set where there was none.
        (
            "sourceVersion",
            Some(p.get("sourceVersion").cloned().unwrap_or(json!(""))),
        ),
        ("artifacts", p.get("artifacts").cloned()),
        ("environment", p.get("environment").cloned()),
        ("serviceRole", p.get("serviceRole").cloned()),
        ("timeoutInMinutes", p.get("timeoutInMinutes").cloned()),
        (
            "badgeEnabled",
            Some(json!(p["badge"]["badgeEnabled"].as_bool().unwrap_or(false))),
        ),
        ("logsConfig", p.get("logsConfig").cloned()),
        // -1 removes a limit Pipewright set where there was none.
        (
            "concurrentBuildLimit",
            Some(p.get("concurrentBuildLimit").cloned().unwrap_or(json!(-1))),
        ),
    ]);
    let out = send_with_body!(ctx.codebuild().update_project().name(name), body);
    or_not_found("UpdateProject", out, |e| {
        e.is_resource_not_found_exception()
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::requests::Names;
    use crate::plan::{EnvVar, EnvVarType, Plan};

    #[test]
    fn every_field_of_the_request_is_sent() {
        let mut plan = Plan::reference();
        plan.build.concurrent_build_limit = Some(2);
        plan.build.environment_variables = vec![EnvVar {
            name: "DB_PASSWORD".into(),
            value: "/prod/db".into(),
            kind: Some(EnvVarType::ParameterStore),
        }];
        let names = Names::new(&plan, "123456789012", "us-east-1");
        let req = requests::project(&plan, &names, "arn:conn");
        let client = aws_sdk_codebuild::Client::from_conf(
            aws_sdk_codebuild::Config::builder()
                .behavior_version(aws_sdk_codebuild::config::BehaviorVersion::latest())
                .build(),
        );
        let call = create(&client, req.clone()).unwrap();
        // What the SDK would send, read back as a project: it matches the request field by field.
        let env = call.get_environment().clone().unwrap();
        let project = cb::Project::builder()
            .name(call.get_name().clone().unwrap())
            .description(call.get_description().clone().unwrap())
            .set_source(call.get_source().clone())
            .environment(env.clone())
            .service_role(call.get_service_role().clone().unwrap())
            .set_timeout_in_minutes(*call.get_timeout_in_minutes())
            .badge(
                cb::ProjectBadge::builder()
                    .badge_enabled(call.get_badge_enabled().unwrap())
                    .build(),
            )
            .set_concurrent_build_limit(*call.get_concurrent_build_limit())
            .build();
        assert!(matches(&project, &req));
        assert_eq!(
            env.environment_variables()[0].r#type(),
            Some(&cb::EnvironmentVariableType::ParameterStore)
        );
        assert_eq!(
            call.get_source_version().as_deref(),
            Some("refs/heads/prod")
        );
        assert_eq!(call.get_tags().as_ref().map(Vec::len), Some(1));
        let update = update(&client, req).unwrap();
        assert_eq!(update.get_environment().as_ref(), Some(&env));
    }
}
