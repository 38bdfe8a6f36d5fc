//! Running `pipewright-cli` (prebuilt: `cargo build -p pipewright-cli`) and checking what it said.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::{bin, emulator_url};

/// The global options that point the CLI at the emulator, in us-east-1.
pub fn emulator_args() -> [&'static str; 4] {
    ["--endpoint-url", emulator_url(), "--region", "us-east-1"]
}

/// `pipewright-cli` with `account`'s keys in the environment (no AWS profile, no instance
/// metadata) and, when given, its own Pipewright home; no arguments yet.
pub fn cli_as(account: &str, home: Option<&Path>) -> Command {
    let mut cmd = Command::new(bin("pipewright-cli"));
    if let Some(home) = home {
        cmd.env("PIPEWRIGHT_HOME", home);
    }
    cmd.env("AWS_ACCESS_KEY_ID", account)
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE");
    cmd
}

/// `pipewright-cli` with nothing of this machine's environment but PATH: HOME, the Pipewright home
/// (`home`/pipewright) and the AWS CLI's files are under `home`; no arguments yet.
pub fn clean_cli(home: &Path) -> Command {
    let mut cmd = Command::new(bin("pipewright-cli"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("PIPEWRIGHT_HOME", home.join("pipewright"))
        .env("AWS_CONFIG_FILE", home.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("aws-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true");
    cmd
}

/// Runs `cmd` with no input, returning what it printed.
pub fn run_output(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null())
        .output()
        .expect("run pipewright-cli")
}

/// Runs `pipewright-cli <the emulator's options> args…` as `account` (see [`cli_as`]).
pub fn cli_run(account: &str, home: Option<&Path>, args: &[&str]) -> Output {
    run_output(cli_as(account, home).args(emulator_args()).args(args))
}

pub fn stdout_text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr_text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// What the run printed on stdout, as JSON.
#[track_caller]
pub fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            stdout_text(out),
            stderr_text(out)
        )
    })
}

/// Asserts the run exited with `code`, showing what it printed otherwise.
#[track_caller]
pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        stdout_text(out),
        stderr_text(out)
    );
}
