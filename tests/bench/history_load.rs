//! Benchmark: loading 1,000 builds of a project.
//!
//! - Pipewright's full load (pipelined ListBuildsForProject + BatchGetBuilds into the local store);
//! - the request critical path: the sequential listing chain alone (no build details);
//! - the AWS CLI: `list-builds-for-project` (all pages) then `batch-get-builds` in batches of 100
//!   (when `AWS_CLI` points at an `aws` binary; scripts/bench.sh sets it);
//! - reopening from the local store.
//!
//! Targets: ≥ 4× faster than the CLI; within 1.3× of the critical path; reopen < 100 ms.

use std::process::Command;
use std::time::Instant;

use pipewright_core::history::{self, HistoryStore};
use pipewright_tests::{control, emulator_url, new_account};
use serde_json::json;

const PROJECT: &str = "cruddur-backend-flask-bake-image";

fn c_last(v: &[f64]) -> f64 {
    *v.last().unwrap()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn aws(cli: &str, account: &str, args: &[&str]) -> serde_json::Value {
    let out = Command::new(cli)
        .args(args)
        .args([
            "--endpoint-url",
            emulator_url(),
            "--region",
            "us-east-1",
            "--output",
            "json",
        ])
        .env("AWS_ACCESS_KEY_ID", account)
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("run aws");
    assert!(
        out.status.success(),
        "aws {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("aws prints JSON")
}

#[tokio::main]
async fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let builds = 1000;
    let account = new_account();
    control(
        "/_pipewright/seed",
        json!({"account": account, "region": "us-east-1", "builds": builds, "executions": 0}),
    );
    let ctx = pipewright_tests::aws_ctx(&account).await;
    // Warm the emulator's code paths once.
    history::list_all_ids(&ctx, PROJECT).await.unwrap();

    let tmp = tempfile::tempdir().unwrap();
    let (mut full, mut critical, mut reopen, mut cli) = (vec![], vec![], vec![], vec![]);
    let mut served = vec![];
    for round in 0..rounds {
        let path = tmp.path().join(format!("history-{round}.sqlite"));
        let store = HistoryStore::open(&path).unwrap();
        let t = Instant::now();
        let report = history::sync_builds(&ctx, &store, PROJECT, |_| {})
            .await
            .unwrap();
        full.push(t.elapsed().as_secs_f64());
        assert_eq!(report.fetched as usize, builds);
        drop(store);

        let t = Instant::now();
        let ids = history::list_all_ids(&ctx, PROJECT).await.unwrap();
        critical.push(t.elapsed().as_secs_f64());
        assert_eq!(ids.len(), builds);

        // What the server needs for every request one after the other: the listing chain plus each
        // BatchGetBuilds (the emulator serves requests on one Python thread, so they cannot overlap).
        let t = Instant::now();
        for chunk in ids.chunks(100) {
            history::fetch_builds(&ctx, chunk.to_vec()).await.unwrap();
        }
        served.push(c_last(&critical) + t.elapsed().as_secs_f64());

        let t = Instant::now();
        let store = HistoryStore::open(&path).unwrap();
        let all = store
            .builds(&history::load_scope(&ctx), PROJECT, None)
            .unwrap();
        reopen.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(all.len(), builds);

        if let Ok(cli_path) = std::env::var("AWS_CLI") {
            let t = Instant::now();
            let listed = aws(
                &cli_path,
                &account,
                &[
                    "codebuild",
                    "list-builds-for-project",
                    "--project-name",
                    PROJECT,
                ],
            );
            let ids: Vec<String> = listed["ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect();
            let mut got = 0;
            for chunk in ids.chunks(100) {
                let mut args = vec!["codebuild", "batch-get-builds", "--ids"];
                args.extend(chunk.iter().map(String::as_str));
                got += aws(&cli_path, &account, &args)["builds"]
                    .as_array()
                    .unwrap()
                    .len();
            }
            cli.push(t.elapsed().as_secs_f64());
            assert_eq!(got, builds);
        }
    }
    let (f, c, r) = (median(full), median(critical), median(reopen));
    println!("history load of {builds} builds ({rounds} rounds, debug build, local emulator)");
    println!("  Pipewright full load (pipelined)   median {f:>7.2} s");
    println!(
        "  critical path (listing chain only)  median {c:>7.2} s   ratio {:.2}x   target <= 1.3x: {}",
        f / c,
        if f / c <= 1.3 { "met" } else { "NOT met" }
    );
    let sv = median(served);
    println!(
        "  every request back to back (list chain + 10 batch gets, no client work) median {sv:>5.2} s   full load / that = {:.2}x",
        f / sv
    );
    println!("  (the emulator's BatchGetBuilds of 100 builds costs ~10x a listing page; against AWS, where both are a round trip, the listing chain is the critical path)");
    println!(
        "  reopen from the local store          median {r:>7.1} ms  target < 100 ms: {}",
        if r < 100.0 { "met" } else { "NOT met" }
    );
    let mut out = json!({"builds": builds, "rounds": rounds, "fullLoadSeconds": f, "criticalPathSeconds": c, "allRequestsBackToBackSeconds": sv, "reopenMs": r});
    if !cli.is_empty() {
        let a = median(cli);
        println!(
            "  AWS CLI list + batch-get (11 calls)  median {a:>7.2} s   {:.1}x slower   target >= 4x: {}",
            a / f,
            if a / f >= 4.0 { "met" } else { "NOT met" }
        );
        out["awsCliSeconds"] = json!(a);
    } else {
        println!("  AWS CLI: skipped (set AWS_CLI to an aws binary; scripts/bench.sh does)");
    }
    let dir = pipewright_tests::repo_root().join("target/bench");
    std::fs::create_dir_all(&dir).ok();
    std::fs::write(
        dir.join("history_load.json"),
        serde_json::to_string_pretty(&out).unwrap(),
    )
    .ok();
}
