//! Offline validation of a plan: every issue names the field path and the AWS rule. Never calls AWS.

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{
    ConnectionChoice, DeploySettings, EnvVarType, ExecutionMode, PipelineType, Plan, RoleChoice,
    PLAN_VERSION,
};
use crate::{policy, regions, Error};

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

    fn role(&mut self, role: &RoleChoice, path: &str) {
        match role {
            RoleChoice::Create { name: Some(name) } if !name.trim().is_empty() => {
                self.check(is_role_name(name), &format!("{path}.name"), ROLE_NAME_RULE)
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

pub const ROLE_NAME_RULE: &str =
    "must be 1–64 characters: letters, digits and + = , . @ _ - (IAM role name rules)";

pub fn is_role_name(s: &str) -> bool {
    re!(r"^[A-Za-z0-9_+=,.@-]{1,64}$").is_match(s)
}

/// Git branch name rules (`git check-ref-format --branch`), as CodePipeline and webhooks need.
pub fn check_branch(branch: &str) -> Result<(), &'static str> {
    const RULE: &str = "must be a git branch name: no spaces, '..', '~', '^', ':', '?', '*', '[', '\\', '@{', no leading '-' or '/', no trailing '/', '.' or '.lock'";
    let bad = branch.is_empty()
        || branch.len() > 255
        || branch == "@"
        || branch.starts_with('-')
        || branch.starts_with('/')
        || branch.ends_with('/')
        || branch.ends_with('.')
        || branch.ends_with(".lock")
        || branch.contains("..")
        || branch.contains("//")
        || branch.contains("@{")
        || branch
            .chars()
            .any(|c| c.is_control() || c == ' ' || "~^:?*[\\".contains(c))
        || branch.split('/').any(|part| part.starts_with('.'));
    if bad {
        Err(RULE)
    } else {
        Ok(())
    }
}

/// S3 general purpose bucket naming rules, with the rule broken.
pub fn check_bucket_name(s: &str) -> Result<(), String> {
    const PREFIXES: [&str; 3] = ["xn--", "sthree-", "amzn-s3-demo-"];
    const SUFFIXES: [&str; 5] = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];
    if !re!(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$").is_match(s) {
        return Err("must be a valid S3 bucket name: 3–63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit".into());
    }
    if s.contains("..") {
        return Err("must not contain two periods in a row (S3 rule)".into());
    }
    if re!(r"^\d+\.\d+\.\d+\.\d+$").is_match(s) {
        return Err("must not look like an IP address (S3 rule)".into());
    }
    if let Some(p) = PREFIXES.iter().find(|p| s.starts_with(*p)) {
        return Err(format!("must not start with {p}: S3 reserves that prefix"));
    }
    if let Some(x) = SUFFIXES.iter().find(|x| s.ends_with(*x)) {
        return Err(format!("must not end with {x}: S3 reserves that suffix"));
    }
    Ok(())
}

pub fn is_bucket_name(s: &str) -> bool {
    check_bucket_name(s).is_ok()
}

/// Build variable names that usually hold a secret.
pub fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL"]
        .iter()
        .any(|w| upper.contains(w))
}

pub fn is_pipeline_name(s: &str) -> bool {
    re!(r"^[A-Za-z0-9.@_-]{1,100}$").is_match(s)
}

pub fn is_project_name(s: &str) -> bool {
    re!(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,254}$").is_match(s)
}

pub fn is_ecr_repository_name(s: &str) -> bool {
    (2..=256).contains(&s.len())
        && re!(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$").is_match(s)
}

pub fn is_github_repository(s: &str) -> bool {
    re!(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$").is_match(s)
        && !s.ends_with("/.")
        && !s.ends_with("/..")
}

pub fn is_connection_arn(s: &str) -> bool {
    re!(r"^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection/[0-9a-fA-F-]{36}$")
        .is_match(s)
}

/// Every issue of the plan, in field order. Empty = valid.
pub const SNS_TOPIC_RULE: &str = "must be a standard SNS topic ARN: arn:aws:sns:<region>:<account>:<name> (letters, digits, '-', '_'; no FIFO topic)";

pub fn is_sns_topic_arn(s: &str) -> bool {
    re!(r"^arn:aws(-[a-z]+)*:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,256}$").is_match(s)
}

/// CodeStar Notifications' rule name: 1–64 of letters, digits, '-', '_' and space.
pub fn is_notification_rule_name(s: &str) -> bool {
    re!(r"^[A-Za-z0-9\-_ ]{1,64}$").is_match(s)
}

fn notifications(c: &mut Checker, plan: &Plan, n: &crate::plan::NotificationSettings) {
    let base = "pipeline.notifications";
    if !is_sns_topic_arn(&n.sns_topic_arn) {
        c.fail(&format!("{base}.snsTopicArn"), SNS_TOPIC_RULE);
    } else if let Some(region) = plan.region.as_deref().filter(|r| !r.is_empty()) {
        let topic_region = n.sns_topic_arn.split(':').nth(3).unwrap_or_default();
        c.check(
            topic_region == region,
            &format!("{base}.snsTopicArn"),
            &format!("must be a topic in the pipeline's region, {region} (it is in {topic_region}): CodeStar Notifications tells topics of the resource's region only"),
        );
    }
    if n.events.is_empty() {
        c.fail(
            &format!("{base}.events"),
            "choose at least one event to tell the team about",
        );
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = n.events.iter().find(|e| !seen.insert(**e)) {
        c.fail(
            &format!("{base}.events"),
            format!("lists {} twice", dup.event_type_id()),
        );
    }
    if n.events
        .contains(&crate::plan::NotificationEvent::ApprovalNeeded)
        && plan.pipeline.approval.is_none()
    {
        c.fail(
            &format!("{base}.events"),
            "\"approval needed\" needs the approval stage: turn on the approval before Deploy, or drop that event",
        );
    }
    if let Some(name) = n.rule_name.as_deref().filter(|s| !s.is_empty()) {
        let count = name.chars().count();
        c.check(
            is_notification_rule_name(name),
            &format!("{base}.ruleName"),
            &if count > 64 {
                format!(
                    "must be at most 64 characters (CodeStar Notifications rule); it has {count}"
                )
            } else {
                "may hold only letters, digits, '-', '_' and spaces (CodeStar Notifications rule)"
                    .to_owned()
            },
        );
    }
}

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

    // Pipeline settings.
    let p = &plan.pipeline;
    c.check(
        is_pipeline_name(&p.name),
        "pipeline.name",
        "must be 1–100 characters: letters, digits, '.', '@', '_' or '-' (CodePipeline rule)",
    );
    c.role(&p.role, "pipeline.role");
    if p.pipeline_type == PipelineType::V1 && p.execution_mode != ExecutionMode::Superseded {
        c.fail(
            "pipeline.executionMode",
            "QUEUED and PARALLEL need a V2 pipeline: choose V2 or SUPERSEDED (CodePipeline rule)",
        );
    }
    if let Some(bucket) = &p.artifact_bucket {
        if let Err(rule) = check_bucket_name(bucket) {
            c.fail("pipeline.artifactBucket", rule);
        }
    }
    if let Some(suffix) = &p.artifact_bucket_suffix {
        c.check(
            re!(r"^[a-z0-9]{4,12}$").is_match(suffix),
            "pipeline.artifactBucketSuffix",
            "must be 4–12 lowercase letters or digits (the default bucket's name ends with it)",
        );
    }

    if let Some(a) = &p.approval {
        if !matches!(plan.deploy, DeploySettings::Ecs { .. }) {
            c.fail(
                "pipeline.approval",
                "needs a Deploy stage to come before (choose an ECS deploy, or no approval)",
            );
        }
        if let Some(arn) = &a.sns_topic_arn {
            c.check(
                is_sns_topic_arn(arn),
                "pipeline.approval.snsTopicArn",
                SNS_TOPIC_RULE,
            );
        }
        if let Some(url) = &a.review_url {
            c.check(
                url.starts_with("https://")
                    && url.len() > 8
                    && url.len() <= 1000
                    && !url.contains(char::is_whitespace),
                "pipeline.approval.reviewUrl",
                "must be an https:// URL of at most 1000 characters, without spaces",
            );
        }
        if let Some(text) = &a.comments {
            c.check(
                text.chars().count() <= 500,
                "pipeline.approval.comments",
                &format!(
                    "must be at most 500 characters (CodePipeline rule); it has {}",
                    text.chars().count()
                ),
            );
        }
    }

    if let Some(n) = &p.notifications {
        notifications(&mut c, plan, n);
    }

    // Source.
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

    // Build.
    let b = &plan.build;
    c.check(
        is_project_name(&b.project),
        "build.project",
        "must be 2–255 characters: letters, digits, '_' or '-', starting with a letter or digit (CodeBuild rule)",
    );
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
    c.check(
        is_pipeline_name(&b.action_name),
        "build.actionName",
        "must be 1–100 characters: letters, digits, '.', '@', '_' or '-' (CodePipeline rule)",
    );
    c.check(
        re!(r"^[A-Za-z0-9_-]{1,100}$").is_match(&b.output_artifact),
        "build.outputArtifact",
        "must be 1–100 characters: letters, digits, '_' or '-' (CodePipeline artifact name rule)",
    );

    // ECR.
    let e = &plan.ecr;
    c.check(
        is_ecr_repository_name(&e.repository),
        "ecr.repository",
        "must be an ECR repository name: 2–256 lowercase letters, digits and . _ - / separators",
    );
    c.check(
        re!(r"^[A-Za-z0-9_+=,.@-]{1,128}$").is_match(&e.policy_name),
        "ecr.policyName",
        "must be 1–128 characters: letters, digits and + = , . @ _ - (IAM policy name rules)",
    );
    if let Some(doc) = &e.policy_document {
        for problem in policy::check_push_policy(doc, &e.repository) {
            if problem.is_error {
                c.fail("ecr.policyDocument", problem.message);
            }
        }
    }

    // buildspec.
    let bs = &plan.buildspec;
    c.relative_path(&bs.service_dir, "buildspec.serviceDir", true);
    c.relative_path(&bs.dockerfile, "buildspec.dockerfile", false);
    c.check(
        re!(r"^[A-Za-z0-9_-]{1,255}$").is_match(&bs.container_name),
        "buildspec.containerName",
        "must be 1–255 letters, digits, '_' or '-' (ECS container name rule)",
    );
    c.check(
        re!(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$").is_match(&bs.image_tag),
        "buildspec.imageTag",
        "must be a Docker tag: up to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'",
    );

    // Deploy.
    if let DeploySettings::Ecs {
        cluster,
        service,
        file_name,
    } = &plan.deploy
    {
        let ecs_name = re!(r"^[A-Za-z0-9_-]{1,255}$");
        c.check(
            ecs_name.is_match(cluster),
            "deploy.cluster",
            "must be an ECS cluster name: 1–255 letters, digits, '_' or '-'",
        );
        c.check(
            ecs_name.is_match(service),
            "deploy.service",
            "must be an ECS service name: 1–255 letters, digits, '_' or '-'",
        );
        c.check(
            re!(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}){0,4}$")
                .is_match(file_name)
                && !file_name.split('/').any(|part| part == ".."),
            "deploy.fileName",
            "must be a file path in the build's output such as imagedefinitions.json: letters, digits, '.', '_', '-' and '/' (the buildspec writes this file)",
        );
    }
    c.issues
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{EnvVar, NotificationEvent, WebhookSettings};

    const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:team";

    fn notify(topic: &str) -> crate::plan::NotificationSettings {
        crate::plan::NotificationSettings {
            sns_topic_arn: topic.into(),
            events: vec![NotificationEvent::ExecutionFailed],
            detail: Default::default(),
            rule_name: None,
        }
    }

    #[test]
    fn a_notification_rule_at_its_limits_is_valid() {
        let mut p = Plan::reference();
        p.region = Some("us-east-1".into());
        p.pipeline.approval = Some(Default::default());
        let mut n = notify(TOPIC);
        n.events = NotificationEvent::ALL.to_vec();
        n.rule_name = Some("a-b_c d".repeat(9).chars().take(64).collect());
        p.pipeline.notifications = Some(n.clone());
        assert_eq!(validate(&p), vec![]);
        // The message of a too-long name counts.
        n.rule_name = Some("r".repeat(70));
        p.pipeline.notifications = Some(n);
        assert!(validate(&p)[0].message.contains("it has 70"));
    }

    fn paths(plan: &Plan) -> Vec<String> {
        validate(plan).into_iter().map(|i| i.path).collect()
    }

    #[test]
    fn the_reference_plan_is_valid() {
        assert_eq!(validate(&Plan::reference()), vec![]);
    }

    #[test]
    fn each_bad_field_is_named() {
        type Edit = fn(&mut Plan);
        let cases: Vec<(Edit, &str)> = vec![
            (|p| p.version = 7, "version"),
            (|p| p.region = Some("moon-1".into()), "region"),
            (|p| p.pipeline.name = "has space".into(), "pipeline.name"),
            (|p| p.pipeline.name = "x".repeat(101), "pipeline.name"),
            (
                |p| {
                    p.pipeline.role = RoleChoice::Create {
                        name: Some("bad/name".into()),
                    }
                },
                "pipeline.role.name",
            ),
            (
                |p| {
                    p.pipeline.role = RoleChoice::Existing {
                        arn: "role/x".into(),
                    }
                },
                "pipeline.role.arn",
            ),
            (
                |p| p.pipeline.artifact_bucket = Some("Bad_Bucket".into()),
                "pipeline.artifactBucket",
            ),
            (
                |p| p.pipeline.artifact_bucket = Some("192.168.1.1".into()),
                "pipeline.artifactBucket",
            ),
            (
                |p| p.source.connection = ConnectionChoice::Create { name: "".into() },
                "source.connection.name",
            ),
            (
                |p| {
                    p.source.connection = ConnectionChoice::Existing {
                        arn: "arn:aws:s3:::x".into(),
                    }
                },
                "source.connection.arn",
            ),
            (
                |p| p.source.repository = "no-slash".into(),
                "source.repository",
            ),
            (
                |p| {
                    p.pipeline.approval = Some(crate::plan::ApprovalSettings {
                        sns_topic_arn: Some("arn:aws:sns:us-east-1:123456789012:prod.fifo".into()),
                        ..Default::default()
                    })
                },
                "pipeline.approval.snsTopicArn",
            ),
            (
                |p| {
                    p.pipeline.approval = Some(crate::plan::ApprovalSettings {
                        review_url: Some("http://staging.example.com".into()),
                        ..Default::default()
                    })
                },
                "pipeline.approval.reviewUrl",
            ),
            (
                |p| {
                    p.pipeline.approval = Some(crate::plan::ApprovalSettings {
                        comments: Some("x".repeat(501)),
                        ..Default::default()
                    })
                },
                "pipeline.approval.comments",
            ),
            (
                |p| {
                    p.pipeline.approval = Some(Default::default());
                    p.deploy = DeploySettings::None;
                },
                "pipeline.approval",
            ),
            (
                |p| p.pipeline.notifications = Some(notify("arn:aws:sns:us-east-1:1:x")),
                "pipeline.notifications.snsTopicArn",
            ),
            (
                |p| {
                    p.region = Some("eu-west-1".into());
                    p.pipeline.notifications = Some(notify(TOPIC));
                },
                "pipeline.notifications.snsTopicArn",
            ),
            (
                |p| {
                    let mut n = notify(TOPIC);
                    n.events.clear();
                    p.pipeline.notifications = Some(n);
                },
                "pipeline.notifications.events",
            ),
            (
                |p| {
                    let mut n = notify(TOPIC);
                    n.events.push(NotificationEvent::ExecutionFailed);
                    p.pipeline.notifications = Some(n);
                },
                "pipeline.notifications.events",
            ),
            (
                |p| {
                    let mut n = notify(TOPIC);
                    n.events.push(NotificationEvent::ApprovalNeeded);
                    p.pipeline.notifications = Some(n);
                },
                "pipeline.notifications.events",
            ),
            (
                |p| {
                    let mut n = notify(TOPIC);
                    n.rule_name = Some("prod.rule".into());
                    p.pipeline.notifications = Some(n);
                },
                "pipeline.notifications.ruleName",
            ),
            (
                |p| {
                    let mut n = notify(TOPIC);
                    n.rule_name = Some("r".repeat(65));
                    p.pipeline.notifications = Some(n);
                },
                "pipeline.notifications.ruleName",
            ),
            (|p| p.source.branch = "feature..x".into(), "source.branch"),
            (|p| p.source.branch = "has space".into(), "source.branch"),
            (|p| p.source.branch = "x.lock".into(), "source.branch"),
            (|p| p.build.project = "-bad".into(), "build.project"),
            (
                |p| {
                    p.pipeline.pipeline_type = PipelineType::V1;
                    p.pipeline.execution_mode = ExecutionMode::Queued
                },
                "pipeline.executionMode",
            ),
            (
                |p| p.pipeline.artifact_bucket = Some("sthree-bucket".into()),
                "pipeline.artifactBucket",
            ),
            (
                |p| p.pipeline.artifact_bucket = Some("my-bucket--ol-s3".into()),
                "pipeline.artifactBucket",
            ),
            (
                |p| p.pipeline.artifact_bucket_suffix = Some("UPPER".into()),
                "pipeline.artifactBucketSuffix",
            ),
            (
                |p| {
                    p.build.environment_variables = vec![EnvVar {
                        name: "GITHUB_TOKEN".into(),
                        value: "ghp_x".into(),
                        kind: None,
                    }]
                },
                "build.environmentVariables.0.type",
            ),
            (
                |p| {
                    p.build.environment_variables = vec![EnvVar {
                        name: "DB_PASSWORD".into(),
                        value: "no spaces allowed".into(),
                        kind: Some(EnvVarType::ParameterStore),
                    }]
                },
                "build.environmentVariables.0.value",
            ),
            (
                |p| {
                    p.deploy = DeploySettings::Ecs {
                        cluster: "c".into(),
                        service: "s".into(),
                        file_name: "image definitions.json; rm -rf ~".into(),
                    }
                },
                "deploy.fileName",
            ),
            (|p| p.build.timeout_minutes = 4, "build.timeoutMinutes"),
            (|p| p.build.timeout_minutes = 2161, "build.timeoutMinutes"),
            (
                |p| p.build.buildspec_path = "/abs/buildspec.yml".into(),
                "build.buildspecPath",
            ),
            (
                |p| p.build.buildspec_path = "../x.yml".into(),
                "build.buildspecPath",
            ),
            (
                |p| p.build.concurrent_build_limit = Some(0),
                "build.concurrentBuildLimit",
            ),
            (
                |p| {
                    p.build.webhook = Some(WebhookSettings {
                        event: crate::plan::WebhookEvent::Push,
                        base_branch: "a b".into(),
                    })
                },
                "build.webhook.baseBranch",
            ),
            (
                |p| {
                    p.build.environment_variables = vec![EnvVar {
                        name: "1X".into(),
                        value: "v".into(),
                        kind: None,
                    }]
                },
                "build.environmentVariables.0.name",
            ),
            (
                |p| {
                    p.build.environment_variables = vec![EnvVar {
                        name: "CODEBUILD_X".into(),
                        value: "v".into(),
                        kind: None,
                    }]
                },
                "build.environmentVariables.0.name",
            ),
            (|p| p.build.action_name = "".into(), "build.actionName"),
            (
                |p| p.build.output_artifact = "Image Definition".into(),
                "build.outputArtifact",
            ),
            (|p| p.ecr.repository = "Backend".into(), "ecr.repository"),
            (|p| p.ecr.policy_name = "".into(), "ecr.policyName"),
            (
                |p| p.ecr.policy_document = Some("{not json".into()),
                "ecr.policyDocument",
            ),
            (
                |p| p.buildspec.container_name = "bad name".into(),
                "buildspec.containerName",
            ),
            (
                |p| p.buildspec.image_tag = ".x".into(),
                "buildspec.imageTag",
            ),
            (
                |p| p.buildspec.dockerfile = "".into(),
                "buildspec.dockerfile",
            ),
            (
                |p| {
                    p.deploy = DeploySettings::Ecs {
                        cluster: "".into(),
                        service: "s".into(),
                        file_name: "imagedefinitions.json".into(),
                    }
                },
                "deploy.cluster",
            ),
        ];
        for (edit, path) in cases {
            let mut plan = Plan::reference();
            edit(&mut plan);
            assert_eq!(
                paths(&plan),
                vec![path.to_owned()],
                "expected exactly {path}"
            );
        }
    }

    #[test]
    fn duplicate_env_vars_are_reported() {
        let mut plan = Plan::reference();
        plan.build.environment_variables = vec![
            EnvVar {
                name: "A".into(),
                value: "1".into(),
                kind: None,
            },
            EnvVar {
                name: "A".into(),
                value: "2".into(),
                kind: None,
            },
        ];
        assert_eq!(paths(&plan), vec!["build.environmentVariables.1.name"]);
    }

    #[test]
    fn secrets_from_parameter_store_or_secrets_manager_are_fine() {
        let mut plan = Plan::reference();
        plan.build.environment_variables = vec![
            EnvVar {
                name: "GITHUB_TOKEN".into(),
                value: "/ci/github-token".into(),
                kind: Some(EnvVarType::ParameterStore),
            },
            EnvVar {
                name: "DB_PASSWORD".into(),
                value: "prod/db:password".into(),
                kind: Some(EnvVarType::SecretsManager),
            },
            EnvVar {
                name: "LOG_LEVEL".into(),
                value: "debug".into(),
                kind: None,
            },
        ];
        assert_eq!(validate(&plan), vec![]);
    }

    #[test]
    fn names_at_the_limits() {
        assert!(is_pipeline_name(&"a".repeat(100)));
        assert!(is_project_name(&format!("a{}", "b".repeat(254))));
        assert!(!is_project_name("a"));
        assert!(is_bucket_name("codepipeline-us-east-1-123456789012"));
        assert!(is_github_repository("octo-org/my.repo_1"));
        assert!(!is_github_repository("octo/.."));
        assert!(check_branch("release/2024.1").is_ok());
        assert!(check_branch("prod").is_ok());
        assert!(check_branch("a/.hidden").is_err());
        assert!(is_connection_arn(
            "arn:aws:codestar-connections:us-east-1:123456789012:connection/12345678-1234-1234-1234-123456789012"
        ));
    }
}
