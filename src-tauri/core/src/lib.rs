//! Pipewright's logic, free of Tauri: profiles and credentials, plans, apply, releases, history.
//!
//! [`Pipewright`] (in [`service`]) is the one object the desktop app and `pipewright-cli` talk
//! to: each of their commands is an adapter of a few lines over one of its operations. The other
//! modules are the features it is made of; see ARCHITECTURE.md for how a request travels.

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
pub mod service;
pub mod service_change;
pub mod session;
pub mod status;
pub mod verdict;

pub use error::{AppError, Error, ErrorCode, Result};
pub use secret::Secret;
pub use service::Pipewright;
pub use status::{BuildStatus, ExecutionStatus};

#[cfg(test)]
mod props;
