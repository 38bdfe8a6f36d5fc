//! Pipelines and releases: the list judged by each latest rollout, the live page, release, stop,
//! retry, approvals, and rolling back (with undo of a V1 rollback's service update).

use std::time::Duration;

use super::Pipewright;
use crate::apply::AwsCtx;
use crate::approval::{self, ApprovalOutcome};
use crate::diagnosis::{self, Diagnosis};
use crate::plan::Issue;
use crate::release::{
    self, ActionExecutionView, ExecutionSummary, PipelineSummary, PipelineView, ReleaseRequest,
};
use crate::rollback::{self, RollbackPlan, RollbackResult};
use crate::rollout::Rollout;
use crate::service_change::{self, ServiceChange, ServiceChangeState};
use crate::status::ExecutionStatus;
use crate::{verdict, Error, Result};

impl Pipewright {
    /// Every pipeline with its latest release, judged by its rollout where it has settled.
    pub async fn pipelines(&self, ctx: &AwsCtx) -> Result<Vec<PipelineSummary>> {
        let mut list = release::list_pipelines(ctx).await?;
        verdict::judge_latest(ctx, &self.verdicts, &mut list).await;
        Ok(list)
    }

    /// A pipeline's page for a poll: one request when nothing changed, the full view otherwise.
    pub async fn pipeline_view(&self, ctx: &AwsCtx, name: &str) -> Result<PipelineView> {
        self.views.poll(ctx, name).await
    }

    /// The full view with a diagnosis under each failed build (the CLI's `status`).
    pub async fn pipeline_status(&self, ctx: &AwsCtx, name: &str) -> Result<PipelineView> {
        let mut view = release::pipeline_view(ctx, name).await?;
        for stage in &mut view.stages {
            for a in &mut stage.actions {
                if a.provider == "CodeBuild" && a.status == Some(ExecutionStatus::Failed) {
                    if let Some(id) = a.external_execution_id.clone() {
                        a.diagnosis = diagnosis::of_build(ctx, &id).await?;
                    }
                }
            }
        }
        Ok(view)
    }

    /// The newest executions (up to `limit`, 1–500).
    pub async fn executions(
        &self,
        ctx: &AwsCtx,
        name: &str,
        limit: u32,
    ) -> Result<Vec<ExecutionSummary>> {
        release::executions(ctx, name, limit.clamp(1, 500) as usize).await
    }

    pub async fn action_executions(
        &self,
        ctx: &AwsCtx,
        name: &str,
        execution_id: &str,
    ) -> Result<Vec<ActionExecutionView>> {
        release::action_executions(ctx, name, execution_id).await
    }

    /// Every problem with a release request, offline (the dialog shows each under its field).
    pub fn release_validate(&self, request: &ReleaseRequest) -> Vec<Issue> {
        release::validate(request)
    }

    /// Starts a release (one execution per request, however often it is sent).
    pub async fn release(&self, ctx: &AwsCtx, request: &ReleaseRequest) -> Result<String> {
        let id = release::release(ctx, request).await?;
        self.views.invalidate(ctx, &request.pipeline);
        Ok(id)
    }

    /// Polls an execution to its end: the release's status (its rollout's verdict) and last view.
    pub async fn release_wait(
        &self,
        ctx: &AwsCtx,
        pipeline: &str,
        execution_id: &str,
        poll: Duration,
        on_change: impl FnMut(&PipelineView),
    ) -> Result<(ExecutionStatus, PipelineView)> {
        release::wait(ctx, pipeline, execution_id, poll, on_change).await
    }

    pub async fn stop(
        &self,
        ctx: &AwsCtx,
        name: &str,
        execution_id: &str,
        abandon: bool,
        reason: Option<&str>,
    ) -> Result<()> {
        self.views.invalidate(ctx, name);
        release::stop(ctx, name, execution_id, abandon, reason).await
    }

    /// Retries a stage's failed actions (or all with `all_actions`); the execution id it retried.
    pub async fn retry(
        &self,
        ctx: &AwsCtx,
        name: &str,
        stage: &str,
        execution_id: Option<&str>,
        all_actions: bool,
    ) -> Result<String> {
        self.views.invalidate(ctx, name);
        release::retry(ctx, name, stage, execution_id, all_actions).await
    }

    /// Approves or rejects the approval waiting in a pipeline (its token never leaves Rust).
    pub async fn approve(
        &self,
        ctx: &AwsCtx,
        pipeline: &str,
        approve: bool,
        comment: Option<&str>,
    ) -> Result<ApprovalOutcome> {
        self.views.invalidate(ctx, pipeline);
        approval::decide(ctx, pipeline, approve, comment).await
    }

    /// Why a build failed (None unless it failed): its phases and the end of its log.
    pub async fn build_diagnosis(&self, ctx: &AwsCtx, build_id: &str) -> Result<Option<Diagnosis>> {
        diagnosis::of_build(ctx, build_id).await
    }

    /// What "Roll back to this release" would do (`to`: that execution, or the last good one).
    pub async fn rollback_plan(
        &self,
        ctx: &AwsCtx,
        pipeline: &str,
        to: Option<&str>,
    ) -> Result<RollbackPlan> {
        rollback::plan(ctx, &*self.history()?, pipeline, to).await
    }

    /// Does a confirmed rollback plan (a V1 service update is journaled first, so it can be undone).
    pub async fn rollback_run(&self, ctx: &AwsCtx, plan: &RollbackPlan) -> Result<RollbackResult> {
        self.views.invalidate(ctx, &plan.pipeline);
        rollback::run(ctx, self.dirs(), plan).await
    }

    /// The service updates Pipewright made for a pipeline (V1 rollbacks), newest first.
    pub async fn service_changes(
        &self,
        ctx: &AwsCtx,
        pipeline: String,
    ) -> Result<Vec<ServiceChange>> {
        let (account, region) = (ctx.account.clone(), ctx.region.clone());
        self.blocking(move |s| service_change::list(s.dirs(), &account, &region, &pipeline))
            .await
    }

    /// The newest of those not undone yet (what `rollback --undo` puts back).
    pub async fn last_service_change(&self, ctx: &AwsCtx, pipeline: &str) -> Result<ServiceChange> {
        self.service_changes(ctx, pipeline.to_owned())
            .await?
            .into_iter()
            .find(|c| c.state != ServiceChangeState::Undone)
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "a rollback of {pipeline} by Pipewright to undo (in account {}, {})",
                    ctx.account, ctx.region
                ))
            })
    }

    /// Puts a service back on what it ran before one of those updates.
    pub async fn service_change_undo(&self, ctx: &AwsCtx, id: &str) -> Result<ServiceChange> {
        let done = service_change::undo(ctx, self.dirs(), id).await?;
        self.views.invalidate(ctx, &done.pipeline);
        Ok(done)
    }

    /// Follows the rollout a service update started: Some(true) once it completes, Some(false)
    /// when it fails, None when the change started none.
    pub async fn service_change_wait(
        &self,
        ctx: &AwsCtx,
        change: &ServiceChange,
        poll: Duration,
        on_update: impl FnMut(&Rollout),
    ) -> Result<Option<Rollout>> {
        service_change::wait(ctx, change, poll, on_update).await
    }
}
