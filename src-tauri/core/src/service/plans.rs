//! The wizard's plan: what it generates, the review, apply with its journal and receipt, teardown,
//! and the receipts of earlier runs.

use std::path::Path;

use super::Pipewright;
use crate::apply::{self, ApplyOptions, AwsCtx, Receipt, Review, Sink};
use crate::plan::{self, Issue, Plan};
use crate::{buildspec, diagnosis, policy, Error, Result};

impl Pipewright {
    /// Every problem with a plan, offline.
    pub fn plan_validate(&self, plan: &Plan) -> Vec<Issue> {
        plan::validate(plan)
    }

    /// The inline ECR push policy the plan's build role gets (JSON).
    pub fn ecr_policy(&self, ctx: &AwsCtx, plan: &Plan) -> Result<String> {
        let names = apply::requests::Names::new(plan, &ctx.account, &ctx.region);
        serde_json::to_string_pretty(&policy::ecr_push_policy(&names.repository_arn))
            .map_err(Error::internal)
    }

    /// The plan's buildspec.yml.
    pub fn buildspec(&self, ctx: &AwsCtx, plan: &Plan) -> Result<String> {
        buildspec::generate(plan, &ctx.account, &ctx.region)
    }

    /// What apply would create, change or refuse, from read-only calls.
    pub async fn plan_review(&self, ctx: &AwsCtx, plan: &Plan) -> Result<Review> {
        apply::review(ctx, plan).await
    }

    /// Applies a plan: journal first, each step streamed to `sink`, the receipt saved; with
    /// `rollback_on_failure`, a failed run removes what it made.
    pub async fn apply(
        &self,
        ctx: &AwsCtx,
        plan: &Plan,
        opts: &ApplyOptions,
        rollback_on_failure: bool,
        sink: Sink<'_>,
    ) -> Result<Receipt> {
        apply::apply(self.dirs(), ctx, plan, opts, rollback_on_failure, sink).await
    }

    /// A receipt by its id, or (the CLI's `destroy --receipt FILE`) a receipt file.
    pub async fn receipt(&self, id_or_file: &str) -> Result<Receipt> {
        let id = id_or_file.to_owned();
        self.blocking(move |s| {
            let path = Path::new(&id);
            if path.is_file() {
                let text = std::fs::read_to_string(path)?;
                return serde_json::from_str(&text).map_err(|e| {
                    Error::validation("receipt", format!("{id} is not a Pipewright receipt: {e}"))
                });
            }
            apply::receipts::load(s.dirs(), &id)
        })
        .await
    }

    /// Deletes exactly what a receipt's run created, newest first (in the receipt's account and
    /// region only).
    pub async fn teardown(
        &self,
        ctx: &AwsCtx,
        receipt: Receipt,
        sink: Sink<'_>,
    ) -> Result<Receipt> {
        apply::destroy(self.dirs(), ctx, receipt, sink).await
    }

    /// Every receipt, newest first; with `unfinished`, only runs that were cut off.
    pub async fn receipts(&self, unfinished: bool) -> Result<Vec<Receipt>> {
        self.blocking(move |s| {
            if unfinished {
                apply::unfinished(s.dirs())
            } else {
                apply::receipts::list(s.dirs())
            }
        })
        .await
    }

    /// The plan Pipewright last applied for a project (a failure the plan fixes), from receipts.
    pub async fn fix_plan(&self, ctx: &AwsCtx, project: String) -> Result<Option<Plan>> {
        let (account, region) = (ctx.account.clone(), ctx.region.clone());
        self.blocking(move |s| diagnosis::fix_plan(s.dirs(), &account, &region, &project))
            .await
    }
}
