//! `pipewright-cli`: the headless twin of the Pipewright app, over the same core service.
//!
//! This file is the command line (global options, the subcommands) and the dispatch; each
//! subcommand is a module of `cmd/` (its arguments and an adapter over
//! [`pipewright_core::Pipewright`]) and everything printed goes through `output`.

mod cmd;
mod output;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use pipewright_core::service::Selection;
use pipewright_core::{AppError, ErrorCode, Pipewright, Result};

use cmd::apply::{ApplyArgs, DestroyArgs, ReceiptsArgs};
use cmd::history::HistoryArgs;
use cmd::logs::LogsArgs;
use cmd::plan::PlanCommand;
use cmd::profiles::ProfilesCommand;
use cmd::release::{ApproveArgs, ReleaseArgs, RetryArgs, StopArgs};
use cmd::rollback::RollbackArgs;

#[derive(Parser)]
#[command(
    name = "pipewright-cli",
    version,
    about = "Create AWS CI/CD pipelines, release, and read build history — the headless twin of the Pipewright app",
    propagate_version = true
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
pub struct Global {
    /// Profile to use: a Pipewright profile, or else an AWS CLI profile of that name. Without it, the
    /// standard AWS chain (environment variables, ~/.aws default profile) is used, as the AWS CLI does.
    #[arg(long, global = true, env = "PIPEWRIGHT_PROFILE")]
    pub profile: Option<String>,
    /// AWS region (overrides the profile's).
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// AWS endpoint URL (overrides the profile's), e.g. the local emulator.
    #[arg(long, global = true)]
    pub endpoint_url: Option<String>,
    /// Print machine-readable JSON on stdout (errors as {"error": {code, message, field}}).
    #[arg(long, global = true)]
    pub json: bool,
    /// Log what happens on stderr, AWS failures with their whole cause chain (PIPEWRIGHT_LOG
    /// sets the filter itself, e.g. `PIPEWRIGHT_LOG=debug`). Quiet otherwise.
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
}

impl Global {
    /// Where the command works: the profile and the region and endpoint over it.
    pub fn selection(&self) -> Selection {
        Selection {
            profile: self.profile.clone(),
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Manage Pipewright profiles (keys live only in the OS keyring).
    Profiles {
        #[command(subcommand)]
        command: ProfilesCommand,
    },
    /// Show the account and ARN the credentials belong to (STS GetCallerIdentity).
    Whoami,
    /// Work with plan files (pipewright.toml).
    Plan {
        #[command(subcommand)]
        command: PlanCommand,
    },
    /// Create (or update) everything a plan describes. Progress goes to stderr, the receipt to
    /// stdout; the receipt is also kept in Pipewright's data dir.
    Apply(ApplyArgs),
    /// Release: start an execution of the pipeline (the latest commit, or --revision).
    Release(ReleaseArgs),
    /// The pipeline's stages and their latest status.
    Status { pipeline: String },
    /// Stop an execution.
    Stop(StopArgs),
    /// Retry a failed stage (of its latest execution, or --execution).
    Retry(RetryArgs),
    /// Approve (or --reject) the manual approval waiting in the pipeline, with a comment.
    Approve(ApproveArgs),
    /// Roll the ECS service back to an earlier release: RollbackStage on the deploy stage (V2
    /// pipelines) or UpdateService to the task definition that release deployed (V1). Shows what
    /// runs now and what it goes back to, and asks (or pass --yes).
    Rollback(RollbackArgs),
    /// Build history of a CodeBuild project: fetches what is new into the local store, then prints
    /// the builds (newest first) and the figures.
    History(HistoryArgs),
    /// A build's CloudWatch log.
    Logs(LogsArgs),
    /// Delete exactly what an apply run created, and put back what it changed, from its receipt.
    /// Safe to run again: it finishes what an earlier tear-down left.
    Destroy(DestroyArgs),
    /// The receipts of apply runs (newest first); with --unfinished only runs that were cut off.
    Receipts(ReceiptsArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Nothing but the command's own output unless asked: the SDK's warnings would read as errors.
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("PIPEWRIGHT_LOG").unwrap_or_else(|_| {
            tracing_subscriber::EnvFilter::new(if cli.global.verbose {
                "warn,pipewright_core=debug,pipewright_cli=debug"
            } else {
                "off"
            })
        });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let json = cli.global.json;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let wire = AppError::from(&e);
            if json {
                println!("{}", serde_json::json!({ "error": wire }));
            } else {
                eprintln!("error: {wire}");
            }
            ExitCode::from(if e.code() == ErrorCode::Validation {
                2
            } else {
                1
            })
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    let core = Pipewright::from_env()?;
    let g = &cli.global;
    match cli.command {
        Command::Profiles { command } => cmd::profiles::run(&core, g, command).await,
        Command::Whoami => cmd::profiles::whoami(&core, g).await,
        Command::Plan { command } => cmd::plan::run(&core, g, command),
        Command::Apply(args) => cmd::apply::apply(&core, g, args).await,
        Command::Destroy(args) => cmd::apply::destroy(&core, g, args).await,
        Command::Receipts(args) => cmd::apply::receipts(&core, g, args).await,
        Command::Release(args) => cmd::release::release(&core, g, args).await,
        Command::Status { pipeline } => cmd::release::status(&core, g, &pipeline).await,
        Command::Stop(args) => cmd::release::stop(&core, g, args).await,
        Command::Retry(args) => cmd::release::retry(&core, g, args).await,
        Command::Approve(args) => cmd::release::approve(&core, g, args).await,
        Command::Rollback(args) => cmd::rollback::run(&core, g, args).await,
        Command::History(args) => cmd::history::run(&core, g, args).await,
        Command::Logs(args) => cmd::logs::run(&core, g, args).await,
    }
}
