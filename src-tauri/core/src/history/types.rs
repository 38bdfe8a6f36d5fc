use serde::{Deserialize, Serialize};

// Times are Unix milliseconds: i64 in Rust, plain numbers in JSON and TypeScript (ts-rs would say
// bigint, which is not what crosses the IPC).
use ts_rs::TS;

use crate::status::{BuildStatus, ExecutionStatus};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PhaseRecord {
    /// SUBMITTED, QUEUED, PROVISIONING, DOWNLOAD_SOURCE, INSTALL, PRE_BUILD, BUILD, POST_BUILD,
    /// UPLOAD_ARTIFACTS, FINALIZING, COMPLETED.
    pub phase: String,
    pub status: Option<BuildStatus>,
    /// Unix milliseconds.
    #[ts(type = "number | null")]
    pub start_ms: Option<i64>,
    #[ts(type = "number | null")]
    pub end_ms: Option<i64>,
    pub duration_seconds: Option<f64>,
    /// CodeBuild's messages for a failed phase.
    pub messages: Vec<String>,
}

/// Who started a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Initiator {
    Pipeline,
    Webhook,
    User,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BuildRecord {
    pub id: String,
    pub project: String,
    #[ts(type = "number | null")]
    pub build_number: Option<i64>,
    pub status: BuildStatus,
    #[ts(type = "number")]
    pub start_ms: i64,
    #[ts(type = "number | null")]
    pub end_ms: Option<i64>,
    pub duration_seconds: Option<f64>,
    pub initiator: String,
    pub initiator_kind: Initiator,
    pub source_version: Option<String>,
    pub commit: Option<String>,
    pub compute_type: Option<String>,
    /// LINUX_CONTAINER, ARM_CONTAINER, LINUX_GPU_CONTAINER, WINDOWS_SERVER_2019_CONTAINER, ...
    /// (records stored before it was kept have none).
    #[serde(default)]
    pub environment_type: Option<String>,
    pub phases: Vec<PhaseRecord>,
    pub log_group: Option<String>,
    pub log_stream: Option<String>,
    pub log_url: Option<String>,
    pub console_url: String,
}

impl BuildRecord {
    pub fn finished(&self) -> bool {
        self.status.finished()
    }

    /// The build got past PROVISIONING, so its container started and wrote a log stream (a missing
    /// stream then means the log expired or was deleted, not that there never was one).
    pub fn started_container(&self) -> bool {
        self.phases
            .iter()
            .any(|p| p.phase == "PROVISIONING" && p.status == Some(BuildStatus::Succeeded))
    }

    pub fn summary(&self) -> BuildSummary {
        BuildSummary {
            id: self.id.clone(),
            build_number: self.build_number,
            status: self.status.clone(),
            start_ms: self.start_ms,
            end_ms: self.end_ms,
            duration_seconds: self.duration_seconds,
            initiator: self.initiator.clone(),
            initiator_kind: self.initiator_kind,
            source_version: self.source_version.clone(),
            commit: self.commit.clone(),
        }
    }

    /// Seconds per phase (the phases that have a duration), for the stored figures.
    pub fn phase_seconds(&self) -> std::collections::BTreeMap<String, f64> {
        self.phases
            .iter()
            .filter_map(|p| p.duration_seconds.map(|d| (p.phase.clone(), d)))
            .collect()
    }
}

/// What the build list (table and chart) shows of a build: a [`BuildRecord`] without its phases
/// and links, a tenth of its size, so 10,000 of them cross to the window quickly. The detail
/// asks for the whole record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BuildSummary {
    pub id: String,
    #[ts(type = "number | null")]
    pub build_number: Option<i64>,
    pub status: BuildStatus,
    #[ts(type = "number")]
    pub start_ms: i64,
    #[ts(type = "number | null")]
    pub end_ms: Option<i64>,
    pub duration_seconds: Option<f64>,
    pub initiator: String,
    pub initiator_kind: Initiator,
    pub source_version: Option<String>,
    pub commit: Option<String>,
}

/// A pipeline execution with the build it ran (joined through the build action's external id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReleaseRecord {
    pub pipeline: String,
    pub execution_id: String,
    pub status: ExecutionStatus,
    pub trigger: Option<String>,
    pub commit: Option<String>,
    pub commit_summary: Option<String>,
    #[ts(type = "number")]
    pub start_ms: i64,
    #[ts(type = "number | null")]
    pub end_ms: Option<i64>,
    pub build_id: Option<String>,
    /// The build action's status (CodePipeline's, not CodeBuild's).
    pub build_status: Option<ExecutionStatus>,
    /// The result of the execution's last Deploy action (the one that reaches prod).
    pub deploy_status: Option<ExecutionStatus>,
    /// When that action started and, once it ended, when it ended (records stored before these
    /// were kept have none).
    #[serde(default)]
    #[ts(type = "number | null")]
    pub deploy_start_ms: Option<i64>,
    #[serde(default)]
    #[ts(type = "number | null")]
    pub deploy_end_ms: Option<i64>,
    /// The ECS deployment of that action, when ECS still knew it at the last sync. `status` and
    /// `deploy_status` follow it (`rollout::release_status`).
    #[serde(default)]
    pub rollout: Option<crate::rollout::Rollout>,
    /// CodePipeline's own status of the execution when `status` differs from it.
    #[serde(default)]
    pub pipeline_status: Option<ExecutionStatus>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LogLine {
    #[ts(type = "number")]
    pub timestamp_ms: i64,
    pub message: String,
}

/// Where a reader of a build's log is: the token to go on from, and whether one more read is owed
/// after the build ended (CloudWatch can lag a little behind the build's status). Start with
/// `LogCursor::default()` and pass back the one each [`LogRead`] returns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LogCursor {
    pub token: Option<String>,
    pub grace_left: u8,
}

/// What a reader does next, decided by the one follow rule (`history::logs::read`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum LogNext {
    /// More lines are there now: read again at once.
    More,
    /// At the end for now, and the build runs (or just ended): read again after the follow pace.
    Poll,
    /// Nothing more will come.
    Done,
}

/// One read of a build's log: the new lines, where to go on from, and what to do next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LogRead {
    pub lines: Vec<LogLine>,
    pub cursor: LogCursor,
    pub next: LogNext,
    pub console_url: Option<String>,
    /// False when CloudWatch has no such log stream (yet).
    pub stream_exists: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LogPage {
    pub lines: Vec<LogLine>,
    /// Pass back to get the next lines (or new ones while the build runs).
    pub next_token: Option<String>,
    pub console_url: Option<String>,
    /// False when CloudWatch has no such log stream (yet): a queued build, or one that failed
    /// before its container started (PROVISIONING), writes none.
    pub stream_exists: bool,
}
