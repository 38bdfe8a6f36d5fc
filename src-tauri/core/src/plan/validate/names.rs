//! The AWS naming rules the checks share (and the rest of Pipewright uses): IAM roles, git branches,
//! S3 buckets, CodePipeline, CodeBuild, ECR, GitHub, connections, SNS topics, notification rules.

use std::sync::OnceLock;

use regex::Regex;

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

/// The rule [`is_sns_topic_arn`] checks.
pub const SNS_TOPIC_RULE: &str = "must be a standard SNS topic ARN: arn:aws:sns:<region>:<account>:<name> (letters, digits, '-', '_'; no FIFO topic)";

pub fn is_sns_topic_arn(s: &str) -> bool {
    re!(r"^arn:aws(-[a-z]+)*:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,256}$").is_match(s)
}

/// CodeStar Notifications' rule name: 1–64 of letters, digits, '-', '_' and space.
pub fn is_notification_rule_name(s: &str) -> bool {
    re!(r"^[A-Za-z0-9\-_ ]{1,64}$").is_match(s)
}
