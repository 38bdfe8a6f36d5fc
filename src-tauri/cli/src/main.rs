//! `pipewright-cli`: the headless twin of the Pipewright app, over the same core.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use pipewright_core::apply::{
    self, ApplyEvent, ApplyOptions, AwsCtx, Receipt, ReceiptStatus, Review, Severity, StepStatus,
};
use pipewright_core::approval;
use pipewright_core::aws::{self, AwsTarget, CredentialSource};
use pipewright_core::diagnosis::{self, Diagnosis};
use pipewright_core::history::{self, HistoryStore};
use pipewright_core::keyring_store::OsKeyring;
use pipewright_core::paths::AppDirs;
use pipewright_core::plan::{self, Plan};
use pipewright_core::profiles::{
    self, ProfileInput, ProfileRef, ProfileStore, ProfileSummary, Sandbox,
};
use pipewright_core::release::{self, PipelineVariable, PipelineView, ReleaseRequest};
use pipewright_core::rollback::{self, RollbackPlan};
use pipewright_core::rollout::{self, Rollout, RolloutState};
use pipewright_core::service_change::{self, ServiceChange, ServiceChangeState};
use pipewright_core::{AppError, Error, ErrorCode, Result, Secret};

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
struct Global {
    /// Profile to use: a Pipewright profile, or else an AWS CLI profile of that name. Without it, the
    /// standard AWS chain (environment variables, ~/.aws default profile) is used, as the AWS CLI does.
    #[arg(long, global = true, env = "PIPEWRIGHT_PROFILE")]
    profile: Option<String>,
    /// AWS region (overrides the profile's).
    #[arg(long, global = true)]
    region: Option<String>,
    /// AWS endpoint URL (overrides the profile's), e.g. the local emulator.
    #[arg(long, global = true)]
    endpoint_url: Option<String>,
    /// Print machine-readable JSON on stdout (errors as {"error": {code, message, field}}).
    #[arg(long, global = true)]
    json: bool,
    /// Log what happens on stderr, AWS failures with their whole cause chain (PIPEWRIGHT_LOG
    /// sets the filter itself, e.g. `PIPEWRIGHT_LOG=debug`). Quiet otherwise.
    #[arg(long, short = 'v', global = true)]
    verbose: bool,
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
    Apply {
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
    },
    /// Release: start an execution of the pipeline (the latest commit, or --revision).
    Release {
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
    },
    /// The pipeline's stages and their latest status.
    Status { pipeline: String },
    /// Stop an execution.
    Stop {
        pipeline: String,
        execution_id: String,
        /// Abandon in-progress actions instead of letting them finish.
        #[arg(long)]
        abandon: bool,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Retry a failed stage (of its latest execution, or --execution).
    Retry {
        pipeline: String,
        stage: String,
        #[arg(long)]
        execution: Option<String>,
        /// Retry all actions of the stage, not only the failed ones.
        #[arg(long)]
        all_actions: bool,
    },
    /// Approve (or --reject) the manual approval waiting in the pipeline, with a comment.
    Approve {
        pipeline: String,
        #[arg(long)]
        reject: bool,
        /// Shown in the execution's history (at most 512 characters).
        #[arg(long)]
        comment: Option<String>,
    },
    /// Roll the ECS service back to an earlier release: RollbackStage on the deploy stage (V2
    /// pipelines) or UpdateService to the task definition that release deployed (V1). Shows what
    /// runs now and what it goes back to, and asks (or pass --yes).
    Rollback {
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
    },
    /// Build history of a CodeBuild project: fetches what is new into the local store, then prints
    /// the builds (newest first) and the figures.
    History {
        project: String,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Only builds started on or after this date (YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
    },
    /// A build's CloudWatch log.
    Logs {
        build_id: String,
        /// Keep printing new lines until the build ends.
        #[arg(long)]
        follow: bool,
    },
    /// Delete exactly what an apply run created, and put back what it changed, from its receipt.
    /// Safe to run again: it finishes what an earlier tear-down left.
    Destroy {
        /// The receipt: a file path or a receipt id.
        #[arg(long)]
        receipt: String,
    },
    /// The receipts of apply runs (newest first); with --unfinished only runs that were cut off.
    Receipts {
        #[arg(long)]
        unfinished: bool,
    },
}

#[derive(Subcommand)]
enum PlanCommand {
    /// Validate a plan offline (no AWS call). Exit 0 valid, 2 invalid.
    Check { file: PathBuf },
    /// Print the reference plan (the console walkthrough the wizard mirrors).
    Reference,
}

#[derive(Subcommand)]
enum ProfilesCommand {
    /// Add a profile. Reads the access key id, the secret access key and an optional session token
    /// as lines on stdin when stdin is not a terminal, or asks for them (hidden) otherwise. Requires
    /// --region; --endpoint-url is kept with the profile.
    Add {
        name: String,
        /// Make this the default profile.
        #[arg(long)]
        default: bool,
    },
    /// List Pipewright, environment and AWS CLI profiles (never their secrets).
    List,
    /// Remove a Pipewright profile and its keyring entry.
    Remove { name: String },
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

fn store() -> Result<ProfileStore> {
    Ok(ProfileStore::new(
        AppDirs::from_env()?,
        Arc::new(OsKeyring::default()),
        Sandbox::from_env(),
    ))
}

async fn run(cli: Cli) -> Result<()> {
    let g = cli.global;
    match cli.command {
        Command::Profiles { command } => match command {
            ProfilesCommand::Add { name, default } => {
                let region = g.region.clone().ok_or_else(|| {
                    Error::validation(
                        "region",
                        "is required: pass --region, e.g. --region eu-west-2",
                    )
                })?;
                let mut input = ProfileInput {
                    name,
                    region,
                    endpoint_url: g.endpoint_url.clone(),
                    make_default: default,
                    ..Default::default()
                };
                // Check what we can before asking for secrets.
                profiles::validate_fields(&input)?;
                let (id, secret, token) = read_keys()?;
                input.access_key_id = Some(id);
                input.secret_access_key = Some(secret);
                input.session_token = token;
                let saved = store()?.save(&input)?;
                if g.json {
                    println!("{}", to_json(&saved)?);
                } else {
                    println!(
                        "Saved profile {} ({}, key {}); its keys are in the OS keyring.",
                        saved.name,
                        saved.region.as_deref().unwrap_or("-"),
                        saved.access_key_hint.as_deref().unwrap_or("-")
                    );
                }
                Ok(())
            }
            ProfilesCommand::List => {
                let all = store()?.list_all().await?;
                if g.json {
                    println!("{}", to_json(&all)?);
                } else {
                    print_profiles(&all);
                }
                Ok(())
            }
            ProfilesCommand::Remove { name } => {
                store()?.remove(&name)?;
                if g.json {
                    println!("{}", serde_json::json!({ "removed": name }));
                } else {
                    println!("Removed profile {name} and its keyring entry.");
                }
                Ok(())
            }
        },
        Command::Plan { command } => match command {
            PlanCommand::Check { file } => {
                // A file that does not parse is one issue, named by its field like the others.
                let issues = match read_plan(&file) {
                    Ok(plan) => plan::validate(&plan),
                    Err(Error::Validation { field, message }) => vec![plan::Issue {
                        path: field,
                        message,
                    }],
                    Err(e) => return Err(e),
                };
                if issues.is_empty() {
                    if g.json {
                        println!(
                            "{}",
                            to_json(&serde_json::json!({ "valid": true, "issues": [] }))?
                        );
                    } else {
                        println!("{}: valid", file.display());
                    }
                    return Ok(());
                }
                if g.json {
                    let first = AppError::from(issues[0].clone().into_error());
                    println!(
                        "{}",
                        to_json(
                            &serde_json::json!({ "valid": false, "issues": issues, "error": first })
                        )?
                    );
                } else {
                    for issue in &issues {
                        eprintln!("{}: {}: {}", file.display(), issue.path, issue.message);
                    }
                }
                // Invalid input: exit 2, with the issues already printed.
                std::io::stdout().flush().ok();
                std::process::exit(2);
            }
            PlanCommand::Reference => {
                print!("{}", Plan::reference().to_toml()?);
                Ok(())
            }
        },
        Command::Apply {
            file,
            dry_run,
            connection_timeout,
            rollback_on_failure,
        } => {
            let mut plan = read_plan(&file)?;
            if let Some(issue) = plan::validate(&plan).into_iter().next() {
                return Err(issue.into_error());
            }
            if plan.fill_defaults() {
                // A plan from an older Pipewright: its default bucket's suffix is chosen once, here,
                // and kept in the file so every later run uses the same bucket.
                std::fs::write(&file, plan.to_toml()?)?;
                eprintln!(
                    "{}: chose the artifact bucket suffix {} and saved it in the plan",
                    file.display(),
                    plan.pipeline
                        .artifact_bucket_suffix
                        .as_deref()
                        .unwrap_or_default()
                );
            }
            let store = store()?;
            let region = g.region.clone().or_else(|| plan.region.clone());
            let (target, _) = target(&store, &g, region).await?;
            let ctx = AwsCtx::connect(&target).await?;
            if dry_run {
                let review = apply::review(&ctx, &plan).await?;
                if g.json {
                    println!("{}", to_json(&review)?);
                } else {
                    print_review(&review);
                }
                return if review
                    .findings
                    .iter()
                    .any(|f| f.severity == Severity::Error)
                {
                    Err(Error::validation(
                        review
                            .findings
                            .iter()
                            .find(|f| f.severity == Severity::Error)
                            .and_then(|f| f.path.clone())
                            .unwrap_or_else(|| "plan".into()),
                        "the review found errors (see above)",
                    ))
                } else {
                    Ok(())
                };
            }
            let opts = ApplyOptions {
                connection_timeout: std::time::Duration::from_secs(connection_timeout),
                ..ApplyOptions::default()
            };
            let sink = |e: ApplyEvent| print_event(&e);
            let receipt =
                apply::apply(store.dirs(), &ctx, &plan, &opts, rollback_on_failure, &sink).await?;
            if receipt.unsaved {
                eprintln!("the receipt could not be saved: it is printed below, keep it (destroy --receipt FILE reads it)");
            } else {
                eprintln!("receipt: {}", receipt.id);
            }
            print_receipt(&receipt, g.json || receipt.unsaved)?;
            match &receipt.error {
                Some(e) if receipt.status != ReceiptStatus::Succeeded => Err(Error::Aws {
                    operation: "apply".into(),
                    code: format!("{:?}", e.code),
                    message: e.message.clone(),
                }),
                _ => Ok(()),
            }
        }
        Command::Destroy { receipt } => {
            let store = store()?;
            let loaded: Receipt = if std::path::Path::new(&receipt).exists() {
                let text = std::fs::read_to_string(&receipt)?;
                serde_json::from_str(&text).map_err(|e| {
                    Error::validation(
                        "receipt",
                        format!("{receipt} is not a Pipewright receipt: {e}"),
                    )
                })?
            } else {
                apply::receipts::load(store.dirs(), &receipt)?
            };
            let endpoint = g
                .endpoint_url
                .clone()
                .or_else(|| loaded.endpoint_url.clone());
            let g = Global {
                endpoint_url: endpoint,
                ..g
            };
            let (target, _) = target(&store, &g, Some(loaded.region.clone())).await?;
            let ctx = AwsCtx::connect(&target).await?;
            let sink = |e: ApplyEvent| print_event(&e);
            let done = apply::destroy(store.dirs(), &ctx, loaded, &sink).await?;
            print_receipt(&done, g.json || done.unsaved)?;
            match &done.error {
                Some(e) => Err(Error::Aws {
                    operation: "destroy".into(),
                    code: format!("{:?}", e.code),
                    message: e.message.clone(),
                }),
                None => Ok(()),
            }
        }
        Command::Receipts { unfinished } => {
            let store = store()?;
            let all = if unfinished {
                apply::unfinished(store.dirs())?
            } else {
                apply::receipts::list(store.dirs())?
            };
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
        Command::Release {
            pipeline,
            revision,
            variables,
            wait,
            poll_seconds,
            client_request_token,
        } => {
            let variables = variables
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    v.split_once('=')
                        .map(|(name, value)| PipelineVariable {
                            name: name.to_owned(),
                            value: value.to_owned(),
                        })
                        .ok_or_else(|| {
                            Error::validation(format!("variables.{i}"), "must be NAME=VALUE")
                        })
                })
                .collect::<Result<Vec<_>>>()?;
            let request = ReleaseRequest {
                pipeline: pipeline.clone(),
                revision,
                variables,
                client_request_token: client_request_token.unwrap_or_else(|| {
                    format!(
                        "pipewright-cli-{}-{}",
                        std::process::id(),
                        std::time::SystemTime::now()
                            .duration_since(std::time::UNIX_EPOCH)
                            .map(|d| d.as_millis())
                            .unwrap_or_default()
                    )
                }),
            };
            let ctx = connect(&g).await?;
            let id = release::release(&ctx, &request).await?;
            eprintln!("started {id}");
            if !wait {
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
            let (status, view) = release::wait(
                &ctx,
                &pipeline,
                &id,
                std::time::Duration::from_secs_f64(poll_seconds.max(0.05)),
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
            if status == "Succeeded" {
                Ok(())
            } else {
                let why = rollout
                    .filter(|r| r.state == RolloutState::Failed)
                    .map(|r| format!(" ({})", rollout::headline(r)))
                    .unwrap_or_default();
                Err(Error::Aws {
                    operation: "release".into(),
                    code: status.clone(),
                    message: format!(
                        "the release ended {status}{why}: see `pipewright-cli status {pipeline}`"
                    ),
                })
            }
        }
        Command::Status { pipeline } => {
            let ctx = connect(&g).await?;
            let mut view = release::pipeline_view(&ctx, &pipeline).await?;
            // A failed build's diagnosis comes from its log.
            for stage in &mut view.stages {
                for a in &mut stage.actions {
                    if a.provider == "CodeBuild" && a.status.as_deref() == Some("Failed") {
                        if let Some(id) = a.external_execution_id.clone() {
                            a.diagnosis = diagnosis::of_build(&ctx, &id).await?;
                        }
                    }
                }
            }
            if g.json {
                println!("{}", to_json(&view)?);
            } else {
                print_stages(&view, None);
            }
            // The latest release failed (its deployment too, whatever CodePipeline said): exit 1.
            if let Some(latest) = view.latest.as_ref().filter(|l| l.status == "Failed") {
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
        Command::Stop {
            pipeline,
            execution_id,
            abandon,
            reason,
        } => {
            let ctx = connect(&g).await?;
            release::stop(&ctx, &pipeline, &execution_id, abandon, reason.as_deref()).await?;
            println!(
                "stopping {execution_id}{}",
                if abandon { " (abandon)" } else { "" }
            );
            Ok(())
        }
        Command::Retry {
            pipeline,
            stage,
            execution,
            all_actions,
        } => {
            let ctx = connect(&g).await?;
            let id =
                release::retry(&ctx, &pipeline, &stage, execution.as_deref(), all_actions).await?;
            println!("retrying {stage} of {id}");
            Ok(())
        }
        Command::Approve {
            pipeline,
            reject,
            comment,
        } => {
            let ctx = connect(&g).await?;
            let done = approval::decide(&ctx, &pipeline, !reject, comment.as_deref()).await?;
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
                    pipeline,
                    done.execution_id
                        .as_deref()
                        .map(|id| format!(" (execution {id})"))
                        .unwrap_or_default()
                );
            }
            Ok(())
        }
        Command::Rollback {
            pipeline,
            to,
            yes,
            dry_run,
            wait,
            undo,
            poll_seconds,
        } => {
            let ctx = connect(&g).await?;
            let dirs = AppDirs::from_env()?;
            let poll = std::time::Duration::from_secs_f64(poll_seconds.max(0.05));
            if undo {
                return undo_rollback(&g, &ctx, &dirs, &pipeline, yes, wait, poll).await;
            }
            let history = open_history(&dirs)?;
            let plan = rollback::plan(&ctx, &history, &pipeline, to.as_deref()).await?;
            print_rollback_plan(&plan);
            if dry_run {
                if g.json {
                    println!("{}", to_json(&plan)?);
                }
                return Ok(());
            }
            if !yes {
                if !std::io::stdin().is_terminal() {
                    return Err(Error::validation(
                        "yes",
                        "pass --yes to roll back without a prompt",
                    ));
                }
                eprint!("Roll back {pipeline}? [y/N] ");
                std::io::stderr().flush().ok();
                let mut answer = String::new();
                std::io::stdin().lock().read_line(&mut answer).ok();
                if !matches!(answer.trim(), "y" | "Y" | "yes") {
                    eprintln!("not rolled back");
                    return Ok(());
                }
            }
            let result = rollback::run(&ctx, &dirs, &plan).await?;
            let mut status = None;
            if wait {
                if let Some(id) = &result.execution_id {
                    let (s, _) = release::wait(&ctx, &pipeline, id, poll, |view| {
                        print_stages(view, Some(id))
                    })
                    .await?;
                    status = Some(s);
                }
                if let Some(change) = &result.change {
                    status = rollout_status(&ctx, change, poll).await?;
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
            match status.as_deref() {
                Some(s) if s != "Succeeded" => Err(Error::Aws {
                    operation: "rollback".into(),
                    code: s.to_owned(),
                    message: format!("the rollback ended {s}"),
                }),
                _ => Ok(()),
            }
        }
        Command::History {
            project,
            limit,
            since,
        } => {
            let since_ms = match &since {
                Some(d) => Some(parse_date(d)?),
                None => None,
            };
            let ctx = connect(&g).await?;
            let history = open_history(&AppDirs::from_env()?)?;
            let report = history::sync_builds(&ctx, &history, &project, |_| {}).await?;
            if let Some(n) = &report.notice {
                eprintln!("note: {n}");
            }
            let scope = history::load_scope(&ctx);
            // Commit messages come from the pipelines' executions: without access to them (or
            // with CodePipeline down) the builds still print, with the messages stored before.
            let messages = match history::sync_commit_messages(&ctx, &history, &project).await {
                Ok(messages) => messages,
                Err(e) => {
                    eprintln!("Commit messages not brought up to date: {e}");
                    history.commit_messages(&scope, &project)?
                }
            };
            let all = history.builds(&scope, &project, None)?;
            let now = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
            let stats = history.build_stats(&scope, &project, now, 30)?;
            let shown: Vec<&history::BuildRecord> = all
                .iter()
                .filter(|b| since_ms.is_none_or(|s| b.start_ms >= s))
                .take(limit)
                .collect();
            if g.json {
                println!(
                    "{}",
                    to_json(
                        &serde_json::json!({ "sync": report, "stats30d": stats, "builds": shown, "commitMessages": messages })
                    )?
                );
            } else {
                println!(
                    "{project}: {} builds stored ({} fetched now). Last 30 days: {} builds, success {}, median {}, p90 {}, ${:.2}",
                    report.total_stored,
                    report.fetched,
                    stats.builds,
                    stats.success_rate.map(|r| format!("{:.0}%", r * 100.0)).unwrap_or_else(|| "-".into()),
                    stats.median_seconds.map(|s| format!("{s:.0}s")).unwrap_or_else(|| "-".into()),
                    stats.p90_seconds.map(|s| format!("{s:.0}s")).unwrap_or_else(|| "-".into()),
                    stats.cost_usd
                );
                for b in shown {
                    let message = messages
                        .get(&b.id)
                        .map(|m| {
                            // Its first line, without control characters (no terminal escapes).
                            let line = m.lines().next().unwrap_or_default();
                            format!(
                                "  {}",
                                line.chars().filter(|c| !c.is_control()).collect::<String>()
                            )
                        })
                        .unwrap_or_default();
                    println!(
                        "#{:<6} {:<11} {:<8} {:<10} {:>7} {}{message}",
                        b.build_number.map(|n| n.to_string()).unwrap_or_default(),
                        b.status,
                        b.commit
                            .as_deref()
                            .map(|c| &c[..c.len().min(7)])
                            .unwrap_or("-"),
                        format!("{:?}", b.initiator_kind).to_lowercase(),
                        b.duration_seconds
                            .map(|d| format!("{d:.0}s"))
                            .unwrap_or_else(|| "-".into()),
                        time::OffsetDateTime::from_unix_timestamp(b.start_ms / 1000)
                            .ok()
                            .and_then(|t| t
                                .format(&time::format_description::well_known::Rfc3339)
                                .ok())
                            .unwrap_or_default()
                    );
                }
            }
            Ok(())
        }
        Command::Logs { build_id, follow } => {
            let ctx = connect(&g).await?;
            if g.json {
                // The build's status, its diagnosis (a failed build) and its log.
                let build = history::fetch_builds(&ctx, vec![build_id.clone()])
                    .await?
                    .into_iter()
                    .next()
                    .ok_or_else(|| Error::NotFound(format!("no build {build_id}")))?;
                let mut lines = Vec::new();
                if let (Some(group), Some(stream)) = (&build.log_group, &build.log_stream) {
                    let mut token = None;
                    loop {
                        let page = history::logs::page(&ctx, group, stream, token.clone()).await?;
                        lines.extend(page.lines.into_iter().map(|l| l.message));
                        if page.next_token.is_none() || page.next_token == token {
                            break;
                        }
                        token = page.next_token;
                    }
                }
                let tail_start = lines.len().saturating_sub(300);
                let diagnosis = diagnosis::for_build(&build, &lines[tail_start..]);
                println!(
                    "{}",
                    serde_json::json!({ "buildId": build_id, "status": build.status, "diagnosis": diagnosis, "lines": lines })
                );
                return Ok(());
            }
            if !follow {
                if let Some(d) = diagnosis::of_build(&ctx, &build_id).await? {
                    eprintln!("{}", diagnosis_text(&d));
                }
            }
            let mut token: Option<String> = None;
            let poll = std::time::Duration::from_secs(2);
            loop {
                let build = history::fetch_builds(&ctx, vec![build_id.clone()])
                    .await?
                    .into_iter()
                    .next()
                    .ok_or_else(|| Error::NotFound(format!("no build {build_id}")))?;
                let no_log = || {
                    if build.started_container() {
                        eprintln!("The log of {build_id} is no longer in CloudWatch (deleted, or past the log group's retention).");
                    } else {
                        eprintln!("The build {build_id} wrote no log: it ended before its build container started.");
                    }
                };
                let (Some(group), Some(stream)) =
                    (build.log_group.clone(), build.log_stream.clone())
                else {
                    // A queued build has no log stream yet.
                    if build.finished() {
                        no_log();
                        return Ok(());
                    }
                    if !follow {
                        eprintln!("The build {build_id} has not started writing its log yet (--follow waits for it).");
                        return Ok(());
                    }
                    tokio::time::sleep(poll).await;
                    continue;
                };
                // Every page there is now: CloudWatch may answer an empty page before the end;
                // the end is the same token coming back.
                loop {
                    let sent = token.clone();
                    let page = history::logs::page(&ctx, &group, &stream, sent.clone()).await?;
                    if !page.stream_exists {
                        if build.finished() {
                            no_log();
                            return Ok(());
                        }
                        break;
                    }
                    for line in &page.lines {
                        println!("{}", line.message);
                    }
                    token = page.next_token;
                    if token.is_none() || token == sent {
                        break;
                    }
                }
                if !follow || build.finished() {
                    return Ok(());
                }
                tokio::time::sleep(poll).await;
            }
        }
        Command::Whoami => {
            let store = store()?;
            let (target, profile) = target(&store, &g, g.region.clone()).await?;
            let identity = aws::whoami(&aws::load_config(&target).await?).await?;
            if let Some(r) = &profile {
                store.record_account(r, &identity.account)?;
            }
            if g.json {
                println!("{}", to_json(&identity)?);
            } else {
                println!("Account: {}\nARN:     {}", identity.account, identity.arn);
            }
            Ok(())
        }
    }
}

/// The AWS target of the global options: `--profile` (Pipewright's, then the AWS CLI's) or the
/// standard chain, with `region` and `--endpoint-url` overriding the profile's.
async fn target(
    store: &ProfileStore,
    g: &Global,
    region: Option<String>,
) -> Result<(AwsTarget, Option<ProfileRef>)> {
    Ok(match &g.profile {
        Some(name) => {
            let r = store.resolve_name(name).await?;
            (
                store.target(&r, region.as_deref(), g.endpoint_url.as_deref())?,
                Some(r),
            )
        }
        None => (
            AwsTarget {
                label: "the default AWS credential chain".to_owned(),
                credentials: CredentialSource::DefaultChain,
                region,
                endpoint_url: g.endpoint_url.clone(),
            },
            None,
        ),
    })
}

async fn connect(g: &Global) -> Result<AwsCtx> {
    let store = store()?;
    let (target, _) = target(&store, g, g.region.clone()).await?;
    AwsCtx::connect(&target).await
}

fn print_stages(view: &PipelineView, execution: Option<&str>) {
    let mut line = String::new();
    for stage in &view.stages {
        let status = match execution {
            Some(id) if stage.execution_id.as_deref() != Some(id) => "-",
            _ => stage.status.as_deref().unwrap_or("-"),
        };
        line.push_str(&format!("{}: {}  ", stage.name, status));
    }
    eprintln!("{}", line.trim_end());
    if let Some(id) = execution {
        for stage in view
            .stages
            .iter()
            .filter(|s| s.execution_id.as_deref() == Some(id))
        {
            if stage.actions.iter().any(|a| a.awaiting_approval) {
                eprintln!(
                    "{} waits for approval: `pipewright-cli approve {}` (or --reject)",
                    stage.name, view.name
                );
            }
        }
    }
    if execution.is_none() {
        if let Some(l) = &view.latest {
            println!(
                "latest release {}: {}{}",
                l.id,
                l.status,
                l.pipeline_status
                    .as_deref()
                    .map(|p| format!(" (CodePipeline says {p})"))
                    .unwrap_or_default()
            );
        }
        for stage in &view.stages {
            for a in &stage.actions {
                println!(
                    "{:<10} {:<20} {:<12} {}",
                    stage.name,
                    a.name,
                    a.status.as_deref().unwrap_or("-"),
                    a.error.as_deref().or(a.summary.as_deref()).unwrap_or("")
                );
                if let Some(r) = &a.rollout {
                    print_rollout(r);
                }
                if let Some(d) = &a.diagnosis {
                    print_diagnosis(d);
                }
            }
        }
    }
}

/// The local history store; what it has to say once (it was damaged and is rebuilt) goes to
/// stderr.
fn open_history(dirs: &AppDirs) -> Result<HistoryStore> {
    let store = HistoryStore::open(&dirs.data.join("history.sqlite"))?;
    if let Some(n) = store.take_notice() {
        eprintln!("note: {n}");
    }
    Ok(store)
}

/// Follows a service update's rollout: "Succeeded" once it completes, "Failed" otherwise.
async fn rollout_status(
    ctx: &AwsCtx,
    change: &ServiceChange,
    poll: std::time::Duration,
) -> Result<Option<String>> {
    let done =
        service_change::wait(ctx, change, poll, |r| eprintln!("  rollout: {}", r.summary)).await?;
    Ok(done.map(|r| {
        if r.state == RolloutState::Completed {
            "Succeeded".to_owned()
        } else {
            for reason in rollout::task_reasons(&r) {
                eprintln!("  {reason}");
            }
            "Failed".to_owned()
        }
    }))
}

/// `rollback --undo`: the pipeline's last service update, put back.
async fn undo_rollback(
    g: &Global,
    ctx: &AwsCtx,
    dirs: &AppDirs,
    pipeline: &str,
    yes: bool,
    wait: bool,
    poll: std::time::Duration,
) -> Result<()> {
    let last = service_change::list(dirs, &ctx.account, &ctx.region, pipeline)?
        .into_iter()
        .find(|c| c.state != ServiceChangeState::Undone)
        .ok_or_else(|| {
            Error::NotFound(format!(
                "a rollback of {pipeline} by Pipewright to undo (in account {}, {})",
                ctx.account, ctx.region
            ))
        })?;
    eprintln!(
        "undo: service {} goes back from {} to {}",
        last.target.service, last.to_task_definition, last.from_task_definition
    );
    if !yes {
        return Err(Error::validation("yes", "pass --yes to undo the rollback"));
    }
    let done = service_change::undo(ctx, dirs, &last.id).await?;
    let status = if wait {
        rollout_status(ctx, &done, poll).await?
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
    match status.as_deref() {
        Some(s) if s != "Succeeded" => Err(Error::Aws {
            operation: "rollback --undo".into(),
            code: s.to_owned(),
            message: format!("the service's rollout ended {s}"),
        }),
        _ => Ok(()),
    }
}

fn print_rollback_plan(p: &RollbackPlan) {
    let commit = |c: &Option<String>, s: &Option<String>| {
        format!(
            "{}{}",
            c.as_deref().map(|c| &c[..c.len().min(8)]).unwrap_or("-"),
            s.as_deref().map(|s| format!(" {s}")).unwrap_or_default()
        )
    };
    eprintln!(
        "Roll back {} ({}/{}):",
        p.pipeline, p.target.cluster, p.target.service
    );
    eprintln!(
        "  now:     execution {}  commit {}  task definition {}",
        p.current_execution_id.as_deref().unwrap_or("-"),
        commit(&p.current_commit, &None),
        p.current_task_definition.as_deref().unwrap_or("-")
    );
    eprintln!(
        "  back to: execution {}  commit {}  task definition {}",
        p.to_execution_id,
        commit(&p.to_commit, &p.to_commit_summary),
        p.to_task_definition.as_deref().unwrap_or("-")
    );
    eprintln!("  how:     {:?}: {}", p.method, p.method_reason);
    for w in &p.warnings {
        eprintln!("  note:    {w}");
    }
}

/// A diagnosis as a block of text (at the top of `logs`).
fn diagnosis_text(d: &Diagnosis) -> String {
    let mut out = format!(
        "diagnosis: {}{}\n",
        d.title,
        d.phase
            .as_deref()
            .map(|p| format!(" (in {p})"))
            .unwrap_or_default()
    );
    for line in &d.lines {
        out.push_str(&format!("  | {line}\n"));
    }
    out.push_str(&format!("fix: {}\n", d.fix));
    if d.plan_fix {
        out.push_str("Pipewright's plan sets this: apply the plan again (review it first with `pipewright-cli apply FILE --dry-run`).\n");
    }
    out
}

/// What went wrong and what to do, with the lines that show it (under its action in `status`).
fn print_diagnosis(d: &Diagnosis) {
    for line in diagnosis_text(d).lines() {
        println!("  {line}");
    }
}

/// The rollout under its deploy action: state and reason, tasks, and each stopped task's cause.
fn print_rollout(r: &Rollout) {
    println!(
        "  rollout {} {}: {}",
        r.deployment_id,
        r.state.as_str(),
        rollout::headline(r)
    );
    if let Some(reason) = &r.reason {
        println!("    reason: {reason}");
    }
    if let Some(to) = &r.rolled_back_to {
        println!("    rolled back to {to}");
    }
    for line in rollout::task_reasons(r) {
        println!("    {line}");
    }
}

fn parse_date(d: &str) -> Result<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(d, &format)
        .map_err(|_| Error::validation("since", "must be a date as YYYY-MM-DD"))?;
    Ok(date.midnight().assume_utc().unix_timestamp() * 1000)
}

fn read_plan(file: &std::path::Path) -> Result<Plan> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Error::validation("plan", format!("cannot read {}: {e}", file.display())))?;
    Plan::from_toml(&text)
}

fn status_word(s: StepStatus) -> &'static str {
    match s {
        StepStatus::Pending => "pending",
        StepStatus::Running => "running",
        StepStatus::Waiting => "WAITING",
        StepStatus::Created => "created",
        StepStatus::Reused => "reused",
        StepStatus::Updated => "updated",
        StepStatus::Skipped => "skipped",
        StepStatus::Failed => "FAILED",
        StepStatus::Restored => "restored",
        StepStatus::Deleted => "deleted",
    }
}

fn print_event(e: &ApplyEvent) {
    if e.status == StepStatus::Pending {
        return;
    }
    let mut line = format!("{:<26} {:<8}", e.step.title(), status_word(e.status));
    if let Some(arn) = &e.arn {
        line.push_str(&format!(" {arn}"));
    }
    if !e.message.is_empty() {
        line.push_str(&format!("  {}", e.message));
    }
    if e.status == StepStatus::Waiting {
        if let Some(url) = &e.console_url {
            line.push_str(&format!("\n    finish the handshake here: {url}"));
        }
    }
    eprintln!("{line}");
}

fn print_review(r: &Review) {
    println!("Account {} in {}", r.account, r.region);
    for s in &r.steps {
        println!(
            "  {:<26} {:<7} {}",
            s.title,
            format!("{:?}", s.action).to_lowercase(),
            s.resource
        );
    }
    for f in &r.findings {
        println!("  {:?}: {}", f.severity, f.message);
    }
    println!(
        "Estimated cost: ${:.2}/month (prices as of {})",
        r.cost.total_monthly_usd, r.cost.prices_as_of
    );
}

fn print_receipt(r: &Receipt, json: bool) -> Result<()> {
    if json {
        println!("{}", to_json(r)?);
        return Ok(());
    }
    println!(
        "{} {} in account {} ({})",
        r.pipeline,
        format!("{:?}", r.status).to_lowercase(),
        r.account,
        r.region
    );
    for res in &r.resources {
        println!(
            "  {:<26} {:<8} {}",
            res.step.title(),
            status_word(res.outcome),
            res.arn.as_deref().unwrap_or(&res.name)
        );
    }
    if let Some(e) = &r.error {
        println!("error: {}", e.message);
    }
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string_pretty(value).map_err(Error::internal)
}

fn print_profiles(all: &[ProfileSummary]) {
    if all.is_empty() {
        println!("No profiles. Add one with: pipewright-cli profiles add NAME --region REGION");
        return;
    }
    println!(
        "{:<24} {:<12} {:<16} {:<12} {:<14} DETAIL",
        "NAME", "SOURCE", "REGION", "KEY", "ACCOUNT"
    );
    for p in all {
        let source = serde_json::to_value(p.source)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let mut detail = p.detail.clone().unwrap_or_default();
        if p.is_default {
            detail.push_str(" (default)");
        }
        if let Some(url) = &p.endpoint_url {
            detail.push_str(&format!(" endpoint {url}"));
        }
        println!(
            "{:<24} {:<12} {:<16} {:<12} {:<14} {}",
            p.name,
            source,
            p.region.as_deref().unwrap_or("-"),
            p.access_key_hint.as_deref().unwrap_or("-"),
            p.last_account_id.as_deref().unwrap_or("-"),
            detail.trim()
        );
    }
}

/// Reads the keys: lines on stdin when piped, hidden prompts on a terminal. Never from argv.
fn read_keys() -> Result<(String, Secret, Option<Secret>)> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("AWS access key id: ");
        std::io::stderr().flush().ok();
        let mut id = String::new();
        stdin.lock().read_line(&mut id)?;
        let secret = rpassword::prompt_password("AWS secret access key (hidden): ")?;
        let token = rpassword::prompt_password("Session token, if any (hidden, Enter for none): ")?;
        Ok((
            id.trim().to_owned(),
            Secret::new(secret.trim()),
            Some(token.trim().to_owned())
                .filter(|t| !t.is_empty())
                .map(Secret::new),
        ))
    } else {
        let mut lines = stdin.lock().lines();
        let mut next = || -> Result<Option<String>> {
            Ok(lines.next().transpose()?.map(|l| l.trim().to_owned()))
        };
        let id = next()?.filter(|l| !l.is_empty()).ok_or_else(|| {
            Error::validation("accessKeyId", "is required as the first line on stdin")
        })?;
        let secret = next()?.filter(|l| !l.is_empty()).ok_or_else(|| {
            Error::validation("secretAccessKey", "is required as the second line on stdin")
        })?;
        let token = next()?.filter(|l| !l.is_empty());
        Ok((id, Secret::new(secret), token.map(Secret::new)))
    }
}
