//! The apply engine: turns a valid plan into AWS resources, in dependency order with independent
//! steps concurrently, reusing or updating what exists, and rolling back exactly what it did.
//!
//! - [`run`]: apply and destroy as whole operations (the one path of the app and the CLI).
//! - [`journal`]: the write-ahead receipt and the per-pipeline lock.
//! - `engine`: the step scheduler; `resources`: one module per resource (its step, SDK call,
//!   delete and restore); `requests`: the typed requests review shows and apply sends;
//!   `undo`: rollback and tear-down; `raw`: AWS's JSON byte for byte.

mod ctx;
pub mod discover;
mod engine;
pub mod journal;
#[macro_use]
mod raw;
pub mod receipts;
pub mod requests;
pub(crate) mod resources;
mod review;
pub mod run;
mod types;
mod undo;

pub use ctx::{console, AwsCtx, CtxCache};
pub use engine::{ApplyOptions, Sink};
pub use journal::unfinished;
pub use resources::notifications::{topic_allows, topic_statement};
pub use review::{cost_estimate, review, Prices};
pub use run::{apply, destroy, resolve};
pub use types::*;
