//! The AWS naming rules the checks share (and the rest of Pipewright uses): IAM roles, git branches,
//! S3 buckets, CodePipeline, CodeBuild, ECR, GitHub, connections, SNS topics, notification rules.

use std::sync::OnceLock;

use regex::Regex;

/// A name of `min`–`max` characters from a set: says what is wrong with one, not only the rule.
pub struct NameRule {
    pub min: usize,
    pub max: usize,
    pub allowed: fn(char) -> bool,
    /// The characters in words: "letters, digits, '.', '@', '_' or '-'".
    pub chars: &'static str,
    /// Whose rule: "CodePipeline rule".
    pub source: &'static str,
}

impl NameRule {
    pub const fn new(
        (min, max): (usize, usize),
        allowed: fn(char) -> bool,
        chars: &'static str,
        source: &'static str,
    ) -> Self {
        NameRule {
            min,
            max,
            allowed,
            chars,
            source,
        }
    }

    /// The whole rule: "must be 1–100 characters: letters, … (CodePipeline rule)".
    pub fn rule(&self) -> String {
        format!(
            "must be {}–{} characters: {} ({})",
            self.min, self.max, self.chars, self.source
        )
    }

    /// None when `s` follows the rule (`more` is any further check it must pass); else what is
    /// wrong with it first: the characters it may not have, or its length with the count, or
    /// else the whole rule.
    pub fn problem(&self, s: &str, more: bool) -> Option<String> {
        let mut bad: Vec<char> = Vec::new();
        for c in s.chars().filter(|c| !(self.allowed)(*c)) {
            if !bad.contains(&c) {
                bad.push(c);
            }
        }
        let n = s.chars().count();
        if !bad.is_empty() {
            // A space is named in words: a quoted one is hard to see.
            let named: Vec<String> = bad
                .iter()
                .map(|c| match c {
                    ' ' => "spaces".to_owned(),
                    c => format!("'{}'", c.escape_debug()),
                })
                .collect();
            let list = match named.split_last() {
                Some((last, [])) if bad[0] != ' ' => format!("{last} is"),
                Some((last, [])) => format!("{last} are"),
                Some((last, rest)) => format!("{} and {last} are", rest.join(", ")),
                None => unreachable!(),
            };
            return Some(format!(
                "{list} not allowed: only {} ({})",
                self.chars, self.source
            ));
        }
        if n == 0 {
            return Some(format!("is required: {}", self.rule()));
        }
        if n > self.max {
            return Some(format!(
                "has {n} characters, {} over the {} allowed ({})",
                n - self.max,
                self.max,
                self.source
            ));
        }
        if n < self.min || !more {
            return Some(self.rule());
        }
        None
    }
}

fn iam_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)
}

/// IAM role names.
pub const ROLE_NAME: NameRule = NameRule::new(
    (1, 64),
    iam_name_char,
    "letters, digits and + = , . @ _ -",
    "IAM role name rules",
);

/// IAM (inline) policy names.
pub const POLICY_NAME: NameRule = NameRule::new(
    (1, 128),
    iam_name_char,
    "letters, digits and + = , . @ _ -",
    "IAM policy name rules",
);

/// CodePipeline pipeline, stage and action names.
pub const PIPELINE_NAME: NameRule = NameRule::new(
    (1, 100),
    |c| c.is_ascii_alphanumeric() || ".@_-".contains(c),
    "letters, digits, '.', '@', '_' or '-'",
    "CodePipeline rule",
);

/// CodePipeline artifact names.
pub const ARTIFACT_NAME: NameRule = NameRule::new(
    (1, 100),
    |c| c.is_ascii_alphanumeric() || "_-".contains(c),
    "letters, digits, '_' or '-'",
    "CodePipeline artifact name rule",
);

/// CodeBuild project names (which also start with a letter or digit).
pub const PROJECT_NAME: NameRule = NameRule::new(
    (2, 255),
    |c| c.is_ascii_alphanumeric() || "_-".contains(c),
    "letters, digits, '_' or '-', starting with a letter or digit",
    "CodeBuild rule",
);

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
