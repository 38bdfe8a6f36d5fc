//! Benchmark: the local history store with 10,000 builds — what the history page waits for before
//! its first screen: reading the project's builds (as the IPC JSON the window receives) and the
//! figures. Synthetic records shaped like CodeBuild's (11 phases each), debug build.

use std::time::Instant;

use pipewright_core::history::{self, HistoryStore};
use pipewright_core::history::{BuildRecord, Initiator, PhaseRecord};
use pipewright_tests::{median, BUILD_PHASES};

fn record(n: i64, now: i64) -> BuildRecord {
    let start = now - n * 600_000;
    let mut t = start;
    let phases = BUILD_PHASES
        .iter()
        .map(|p| {
            let d = 5.0 + (n % 17) as f64;
            let ph = PhaseRecord {
                phase: (*p).into(),
                status: Some("SUCCEEDED".into()),
                start_ms: Some(t),
                end_ms: Some(t + (d * 1000.0) as i64),
                duration_seconds: Some(d),
                messages: vec![],
            };
            t += (d * 1000.0) as i64;
            ph
        })
        .collect();
    let id = format!(
        "cruddur-backend-flask-bake-image:{:08x}-1111-2222-3333-{:012x}",
        n, n
    );
    BuildRecord {
        id: id.clone(),
        project: "cruddur-backend-flask-bake-image".into(),
        build_number: Some(10_000 - n),
        status: if n % 9 == 0 { "FAILED" } else { "SUCCEEDED" }.into(),
        start_ms: start,
        end_ms: Some(t),
        duration_seconds: Some((t - start) as f64 / 1000.0),
        initiator: "GitHub-Hookshot/1a2b3c4".into(),
        initiator_kind: Initiator::Webhook,
        source_version: Some(format!("pr/{n}")),
        commit: Some(format!("{:040x}", n * 7919)),
        compute_type: Some("BUILD_GENERAL1_SMALL".into()),
        environment_type: Some("LINUX_CONTAINER".into()),
        phases,
        log_group: Some("/aws/codebuild/cruddur-backend-flask-bake-image".into()),
        log_stream: Some(format!("{:08x}-1111-2222-3333-{:012x}", n, n)),
        log_url: Some(format!("https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logEvent:group=/aws/codebuild/cruddur-backend-flask-bake-image;stream={n}")),
        console_url: format!("https://us-east-1.console.aws.amazon.com/codesuite/codebuild/123456789012/projects/cruddur-backend-flask-bake-image/build/{id}/?region=us-east-1"),
    }
}

fn main() {
    let n: i64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let now = 1_790_000_000_000;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("history.sqlite");
    {
        let store = HistoryStore::open(&path).unwrap();
        let all: Vec<BuildRecord> = (0..n).map(|i| record(i, now)).collect();
        store.upsert_builds("scope", &all).unwrap();
    }
    const P: &str = "cruddur-backend-flask-bake-image";
    // What a sync's writes cost: 1,000 builds stored in batches of 100, as BatchGetBuilds brings them.
    let mut writes = vec![];
    for round in 0..5 {
        let store = HistoryStore::open(&tmp.path().join(format!("writes-{round}.sqlite"))).unwrap();
        let batch: Vec<BuildRecord> = (0..1000).map(|i| record(i, now)).collect();
        let t = Instant::now();
        for chunk in batch.chunks(100) {
            store.upsert_builds("scope", chunk).unwrap();
        }
        writes.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (mut list, mut figures, mut records, mut ser) = (vec![], vec![], vec![], vec![]);
    let (mut list_bytes, mut record_bytes) = (0, 0);
    for _ in 0..5 {
        let store = HistoryStore::open(&path).unwrap();
        // What the history page waits for: the list JSON and the figures.
        let t = Instant::now();
        let json = store.summaries_json("scope", P, None).unwrap();
        list.push(t.elapsed().as_secs_f64() * 1000.0);
        list_bytes = json.len();
        let t = Instant::now();
        let s = store.build_stats("scope", P, now, 30).unwrap();
        figures.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(s.builds > 0);
        // For comparison: every whole record, parsed and serialized again (what the page read
        // before the list summaries).
        let t = Instant::now();
        let all = store.builds("scope", P, None).unwrap();
        records.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        record_bytes = serde_json::to_string(&all).unwrap().len();
        ser.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(history::stats::build_stats(&all, now, 30), s);
    }
    println!("history store with {n} builds (debug build, 5 rounds)");
    println!(
        "  a sync's writes: 1,000 builds in 10 batches median {:>7.1} ms",
        median(writes)
    );
    println!(
        "  the page's list JSON (summaries)         median {:>7.1} ms   ({:.1} MB)",
        median(list),
        list_bytes as f64 / 1e6
    );
    println!(
        "  the page's figures (30 days, in SQLite)  median {:>7.1} ms",
        median(figures)
    );
    println!(
        "  for comparison, whole records: read {:.0} ms + serialize {:.0} ms ({:.1} MB)",
        median(records),
        median(ser),
        record_bytes as f64 / 1e6
    );
}
