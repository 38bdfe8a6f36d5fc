//! Apply, rollback and tear-down.
//!
//! Every step runs as soon as the steps it depends on have finished (independent steps run
//! concurrently). A step reuses what exists, updates what differs, and creates what is missing; each
//! creation is journaled the moment it happens, so a rollback deletes exactly what this run created.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::watch;

use super::ctx::{console, AwsCtx};
use super::requests::{self, Names};
use super::sdk;
use super::types::*;
use crate::aws::{map_sdk_error, or_not_found};
use crate::plan::{self, ConnectionChoice, Plan, RoleChoice};
use crate::{AppError, Error, Result};

#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// How long to wait for a PENDING GitHub connection to become AVAILABLE.
    pub connection_timeout: Duration,
    pub poll_interval: Duration,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self {
            connection_timeout: Duration::from_secs(15 * 60),
            poll_interval: Duration::from_secs(3),
        }
    }
}

/// What [`Run::put_policy_if_changed`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PolicyWrite {
    Created,
    Updated,
    Unchanged,
}

pub type Sink<'a> = &'a (dyn Fn(ApplyEvent) + Send + Sync);

struct Done {
    outcome: StepStatus,
    name: String,
    arn: Option<String>,
    console_url: Option<String>,
    message: String,
}

struct Run<'a> {
    ctx: &'a AwsCtx,
    plan: &'a Plan,
    names: Names,
    opts: &'a ApplyOptions,
    sink: Sink<'a>,
    journal: Mutex<Vec<ReceiptResource>>,
    connection_arn: Mutex<Option<String>>,
}

fn event(step: StepId, status: StepStatus, message: impl Into<String>) -> ApplyEvent {
    ApplyEvent {
        step,
        status,
        message: message.into(),
        arn: None,
        console_url: None,
        error: None,
    }
}

pub(crate) fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Whether an error is IAM's eventual consistency (a role just created is not yet assumable).
fn is_role_propagation(e: &Error) -> bool {
    let m = e.message();
    m.contains("not authorized to perform: sts:AssumeRole")
        || m.contains("not authorized to perform AssumeRole")
        || m.contains("cannot be assumed")
}

/// Retries `f` while IAM has not propagated a new role (real AWS takes a few seconds).
async fn with_role_retry<T, F, Fut>(mut f: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let mut delay = Duration::from_secs(1);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match f().await {
            Err(e) if is_role_propagation(&e) && Instant::now() + delay < deadline => {
                tracing::info!("waiting for IAM to propagate a new role: {}", e.message());
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(8));
            }
            other => return other,
        }
    }
}

/// Sets the fields CreateProject and UpdateProject share (from [`sdk::ProjectInput`]) on either builder.
macro_rules! project_fields {
    ($builder:expr, $i:expr) => {
        $builder
            .name(&$i.name)
            .description(&$i.description)
            .source($i.source.clone())
            .source_version(&$i.source_version)
            .artifacts($i.artifacts.clone())
            .environment($i.environment.clone())
            .service_role(&$i.service_role)
            .timeout_in_minutes($i.timeout)
            .badge_enabled($i.badge)
            .logs_config($i.logs.clone())
            .set_concurrent_build_limit($i.concurrent_build_limit)
    };
}

/// Percent-decodes IAM's policy documents (GetRolePolicy returns them URL-encoded).
fn decode_policy(doc: &str) -> Option<Value> {
    serde_json::from_str(doc).ok().or_else(|| {
        let decoded = percent_encoding::percent_decode_str(doc)
            .decode_utf8()
            .ok()?;
        serde_json::from_str(&decoded).ok()
    })
}

impl<'a> Run<'a> {
    fn emit(&self, e: ApplyEvent) {
        (self.sink)(e);
    }

    fn journal(
        &self,
        step: StepId,
        name: &str,
        arn: Option<&str>,
        outcome: StepStatus,
        url: Option<String>,
    ) {
        let mut j = self.journal.lock().unwrap();
        if let Some(r) = j.iter_mut().find(|r| r.step == step) {
            r.outcome = outcome;
            r.arn = arn.map(str::to_owned).or(r.arn.take());
            return;
        }
        j.push(ReceiptResource {
            step,
            name: name.to_owned(),
            arn: arn.map(str::to_owned),
            outcome,
            console_url: url,
        });
    }

    fn connection_arn(&self) -> String {
        self.connection_arn
            .lock()
            .unwrap()
            .clone()
            .unwrap_or_default()
    }

    async fn step(&self, id: StepId) -> Result<Done> {
        match id {
            StepId::Connection => self.connection().await,
            StepId::ArtifactBucket => self.bucket().await,
            StepId::CodebuildRole => {
                let doc =
                    requests::codebuild_base_policy(self.plan, &self.names, &self.connection_arn());
                self.role(
                    StepId::CodebuildRole,
                    &self.plan.build.role,
                    &self.names.codebuild_role,
                    "codebuild.amazonaws.com",
                    requests::CODEBUILD_BASE_POLICY,
                    doc,
                )
                .await
            }
            StepId::EcrPolicy => self.ecr_policy().await,
            StepId::CodebuildProject => self.project().await,
            StepId::Webhook => self.webhook().await,
            StepId::PipelineRole => {
                let doc = requests::pipeline_policy(self.plan, &self.names, &self.connection_arn());
                self.role(
                    StepId::PipelineRole,
                    &self.plan.pipeline.role,
                    &self.names.pipeline_role,
                    "codepipeline.amazonaws.com",
                    requests::PIPELINE_POLICY,
                    doc,
                )
                .await
            }
            StepId::Pipeline => self.pipeline().await,
        }
    }

    async fn connection(&self) -> Result<Done> {
        let client = self.ctx.connections();
        let (arn, name, outcome) = match &self.plan.source.connection {
            ConnectionChoice::Existing { arn } => {
                let got = client
                    .get_connection()
                    .connection_arn(arn)
                    .send()
                    .await
                    .map_err(|e| map_sdk_error("GetConnection", e))?;
                let name = got
                    .connection()
                    .and_then(|c| c.connection_name())
                    .unwrap_or_default()
                    .to_owned();
                (arn.clone(), name, StepStatus::Reused)
            }
            ConnectionChoice::Create { name } => {
                match super::discover::find_connection(self.ctx, name).await? {
                    Some(found) => (found.arn, name.clone(), StepStatus::Reused),
                    None => {
                        let req = requests::create_connection(name);
                        let out = client
                            .create_connection()
                            .provider_type(aws_sdk_codestarconnections::types::ProviderType::Github)
                            .connection_name(name)
                            .tags(
                                aws_sdk_codestarconnections::types::Tag::builder()
                                    .key("created-by")
                                    .value("pipewright")
                                    .build()
                                    .map_err(Error::internal)?,
                            )
                            .send()
                            .await
                            .map_err(|e| map_sdk_error("CreateConnection", e))?;
                        debug_assert_eq!(req["ConnectionName"], name.as_str());
                        let arn = out.connection_arn().to_owned();
                        let url = console::connection(&self.ctx.region, &self.ctx.account, &arn);
                        self.journal(
                            StepId::Connection,
                            name,
                            Some(&arn),
                            StepStatus::Created,
                            Some(url),
                        );
                        (arn, name.clone(), StepStatus::Created)
                    }
                }
            }
        };
        *self.connection_arn.lock().unwrap() = Some(arn.clone());
        let url = console::connection(&self.ctx.region, &self.ctx.account, &arn);
        self.wait_available(&arn, &name, &url).await?;
        Ok(Done {
            outcome,
            name,
            arn: Some(arn),
            console_url: Some(url),
            message: "AVAILABLE".to_owned(),
        })
    }

    async fn wait_available(&self, arn: &str, name: &str, url: &str) -> Result<()> {
        let client = self.ctx.connections();
        let started = Instant::now();
        let mut announced = false;
        loop {
            let got = client
                .get_connection()
                .connection_arn(arn)
                .send()
                .await
                .map_err(|e| map_sdk_error("GetConnection", e))?;
            let status = got
                .connection()
                .and_then(|c| c.connection_status())
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default();
            match status.as_str() {
                "AVAILABLE" => return Ok(()),
                "ERROR" => {
                    return Err(Error::Aws {
                        operation: "GetConnection".into(),
                        code: "ConnectionError".into(),
                        message: format!(
                            "the GitHub connection {name} is in ERROR: the handshake failed or was rejected in GitHub. Delete it in the console and create a new one"
                        ),
                    })
                }
                _ => {}
            }
            if started.elapsed() >= self.opts.connection_timeout {
                return Err(Error::Aws {
                    operation: "GetConnection".into(),
                    code: "ConnectionPending".into(),
                    message: format!(
                        "the GitHub connection {name} is still PENDING after {} s. Open {url}, choose \"Update pending connection\" and install the GitHub app, then retry",
                        started.elapsed().as_secs()
                    ),
                });
            }
            if !announced {
                announced = true;
                self.emit(ApplyEvent {
                    arn: Some(arn.to_owned()),
                    console_url: Some(url.to_owned()),
                    ..event(
                        StepId::Connection,
                        StepStatus::Waiting,
                        format!("{name} is PENDING: open the AWS console to finish the GitHub handshake"),
                    )
                });
            }
            tokio::time::sleep(self.opts.poll_interval).await;
        }
    }

    async fn bucket(&self) -> Result<Done> {
        let s3 = self.ctx.s3();
        let bucket = &self.names.bucket;
        let url = console::bucket(&self.ctx.region, bucket);
        let done = |outcome| Done {
            outcome,
            name: bucket.clone(),
            arn: Some(format!("arn:{}:s3:::{bucket}", self.names.partition)),
            console_url: Some(url.clone()),
            message: String::new(),
        };
        match s3.head_bucket().bucket(bucket).send().await {
            Ok(_) => return Ok(done(StepStatus::Reused)),
            Err(e) => {
                let status = e.raw_response().map(|r| r.status().as_u16());
                if status == Some(403) {
                    return Err(Error::validation(
                        "pipeline.artifactBucket",
                        format!("the bucket {bucket} belongs to another account: choose a custom artifact bucket name"),
                    ));
                }
                if status != Some(404) {
                    return Err(map_sdk_error("HeadBucket", e));
                }
            }
        }
        let mut req = s3.create_bucket().bucket(bucket);
        if self.ctx.region != "us-east-1" {
            req = req.create_bucket_configuration(
                aws_sdk_s3::types::CreateBucketConfiguration::builder()
                    .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(
                        self.ctx.region.as_str(),
                    ))
                    .build(),
            );
        }
        match req.send().await {
            Ok(_) => {
                self.journal(
                    StepId::ArtifactBucket,
                    bucket,
                    Some(&format!("arn:{}:s3:::{bucket}", self.names.partition)),
                    StepStatus::Created,
                    Some(url.clone()),
                );
                Ok(done(StepStatus::Created))
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_bucket_already_owned_by_you()) =>
            {
                Ok(done(StepStatus::Reused))
            }
            Err(e) => Err(map_sdk_error("CreateBucket", e)),
        }
    }

    /// Ensures a service role: existing ones are only checked; created ones get their trust policy
    /// and Pipewright's inline policy (updated when it differs).
    async fn role(
        &self,
        step: StepId,
        choice: &RoleChoice,
        name: &str,
        service: &str,
        policy_name: &str,
        policy: Value,
    ) -> Result<Done> {
        let iam = self.ctx.iam();
        let url = console::role(name);
        let got = iam.get_role().role_name(name).send().await;
        let existing_arn = or_not_found("GetRole", got, |e| e.is_no_such_entity_exception())?
            .and_then(|out| out.role().map(|r| r.arn().to_owned()));
        if let RoleChoice::Existing { arn } = choice {
            return match existing_arn {
                Some(found) => Ok(Done {
                    outcome: StepStatus::Reused,
                    name: name.to_owned(),
                    arn: Some(found),
                    console_url: Some(url),
                    message: "existing role, left as it is".into(),
                }),
                None => Err(Error::NotFound(format!("the role {arn} does not exist"))),
            };
        }
        let (arn, mut outcome) = match existing_arn {
            Some(arn) => (arn, StepStatus::Reused),
            None => {
                let req = requests::create_role(name, service, "Created by Pipewright");
                let out = iam
                    .create_role()
                    .role_name(name)
                    .assume_role_policy_document(req["AssumeRolePolicyDocument"].to_string())
                    .description(req["Description"].as_str().unwrap_or_default())
                    .tags(
                        aws_sdk_iam::types::Tag::builder()
                            .key("created-by")
                            .value("pipewright")
                            .build()
                            .map_err(Error::internal)?,
                    )
                    .send()
                    .await
                    .map_err(|e| map_sdk_error("CreateRole", e))?;
                let arn = out.role().map(|r| r.arn().to_owned()).unwrap_or_default();
                self.journal(
                    step,
                    name,
                    Some(&arn),
                    StepStatus::Created,
                    Some(url.clone()),
                );
                (arn, StepStatus::Created)
            }
        };
        let write = self
            .put_policy_if_changed(name, policy_name, &policy)
            .await?;
        if write != PolicyWrite::Unchanged && outcome == StepStatus::Reused {
            outcome = StepStatus::Updated;
        }
        Ok(Done {
            outcome,
            name: name.to_owned(),
            arn: Some(arn),
            console_url: Some(url),
            message: String::new(),
        })
    }

    /// PutRolePolicy unless the same document is already there (one GetRolePolicy to find out).
    async fn put_policy_if_changed(
        &self,
        role: &str,
        policy_name: &str,
        doc: &Value,
    ) -> Result<PolicyWrite> {
        let iam = self.ctx.iam();
        let got = iam
            .get_role_policy()
            .role_name(role)
            .policy_name(policy_name)
            .send()
            .await;
        let current = or_not_found("GetRolePolicy", got, |e| e.is_no_such_entity_exception())?
            .map(|out| decode_policy(out.policy_document()));
        let write = match &current {
            None => PolicyWrite::Created,
            Some(existing) if existing.as_ref() == Some(doc) => return Ok(PolicyWrite::Unchanged),
            Some(_) => PolicyWrite::Updated,
        };
        iam.put_role_policy()
            .role_name(role)
            .policy_name(policy_name)
            .policy_document(doc.to_string())
            .send()
            .await
            .map_err(|e| map_sdk_error("PutRolePolicy", e))?;
        Ok(write)
    }

    async fn ecr_policy(&self) -> Result<Done> {
        let repo = &self.plan.ecr.repository;
        let described = self
            .ctx
            .ecr()
            .describe_repositories()
            .repository_names(repo)
            .send()
            .await;
        if or_not_found("DescribeRepositories", described, |e| {
            e.is_repository_not_found_exception()
        })?
        .is_none()
        {
            return Err(Error::validation(
                "ecr.repository",
                format!(
                    "the ECR repository {repo} does not exist in {}: create it or pick another",
                    self.ctx.region
                ),
            ));
        }
        let role = &self.names.codebuild_role;
        let name = &self.plan.ecr.policy_name;
        let doc = requests::ecr_policy_document(self.plan, &self.names);
        let write = self.put_policy_if_changed(role, name, &doc).await?;
        let arn = format!("{}/policy/{name}", self.names.codebuild_role_arn);
        let outcome = match write {
            PolicyWrite::Created => {
                self.journal(
                    StepId::EcrPolicy,
                    name,
                    Some(&arn),
                    StepStatus::Created,
                    Some(console::role(role)),
                );
                StepStatus::Created
            }
            PolicyWrite::Updated => StepStatus::Updated,
            PolicyWrite::Unchanged => StepStatus::Reused,
        };
        Ok(Done {
            outcome,
            name: name.clone(),
            arn: Some(arn),
            console_url: Some(console::role(role)),
            message: format!("on {role}: push to {repo}"),
        })
    }

    async fn project(&self) -> Result<Done> {
        let cb = self.ctx.codebuild();
        let name = &self.plan.build.project;
        let url = console::project(&self.ctx.region, &self.ctx.account, name);
        let current = cb
            .batch_get_projects()
            .names(name)
            .send()
            .await
            .map_err(|e| map_sdk_error("BatchGetProjects", e))?
            .projects()
            .first()
            .cloned();
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
        let input = sdk::project(&req)?;
        match current {
            Some(p) if project_matches(&p, &req) => {
                Ok(done(StepStatus::Reused, p.arn().map(str::to_owned)))
            }
            Some(_) => {
                let i = input;
                with_role_retry(|| {
                    let i = &i;
                    let cb = &cb;
                    async move {
                        project_fields!(cb.update_project(), i)
                            .send()
                            .await
                            .map_err(|e| map_sdk_error("UpdateProject", e))
                    }
                })
                .await?;
                Ok(done(StepStatus::Updated, None))
            }
            None => {
                let i = input;
                let out = with_role_retry(|| {
                    let i = &i;
                    let cb = &cb;
                    async move {
                        project_fields!(cb.create_project(), i)
                            .set_tags(Some(i.tags.clone()))
                            .send()
                            .await
                            .map_err(|e| map_sdk_error("CreateProject", e))
                    }
                })
                .await?;
                let arn = out.project().and_then(|p| p.arn()).map(str::to_owned);
                self.journal(
                    StepId::CodebuildProject,
                    name,
                    arn.as_deref().or(Some(&self.names.project_arn)),
                    StepStatus::Created,
                    Some(url.clone()),
                );
                Ok(done(StepStatus::Created, arn))
            }
        }
    }

    async fn webhook(&self) -> Result<Done> {
        let name = &self.plan.build.project;
        let url = console::project(&self.ctx.region, &self.ctx.account, name);
        let Some(req) = requests::webhook(self.plan).filter(|_| self.plan.build.create) else {
            return Ok(Done {
                outcome: StepStatus::Skipped,
                name: name.clone(),
                arn: None,
                console_url: None,
                message: "no webhook in the plan".into(),
            });
        };
        let cb = self.ctx.codebuild();
        let groups = sdk::filter_groups(&req)?;
        let current = cb
            .batch_get_projects()
            .names(name)
            .send()
            .await
            .map_err(|e| map_sdk_error("BatchGetProjects", e))?
            .projects()
            .first()
            .and_then(|p| p.webhook().cloned());
        let done = |outcome| Done {
            outcome,
            name: format!("{name} webhook"),
            arn: None,
            console_url: Some(url.clone()),
            message: format!(
                "{} into {}",
                self.plan
                    .build
                    .webhook
                    .as_ref()
                    .map(|w| w.event.as_str())
                    .unwrap_or_default(),
                self.plan
                    .build
                    .webhook
                    .as_ref()
                    .map(|w| w.base_branch.as_str())
                    .unwrap_or_default()
            ),
        };
        match current {
            Some(hook) if !hook.filter_groups().is_empty() || hook.url().is_some() => {
                if webhook_matches(&hook, &req) {
                    return Ok(done(StepStatus::Reused));
                }
                cb.update_webhook()
                    .project_name(name)
                    .set_filter_groups(Some(groups))
                    .build_type(aws_sdk_codebuild::types::WebhookBuildType::Build)
                    .send()
                    .await
                    .map_err(|e| map_sdk_error("UpdateWebhook", e))?;
                Ok(done(StepStatus::Updated))
            }
            _ => {
                cb.create_webhook()
                    .project_name(name)
                    .set_filter_groups(Some(groups))
                    .build_type(aws_sdk_codebuild::types::WebhookBuildType::Build)
                    .send()
                    .await
                    .map_err(|e| map_sdk_error("CreateWebhook", e))?;
                self.journal(
                    StepId::Webhook,
                    &format!("{name} webhook"),
                    None,
                    StepStatus::Created,
                    Some(url.clone()),
                );
                Ok(done(StepStatus::Created))
            }
        }
    }

    async fn pipeline(&self) -> Result<Done> {
        let client = self.ctx.codepipeline();
        let name = &self.plan.pipeline.name;
        let url = console::pipeline(&self.ctx.region, name);
        let req = requests::pipeline(self.plan, &self.names, &self.connection_arn());
        let declaration = sdk::pipeline(&req["pipeline"])?;
        let done = |outcome| Done {
            outcome,
            name: name.clone(),
            arn: Some(self.names.pipeline_arn.clone()),
            console_url: Some(url.clone()),
            message: String::new(),
        };
        match client.get_pipeline().name(name).send().await {
            Ok(current) => {
                let current = current.pipeline().cloned();
                let same = current
                    .as_ref()
                    .is_some_and(|c| sdk::pipeline_json(c) == sdk::comparable(&req["pipeline"]));
                if same {
                    return Ok(done(StepStatus::Reused));
                }
                let mut update = declaration;
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
                Ok(done(StepStatus::Updated))
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_pipeline_not_found_exception()) =>
            {
                let tags: Vec<_> = req["tags"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|t| {
                        aws_sdk_codepipeline::types::Tag::builder()
                            .key(t["key"].as_str().unwrap_or_default())
                            .value(t["value"].as_str().unwrap_or_default())
                            .build()
                            .ok()
                    })
                    .collect();
                let declaration = &declaration;
                let tags = &tags;
                with_role_retry(|| async {
                    client
                        .create_pipeline()
                        .pipeline(declaration.clone())
                        .set_tags(Some(tags.clone()))
                        .send()
                        .await
                        .map_err(|e| map_sdk_error("CreatePipeline", e))
                })
                .await?;
                self.journal(
                    StepId::Pipeline,
                    name,
                    Some(&self.names.pipeline_arn),
                    StepStatus::Created,
                    Some(url.clone()),
                );
                Ok(done(StepStatus::Created))
            }
            Err(e) => Err(map_sdk_error("GetPipeline", e)),
        }
    }
}

fn project_matches(p: &aws_sdk_codebuild::types::Project, req: &Value) -> bool {
    let env = p.environment();
    let src = p.source();
    let vars: Vec<(String, String)> = env
        .map(|e| {
            e.environment_variables()
                .iter()
                .map(|v| (v.name().to_owned(), v.value().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    let want_vars: Vec<(String, String)> = req["environment"]["environmentVariables"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            (
                v["name"].as_str().unwrap_or_default().to_owned(),
                v["value"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    p.description().unwrap_or_default() == req["description"].as_str().unwrap_or_default()
        && src.and_then(|s| s.location()) == req["source"]["location"].as_str()
        && src.and_then(|s| s.buildspec()) == req["source"]["buildspec"].as_str()
        && env.map(|e| e.image()) == req["environment"]["image"].as_str()
        && env.map(|e| e.compute_type().as_str()) == req["environment"]["computeType"].as_str()
        && env.and_then(|e| e.privileged_mode()) == req["environment"]["privilegedMode"].as_bool()
        && p.service_role() == req["serviceRole"].as_str()
        && p.timeout_in_minutes().map(i64::from) == req["timeoutInMinutes"].as_i64()
        && p.badge().map(|b| b.badge_enabled()).unwrap_or(false)
            == req["badgeEnabled"].as_bool().unwrap_or(false)
        && p.concurrent_build_limit().map(i64::from) == req["concurrentBuildLimit"].as_i64()
        && vars == want_vars
}

fn webhook_matches(hook: &aws_sdk_codebuild::types::Webhook, req: &Value) -> bool {
    let have: Vec<Vec<(String, String)>> = hook
        .filter_groups()
        .iter()
        .map(|g| {
            g.iter()
                .map(|f| (f.r#type().as_str().to_owned(), f.pattern().to_owned()))
                .collect()
        })
        .collect();
    let want: Vec<Vec<(String, String)>> = req["filterGroups"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| {
            g.as_array()
                .into_iter()
                .flatten()
                .map(|f| {
                    (
                        f["type"].as_str().unwrap_or_default().to_owned(),
                        f["pattern"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .collect();
    have == want
}

/// Applies a plan. Never returns an error for an AWS failure: the receipt says `failed`, with the
/// error, and lists what was created so far (for retry or rollback).
pub async fn apply(
    ctx: &AwsCtx,
    plan: &Plan,
    opts: &ApplyOptions,
    sink: Sink<'_>,
) -> Result<Receipt> {
    if let Some(issue) = plan::validate(plan).into_iter().next() {
        return Err(issue.into_error());
    }
    let run = Run {
        ctx,
        plan,
        names: Names::new(plan, &ctx.account, &ctx.region),
        opts,
        sink,
        journal: Mutex::new(Vec::new()),
        connection_arn: Mutex::new(None),
    };
    for id in StepId::ALL {
        run.emit(event(id, StepStatus::Pending, ""));
    }
    // One "finished?" signal per step: Some(true) = done, Some(false) = failed or skipped.
    let signals: Vec<watch::Sender<Option<bool>>> =
        StepId::ALL.iter().map(|_| watch::channel(None).0).collect();
    let index = |id: StepId| {
        StepId::ALL
            .iter()
            .position(|s| *s == id)
            .expect("known step")
    };
    let first_error: Mutex<Option<Error>> = Mutex::new(None);

    let tasks = StepId::ALL.iter().map(|&id| {
        let run = &run;
        let signals = &signals;
        let first_error = &first_error;
        async move {
            for dep in id.depends_on() {
                let mut rx = signals[index(*dep)].subscribe();
                let ok = matches!(
                    *rx.wait_for(|v| v.is_some()).await.expect("sender alive"),
                    Some(true)
                );
                if !ok {
                    run.emit(event(
                        id,
                        StepStatus::Skipped,
                        format!("not started: {} did not finish", dep.title()),
                    ));
                    signals[index(id)].send_replace(Some(false));
                    return;
                }
            }
            run.emit(event(id, StepStatus::Running, ""));
            match run.step(id).await {
                Ok(done) => {
                    if done.outcome != StepStatus::Skipped {
                        run.journal(
                            id,
                            &done.name,
                            done.arn.as_deref(),
                            done.outcome,
                            done.console_url.clone(),
                        );
                    }
                    run.emit(ApplyEvent {
                        arn: done.arn,
                        console_url: done.console_url,
                        ..event(id, done.outcome, done.message)
                    });
                    signals[index(id)].send_replace(Some(true));
                }
                Err(e) => {
                    run.emit(ApplyEvent {
                        error: Some(AppError::from(&e)),
                        ..event(id, StepStatus::Failed, e.message())
                    });
                    first_error.lock().unwrap().get_or_insert(e);
                    signals[index(id)].send_replace(Some(false));
                }
            }
        }
    });
    futures::future::join_all(tasks).await;

    let error = first_error.into_inner().unwrap();
    let mut resources = run.journal.into_inner().unwrap();
    resources.sort_by_key(|r| r.step);
    Ok(Receipt {
        id: format!(
            "{}-{}",
            time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000,
            plan.pipeline.name
        ),
        pipeline: plan.pipeline.name.clone(),
        account: ctx.account.clone(),
        region: ctx.region.clone(),
        endpoint_url: ctx.endpoint_url.clone(),
        created_at: now_rfc3339(),
        status: if error.is_some() {
            ReceiptStatus::Failed
        } else {
            ReceiptStatus::Succeeded
        },
        error: error.as_ref().map(AppError::from),
        resources,
    })
}

/// Deletes exactly what a run created (its `created` resources), newest dependency first. Used for
/// "roll back" after a failure and "tear down" later. Reused and updated resources are left alone;
/// an artifact bucket is deleted only if it is empty.
pub async fn teardown(ctx: &AwsCtx, receipt: &Receipt, sink: Sink<'_>) -> Result<Receipt> {
    if receipt.account != ctx.account || receipt.region != ctx.region {
        return Err(Error::validation(
            "profile",
            format!(
                "this receipt is for account {} in {}: switch to a profile of that account and region",
                receipt.account, receipt.region
            ),
        ));
    }
    let mut out = receipt.clone();
    let mut failures = Vec::new();
    let role_created = |step: StepId| {
        receipt
            .resources
            .iter()
            .any(|r| r.step == step && r.outcome == StepStatus::Created)
    };
    for step in StepId::ALL.iter().rev().copied() {
        let Some(res) = out.resources.iter_mut().find(|r| r.step == step) else {
            continue;
        };
        if res.outcome != StepStatus::Created {
            continue;
        }
        sink(event(
            step,
            StepStatus::Running,
            format!("deleting {}", res.name),
        ));
        let result = delete(
            ctx,
            receipt,
            step,
            &res.name,
            role_created(StepId::CodebuildRole),
        )
        .await;
        match result {
            Ok(message) => {
                res.outcome = StepStatus::Deleted;
                sink(ApplyEvent {
                    arn: res.arn.clone(),
                    ..event(step, StepStatus::Deleted, message)
                });
            }
            Err(e) => {
                sink(ApplyEvent {
                    error: Some(AppError::from(&e)),
                    ..event(step, StepStatus::Failed, e.message())
                });
                failures.push(e);
            }
        }
    }
    out.status = if failures.is_empty() {
        if receipt.status == ReceiptStatus::Failed {
            ReceiptStatus::RolledBack
        } else {
            ReceiptStatus::TornDown
        }
    } else {
        ReceiptStatus::Failed
    };
    out.error = failures.first().map(AppError::from);
    Ok(out)
}

async fn delete(
    ctx: &AwsCtx,
    receipt: &Receipt,
    step: StepId,
    name: &str,
    codebuild_role_created: bool,
) -> Result<String> {
    let project = || {
        receipt
            .resources
            .iter()
            .find(|r| r.step == StepId::CodebuildProject)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| name.trim_end_matches(" webhook").to_owned())
    };
    match step {
        StepId::Pipeline => {
            ctx.codepipeline()
                .delete_pipeline()
                .name(name)
                .send()
                .await
                .map_err(|e| map_sdk_error("DeletePipeline", e))?;
        }
        StepId::Webhook => {
            let project = name.trim_end_matches(" webhook");
            match ctx
                .codebuild()
                .delete_webhook()
                .project_name(project)
                .send()
                .await
            {
                Ok(_) => {}
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|se| se.is_resource_not_found_exception()) => {}
                Err(e) => return Err(map_sdk_error("DeleteWebhook", e)),
            }
        }
        StepId::CodebuildProject => {
            ctx.codebuild()
                .delete_project()
                .name(project())
                .send()
                .await
                .map_err(|e| map_sdk_error("DeleteProject", e))?;
        }
        StepId::EcrPolicy => {
            if codebuild_role_created {
                return Ok("deleted with its role".into());
            }
            let role = receipt
                .resources
                .iter()
                .find(|r| r.step == StepId::CodebuildRole)
                .map(|r| r.name.clone())
                .ok_or_else(|| {
                    Error::internal("the receipt has no CodeBuild role for the ECR policy")
                })?;
            ctx.iam()
                .delete_role_policy()
                .role_name(role)
                .policy_name(name)
                .send()
                .await
                .map_err(|e| map_sdk_error("DeleteRolePolicy", e))?;
        }
        StepId::CodebuildRole | StepId::PipelineRole => delete_role(ctx, name).await?,
        StepId::ArtifactBucket => {
            let s3 = ctx.s3();
            let listed = s3
                .list_objects_v2()
                .bucket(name)
                .max_keys(1)
                .send()
                .await
                .map_err(|e| map_sdk_error("ListObjectsV2", e))?;
            if listed.key_count().unwrap_or(0) > 0 {
                return Err(Error::Conflict(format!(
                    "the bucket {name} is not empty (it holds pipeline artifacts), so it was kept: empty and delete it in the S3 console if you no longer need it"
                )));
            }
            s3.delete_bucket()
                .bucket(name)
                .send()
                .await
                .map_err(|e| map_sdk_error("DeleteBucket", e))?;
        }
        StepId::Connection => {
            let arn = receipt
                .resources
                .iter()
                .find(|r| r.step == StepId::Connection)
                .and_then(|r| r.arn.clone())
                .unwrap_or_default();
            ctx.connections()
                .delete_connection()
                .connection_arn(arn)
                .send()
                .await
                .map_err(|e| map_sdk_error("DeleteConnection", e))?;
        }
    }
    Ok(format!("deleted {name}"))
}

async fn delete_role(ctx: &AwsCtx, name: &str) -> Result<()> {
    let iam = ctx.iam();
    let policies = iam
        .list_role_policies()
        .role_name(name)
        .send()
        .await
        .map_err(|e| map_sdk_error("ListRolePolicies", e))?;
    for policy in policies.policy_names() {
        iam.delete_role_policy()
            .role_name(name)
            .policy_name(policy)
            .send()
            .await
            .map_err(|e| map_sdk_error("DeleteRolePolicy", e))?;
    }
    let attached = iam
        .list_attached_role_policies()
        .role_name(name)
        .send()
        .await
        .map_err(|e| map_sdk_error("ListAttachedRolePolicies", e))?;
    for p in attached.attached_policies() {
        if let Some(arn) = p.policy_arn() {
            iam.detach_role_policy()
                .role_name(name)
                .policy_arn(arn)
                .send()
                .await
                .map_err(|e| map_sdk_error("DetachRolePolicy", e))?;
        }
    }
    iam.delete_role()
        .role_name(name)
        .send()
        .await
        .map_err(|e| map_sdk_error("DeleteRole", e))?;
    Ok(())
}
