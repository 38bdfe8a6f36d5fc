//! Build history: CodeBuild builds and pipeline executions, loaded pipelined from AWS, kept in a
//! local SQLite store (so reopening is instant and history outlives AWS's retention), and turned
//! into figures (success rate, percentiles, phase sums, DORA, cost).

pub(crate) mod load;
pub mod logs;
pub mod stats;
mod store;
mod types;

pub use load::{
    fetch_builds, list_all_ids, release_record, scope as load_scope, sync_builds,
    sync_commit_messages, sync_executions, SyncReport,
};
pub use store::{HistoryStore, Listing};
pub use types::*;
