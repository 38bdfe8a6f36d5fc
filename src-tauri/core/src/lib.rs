//! Pipewright's logic, free of Tauri: credentials and profiles, the AWS client factory, the error
//! model shared with the UI, and (in later modules) plans, apply, release and history.
//!
//! Both the desktop app and `pipewright-cli` are thin layers over this crate.

pub mod app_info;
pub mod apply;
pub mod approval;
pub mod aws;
pub mod aws_cli;
pub mod buildspec;
pub mod desktop;
pub mod diagnosis;
pub mod error;
pub mod files;
pub mod history;
pub mod keyring_store;
pub mod links;
pub mod paths;
pub mod plan;
pub mod policy;
pub mod prices;
pub mod profiles;
pub mod regions;
pub mod release;
pub mod rollback;
pub mod rollout;
pub mod secret;
pub mod service_change;
pub mod session;
pub mod verdict;

pub use error::{AppError, Error, ErrorCode, Result};
pub use secret::Secret;

#[cfg(test)]
mod props;
