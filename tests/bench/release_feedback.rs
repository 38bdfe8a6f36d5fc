//! Benchmark: how fast a release shows up, and what polling costs.
//!
//! - first feedback: from StartPipelineExecution returning to the first pipeline view that shows the
//!   new execution InProgress (what the UI does right after the click: one full view);
//! - requests per minute per open pipeline, idle and running, under the app's polling policy
//!   (counted at the emulator).
//!
//! Run: `scripts/bench.sh` (or `cargo run -p pipewright-tests --example release_feedback` with
//! PIPEWRIGHT_EMULATOR_URL set). Targets: first feedback < 300 ms; idle ≤ 2 requests/minute.

use std::time::{Duration, Instant};

use pipewright_core::release::{self, ViewCache};
use pipewright_tests::{
    median, release_request, requests_total as total, seeded_stepping, write_bench_result, PIPELINE,
};
use serde_json::json;

#[tokio::main]
async fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(10);
    let (account, ctx) = seeded_stepping(0.5).await;
    let cache = ViewCache::default();
    cache.poll(&ctx, PIPELINE).await.expect("warm-up view");

    // First feedback.
    let mut feedback = Vec::new();
    let mut start_call = Vec::new();
    for i in 0..rounds {
        let req = release_request(PIPELINE, &format!("bench-{i}"));
        let t0 = Instant::now();
        let id = release::release(&ctx, &req).await.expect("release");
        let returned = Instant::now();
        cache.invalidate(&ctx, PIPELINE);
        let view = cache.poll(&ctx, PIPELINE).await.expect("view");
        assert!(
            view.in_progress && view.latest.as_ref().map(|l| l.id.as_str()) == Some(id.as_str())
        );
        feedback.push(returned.elapsed().as_secs_f64() * 1000.0);
        start_call.push((returned - t0).as_secs_f64() * 1000.0);
        release::stop(&ctx, PIPELINE, &id, true, None)
            .await
            .expect("stop");
        release::wait(&ctx, PIPELINE, &id, Duration::from_millis(100), |_| {})
            .await
            .expect("end");
    }

    // Requests per poll, idle and running, counted at the emulator.
    cache.poll(&ctx, PIPELINE).await.unwrap();
    let before = total(&account);
    for _ in 0..5 {
        cache.poll(&ctx, PIPELINE).await.unwrap();
    }
    let idle_per_poll = (total(&account) - before) as f64 / 5.0;
    let req = release_request(PIPELINE, "bench-running");
    release::release(&ctx, &req).await.unwrap();
    cache.invalidate(&ctx, PIPELINE);
    let before = total(&account);
    for _ in 0..5 {
        cache.poll(&ctx, PIPELINE).await.unwrap();
    }
    let running_per_poll = (total(&account) - before) as f64 / 5.0;
    let idle_per_min = idle_per_poll * 60_000.0 / f64::from(release::POLL_IDLE_MS);
    let running_per_min = running_per_poll * 60_000.0 / f64::from(release::POLL_RUNNING_MS);

    let fb = median(feedback.clone());
    println!("release feedback ({rounds} rounds, debug build, local emulator)");
    println!(
        "  StartPipelineExecution call      median {:>7.1} ms",
        median(start_call)
    );
    println!(
        "  first InProgress view after it   median {fb:>7.1} ms  max {:>7.1} ms   target < 300 ms: {}",
        feedback.iter().cloned().fold(0.0, f64::max),
        if fb < 300.0 { "met" } else { "NOT met" }
    );
    println!(
        "  idle:    {idle_per_poll:.1} requests/poll every {} s = {idle_per_min:.1} requests/minute   target <= 2: {}",
        release::POLL_IDLE_MS / 1000,
        if idle_per_min <= 2.0 { "met" } else { "NOT met" }
    );
    println!(
        "  running: {running_per_poll:.1} requests/poll every {} s = {running_per_min:.1} requests/minute",
        release::POLL_RUNNING_MS / 1000
    );
    let out = json!({
        "rounds": rounds,
        "firstFeedbackMsMedian": fb,
        "firstFeedbackMs": feedback,
        "idleRequestsPerMinute": idle_per_min,
        "runningRequestsPerMinute": running_per_min,
    });
    write_bench_result("release_feedback", &out);
}
