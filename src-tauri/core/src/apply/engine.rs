//! Apply: the scheduler that runs the steps turning a plan into AWS resources (each resource's
//! step is in `resources/`).
//!
//! Every step runs as soon as the steps it depends on have finished (independent steps run
//! concurrently). A step reuses what exists, updates what differs, and creates what is missing.
//! Each creation and each update is written to the run's [`Journal`] before its request (and again
//! after it), with the previous version of what it updates, so a run cut off at any point can be
//! torn down exactly ([`super::undo`]).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::ctx::{console, AwsCtx};
use super::journal::Journal;
use super::requests::{self, Names};
use super::types::*;
use crate::plan::Plan;
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

pub type Sink<'a> = &'a (dyn Fn(ApplyEvent) + Send + Sync);

pub(super) struct Done {
    pub(super) outcome: StepStatus,
    pub(super) name: String,
    pub(super) arn: Option<String>,
    pub(super) console_url: Option<String>,
    pub(super) message: String,
}

pub(super) struct Run<'a> {
    pub(super) ctx: &'a AwsCtx,
    pub(super) plan: &'a Plan,
    pub(super) names: Names,
    pub(super) opts: &'a ApplyOptions,
    pub(super) sink: Sink<'a>,
    pub(super) journal: &'a Journal,
    pub(super) connection_arn: Mutex<Option<String>>,
}

pub(super) fn event(step: StepId, status: StepStatus, message: impl Into<String>) -> ApplyEvent {
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
pub(super) async fn with_role_retry<T, F, Fut>(mut f: F) -> Result<T>
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

impl Run<'_> {
    pub(super) fn emit(&self, e: ApplyEvent) {
        (self.sink)(e);
    }

    pub(super) fn connection_arn(&self) -> String {
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
            StepId::Notifications => self.notifications().await,
        }
    }
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
                    .journal
                    .outcome(
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
