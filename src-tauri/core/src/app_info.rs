//! What the UI needs to know about the running app.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    /// The app talks to the local emulator (see `PIPEWRIGHT_SANDBOX_ENDPOINT`).
    pub sandbox: bool,
    /// Where profiles.toml and session.json live (no secrets there).
    pub config_dir: String,
}
