use serde::{Deserialize, Serialize};

// Times are Unix milliseconds: i64 in Rust, plain numbers in JSON and TypeScript (ts-rs would say
// bigint, which is not what crosses the IPC).
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PhaseRecord {
    /// SUBMITTED, QUEUED, PROVISIONING, DOWNLOAD_SOURCE, INSTALL, PRE_BUILD, BUILD, POST_BUILD,
    /// UPLOAD_ARTIFACTS, FINALIZING, COMPLETED.
    pub phase: String,
    pub status: Option<String>,
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
    /// SUCCEEDED, FAILED, FAULT, TIMED_OUT, IN_PROGRESS, STOPPED.
    pub status: String,
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
    pub phases: Vec<PhaseRecord>,
    pub log_group: Option<String>,
    pub log_stream: Option<String>,
    pub log_url: Option<String>,
    pub console_url: String,
}

impl BuildRecord {
    pub fn finished(&self) -> bool {
        self.status != "IN_PROGRESS"
    }
}

/// A pipeline execution with the build it ran (joined through the build action's external id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReleaseRecord {
    pub pipeline: String,
    pub execution_id: String,
    pub status: String,
    pub trigger: Option<String>,
    pub commit: Option<String>,
    pub commit_summary: Option<String>,
    #[ts(type = "number")]
    pub start_ms: i64,
    #[ts(type = "number | null")]
    pub end_ms: Option<i64>,
    pub build_id: Option<String>,
    pub build_status: Option<String>,
    /// The deploy stage's result.
    pub deploy_status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LogLine {
    #[ts(type = "number")]
    pub timestamp_ms: i64,
    pub message: String,
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
