//! `pipewright-cli`: the headless twin of the Pipewright app, over the same core.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use pipewright_core::aws::{self, AwsTarget, CredentialSource};
use pipewright_core::keyring_store::OsKeyring;
use pipewright_core::paths::AppDirs;
use pipewright_core::profiles::{self, ProfileInput, ProfileStore, ProfileSummary, Sandbox};
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
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PIPEWRIGHT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
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
        Command::Whoami => {
            let store = store()?;
            let (target, profile) = match &g.profile {
                Some(name) => {
                    let r = store.resolve_name(name).await?;
                    (
                        store.target(&r, g.region.as_deref(), g.endpoint_url.as_deref())?,
                        Some(r),
                    )
                }
                None => (
                    AwsTarget {
                        label: "the default AWS credential chain".to_owned(),
                        credentials: CredentialSource::DefaultChain,
                        region: g.region.clone(),
                        endpoint_url: g.endpoint_url.clone(),
                    },
                    None,
                ),
            };
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
