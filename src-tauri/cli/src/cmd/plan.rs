//! `plan check|reference`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use pipewright_core::plan::{self, Plan};
use pipewright_core::{AppError, Error, Pipewright, Result};

use crate::output::to_json;
use crate::Global;

#[derive(Subcommand)]
pub enum PlanCommand {
    /// Validate a plan offline (no AWS call). Exit 0 valid, 2 invalid.
    Check { file: PathBuf },
    /// Print the reference plan (the console walkthrough the wizard mirrors).
    Reference,
}

pub fn run(core: &Pipewright, g: &Global, command: PlanCommand) -> Result<()> {
    match command {
        PlanCommand::Check { file } => check(core, g, &file),
        PlanCommand::Reference => {
            print!("{}", Plan::reference().to_toml()?);
            Ok(())
        }
    }
}

fn check(core: &Pipewright, g: &Global, file: &Path) -> Result<()> {
    // A file that does not parse is one issue, named by its field like the others.
    let issues = match read(file) {
        Ok(plan) => core.plan_validate(&plan),
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
            to_json(&serde_json::json!({ "valid": false, "issues": issues, "error": first }))?
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

/// A plan file, parsed (errors name the field).
pub fn read(file: &Path) -> Result<Plan> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Error::validation("plan", format!("cannot read {}: {e}", file.display())))?;
    Plan::from_toml(&text)
}
