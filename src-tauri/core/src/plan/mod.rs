//! The plan: everything the wizard collects, as one serde type saved as `pipewright.toml`.
//!
//! A plan is validated offline ([`validate`]) with errors that name the field path and the AWS rule;
//! validation never calls AWS. The apply engine turns a valid plan into AWS resources.
//!
//! - `types`: the plan and its settings, as serde (and TypeScript) types;
//! - `toml_file`: reading and writing `pipewright.toml`, with errors that name the field;
//! - `defaults`: the reference plan and what an older plan lacks;
//! - `names`: the default names of the roles and the notification rule a plan implies.

mod defaults;
mod names;
mod toml_file;
mod types;
pub mod validate;

#[cfg(test)]
mod tests;

pub use defaults::{random_suffix, DEFAULT_IMAGE};
pub use names::{fit_role_name, ROLE_NAME_MAX};
pub use types::*;
pub use validate::{validate, Issue};
