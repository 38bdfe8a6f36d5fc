//! Test support: the local AWS emulator (started once per test process, or reused from
//! `PIPEWRIGHT_EMULATOR_URL`), per-test accounts, SDK configs and the emulator's control endpoints.
//!
//! Isolation: moto files resources under the account whose 12-digit number is the access key id, so
//! every test works in an account of its own ([`new_account`]) and tests run in parallel safely.
//!
//! What tests set up and read back in such an account is in `fixtures.rs`; running the prebuilt
//! `pipewright-cli` and checking what it said, in `cli.rs`.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use pipewright_core::apply::AwsCtx;
use pipewright_core::keyring_store::AccessKeys;
use serde_json::Value;

mod cli;
mod fixtures;

pub use cli::*;
pub use fixtures::*;

pub const URL_ENV: &str = "PIPEWRIGHT_EMULATOR_URL";

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// A workspace binary (built by `cargo build` / `cargo test --workspace`).
pub fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    // target/debug/deps/<test> -> target/debug/<name>
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is not built: run `cargo build -p pipewright-cli` first",
        path.display()
    );
    path
}

/// The emulator's base URL, starting it on first use when no running one was given.
pub fn emulator_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let url = match std::env::var(URL_ENV) {
            Ok(url) if !url.is_empty() => url,
            _ => start_emulator(),
        };
        // Executions and builds advance quickly in tests.
        post(
            &url,
            "/_pipewright/config",
            serde_json::json!({"stepSeconds": 0.1}),
        );
        url
    })
}

fn start_emulator() -> String {
    let ready = tempfile::NamedTempFile::new().expect("temp file");
    let ready_path = ready.path().to_path_buf();
    let script = repo_root().join("tests/emulator/run.sh");
    // The child must outlive the test thread that asked for it but not the process: spawn it from
    // a thread that never ends, with PDEATHSIG tied to that thread.
    let (tx, rx) = std::sync::mpsc::channel();
    let ready_arg = ready_path.clone();
    std::thread::spawn(move || {
        use std::os::unix::process::CommandExt;
        let mut cmd = Command::new("bash");
        cmd.arg(&script)
            .args(["--port", "0", "--ready-file"])
            .arg(&ready_arg)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                Ok(())
            });
        }
        let child = cmd.spawn();
        tx.send(child.map(|c| c.id())).ok();
        loop {
            std::thread::park();
        }
    });
    rx.recv()
        .expect("emulator thread")
        .expect("cannot start tests/emulator/run.sh");
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        if let Ok(url) = std::fs::read_to_string(&ready_path) {
            let url = url.trim().to_owned();
            if !url.is_empty() {
                return url;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the emulator did not start within 300 s (tests/emulator/run.sh)"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A fresh 12-digit account id, unique within this run.
pub fn new_account() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let pid = std::process::id() % 100_000;
    format!("2{:05}{:06}", pid, n)
}

/// SDK config for `account` in `region` against the emulator.
pub async fn sdk_config_in(account: &str, region: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .endpoint_url(emulator_url())
        .credentials_provider(Credentials::new(account, "testing", None, None, "test"))
        .load()
        .await
}

pub async fn sdk_config(account: &str) -> SdkConfig {
    sdk_config_in(account, "us-east-1").await
}

/// POST JSON to an emulator control endpoint, returning the JSON answer.
pub fn post(base: &str, path: &str, body: Value) -> Value {
    let mut resp = ureq::post(&format!("{base}{path}"))
        .send_json(body)
        .unwrap_or_else(|e| panic!("POST {path}: {e}"));
    resp.body_mut().read_json().unwrap_or(Value::Null)
}

pub fn get(base: &str, path: &str) -> Value {
    let mut resp = ureq::get(&format!("{base}{path}"))
        .call()
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    resp.body_mut().read_json().unwrap_or(Value::Null)
}

pub fn control(path: &str, body: Value) -> Value {
    post(emulator_url(), path, body)
}

/// Make the next `count` calls of `service.operation` in `account` fail with `code`.
pub fn inject_fault(
    account: &str,
    service: &str,
    operation: &str,
    code: &str,
    status: u16,
    count: u32,
) {
    control(
        "/_pipewright/faults",
        serde_json::json!({
            "service": service, "operation": operation, "count": count,
            "code": code, "status": status, "message": format!("injected {code}"),
            "account": account,
        }),
    );
}

/// Polls `f` every 100 ms until it returns Some, or panics after `timeout`.
pub async fn eventually<T, F, Fut>(timeout: Duration, what: &str, f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    eventually_every(timeout, Duration::from_millis(100), what, f).await
}

/// Polls `f` every `interval` until it returns Some, or panics after `timeout`.
pub async fn eventually_every<T, F, Fut>(
    timeout: Duration,
    interval: Duration,
    what: &str,
    mut f: F,
) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(interval).await;
    }
}

/// Creates an IAM role that `service` (e.g. `codebuild.amazonaws.com`) may assume; returns its ARN.
pub async fn service_role(cfg: &SdkConfig, name: &str, service: &str) -> String {
    let trust = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]
    });
    aws_sdk_iam::Client::new(cfg)
        .create_role()
        .role_name(name)
        .assume_role_policy_document(trust.to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateRole {name}: {e:?}"))
        .role()
        .expect("role")
        .arn()
        .to_owned()
}

/// Pipewright's AWS context for `account` in us-east-1 against the emulator.
pub async fn aws_ctx(account: &str) -> AwsCtx {
    aws_ctx_in(account, "us-east-1").await
}

/// Pipewright's AWS context for `account` in `region` against the emulator.
pub async fn aws_ctx_in(account: &str, region: &str) -> AwsCtx {
    aws_ctx_with(
        AccessKeys {
            access_key_id: account.to_owned(),
            secret_access_key: pipewright_core::Secret::new("testing"),
            session_token: None,
        },
        region,
    )
    .await
}

/// Pipewright's AWS context with these static keys in `region` against the emulator.
pub async fn aws_ctx_with(keys: AccessKeys, region: &str) -> AwsCtx {
    use pipewright_core::aws::{AwsTarget, CredentialSource};
    AwsCtx::connect(&AwsTarget {
        label: "test".into(),
        credentials: CredentialSource::Static(keys),
        region: Some(region.into()),
        endpoint_url: Some(emulator_url().to_owned()),
    })
    .await
    .expect("connect to the emulator")
}

/// The requests of `account` that change something (Create*, Put*, Update*, Delete*), as counted
/// by the emulator since its last reset for that account.
pub fn writes_made(account: &str) -> Vec<String> {
    requests(account)["counts"]
        .as_object()
        .map(|o| {
            o.keys()
                .filter(|k| {
                    ["Create", "Put", "Update", "Delete"]
                        .iter()
                        .any(|w| k.contains(&format!(".{w}")))
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// Decodes %XX escapes (IAM returns policy documents URL-encoded).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}
