//! Benchmark: loading 1,000 builds of a project.
//!
//! - Pipewright's full load (pipelined ListBuildsForProject + BatchGetBuilds into the local store);
//! - the request critical path: the sequential listing chain alone (no build details);
//! - the AWS CLI: `list-builds-for-project` (all pages) then `batch-get-builds` in batches of 100
//!   (when `AWS_CLI` points at an `aws` binary; scripts/bench.sh sets it);
//! - reopening from the local store (what the history page reads: the list and the figures).
//!
//! Each at three emulator latencies: 0 (as fast as the emulator goes) and 20 and 40 ms per
//! request (a round trip to a nearby AWS region, during which requests in flight overlap, as
//! against AWS).
//!
//! Targets: ≥ 4× faster than the CLI; within 1.3× of the critical path; reopen < 100 ms. The
//! critical path (the listing chain: each page needs the previous page's token) bounds a load
//! when requests overlap, at 20 and 40 ms. At 0 ms nothing overlaps: the emulator's one Python
//! process does each request's work in turn, so the bound there is every request back to back,
//! and the 1.3× target is judged against that.

use std::process::Command;
use std::time::Instant;

use pipewright_core::history::{self, HistoryStore};
use pipewright_tests::{emulator_args, median, new_account, seed, write_bench_result};
use serde_json::json;

const PROJECT: &str = "cruddur-backend-flask-bake-image";

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn c_last(v: &[f64]) -> f64 {
    *v.last().unwrap()
}

fn aws(cli: &str, account: &str, args: &[&str]) -> serde_json::Value {
    let out = Command::new(cli)
        .args(args)
        .args(emulator_args())
        .args(["--output", "json"])
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

struct Numbers {
    full: f64,
    /// When the newest 100 builds were stored, ms after the start.
    first_ms: f64,
    critical: f64,
    served: f64,
    reopen_ms: f64,
    cli: Option<f64>,
}

/// One set of rounds against `account` with the emulator answering each AWS request after
/// `latency_ms` (a simulated round trip; requests in flight overlap as they do against AWS).
async fn measure(account: &str, builds: usize, rounds: usize, latency_ms: u64) -> Numbers {
    pipewright_tests::latency_ms(account, latency_ms);
    let ctx = pipewright_tests::aws_ctx(account).await;
    // Warm the emulator's code paths (and its cached build descriptions) once.
    let ids = history::list_all_ids(&ctx, PROJECT).await.unwrap();
    for chunk in ids.chunks(100) {
        history::fetch_builds(&ctx, chunk.to_vec()).await.unwrap();
    }

    let tmp = tempfile::tempdir().unwrap();
    let (mut full, mut critical, mut reopen, mut cli) = (vec![], vec![], vec![], vec![]);
    let mut served = vec![];
    let mut first = vec![];
    for round in 0..rounds {
        let path = tmp.path().join(format!("history-{round}.sqlite"));
        let store = HistoryStore::open(&path).unwrap();
        let t = Instant::now();
        let mut first_batch = None;
        let report = history::sync_builds(&ctx, &store, PROJECT, |_| {
            first_batch.get_or_insert_with(|| t.elapsed().as_secs_f64() * 1000.0);
        })
        .await
        .unwrap();
        full.push(t.elapsed().as_secs_f64());
        first.push(first_batch.unwrap());
        assert_eq!(report.fetched as usize, builds);
        drop(store);

        let t = Instant::now();
        let ids = history::list_all_ids(&ctx, PROJECT).await.unwrap();
        critical.push(t.elapsed().as_secs_f64());
        assert_eq!(ids.len(), builds);

        // Every request one after the other: the listing chain plus each BatchGetBuilds.
        let t = Instant::now();
        for chunk in ids.chunks(100) {
            history::fetch_builds(&ctx, chunk.to_vec()).await.unwrap();
        }
        served.push(c_last(&critical) + t.elapsed().as_secs_f64());

        // Reopening: what the history page reads from the store (the list and the figures).
        let t = Instant::now();
        let store = HistoryStore::open(&path).unwrap();
        let scope = history::load_scope(&ctx);
        let list = store.summaries_json(&scope, PROJECT, None).unwrap();
        let figures = store.build_stats(&scope, PROJECT, now_ms(), 90).unwrap();
        reopen.push(t.elapsed().as_secs_f64() * 1000.0);
        let listed: Vec<serde_json::Value> = serde_json::from_str(&list).unwrap();
        assert_eq!(listed.len(), builds);
        assert!(figures.builds > 0);

        if let Ok(cli_path) = std::env::var("AWS_CLI") {
            let t = Instant::now();
            let listed = aws(
                &cli_path,
                account,
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
                got += aws(&cli_path, account, &args)["builds"]
                    .as_array()
                    .unwrap()
                    .len();
            }
            cli.push(t.elapsed().as_secs_f64());
            assert_eq!(got, builds);
        }
    }
    pipewright_tests::latency_ms(account, 0);
    Numbers {
        full: median(full),
        first_ms: median(first),
        critical: median(critical),
        served: median(served),
        reopen_ms: median(reopen),
        cli: (!cli.is_empty()).then(|| median(cli)),
    }
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "NOT met"
    }
}

#[tokio::main]
async fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    // A round trip to a nearby AWS region; 0 = the emulator as fast as it goes.
    let latencies = [0u64, 20, 40];
    let builds = 1000;
    let account = new_account();
    seed(&account, builds as u32, 0);
    let mut out = json!({"builds": builds, "rounds": rounds, "runs": []});
    println!("history load of {builds} builds ({rounds} rounds each, debug build, local emulator)");
    for latency in latencies {
        let n = measure(&account, builds, rounds, latency).await;
        println!("  emulator latency {latency} ms per request:");
        println!(
            "    Pipewright full load (pipelined)    median {:>6.2} s",
            n.full
        );
        println!(
            "    newest 100 stored after              median {:>6.0} ms  (two requests: a page, then its BatchGetBuilds)",
            n.first_ms
        );
        // The bound a load can reach: the listing chain when requests overlap (a round trip);
        // at 0 ms, where the emulator does one request's work at a time, every request in turn.
        let (critical_verdict, served_verdict) = if latency == 0 {
            (
                "n/a (nothing overlaps at 0 ms)",
                verdict(n.full / n.served <= 1.3),
            )
        } else {
            (
                verdict(n.full / n.critical <= 1.3),
                "n/a (requests overlap)",
            )
        };
        println!(
            "    critical path (listing chain only)   median {:>6.2} s   full load / that = {:.2}x   target <= 1.3x: {critical_verdict}",
            n.critical,
            n.full / n.critical,
        );
        println!(
            "    every request back to back           median {:>6.2} s   full load / that = {:.2}x   target <= 1.3x: {served_verdict}",
            n.served,
            n.full / n.served
        );
        println!(
            "    reopen from the local store          median {:>6.1} ms  target < 100 ms: {}",
            n.reopen_ms,
            verdict(n.reopen_ms < 100.0)
        );
        let mut run = json!({"latencyMs": latency, "fullLoadSeconds": n.full, "newest100Ms": n.first_ms, "criticalPathSeconds": n.critical, "allRequestsBackToBackSeconds": n.served, "reopenMs": n.reopen_ms});
        if let Some(a) = n.cli {
            println!(
                "    AWS CLI list + batch-get (11 calls)  median {a:>6.2} s   {:.1}x slower   target >= 4x: {}",
                a / n.full,
                verdict(a / n.full >= 4.0)
            );
            run["awsCliSeconds"] = json!(a);
        } else {
            println!("    AWS CLI: skipped (set AWS_CLI to an aws binary; scripts/bench.sh does)");
        }
        out["runs"].as_array_mut().unwrap().push(run);
    }
    println!(
        "  The target is the bound a load can reach. With a round trip, as against AWS, requests"
    );
    println!(
        "  overlap and the bound is the listing chain (each page needs the last one's token). At"
    );
    println!(
        "  0 ms nothing overlaps: the emulator's one Python process does each request's work in"
    );
    println!("  turn, so the bound there is every request back to back.");
    write_bench_result("history_load", &out);
}
