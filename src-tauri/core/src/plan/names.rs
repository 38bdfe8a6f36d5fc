//! The names a plan implies when it gives none: its service roles (as the console names them) and
//! its notification rule, each within its AWS limit.

use super::{Plan, RoleChoice};

impl Plan {
    /// The name of the CodeBuild service role (created or existing).
    pub fn codebuild_role_name(&self) -> String {
        role_name(&self.build.role, || {
            fit_role_name(format!("codebuild-{}-service-role", self.build.project))
        })
    }

    /// The name of the CodePipeline service role (created or existing), as the console names it.
    pub fn pipeline_role_name(&self, region: &str) -> String {
        role_name(&self.pipeline.role, || {
            fit_role_name(format!(
                "AWSCodePipelineServiceRole-{region}-{}",
                self.pipeline.name
            ))
        })
    }

    /// The notification rule's name: the plan's, or `<pipeline>-pipewright` within CodeStar
    /// Notifications' rule (64 of letters, digits, '-', '_', ' '). A pipeline name with other
    /// characters ('.', '@') gets them as '-' plus a hash of the real name, so `a.b` and `a-b`
    /// do not share a rule name.
    pub fn notification_rule_name(&self) -> String {
        if let Some(name) = self
            .pipeline
            .notifications
            .as_ref()
            .and_then(|n| n.rule_name.as_deref())
            .filter(|s| !s.is_empty())
        {
            return name.to_owned();
        }
        let name = &self.pipeline.name;
        let clean: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        if &clean == name {
            fit_role_name(format!("{clean}-pipewright"))
        } else {
            let keep: String = clean.chars().take(ROLE_NAME_MAX - 20).collect();
            format!("{keep}-{:08x}-pipewright", fnv1a(name))
        }
    }
}

/// IAM's limit on a role name.
pub const ROLE_NAME_MAX: usize = 64;

/// FNV-1a: stable across versions and platforms (std's hasher is neither).
fn fnv1a(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// A default role name within IAM's 64 characters: kept as it is when it fits, else cut and given a
/// stable hash of the whole name, so two long names that share their first 55 characters still get
/// different roles.
pub fn fit_role_name(name: String) -> String {
    if name.len() <= ROLE_NAME_MAX {
        return name;
    }
    let hash = fnv1a(&name);
    let keep = ROLE_NAME_MAX - 9;
    format!("{}-{hash:08x}", &name[..keep])
}

fn role_name(choice: &RoleChoice, default: impl FnOnce() -> String) -> String {
    match choice {
        RoleChoice::Create { name: Some(n) } if !n.trim().is_empty() => n.trim().to_owned(),
        RoleChoice::Create { .. } => default(),
        RoleChoice::Existing { arn } => arn.rsplit('/').next().unwrap_or(arn).to_owned(),
    }
}
