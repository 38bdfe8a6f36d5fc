//! `profiles add|list|remove` and `whoami`.

use std::io::{BufRead, IsTerminal, Write};

use clap::Subcommand;
use pipewright_core::profiles::{self, ProfileInput};
use pipewright_core::{Error, Pipewright, Result, Secret};

use crate::output::{print_profiles, to_json};
use crate::Global;

#[derive(Subcommand)]
pub enum ProfilesCommand {
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

pub async fn run(core: &Pipewright, g: &Global, command: ProfilesCommand) -> Result<()> {
    match command {
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
            let saved = core.profile_save(input).await?;
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
        }
        ProfilesCommand::List => {
            let all = core.profiles_list().await?;
            if g.json {
                println!("{}", to_json(&all)?);
            } else {
                print_profiles(&all);
            }
        }
        ProfilesCommand::Remove { name } => {
            core.profile_remove(name.clone()).await?;
            if g.json {
                println!("{}", serde_json::json!({ "removed": name }));
            } else {
                println!("Removed profile {name} and its keyring entry.");
            }
        }
    }
    Ok(())
}

pub async fn whoami(core: &Pipewright, g: &Global) -> Result<()> {
    let identity = core.whoami(&g.selection()).await?;
    if g.json {
        println!("{}", to_json(&identity)?);
    } else {
        println!("Account: {}\nARN:     {}", identity.account, identity.arn);
    }
    Ok(())
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
