//! The CodeBuild project (`build`): its name, limits, webhook, image, role, buildspec path,
//! environment variables (no secret in plain text), and the pipeline's build action.

use std::sync::OnceLock;

use regex::Regex;

use super::names::{looks_secret, ARTIFACT_NAME, PIPELINE_NAME, PROJECT_NAME};
use super::Checker;
use crate::plan::{EnvVarType, Plan};

pub(super) fn check(c: &mut Checker, plan: &Plan) {
    let b = &plan.build;
    let starts_well = b.project.starts_with(|ch: char| ch.is_ascii_alphanumeric());
    c.name(&PROJECT_NAME, &b.project, "build.project", starts_well);
    c.check(
        b.description.chars().count() <= 255,
        "build.description",
        "must be at most 255 characters",
    );
    if let Some(limit) = b.concurrent_build_limit {
        c.check(
            limit >= 1,
            "build.concurrentBuildLimit",
            "must be at least 1, or empty for no limit",
        );
    }
    if let Some(hook) = &b.webhook {
        c.branch(&hook.base_branch, "build.webhook.baseBranch");
    }
    c.check(
        !b.image.trim().is_empty() && b.image.len() <= 255,
        "build.image",
        "must be a build image such as aws/codebuild/amazonlinux2-x86_64-standard:5.0",
    );
    c.role(&b.role, "build.role");
    c.check(
        (5..=2160).contains(&b.timeout_minutes),
        "build.timeoutMinutes",
        "must be between 5 and 2160 minutes (CodeBuild rule)",
    );
    c.relative_path(&b.buildspec_path, "build.buildspecPath", false);
    let mut seen = std::collections::HashSet::new();
    let env_name = re!(r"^[A-Za-z_][A-Za-z0-9_]{0,254}$");
    let parameter_name =
        re!(r"^(arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter)?/?[A-Za-z0-9_.\-/]{1,2048}$");
    let secret_id = re!(r"^[A-Za-z0-9/_+=.@:-]{1,2048}$");
    for (i, var) in b.environment_variables.iter().enumerate() {
        let path = format!("build.environmentVariables.{i}.name");
        if !env_name.is_match(&var.name) {
            c.fail(
                &path,
                "must be letters, digits and '_', not starting with a digit",
            );
        } else if var.name.starts_with("CODEBUILD_") {
            c.fail(
                &path,
                "names starting with CODEBUILD_ are reserved by CodeBuild",
            );
        } else if !seen.insert(var.name.as_str()) {
            c.fail(&path, "is defined twice");
        } else if var.kind() == EnvVarType::Plaintext && looks_secret(&var.name) {
            c.fail(
                &format!("build.environmentVariables.{i}.type"),
                format!(
                    "{} looks like a secret and would be stored in plain text on the project: put it in Parameter Store or Secrets Manager and use the type PARAMETER_STORE or SECRETS_MANAGER with its name",
                    var.name
                ),
            );
        }
        let value_path = format!("build.environmentVariables.{i}.value");
        match var.kind() {
            EnvVarType::Plaintext => {}
            EnvVarType::ParameterStore => c.check(
                parameter_name.is_match(&var.value),
                &value_path,
                "must be a Parameter Store parameter name such as /prod/db-password (letters, digits and _ . - /)",
            ),
            EnvVarType::SecretsManager => c.check(
                secret_id.is_match(&var.value),
                &value_path,
                "must be a Secrets Manager secret name or ARN, optionally with :json-key (letters, digits and / _ + = . @ : -)",
            ),
        }
    }
    c.name(&PIPELINE_NAME, &b.action_name, "build.actionName", true);
    c.name(
        &ARTIFACT_NAME,
        &b.output_artifact,
        "build.outputArtifact",
        true,
    );
}
