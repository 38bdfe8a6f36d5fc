//! Figures from the history: success rate, duration percentiles, where time goes (per phase),
//! DORA-style delivery figures, and cost so far. Pure functions over records.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::types::{BuildRecord, ReleaseRecord};

const DAY_MS: i64 = 86_400_000;

/// The phases in the order CodeBuild runs them (for the stacked breakdown).
pub const PHASES: &[&str] = &[
    "QUEUED",
    "PROVISIONING",
    "DOWNLOAD_SOURCE",
    "INSTALL",
    "PRE_BUILD",
    "BUILD",
    "POST_BUILD",
    "UPLOAD_ARTIFACTS",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PhaseSum {
    pub phase: String,
    pub seconds: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BuildStats {
    pub window_days: u32,
    pub builds: u32,
    pub succeeded: u32,
    pub failed: u32,
    /// Succeeded / finished builds; None without finished builds.
    pub success_rate: Option<f64>,
    pub median_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
    pub phases: Vec<PhaseSum>,
    pub build_minutes: f64,
    pub cost_usd: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DoraStats {
    pub window_days: u32,
    pub deployments: u32,
    pub deployments_per_day: f64,
    /// Execution start (the merge) to the end of a successful deploy, median.
    pub lead_time_median_seconds: Option<f64>,
    /// Failed / (succeeded + failed) executions.
    pub change_failure_rate: Option<f64>,
    /// From a failed execution to the next successful one, median.
    pub time_to_restore_median_seconds: Option<f64>,
}

/// Nearest-rank percentile of an unsorted list (p in 0..=100).
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
    Some(v[rank.min(v.len()) - 1])
}

/// CodeBuild on-demand Linux price per build minute (USD, us-east-1), by compute type; the same
/// constants the wizard's estimate uses (apply::Prices, dated there).
pub fn price_per_minute(compute_type: Option<&str>) -> f64 {
    match compute_type.unwrap_or("BUILD_GENERAL1_SMALL") {
        "BUILD_GENERAL1_MEDIUM" => 0.01,
        "BUILD_GENERAL1_LARGE" => 0.02,
        "BUILD_GENERAL1_XLARGE" => 0.04,
        "BUILD_GENERAL1_2XLARGE" => 0.08,
        _ => 0.005,
    }
}

fn in_window(start_ms: i64, now_ms: i64, days: u32) -> bool {
    let (from, to) = window_bounds(now_ms, days);
    start_ms >= from && start_ms <= to
}

/// What the figures need of one build (the store reads just this, not the whole record).
#[derive(Debug, Clone, PartialEq)]
pub struct BuildFacts {
    pub status: String,
    pub duration_seconds: Option<f64>,
    pub compute_type: Option<String>,
}

pub fn build_stats(builds: &[BuildRecord], now_ms: i64, window_days: u32) -> BuildStats {
    let window: Vec<&BuildRecord> = builds
        .iter()
        .filter(|b| in_window(b.start_ms, now_ms, window_days))
        .collect();
    let facts: Vec<BuildFacts> = window
        .iter()
        .map(|b| BuildFacts {
            status: b.status.clone(),
            duration_seconds: b.duration_seconds,
            compute_type: b.compute_type.clone(),
        })
        .collect();
    let mut phase_seconds = std::collections::BTreeMap::new();
    for (phase, seconds) in window.iter().flat_map(|b| b.phase_seconds()) {
        *phase_seconds.entry(phase).or_insert(0.0) += seconds;
    }
    stats_of(&facts, &phase_seconds, window_days)
}

/// The figures of the builds of a window (`facts`) and their summed seconds per phase.
pub fn stats_of(
    facts: &[BuildFacts],
    phase_seconds: &std::collections::BTreeMap<String, f64>,
    window_days: u32,
) -> BuildStats {
    let finished: Vec<&BuildFacts> = facts.iter().filter(|b| b.status != "IN_PROGRESS").collect();
    let succeeded = finished.iter().filter(|b| b.status == "SUCCEEDED").count() as u32;
    let failed = finished
        .iter()
        .filter(|b| matches!(b.status.as_str(), "FAILED" | "FAULT" | "TIMED_OUT"))
        .count() as u32;
    let durations: Vec<f64> = finished.iter().filter_map(|b| b.duration_seconds).collect();
    let phases = PHASES
        .iter()
        .map(|p| PhaseSum {
            phase: (*p).to_owned(),
            seconds: phase_seconds.get(*p).copied().unwrap_or(0.0),
        })
        .collect();
    // CodeBuild bills whole minutes per build.
    let billed: Vec<(f64, f64)> = finished
        .iter()
        .filter_map(|b| {
            b.duration_seconds.map(|d| {
                (
                    (d / 60.0).ceil(),
                    price_per_minute(b.compute_type.as_deref()),
                )
            })
        })
        .collect();
    let build_minutes: f64 = billed.iter().map(|(m, _)| m).sum();
    let cost: f64 = billed.iter().map(|(m, p)| m * p).sum();
    BuildStats {
        window_days,
        builds: facts.len() as u32,
        succeeded,
        failed,
        success_rate: (!finished.is_empty()).then(|| f64::from(succeeded) / finished.len() as f64),
        median_seconds: percentile(&durations, 50.0),
        p90_seconds: percentile(&durations, 90.0),
        phases,
        build_minutes,
        cost_usd: (cost * 100.0).round() / 100.0,
    }
}

/// The window `[now - days, now]` in Unix milliseconds.
pub fn window_bounds(now_ms: i64, days: u32) -> (i64, i64) {
    (now_ms - i64::from(days) * DAY_MS, now_ms)
}

pub fn dora(releases: &[ReleaseRecord], now_ms: i64, window_days: u32) -> DoraStats {
    let mut window: Vec<&ReleaseRecord> = releases
        .iter()
        .filter(|r| in_window(r.start_ms, now_ms, window_days))
        .collect();
    window.sort_by_key(|r| r.start_ms);
    let ok: Vec<&&ReleaseRecord> = window.iter().filter(|r| r.status == "Succeeded").collect();
    let failed = window.iter().filter(|r| r.status == "Failed").count();
    let lead: Vec<f64> = ok
        .iter()
        .filter_map(|r| r.end_ms.map(|e| (e - r.start_ms) as f64 / 1000.0))
        .collect();
    let mut restore = Vec::new();
    for (i, r) in window.iter().enumerate() {
        if r.status != "Failed" || i > 0 && window[i - 1].status == "Failed" {
            continue;
        }
        if let Some(next_ok) = window[i + 1..].iter().find(|n| n.status == "Succeeded") {
            if let Some(end) = next_ok.end_ms {
                restore.push((end - r.start_ms) as f64 / 1000.0);
            }
        }
    }
    let decided = ok.len() + failed;
    DoraStats {
        window_days,
        deployments: ok.len() as u32,
        deployments_per_day: ok.len() as f64 / f64::from(window_days.max(1)),
        lead_time_median_seconds: percentile(&lead, 50.0),
        change_failure_rate: (decided > 0).then(|| failed as f64 / decided as f64),
        time_to_restore_median_seconds: percentile(&restore, 50.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::types::{Initiator, PhaseRecord};

    const NOW: i64 = 100 * DAY_MS;

    fn build(days_ago: i64, status: &str, seconds: f64) -> BuildRecord {
        let start = NOW - days_ago * DAY_MS;
        BuildRecord {
            id: format!("p:{days_ago}-{status}-{seconds}"),
            project: "p".into(),
            build_number: None,
            status: status.into(),
            start_ms: start,
            end_ms: Some(start + (seconds * 1000.0) as i64),
            duration_seconds: Some(seconds),
            initiator: "codepipeline/x".into(),
            initiator_kind: Initiator::Pipeline,
            source_version: None,
            commit: None,
            compute_type: Some("BUILD_GENERAL1_SMALL".into()),
            phases: vec![
                PhaseRecord {
                    phase: "BUILD".into(),
                    status: None,
                    start_ms: None,
                    end_ms: None,
                    duration_seconds: Some(seconds - 10.0),
                    messages: vec![],
                },
                PhaseRecord {
                    phase: "PROVISIONING".into(),
                    status: None,
                    start_ms: None,
                    end_ms: None,
                    duration_seconds: Some(10.0),
                    messages: vec![],
                },
            ],
            log_group: None,
            log_stream: None,
            log_url: None,
            console_url: String::new(),
        }
    }

    #[test]
    fn percentiles_nearest_rank() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), Some(5.0));
        assert_eq!(percentile(&v, 90.0), Some(9.0));
        assert_eq!(percentile(&v, 100.0), Some(10.0));
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&[7.0], 90.0), Some(7.0));
    }

    #[test]
    fn build_stats_on_a_fixed_history() {
        let builds = vec![
            build(1, "SUCCEEDED", 100.0),
            build(2, "SUCCEEDED", 200.0),
            build(3, "FAILED", 60.0),
            build(5, "SUCCEEDED", 300.0),
            build(6, "IN_PROGRESS", 0.0),
            build(20, "SUCCEEDED", 1000.0), // outside 7 days
        ];
        let s = build_stats(&builds, NOW, 7);
        assert_eq!(s.builds, 5);
        assert_eq!((s.succeeded, s.failed), (3, 1));
        // The running build is in the window but not finished: not in the rate or percentiles.
        assert_eq!(s.success_rate, Some(0.75));
        assert_eq!(s.median_seconds, Some(100.0)); // of 60, 100, 200, 300
        assert_eq!(s.p90_seconds, Some(300.0));
        let build_phase = s.phases.iter().find(|p| p.phase == "BUILD").unwrap();
        assert_eq!(build_phase.seconds, 90.0 + 190.0 + 50.0 + 290.0 - 10.0);
        // Billed minutes: 2 + 4 + 1 + 5 = 12 at $0.005.
        assert_eq!(s.build_minutes, 12.0);
        assert_eq!(s.cost_usd, 0.06);
        let all = build_stats(&builds, NOW, 30);
        assert_eq!(all.builds, 6);
    }

    fn rel(day: i64, status: &str, minutes: i64) -> ReleaseRecord {
        let start = NOW - day * DAY_MS;
        ReleaseRecord {
            pipeline: "p".into(),
            execution_id: format!("{day}"),
            status: status.into(),
            trigger: None,
            commit: None,
            commit_summary: None,
            start_ms: start,
            end_ms: Some(start + minutes * 60_000),
            build_id: None,
            build_status: None,
            deploy_status: None,
        }
    }

    #[test]
    fn dora_on_a_fixed_history() {
        let releases = vec![
            rel(9, "Succeeded", 10),
            rel(8, "Failed", 5),
            rel(7, "Failed", 5),
            rel(6, "Succeeded", 12),
            rel(4, "Succeeded", 14),
            rel(2, "Stopped", 1),
        ];
        let d = dora(&releases, NOW, 10);
        assert_eq!(d.deployments, 3);
        assert!((d.deployments_per_day - 0.3).abs() < 1e-9);
        assert_eq!(d.lead_time_median_seconds, Some(12.0 * 60.0));
        assert_eq!(d.change_failure_rate, Some(2.0 / 5.0));
        // Failed on day 8, restored by the success started day 6 ending 12 minutes later.
        assert_eq!(
            d.time_to_restore_median_seconds,
            Some((2 * DAY_MS / 1000 + 12 * 60) as f64)
        );
    }
}
