//! The apply engine: turns a valid plan into AWS resources, in dependency order with independent
//! steps concurrently, reusing or updating what exists, and rolling back exactly what it created.

mod ctx;
pub mod discover;
mod engine;
pub mod receipts;
pub mod requests;
mod review;
mod sdk;
mod types;

pub use ctx::{console, AwsCtx, CtxCache};
pub use engine::{apply, teardown, ApplyOptions, Sink};
pub use review::{cost_estimate, review, Prices};
pub use types::*;
