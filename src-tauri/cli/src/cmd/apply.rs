//! `apply`, `destroy` and `receipts`.

use std::path::PathBuf;

use clap::Args;
use pipewright_core::apply::{ApplyEvent, ApplyOptions, Receipt, ReceiptStatus, Severity};
use pipewright_core::{plan, Error, Pipewright, Result};

use crate::output::{print_event, print_receipt, print_review, to_json};
use crate::Global;

#[derive(Args)]
pub struct ApplyArgs {
    file: PathBuf,
    /// Show what would be created, reused or updated (and the findings) without changing anything.
    #[arg(long)]
    dry_run: bool,
    /// How long to wait for a PENDING GitHub connection to become AVAILABLE, in seconds.
    #[arg(long, default_value_t = 900)]
    connection_timeout: u64,
    /// Roll back what this run created if it fails.
    #[arg(long)]
    rollback_on_failure: bool,
}

#[derive(Args)]
pub struct DestroyArgs {
    /// The receipt: a file path or a receipt id.
    #[arg(long)]
    receipt: String,
}

#[derive(Args)]
pub struct ReceiptsArgs {
    #[arg(long)]
    unfinished: bool,
}

pub async fn apply(core: &Pipewright, g: &Global, args: ApplyArgs) -> Result<()> {
    let file = &args.file;
    let mut plan = super::plan::read(file)?;
    if let Some(issue) = plan::validate(&plan).into_iter().next() {
        return Err(issue.into_error());
    }
    if plan.fill_defaults() {
        // A plan from an older Pipewright: its default bucket's suffix is chosen once, here,
        // and kept in the file so every later run uses the same bucket.
        std::fs::write(file, plan.to_toml()?)?;
        eprintln!(
            "{}: chose the artifact bucket suffix {} and saved it in the plan",
            file.display(),
            plan.pipeline
                .artifact_bucket_suffix
                .as_deref()
                .unwrap_or_default()
        );
    }
    let mut sel = g.selection();
    sel.region = sel.region.or_else(|| plan.region.clone());
    let ctx = core.connect(&sel).await?;
    if args.dry_run {
        let review = core.plan_review(&ctx, &plan).await?;
        if g.json {
            println!("{}", to_json(&review)?);
        } else {
            print_review(&review);
        }
        return match review
            .findings
            .iter()
            .find(|f| f.severity == Severity::Error)
        {
            Some(f) => Err(Error::validation(
                f.path.clone().unwrap_or_else(|| "plan".into()),
                "the review found errors (see above)",
            )),
            None => Ok(()),
        };
    }
    let opts = ApplyOptions {
        connection_timeout: std::time::Duration::from_secs(args.connection_timeout),
        ..ApplyOptions::default()
    };
    let sink = |e: ApplyEvent| print_event(&e);
    let receipt = core
        .apply(&ctx, &plan, &opts, args.rollback_on_failure, &sink)
        .await?;
    if receipt.unsaved {
        eprintln!("the receipt could not be saved: it is printed below, keep it (destroy --receipt FILE reads it)");
    } else {
        eprintln!("receipt: {}", receipt.id);
    }
    print_receipt(&receipt, g.json || receipt.unsaved)?;
    match &receipt.error {
        Some(e) if receipt.status != ReceiptStatus::Succeeded => Err(run_error("apply", e)),
        _ => Ok(()),
    }
}

pub async fn destroy(core: &Pipewright, g: &Global, args: DestroyArgs) -> Result<()> {
    let receipt = core.receipt(&args.receipt).await?;
    // The receipt's region, and its endpoint unless one is given.
    let mut sel = g.selection();
    sel.region = Some(receipt.region.clone());
    sel.endpoint_url = sel.endpoint_url.or_else(|| receipt.endpoint_url.clone());
    let ctx = core.connect(&sel).await?;
    let sink = |e: ApplyEvent| print_event(&e);
    let done = core.teardown(&ctx, receipt, &sink).await?;
    print_receipt(&done, g.json || done.unsaved)?;
    match &done.error {
        Some(e) => Err(run_error("destroy", e)),
        None => Ok(()),
    }
}

pub async fn receipts(core: &Pipewright, g: &Global, args: ReceiptsArgs) -> Result<()> {
    let all: Vec<Receipt> = core.receipts(args.unfinished).await?;
    if g.json {
        println!("{}", to_json(&all)?);
    } else if all.is_empty() {
        println!("No receipts.");
    } else {
        for r in &all {
            println!(
                "{:<40} {:<12} {} {} {}",
                r.id,
                format!("{:?}", r.status).to_lowercase(),
                r.account,
                r.region,
                r.created_at
            );
        }
    }
    Ok(())
}

fn run_error(operation: &str, e: &pipewright_core::AppError) -> Error {
    Error::Aws {
        operation: operation.into(),
        code: format!("{:?}", e.code),
        message: e.message.clone(),
    }
}
