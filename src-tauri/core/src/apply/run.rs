//! Apply and tear-down as whole operations, the one path the app and the CLI both call: check the
//! plan offline, resolve its targets (read-only), take the pipeline's lock, write the journal before
//! the first change, run the steps, and roll back on failure when asked.

use super::ctx::AwsCtx;
use super::engine::{apply_steps, ApplyOptions, Sink};
use super::journal::{current_receipt, Journal};
use super::requests::Names;
use super::resources::notifications;
use super::types::*;
use super::undo;
use crate::aws::map_sdk_error;
use crate::paths::AppDirs;
use crate::plan::{self, Plan, RoleChoice};
use crate::{AppError, Error, Result};

/// The account of an IAM role ARN (`arn:aws:iam::123456789012:role/x`).
fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

/// The names and ARNs apply will use, with what only the account can tell (read-only calls): the
/// role of an existing CodeBuild project, and roles in another account refused, field named.
pub async fn resolve(ctx: &AwsCtx, plan: &Plan) -> Result<Names> {
    let mut names = Names::new(plan, &ctx.account, &ctx.region);
    for (role, path) in [
        (&plan.build.role, "build.role.arn"),
        (&plan.pipeline.role, "pipeline.role.arn"),
    ] {
        if let RoleChoice::Existing { arn } = role {
            if arn_account(arn) != Some(ctx.account.as_str()) {
                return Err(Error::validation(
                    path,
                    format!(
                        "the role {arn} is not in this account ({}): a service role must be in the pipeline's account",
                        ctx.account
                    ),
                ));
            }
        }
    }
    if !plan.build.create {
        let name = &plan.build.project;
        let out = ctx
            .codebuild()
            .batch_get_projects()
            .names(name)
            .send()
            .await
            .map_err(|e| map_sdk_error("BatchGetProjects", e))?;
        let project = out.projects().first().ok_or_else(|| {
            Error::validation(
                "build.project",
                format!("the CodeBuild project {name} does not exist in {}: choose \"new project\" or another project", ctx.region),
            )
        })?;
        let role_arn = project.service_role().unwrap_or_default().to_owned();
        if arn_account(&role_arn) != Some(ctx.account.as_str()) {
            return Err(Error::validation(
                "build.project",
                format!(
                    "the project {name} runs as {role_arn}, a role outside this account ({}): Pipewright can only put the ECR policy on a role in this account",
                    ctx.account
                ),
            ));
        }
        names.codebuild_role = role_arn.rsplit('/').next().unwrap_or(&role_arn).to_owned();
        names.codebuild_role_arn = role_arn;
    }
    Ok(names)
}

/// Refuses, before any change, a notification rule whose topic would refuse it (missing, in
/// another region, or a policy that does not let CodeStar Notifications publish): the review's
/// error, as a field error.
async fn check_notification_topic(ctx: &AwsCtx, plan: &Plan) -> Result<()> {
    let Some(n) = &plan.pipeline.notifications else {
        return Ok(());
    };
    let found = notifications::check_topic(ctx, &n.sns_topic_arn).await?;
    match found.into_iter().find(|(s, _)| *s == Severity::Error) {
        Some((_, message)) => Err(Error::validation(
            "pipeline.notifications.snsTopicArn",
            message,
        )),
        None => Ok(()),
    }
}

fn new_receipt(ctx: &AwsCtx, plan: &Plan) -> Receipt {
    let id = format!(
        "{}-{}",
        time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000,
        plan.pipeline.name
    );
    Receipt::begin(
        id,
        &plan.pipeline.name,
        &ctx.account,
        &ctx.region,
        ctx.endpoint_url.clone(),
    )
}

/// Applies a plan: the one apply of the app and the CLI.
///
/// Errors (nothing changed in AWS): an invalid plan, a target refused by [`resolve`], another run
/// of this pipeline going on, a journal that cannot be written. Otherwise the receipt says what
/// happened: `succeeded`, or `failed` with the error and what was done so far (rolled back when
/// `rollback_on_failure`). A new run continues the pipeline's current receipt (a retry, or a
/// run after one that was cut off), so one receipt always holds everything Pipewright made for it.
pub async fn apply(
    dirs: &AppDirs,
    ctx: &AwsCtx,
    plan: &Plan,
    opts: &ApplyOptions,
    rollback_on_failure: bool,
    sink: Sink<'_>,
) -> Result<Receipt> {
    if let Some(issue) = plan::validate(plan).into_iter().next() {
        return Err(issue.into_error());
    }
    let names = resolve(ctx, plan).await?;
    check_notification_topic(ctx, plan).await?;
    let receipt = current_receipt(dirs, &ctx.account, &ctx.region, &plan.pipeline.name)?
        .unwrap_or_else(|| new_receipt(ctx, plan));
    let journal = Journal::open(
        dirs,
        Receipt {
            status: ReceiptStatus::InProgress,
            error: None,
            plan: Some(plan.clone()),
            endpoint_url: ctx.endpoint_url.clone(),
            ..receipt
        },
    )?;
    let error = apply_steps(ctx, plan, names, opts, &journal, sink).await;
    let failed = error.is_some();
    let receipt = journal.finish(|r| {
        r.status = if failed {
            ReceiptStatus::Failed
        } else {
            ReceiptStatus::Succeeded
        };
        r.error = error.as_ref().map(AppError::from);
    });
    if failed && rollback_on_failure && !receipt.unsaved {
        return destroy(dirs, ctx, receipt, sink).await;
    }
    Ok(receipt)
}

/// Tears down what a receipt's runs created and puts back what they changed (a rollback after a
/// failure, or a tear-down later). Safe to run again until it has finished.
pub async fn destroy(
    dirs: &AppDirs,
    ctx: &AwsCtx,
    receipt: Receipt,
    sink: Sink<'_>,
) -> Result<Receipt> {
    if receipt.account != ctx.account || receipt.region != ctx.region {
        return Err(Error::validation(
            "profile",
            format!(
                "this receipt is for account {} in {}: switch to a profile of that account and region",
                receipt.account, receipt.region
            ),
        ));
    }
    let journal = Journal::open(dirs, receipt)?;
    Ok(undo::teardown(ctx, journal, sink).await)
}
