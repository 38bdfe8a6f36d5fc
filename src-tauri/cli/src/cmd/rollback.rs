//! `rollback` (and `rollback --undo`).

use std::time::Duration;

use clap::Args;
use pipewright_core::apply::AwsCtx;
use pipewright_core::rollout::{self, RolloutState};
use pipewright_core::service_change::ServiceChange;
use pipewright_core::{Error, ExecutionStatus, Pipewright, Result};

use crate::output::{print_rollback_plan, print_stages, to_json};
use crate::Global;

#[derive(Args)]
pub struct RollbackArgs {
    pipeline: String,
    /// The execution to go back to (default: the last release whose rollout COMPLETED).
    #[arg(long = "to", value_name = "EXECUTION_ID")]
    to: Option<String>,
    /// Do it without asking.
    #[arg(long)]
    yes: bool,
    /// Only show what would happen.
    #[arg(long)]
    dry_run: bool,
    /// Wait for the rollback to end (its rollout too); exit 1 unless it succeeds.
    #[arg(long)]
    wait: bool,
    /// Undo the last service update a rollback of this (V1) pipeline made: the service goes
    /// back to what it ran before, unless it has moved on since.
    #[arg(long, conflicts_with_all = ["to", "dry_run"])]
    undo: bool,
    #[arg(long, default_value_t = 2.0, hide = true)]
    poll_seconds: f64,
}

pub async fn run(core: &Pipewright, g: &Global, args: RollbackArgs) -> Result<()> {
    let ctx = core.connect(&g.selection()).await?;
    let poll = super::poll(args.poll_seconds);
    let pipeline = &args.pipeline;
    if args.undo {
        return undo(core, g, &ctx, &args, poll).await;
    }
    let plan = core
        .rollback_plan(&ctx, pipeline, args.to.as_deref())
        .await?;
    print_rollback_plan(&plan);
    if args.dry_run {
        if g.json {
            println!("{}", to_json(&plan)?);
        }
        return Ok(());
    }
    if !super::confirm(&format!("Roll back {pipeline}?"), args.yes)? {
        eprintln!("not rolled back");
        return Ok(());
    }
    let result = core.rollback_run(&ctx, &plan).await?;
    let mut status = None;
    if args.wait {
        if let Some(id) = &result.execution_id {
            let (s, _) = core
                .release_wait(&ctx, pipeline, id, poll, |view| {
                    print_stages(view, Some(id))
                })
                .await?;
            status = Some(s);
        }
        if let Some(change) = &result.change {
            status = rollout_status(core, &ctx, change, poll).await?;
        }
    }
    if g.json {
        println!(
            "{}",
            serde_json::json!({ "plan": plan, "result": result, "status": status })
        );
    } else {
        match (&result.execution_id, &result.task_definition) {
            (Some(id), _) => println!("rollback execution {id}"),
            (_, Some(td)) => println!("service {} now rolls out {td}", plan.target.service),
            _ => {}
        }
        if let Some(s) = &status {
            println!("{pipeline}: rollback {s}");
        }
    }
    match status {
        Some(s) if s != ExecutionStatus::Succeeded => Err(Error::Aws {
            operation: "rollback".into(),
            code: s.to_string(),
            message: format!("the rollback ended {s}"),
        }),
        _ => Ok(()),
    }
}

async fn undo(
    core: &Pipewright,
    g: &Global,
    ctx: &AwsCtx,
    args: &RollbackArgs,
    poll: Duration,
) -> Result<()> {
    let last = core.last_service_change(ctx, &args.pipeline).await?;
    eprintln!(
        "undo: service {} goes back from {} to {}",
        last.target.service, last.to_task_definition, last.from_task_definition
    );
    if !args.yes {
        return Err(Error::validation("yes", "pass --yes to undo the rollback"));
    }
    let done = core.service_change_undo(ctx, &last.id).await?;
    let status = if args.wait {
        rollout_status(core, ctx, &done, poll).await?
    } else {
        None
    };
    if g.json {
        println!(
            "{}",
            serde_json::json!({ "change": done, "status": status })
        );
    } else {
        println!(
            "service {} now rolls out {}",
            done.target.service, done.from_task_definition
        );
    }
    match status {
        Some(s) if s != ExecutionStatus::Succeeded => Err(Error::Aws {
            operation: "rollback --undo".into(),
            code: s.to_string(),
            message: format!("the service's rollout ended {s}"),
        }),
        _ => Ok(()),
    }
}

/// Follows a service update's rollout: "Succeeded" once it completes, "Failed" otherwise.
async fn rollout_status(
    core: &Pipewright,
    ctx: &AwsCtx,
    change: &ServiceChange,
    poll: Duration,
) -> Result<Option<ExecutionStatus>> {
    let done = core
        .service_change_wait(ctx, change, poll, |r| eprintln!("  rollout: {}", r.summary))
        .await?;
    Ok(done.map(|r| {
        if r.state == RolloutState::Completed {
            ExecutionStatus::Succeeded
        } else {
            for reason in rollout::task_reasons(&r) {
                eprintln!("  {reason}");
            }
            ExecutionStatus::Failed
        }
    }))
}
