//! The source (`source`): the GitHub connection, repository and branch.

use super::names::{is_connection_arn, is_github_repository};
use super::Checker;
use crate::plan::{ConnectionChoice, Plan};

pub(super) fn check(c: &mut Checker, plan: &Plan) {
    let s = &plan.source;
    match &s.connection {
        ConnectionChoice::Create { name } => c.check(
            !name.trim().is_empty() && name.chars().count() <= 32,
            "source.connection.name",
            "must be 1–32 characters (CodeStar Connections rule)",
        ),
        ConnectionChoice::Existing { arn } => c.check(
            is_connection_arn(arn),
            "source.connection.arn",
            "must be a connection ARN: arn:aws:codestar-connections:<region>:<account>:connection/<id>",
        ),
    }
    c.check(
        is_github_repository(&s.repository),
        "source.repository",
        "must be a GitHub repository as owner/name, e.g. octo-org/backend",
    );
    c.branch(&s.branch, "source.branch");
}
