//! `release`, `status`, `stop`, `retry` and `approve`.

use clap::Args;
use pipewright_core::release::{self, PipelineVariable, ReleaseRequest};
use pipewright_core::rollout::{self, RolloutState};
use pipewright_core::{Error, ExecutionStatus, Pipewright, Result};

use crate::output::{print_rollout, print_stages, to_json};
use crate::Global;

#[derive(Args)]
pub struct ReleaseArgs {
    pipeline: String,
    /// Release this commit instead of the branch head.
    #[arg(long)]
    revision: Option<String>,
    /// Pipeline variables, NAME=VALUE (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    variables: Vec<String>,
    /// Wait for the execution to end, printing stage progress; exit 0 on Succeeded, 1 otherwise.
    #[arg(long)]
    wait: bool,
    /// Seconds between polls with --wait.
    #[arg(long, default_value_t = 2.0, hide = true)]
    poll_seconds: f64,
    /// Idempotency: the same token and the same request start one execution, so running the
    /// command again after a dropped connection does not release twice (1–128 characters).
    #[arg(long)]
    client_request_token: Option<String>,
}

#[derive(Args)]
pub struct StopArgs {
    pipeline: String,
    execution_id: String,
    /// Abandon in-progress actions instead of letting them finish.
    #[arg(long)]
    abandon: bool,
    #[arg(long)]
    reason: Option<String>,
}

#[derive(Args)]
pub struct RetryArgs {
    pipeline: String,
    stage: String,
    #[arg(long)]
    execution: Option<String>,
    /// Retry all actions of the stage, not only the failed ones.
    #[arg(long)]
    all_actions: bool,
}

#[derive(Args)]
pub struct ApproveArgs {
    pipeline: String,
    #[arg(long)]
    reject: bool,
    /// Shown in the execution's history (at most 512 characters).
    #[arg(long)]
    comment: Option<String>,
}

pub async fn release(core: &Pipewright, g: &Global, args: ReleaseArgs) -> Result<()> {
    let pipeline = args.pipeline;
    let variables = args
        .variables
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.split_once('=')
                .map(|(name, value)| PipelineVariable {
                    name: name.to_owned(),
                    value: value.to_owned(),
                })
                .ok_or_else(|| Error::validation(format!("variables.{i}"), "must be NAME=VALUE"))
        })
        .collect::<Result<Vec<_>>>()?;
    let request = ReleaseRequest {
        pipeline: pipeline.clone(),
        revision: args.revision,
        variables,
        client_request_token: args.client_request_token.unwrap_or_else(|| {
            format!(
                "pipewright-cli-{}-{}",
                std::process::id(),
                pipewright_core::service::now_ms()
            )
        }),
    };
    // Offline first: bad input is refused before any AWS call.
    if let Some(issue) = core.release_validate(&request).into_iter().next() {
        return Err(issue.into_error());
    }
    let ctx = core.connect(&g.selection()).await?;
    let id = core.release(&ctx, &request).await?;
    eprintln!("started {id}");
    if !args.wait {
        if g.json {
            println!(
                "{}",
                serde_json::json!({ "pipeline": pipeline, "executionId": id })
            );
        } else {
            println!("{id}");
        }
        return Ok(());
    }
    let (status, view) = core
        .release_wait(
            &ctx,
            &pipeline,
            &id,
            super::poll(args.poll_seconds),
            |view| print_stages(view, Some(&id)),
        )
        .await?;
    let rollout = release::deploy_rollout(&view, &id);
    if g.json {
        println!(
            "{}",
            serde_json::json!({ "pipeline": pipeline, "executionId": id, "status": status, "rollout": rollout })
        );
    } else {
        println!("{pipeline} {id}: {status}");
        if let Some(r) = rollout {
            print_rollout(r);
        }
    }
    if status == ExecutionStatus::Succeeded {
        return Ok(());
    }
    let why = rollout
        .filter(|r| r.state == RolloutState::Failed)
        .map(|r| format!(" ({})", rollout::headline(r)))
        .unwrap_or_default();
    Err(Error::Aws {
        operation: "release".into(),
        code: status.to_string(),
        message: format!("the release ended {status}{why}: see `pipewright-cli status {pipeline}`"),
    })
}

pub async fn status(core: &Pipewright, g: &Global, pipeline: &str) -> Result<()> {
    let ctx = core.connect(&g.selection()).await?;
    let view = core.pipeline_status(&ctx, pipeline).await?;
    if g.json {
        println!("{}", to_json(&view)?);
    } else {
        print_stages(&view, None);
    }
    // The latest release failed (its deployment too, whatever CodePipeline said): exit 1.
    if let Some(latest) = view
        .latest
        .as_ref()
        .filter(|l| l.status == ExecutionStatus::Failed)
    {
        eprintln!(
            "the latest release {} failed{}",
            latest.id,
            latest
                .status_summary
                .as_deref()
                .map(|s| format!(": {s}"))
                .unwrap_or_default()
        );
        std::process::exit(1);
    }
    Ok(())
}

pub async fn stop(core: &Pipewright, g: &Global, args: StopArgs) -> Result<()> {
    let ctx = core.connect(&g.selection()).await?;
    core.stop(
        &ctx,
        &args.pipeline,
        &args.execution_id,
        args.abandon,
        args.reason.as_deref(),
    )
    .await?;
    println!(
        "stopping {}{}",
        args.execution_id,
        if args.abandon { " (abandon)" } else { "" }
    );
    Ok(())
}

pub async fn retry(core: &Pipewright, g: &Global, args: RetryArgs) -> Result<()> {
    let ctx = core.connect(&g.selection()).await?;
    let id = core
        .retry(
            &ctx,
            &args.pipeline,
            &args.stage,
            args.execution.as_deref(),
            args.all_actions,
        )
        .await?;
    println!("retrying {} of {id}", args.stage);
    Ok(())
}

pub async fn approve(core: &Pipewright, g: &Global, args: ApproveArgs) -> Result<()> {
    let ctx = core.connect(&g.selection()).await?;
    let done = core
        .approve(&ctx, &args.pipeline, !args.reject, args.comment.as_deref())
        .await?;
    if g.json {
        println!("{}", to_json(&done)?);
    } else {
        println!(
            "{} {}/{} of {}{}",
            if done.approved {
                "approved"
            } else {
                "rejected"
            },
            done.stage,
            done.action,
            args.pipeline,
            done.execution_id
                .as_deref()
                .map(|id| format!(" (execution {id})"))
                .unwrap_or_default()
        );
    }
    Ok(())
}
