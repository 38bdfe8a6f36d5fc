//! Offline validation of a plan: every issue names the field path and the AWS rule. Never calls AWS.
//!
//! [`validate`] checks the plan part by part, in field order: `pipeline` (with its approval) and
//! `notifications`, `source`, `build`, then `image` (ECR, buildspec and deploy). `names` holds the
//! AWS naming rules they share, which other modules use too.

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Plan, RoleChoice, PLAN_VERSION};
use crate::{regions, Error};

/// One problem with a plan: `path` is the field (`build.timeoutMinutes`), `message` the rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Issue {
    pub path: String,
    pub message: String,
}

impl Issue {
    pub fn into_error(self) -> Error {
        Error::validation(self.path, self.message)
    }
}

macro_rules! re {
    ($pattern:expr) => {{
        static RE: OnceLock<Regex> = OnceLock::new();
        RE.get_or_init(|| Regex::new($pattern).expect("valid regex"))
    }};
}

mod build;
mod image;
mod names;
mod notifications;
mod pipeline;
mod source;
#[cfg(test)]
mod tests;

pub use names::{
    check_branch, check_bucket_name, is_bucket_name, is_connection_arn, is_ecr_repository_name,
    is_github_repository, is_notification_rule_name, is_pipeline_name, is_project_name,
    is_role_name, is_sns_topic_arn, looks_secret, NameRule, PIPELINE_NAME, PROJECT_NAME, ROLE_NAME,
    ROLE_NAME_RULE, SNS_TOPIC_RULE,
};

struct Checker {
    issues: Vec<Issue>,
}

impl Checker {
    fn fail(&mut self, path: &str, message: impl Into<String>) {
        self.issues.push(Issue {
            path: path.to_owned(),
            message: message.into(),
        });
    }

    fn check(&mut self, ok: bool, path: &str, message: &str) {
        if !ok {
            self.fail(path, message);
        }
    }

    /// A name against its rule, saying what is wrong with it (`more`: its further checks pass).
    fn name(&mut self, rule: &NameRule, value: &str, path: &str, more: bool) {
        if let Some(problem) = rule.problem(value, more) {
            self.fail(path, problem);
        }
    }

    fn role(&mut self, role: &RoleChoice, path: &str) {
        match role {
            RoleChoice::Create { name: Some(name) } if !name.trim().is_empty() => {
                self.name(&ROLE_NAME, name, &format!("{path}.name"), true)
            }
            RoleChoice::Create { .. } => {}
            RoleChoice::Existing { arn } => self.check(
                re!(r"^arn:aws[a-z-]*:iam::\d{12}:role/[A-Za-z0-9_+=,.@/-]{1,512}$").is_match(arn),
                &format!("{path}.arn"),
                "must be an IAM role ARN: arn:aws:iam::<12-digit account>:role/<name>",
            ),
        }
    }

    fn branch(&mut self, branch: &str, path: &str) {
        if let Err(rule) = check_branch(branch) {
            self.fail(path, rule);
        }
    }

    fn relative_path(&mut self, value: &str, path: &str, allow_empty: bool) {
        if value.is_empty() {
            if !allow_empty {
                self.fail(path, "is required: a path inside the repository");
            }
            return;
        }
        let ok = !value.starts_with('/')
            && !value.contains('\\')
            && value.len() <= 1024
            && !value.split('/').any(|part| part == "..")
            && !value.chars().any(char::is_control);
        self.check(
            ok,
            path,
            "must be a relative path inside the repository (no leading '/', no '..')",
        );
    }
}

/// Every issue of the plan, in field order. Empty = valid.
pub fn validate(plan: &Plan) -> Vec<Issue> {
    let mut c = Checker { issues: Vec::new() };
    c.check(
        plan.version == PLAN_VERSION,
        "version",
        "must be 1 (this version of Pipewright writes and reads plan version 1)",
    );
    if let Some(region) = &plan.region {
        c.check(
            regions::is_region_code(region),
            "region",
            regions::REGION_RULE,
        );
    }
    pipeline::check(&mut c, plan);
    if let Some(n) = &plan.pipeline.notifications {
        notifications::check(&mut c, plan, n);
    }
    source::check(&mut c, plan);
    build::check(&mut c, plan);
    image::check(&mut c, plan);
    c.issues
}
