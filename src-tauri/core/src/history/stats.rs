//! Figures from the history: success rate, duration percentiles, where time goes (per phase),
//! DORA-style delivery figures, and cost so far. Pure functions over records.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::types::{BuildRecord, ReleaseRecord};
use crate::status::{BuildStatus, ExecutionStatus};

const DAY_MS: i64 = 86_400_000;

/// Every phase a CodeBuild build goes through, in order (CodeBuild's `BuildPhaseType`).
pub const BUILD_PHASES: [&str; 11] = [
    "SUBMITTED",
    "QUEUED",
    "PROVISIONING",
    "DOWNLOAD_SOURCE",
    "INSTALL",
    "PRE_BUILD",
    "BUILD",
    "POST_BUILD",
    "UPLOAD_ARTIFACTS",
    "FINALIZING",
    "COMPLETED",
];

/// The phases that take time, in order (for the stacked breakdown): all but the first and the
/// last two.
pub const PHASES: [&str; 8] = {
    let b = BUILD_PHASES;
    [b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8]]
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PhaseSum {
    pub phase: String,
    pub seconds: f64,
}

/// A build's seconds in each of [`PHASES`], in that order (`None`: the phase has no duration).
pub fn seconds_by_phase(b: &BuildRecord) -> [Option<f64>; PHASES.len()] {
    let seconds = b.phase_seconds();
    std::array::from_fn(|i| seconds.get(PHASES[i]).copied())
}

/// How many of the window's newest finished builds the per-build phase chart shows.
pub const RECENT_PHASE_BUILDS: usize = 60;

/// One finished build's seconds per phase, for the per-build stacked chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BuildPhases {
    pub id: String,
    #[ts(type = "number | null")]
    pub build_number: Option<i64>,
    pub status: BuildStatus,
    #[ts(type = "number")]
    pub start_ms: i64,
    /// Seconds in each of [`PHASES`], in that order (0 for a phase without a duration).
    pub seconds: Vec<f64>,
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
    /// The window's newest finished builds (at most [`RECENT_PHASE_BUILDS`]), oldest first.
    pub recent: Vec<BuildPhases>,
    pub build_minutes: f64,
    /// Build minutes × the price of their compute type (`crate::prices`).
    pub cost_usd: f64,
    /// Billed minutes of builds the prices do not cover (ARM, GPU, Lambda, Windows): not in
    /// `cost_usd`.
    pub unpriced_minutes: f64,
    /// The day and region of the prices.
    pub prices_as_of: String,
    pub prices_region: String,
}

/// Delivery figures of a pipeline, DORA-style, over the executions that started in a window. A
/// deployment is an execution whose last Deploy action (the one that reaches prod) ran to an
/// end; executions that failed before it (a red build) or were stopped changed nothing in prod.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DoraStats {
    pub window_days: u32,
    /// Successful deployments.
    pub deployments: u32,
    pub deployments_per_day: f64,
    /// From when the commit was first seen (its first build, or the execution's start if it has
    /// no stored build) to the end of its successful deploy, median.
    pub lead_time_median_seconds: Option<f64>,
    /// Failed deployments / deployments that ran to an end (succeeded or failed).
    pub change_failure_rate: Option<f64>,
    /// From a failed deployment (after a good one) to the end of the next successful one, median.
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

fn in_window(start_ms: i64, now_ms: i64, days: u32) -> bool {
    let (from, to) = window_bounds(now_ms, days);
    start_ms >= from && start_ms <= to
}

/// What the figures need of one build (the store reads just this, not the whole record).
#[derive(Debug, Clone, PartialEq)]
pub struct BuildFacts {
    pub status: BuildStatus,
    pub duration_seconds: Option<f64>,
    pub compute_type: Option<String>,
    pub environment_type: Option<String>,
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
            environment_type: b.environment_type.clone(),
        })
        .collect();
    let mut phase_seconds = std::collections::BTreeMap::new();
    for (phase, seconds) in window.iter().flat_map(|b| b.phase_seconds()) {
        *phase_seconds.entry(phase).or_insert(0.0) += seconds;
    }
    // Newest first as the store orders them (start, then id), then oldest first for the chart.
    let mut finished: Vec<&BuildRecord> =
        window.into_iter().filter(|b| b.status.finished()).collect();
    finished.sort_by(|a, b| (b.start_ms, &b.id).cmp(&(a.start_ms, &a.id)));
    let mut recent: Vec<BuildPhases> = finished
        .into_iter()
        .take(RECENT_PHASE_BUILDS)
        .map(|b| BuildPhases {
            id: b.id.clone(),
            build_number: b.build_number,
            status: b.status.clone(),
            start_ms: b.start_ms,
            seconds: seconds_by_phase(b).map(|s| s.unwrap_or(0.0)).to_vec(),
        })
        .collect();
    recent.reverse();
    stats_of(&facts, &phase_seconds, recent, window_days)
}

/// The figures of the builds of a window (`facts`), their summed seconds per phase, and the
/// newest finished ones phase by phase (`recent`, oldest first).
pub fn stats_of(
    facts: &[BuildFacts],
    phase_seconds: &std::collections::BTreeMap<String, f64>,
    recent: Vec<BuildPhases>,
    window_days: u32,
) -> BuildStats {
    let finished: Vec<&BuildFacts> = facts.iter().filter(|b| b.status.finished()).collect();
    let succeeded = finished
        .iter()
        .filter(|b| b.status == BuildStatus::Succeeded)
        .count() as u32;
    let failed = finished.iter().filter(|b| b.status.failed()).count() as u32;
    let durations: Vec<f64> = finished.iter().filter_map(|b| b.duration_seconds).collect();
    let phases = PHASES
        .iter()
        .map(|p| PhaseSum {
            phase: (*p).to_owned(),
            seconds: phase_seconds.get(*p).copied().unwrap_or(0.0),
        })
        .collect();
    // CodeBuild bills whole minutes per build.
    let (mut build_minutes, mut unpriced_minutes, mut cost) = (0.0, 0.0, 0.0);
    for b in &finished {
        let Some(minutes) = b.duration_seconds.map(|d| (d / 60.0).ceil()) else {
            continue;
        };
        build_minutes += minutes;
        match crate::prices::codebuild_minute(
            b.environment_type.as_deref(),
            b.compute_type.as_deref(),
        ) {
            Some(price) => cost += minutes * price,
            None => unpriced_minutes += minutes,
        }
    }
    BuildStats {
        window_days,
        builds: facts.len() as u32,
        succeeded,
        failed,
        success_rate: (!finished.is_empty()).then(|| f64::from(succeeded) / finished.len() as f64),
        median_seconds: percentile(&durations, 50.0),
        p90_seconds: percentile(&durations, 90.0),
        phases,
        recent,
        build_minutes,
        cost_usd: (cost * 100.0).round() / 100.0,
        unpriced_minutes,
        prices_as_of: crate::prices::AS_OF.to_owned(),
        prices_region: crate::prices::REGION.to_owned(),
    }
}

/// The window `[now - days, now]` in Unix milliseconds.
pub fn window_bounds(now_ms: i64, days: u32) -> (i64, i64) {
    (now_ms - i64::from(days) * DAY_MS, now_ms)
}

/// When a release's deploy ended, for releases stored before the deploy's own times were kept:
/// a succeeded execution ends with its deploy.
fn deploy_end(r: &ReleaseRecord) -> Option<i64> {
    r.deploy_end_ms
        .or(if r.deploy_status == Some(ExecutionStatus::Succeeded) {
            r.end_ms
        } else {
            None
        })
}

/// `first_built`: for commits with a stored build, when the first one started
/// (`HistoryStore::commits_first_built`).
pub fn dora(
    releases: &[ReleaseRecord],
    first_built: &std::collections::HashMap<String, i64>,
    now_ms: i64,
    window_days: u32,
) -> DoraStats {
    // The deployments that ran to an end, in the order they ended.
    let mut deploys: Vec<(&ReleaseRecord, bool, i64)> = releases
        .iter()
        .filter(|r| in_window(r.start_ms, now_ms, window_days))
        .filter_map(|r| {
            let ok = match r.deploy_status {
                Some(ExecutionStatus::Succeeded) => true,
                Some(ExecutionStatus::Failed) => false,
                _ => return None,
            };
            Some((r, ok, deploy_end(r)?))
        })
        .collect();
    deploys.sort_by_key(|(r, _, end)| (*end, r.start_ms));
    let succeeded = deploys.iter().filter(|(_, ok, _)| *ok).count();
    let failed = deploys.len() - succeeded;
    let lead: Vec<f64> = deploys
        .iter()
        .filter(|(_, ok, _)| *ok)
        .map(|(r, _, end)| {
            let seen = r
                .commit
                .as_ref()
                .and_then(|c| first_built.get(c))
                .map_or(r.start_ms, |b| (*b).min(r.start_ms));
            (end - seen) as f64 / 1000.0
        })
        .collect();
    // An incident starts with a failed deployment while prod was good, and ends when the next
    // deployment succeeds; one still open at the window's end has no time to restore yet.
    let mut restore = Vec::new();
    let mut broken_since: Option<i64> = None;
    for (_, ok, end) in &deploys {
        match (ok, broken_since) {
            (false, None) => broken_since = Some(*end),
            (true, Some(since)) => {
                restore.push((end - since) as f64 / 1000.0);
                broken_since = None;
            }
            _ => {}
        }
    }
    DoraStats {
        window_days,
        deployments: succeeded as u32,
        deployments_per_day: succeeded as f64 / f64::from(window_days.max(1)),
        lead_time_median_seconds: percentile(&lead, 50.0),
        change_failure_rate: (!deploys.is_empty()).then(|| failed as f64 / deploys.len() as f64),
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
            environment_type: Some("LINUX_CONTAINER".into()),
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

    #[test]
    fn recent_builds_phase_by_phase_are_the_newest_finished_ones_oldest_first() {
        let mut builds: Vec<BuildRecord> = (1..=70)
            .map(|i| {
                let mut b = build(1, "SUCCEEDED", f64::from(i) + 10.0);
                b.id = format!("p:{i}");
                b.build_number = Some(i64::from(i));
                b.start_ms = NOW - DAY_MS + i64::from(i) * 60_000;
                b
            })
            .collect();
        builds.push(build(0, "IN_PROGRESS", 0.0)); // the newest, not finished
        let s = build_stats(&builds, NOW, 7);
        assert_eq!(s.recent.len(), RECENT_PHASE_BUILDS);
        let numbers: Vec<i64> = s.recent.iter().filter_map(|b| b.build_number).collect();
        assert_eq!(numbers, (11..=70).collect::<Vec<i64>>());
        let last = s.recent.last().unwrap();
        assert_eq!(last.seconds.len(), PHASES.len());
        let total: f64 = last.seconds.iter().sum();
        assert_eq!(total, 80.0);
        assert_eq!(
            last.seconds[PHASES.iter().position(|p| *p == "BUILD").unwrap()],
            70.0
        );
    }

    const MIN: i64 = 60_000;

    /// An execution started `day` days ago; `deploy`: its Deploy action's result and minutes
    /// from the start to the action's end (`None` minutes: a record stored before deploy times
    /// were kept, ending with the execution).
    fn rel(
        day: i64,
        status: &str,
        deploy: Option<(&str, Option<i64>)>,
        minutes: i64,
    ) -> ReleaseRecord {
        let start = NOW - day * DAY_MS;
        ReleaseRecord {
            pipeline: "p".into(),
            execution_id: format!("{day}"),
            status: status.into(),
            trigger: None,
            commit: Some(format!("c{day}")),
            commit_summary: None,
            start_ms: start,
            end_ms: Some(start + minutes * MIN),
            build_id: None,
            build_status: None,
            deploy_status: deploy.map(|(s, _)| ExecutionStatus::parse(s)),
            deploy_start_ms: deploy.map(|_| start + 5 * MIN),
            deploy_end_ms: deploy.and_then(|(_, m)| m).map(|m| start + m * MIN),
            rollout: None,
            pipeline_status: None,
        }
    }

    #[test]
    fn dora_on_a_fixed_history() {
        let releases = vec![
            rel(12, "Succeeded", Some(("Succeeded", Some(10))), 10), // outside the window
            rel(9, "Succeeded", Some(("Succeeded", Some(10))), 10),
            rel(8, "Failed", None, 4), // the build failed: prod untouched
            rel(7, "Failed", Some(("Failed", Some(5))), 5),
            rel(6, "Failed", Some(("Failed", Some(5))), 5), // still broken: the same incident
            rel(5, "Succeeded", Some(("Succeeded", Some(12))), 12),
            rel(4, "Succeeded", Some(("Succeeded", None)), 14), // stored before deploy times
            rel(2, "Stopped", None, 1),
            rel(1, "Failed", Some(("Failed", Some(3))), 3), // open at the window's end
        ];
        // c9 was first built (a webhook build of the merge) 30 minutes before its execution.
        let first_built =
            std::collections::HashMap::from([("c9".to_owned(), NOW - 9 * DAY_MS - 30 * MIN)]);
        let d = dora(&releases, &first_built, NOW, 10);
        assert_eq!(d.deployments, 3);
        assert!((d.deployments_per_day - 0.3).abs() < 1e-9);
        // Lead times: 30 + 10, 12 and 14 minutes.
        assert_eq!(d.lead_time_median_seconds, Some(14.0 * 60.0));
        // Deployments that ran to an end: 3 succeeded, 3 failed (days 7, 6 and 1).
        assert_eq!(d.change_failure_rate, Some(0.5));
        // Broken by the deploy that ended on day 7 + 5 min, restored by the one ending day 5 + 12 min.
        assert_eq!(
            d.time_to_restore_median_seconds,
            Some(((2 * DAY_MS + 7 * MIN) / 1000) as f64)
        );
        let none = dora(&[], &first_built, NOW, 10);
        assert_eq!(
            (
                none.deployments,
                none.change_failure_rate,
                none.lead_time_median_seconds
            ),
            (0, None, None)
        );
    }

    #[test]
    fn cost_prices_each_compute_type_and_counts_unpriced_minutes() {
        let mut builds = vec![
            build(1, "SUCCEEDED", 100.0), // 2 minutes small
            build(2, "FAILED", 61.0),     // 2 minutes
            build(3, "SUCCEEDED", 600.0), // 10 minutes
            build(4, "SUCCEEDED", 30.0),  // 1 minute
        ];
        builds[1].compute_type = Some("BUILD_GENERAL1_LARGE".into());
        builds[2].compute_type = Some("BUILD_GENERAL1_2XLARGE".into());
        builds[3].environment_type = Some("ARM_CONTAINER".into());
        let s = build_stats(&builds, NOW, 7);
        assert_eq!(s.build_minutes, 15.0);
        // 2 × 0.005 + 2 × 0.02 + 10 × 0.08; the ARM minute is not priced.
        assert_eq!(s.cost_usd, 0.85);
        assert_eq!(s.unpriced_minutes, 1.0);
        assert_eq!(s.prices_as_of, crate::prices::AS_OF);
    }
}
