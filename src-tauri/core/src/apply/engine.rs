//! Apply: the steps that turn a plan into AWS resources.
//!
//! Every step runs as soon as the steps it depends on have finished (independent steps run
//! concurrently). A step reuses what exists, updates what differs, and creates what is missing.
//! Each creation and each update is written to the run's [`Journal`] before its request (and again
//! after it), with the previous version of what it updates, so a run cut off at any point can be
//! torn down exactly ([`super::undo`]).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::watch;

use super::ctx::{console, AwsCtx};
use super::journal::Journal;
use super::raw::CaptureBody;
use super::requests::{self, Names};
use super::sdk;
use super::types::*;
use crate::aws::{map_sdk_error, or_not_found};
use crate::plan::{ConnectionChoice, Plan, RoleChoice};
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
    journal: &'a Journal,
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

    /// Records a creation the moment AWS confirmed it.
    fn journal(
        &self,
        step: StepId,
        name: &str,
        arn: Option<&str>,
        outcome: StepStatus,
        url: Option<String>,
    ) -> Result<()> {
        self.journal.outcome(step, name, arn, outcome, url)
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
            // An existing project keeps its own role, as it is: the ECR policy goes onto it.
            StepId::CodebuildRole if !self.plan.build.create => Ok(Done {
                outcome: StepStatus::Reused,
                name: self.names.codebuild_role.clone(),
                arn: Some(self.names.codebuild_role_arn.clone()),
                console_url: Some(console::role(&self.names.codebuild_role)),
                message: format!("the role of the project {}", self.plan.build.project),
            }),
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
                        self.journal.intend(StepId::Connection, name, None, None)?;
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
                        )?;
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
        // Every call on the bucket names its expected owner: S3 refuses (403) when another account
        // owns it, so Pipewright never writes artifacts into someone else's bucket.
        match s3
            .head_bucket()
            .bucket(bucket)
            .expected_bucket_owner(&self.ctx.account)
            .send()
            .await
        {
            Ok(_) => return Ok(done(StepStatus::Reused)),
            Err(e) => {
                let status = e.raw_response().map(|r| r.status().as_u16());
                if status == Some(403) {
                    return Err(Error::validation(
                        "pipeline.artifactBucket",
                        format!("the bucket {bucket} belongs to another account (or this one may not read it): choose another artifact bucket"),
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
        let arn = format!("arn:{}:s3:::{bucket}", self.names.partition);
        self.journal.intend(
            StepId::ArtifactBucket,
            bucket,
            Some(&arn),
            Some(url.clone()),
        )?;
        match req.send().await {
            // Already ours: a run of this receipt that was cut off made it.
            Ok(_) => {
                self.journal(
                    StepId::ArtifactBucket,
                    bucket,
                    Some(&arn),
                    StepStatus::Created,
                    Some(url.clone()),
                )?;
                Ok(done(StepStatus::Created))
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_bucket_already_owned_by_you()) =>
            {
                self.journal(
                    StepId::ArtifactBucket,
                    bucket,
                    Some(&arn),
                    StepStatus::Created,
                    Some(url.clone()),
                )?;
                Ok(done(StepStatus::Created))
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_bucket_already_exists()) =>
            {
                Err(Error::validation(
                    "pipeline.artifactBucket",
                    format!("the bucket name {bucket} is taken by another account: choose another artifact bucket"),
                ))
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
                let arn = format!(
                    "arn:{}:iam::{}:role/{name}",
                    self.names.partition, self.ctx.account
                );
                self.journal
                    .intend(step, name, Some(&arn), Some(url.clone()))?;
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
                )?;
                (arn, StepStatus::Created)
            }
        };
        let write = self
            .put_policy_if_changed(step, name, policy_name, &policy)
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

    /// PutRolePolicy unless the same document is already there (one GetRolePolicy to find out);
    /// the document it replaces (or its absence) is journaled first.
    async fn put_policy_if_changed(
        &self,
        step: StepId,
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
        let previous = current.map(|d| d.map(|v| v.to_string()).unwrap_or_default());
        self.journal.intend_change(
            step,
            policy_name,
            Change::RolePolicy {
                role: role.to_owned(),
                policy_name: policy_name.to_owned(),
                previous,
            },
        )?;
        iam.put_role_policy()
            .role_name(role)
            .policy_name(policy_name)
            .policy_document(doc.to_string())
            .send()
            .await
            .map_err(|e| map_sdk_error("PutRolePolicy", e))?;
        self.journal.change_done(step)?;
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
        let write = self
            .put_policy_if_changed(StepId::EcrPolicy, role, name, &doc)
            .await?;
        let arn = format!("{}/policy/{name}", self.names.codebuild_role_arn);
        let outcome = match write {
            PolicyWrite::Created => {
                self.journal(
                    StepId::EcrPolicy,
                    name,
                    Some(&arn),
                    StepStatus::Created,
                    Some(console::role(role)),
                )?;
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
        let raw = CaptureBody::default();
        let current = cb
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
                )?;
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
        let raw = CaptureBody::default();
        let current = cb
            .batch_get_projects()
            .names(name)
            .customize()
            .interceptor(raw.clone())
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
                let previous = raw
                    .json()
                    .and_then(|v| v["projects"][0].get("webhook").cloned())
                    .ok_or_else(|| Error::internal("BatchGetProjects returned no webhook JSON"))?;
                let hook_name = format!("{name} webhook");
                self.journal.intend_change(
                    StepId::Webhook,
                    &hook_name,
                    Change::Webhook {
                        project: name.clone(),
                        previous: previous.to_string(),
                    },
                )?;
                cb.update_webhook()
                    .project_name(name)
                    .set_filter_groups(Some(groups))
                    .build_type(aws_sdk_codebuild::types::WebhookBuildType::Build)
                    .send()
                    .await
                    .map_err(|e| map_sdk_error("UpdateWebhook", e))?;
                self.journal.change_done(StepId::Webhook)?;
                Ok(done(StepStatus::Updated))
            }
            _ => {
                self.journal.intend(
                    StepId::Webhook,
                    &format!("{name} webhook"),
                    None,
                    Some(url.clone()),
                )?;
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
                )?;
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
                    .is_some_and(|c| sdk::pipeline_json(c) == sdk::comparable(&req["pipeline"]));
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
                )?;
                Ok(done(StepStatus::Created))
            }
            Err(e) => Err(map_sdk_error("GetPipeline", e)),
        }
    }
}

fn project_matches(p: &aws_sdk_codebuild::types::Project, req: &Value) -> bool {
    let env = p.environment();
    let src = p.source();
    let vars: Vec<(String, String, String)> = env
        .map(|e| {
            e.environment_variables()
                .iter()
                .map(|v| {
                    (
                        v.name().to_owned(),
                        v.value().to_owned(),
                        v.r#type()
                            .map(|t| t.as_str())
                            .unwrap_or("PLAINTEXT")
                            .to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let want_vars: Vec<(String, String, String)> = req["environment"]["environmentVariables"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            (
                v["name"].as_str().unwrap_or_default().to_owned(),
                v["value"].as_str().unwrap_or_default().to_owned(),
                v["type"].as_str().unwrap_or("PLAINTEXT").to_owned(),
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

/// Runs every step of `plan` (validated, with `names` resolved by [`super::run::resolve`]),
/// writing each creation and change to `journal`. Returns the first step error, if any: the
/// journal says what was done so far (for retry or rollback).
pub(crate) async fn apply_steps(
    ctx: &AwsCtx,
    plan: &Plan,
    names: Names,
    opts: &ApplyOptions,
    journal: &Journal,
    sink: Sink<'_>,
) -> Option<Error> {
    let run = Run {
        ctx,
        plan,
        names,
        opts,
        sink,
        journal,
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
            let result = match run.step(id).await {
                Ok(done) if done.outcome == StepStatus::Skipped => Ok(done),
                Ok(done) => run
                    .journal(
                        id,
                        &done.name,
                        done.arn.as_deref(),
                        done.outcome,
                        done.console_url.clone(),
                    )
                    .map(|_| done),
                Err(e) => Err(e),
            };
            match result {
                Ok(done) => {
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
    first_error.into_inner().unwrap()
}
