//! The GitHub connection (CodeStar Connections): its CreateConnection, and the ARN the other
//! requests name before it exists.

use serde::Serialize;

use super::{created_by, Tag};
use crate::plan::{ConnectionChoice, Plan};

/// CodeStar Connections CreateConnection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateConnection {
    pub provider_type: &'static str,
    pub connection_name: String,
    pub tags: Vec<Tag>,
}

pub fn create_connection(name: &str) -> CreateConnection {
    CreateConnection {
        provider_type: "GitHub",
        connection_name: name.to_owned(),
        tags: vec![created_by()],
    }
}

/// The connection ARN the pipeline will use, as known before apply (a placeholder for a connection
/// still to be created).
pub fn connection_arn_for_review(plan: &Plan, existing: Option<&str>) -> String {
    match (&plan.source.connection, existing) {
        (ConnectionChoice::Existing { arn }, _) => arn.clone(),
        (_, Some(arn)) => arn.to_owned(),
        (ConnectionChoice::Create { name }, None) => format!("<ARN of the new connection {name}>"),
    }
}
