//! One module per subcommand: its arguments (clap) and its `run`, an adapter over
//! [`pipewright_core::Pipewright`]: parse, call, print (through [`crate::output`]).

pub mod apply;
pub mod history;
pub mod logs;
pub mod plan;
pub mod profiles;
pub mod release;
pub mod rollback;

use std::io::{BufRead, IsTerminal, Write};

use pipewright_core::{Error, Result};

/// Asks "question [y/N]" on a terminal; without one, `--yes` is required (the error names it).
pub fn confirm(question: &str, yes: bool) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::validation(
            "yes",
            "pass --yes to do it without a prompt",
        ));
    }
    eprint!("{question} [y/N] ");
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).ok();
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// A poll interval from `--poll-seconds` (at least 50 ms).
pub fn poll(seconds: f64) -> std::time::Duration {
    std::time::Duration::from_secs_f64(seconds.max(0.05))
}
