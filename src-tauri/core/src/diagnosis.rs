//! Failures explained: from a failed build's log and phases, or a failed deploy's error and its
//! ECS rollout, what went wrong (the lines that show it) and what to do. Only causes recognized
//! by their own words are named; anything else is the failed phase and its last error lines,
//! never a guess.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::history::BuildRecord;
use crate::release::ActionView;
use crate::status::{BuildStatus, ExecutionStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DiagnosisCode {
    /// `ecr:GetAuthorizationToken` denied: it must be granted on `"*"`.
    EcrLoginDenied,
    /// A push action denied on the repository.
    EcrPushDenied,
    /// `Cannot connect to the Docker daemon`: the project is not privileged.
    DockerDaemonUnavailable,
    /// The buildspec is not at the configured path.
    BuildspecNotFound,
    /// `runtime-versions` names a runtime or version the image does not have.
    UnknownRuntimeVersion,
    /// A container in imagedefinitions.json is not in the task definition.
    ContainerNotInTaskDefinition,
    /// The image (tag) the task definition names cannot be pulled: not pushed, or no access.
    ImageNotFound,
    /// The task's execution role (or task role) is missing or cannot be assumed.
    TaskRoleMissing,
    /// The GitHub connection is not AVAILABLE.
    ConnectionNotAvailable,
    /// The pipeline's role may not pass a role (`iam:PassRole`).
    PassRoleMissing,
    /// Nothing recognized: the failed phase and its last error lines.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Diagnosis {
    pub code: DiagnosisCode,
    pub title: String,
    /// What to do.
    pub fix: String,
    /// The failed phase (a build) or stage (a deploy).
    pub phase: Option<String>,
    /// The lines that show the cause.
    pub lines: Vec<String>,
    /// Pipewright's plan sets what causes this (its ECR policy, the project's privileged flag):
    /// applying the plan again, after its review, fixes it.
    pub plan_fix: bool,
}

struct Rule {
    code: DiagnosisCode,
    /// All of these (lowercase) in one line.
    needles: &'static [&'static str],
    title: &'static str,
    fix: &'static str,
    plan_fix: bool,
}

const RULES: &[Rule] = &[
    Rule {
        code: DiagnosisCode::EcrLoginDenied,
        needles: &["not authorized to perform: ecr:getauthorizationtoken"],
        title: "The build may not log in to ECR",
        fix: "Grant ecr:GetAuthorizationToken on \"*\" in the build role's policy: the action has no resource-level permissions, so a policy that names the repository ARN for it never allows it.",
        plan_fix: true,
    },
    Rule {
        code: DiagnosisCode::EcrPushDenied,
        needles: &["not authorized to perform: ecr:", "repository/"],
        title: "The build may not push to the ECR repository",
        fix: "Grant the push actions (ecr:BatchCheckLayerAvailability, ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:PutImage, ecr:BatchGetImage) on the repository's ARN in the build role's policy.",
        plan_fix: true,
    },
    Rule {
        code: DiagnosisCode::DockerDaemonUnavailable,
        needles: &["cannot connect to the docker daemon"],
        title: "Docker is not running in the build container",
        fix: "Turn on privileged mode for the CodeBuild project (Environment → Privileged): building images needs the Docker daemon, which only runs in privileged mode.",
        plan_fix: true,
    },
    Rule {
        code: DiagnosisCode::UnknownRuntimeVersion,
        needles: &["unknown runtime"],
        title: "The buildspec asks for a runtime the build image does not have",
        fix: "Change runtime-versions in the buildspec to a version the image lists (the message names them), or remove the runtime: the standard images have Docker without asking for it.",
        plan_fix: false,
    },
    Rule {
        code: DiagnosisCode::BuildspecNotFound,
        needles: &["yaml_file_error", "no such file or directory"],
        title: "The buildspec is not where the project looks for it",
        fix: "Commit buildspec.yml at the path the project names (relative to the repository root), or change the project's buildspec path to where the file is.",
        plan_fix: false,
    },
    Rule {
        code: DiagnosisCode::ContainerNotInTaskDefinition,
        needles: &["container", "does not exist in the task definition"],
        title: "imagedefinitions.json names a container the task definition does not have",
        fix: "Make the \"name\" in imagedefinitions.json (the build's CONTAINER_NAME) the container's name in the service's task definition.",
        plan_fix: false,
    },
    Rule {
        code: DiagnosisCode::TaskRoleMissing,
        needles: &["unable to assume the role"],
        title: "ECS cannot assume the task's role",
        fix: "Check the task definition's executionRoleArn and taskRoleArn: the roles must exist and trust ecs-tasks.amazonaws.com.",
        plan_fix: false,
    },
    Rule {
        code: DiagnosisCode::TaskRoleMissing,
        needles: &["resourceinitializationerror"],
        title: "The task's execution role cannot fetch what the task needs",
        fix: "Give the task definition an execution role with AmazonECSTaskExecutionRolePolicy (ECR pull, CloudWatch Logs) and read access to its secrets.",
        plan_fix: false,
    },
    Rule {
        code: DiagnosisCode::ImageNotFound,
        needles: &["cannotpullcontainererror", "not found"],
        title: "The image the task definition names does not exist",
        fix: "The build did not push the image it wrote into imagedefinitions.json: check the image URI and tag the buildspec pushes and writes (the same repository, the same tag).",
        plan_fix: false,
    },
    Rule {
        code: DiagnosisCode::TaskRoleMissing,
        needles: &["cannotpullcontainererror"],
        title: "The task cannot pull its image",
        fix: "Give the task definition an execution role that may pull from ECR (AmazonECSTaskExecutionRolePolicy), and check the task can reach ECR (a public IP or VPC endpoints).",
        plan_fix: false,
    },
    Rule {
        code: DiagnosisCode::ConnectionNotAvailable,
        needles: &["connection is not in available state"],
        title: "The GitHub connection is not AVAILABLE",
        fix: "Finish the connection's handshake in the console (Developer Tools → Settings → Connections → Update pending connection) and install the AWS Connector for GitHub app on the repository.",
        plan_fix: false,
    },
    Rule {
        code: DiagnosisCode::PassRoleMissing,
        needles: &["not authorized to perform: iam:passrole"],
        title: "The pipeline's role may not pass the task's roles to ECS",
        fix: "Allow iam:PassRole on the task definition's execution and task roles in the pipeline role's policy, with the condition iam:PassedToService = ecs-tasks.amazonaws.com.",
        plan_fix: false,
    },
];

/// Lines that look like an error, for an unknown failure.
fn errorish(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    [
        "error",
        "failed",
        "denied",
        "exception",
        "not found",
        "exit status",
    ]
    .iter()
    .any(|w| l.contains(w))
}

/// A log line without its terminal colours (`ESC [ ... letter`). Stripping one sequence can join
/// an `ESC` and a `[` around it into another (`ESC ESC[1m [`), so it goes on until none is left.
pub(crate) fn plain(line: &str) -> String {
    let mut out = strip_once(line);
    while out.contains("\u{1b}[") {
        let next = strip_once(&out);
        if next.len() == out.len() {
            break;
        }
        out = next;
    }
    out
}

fn strip_once(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// Names the cause found in `lines` (newest last), with the lines that show it; or, for nothing
/// recognized, the last (at most 5) error lines. `phase`: where it failed.
pub fn diagnose(phase: Option<&str>, lines: &[String]) -> Diagnosis {
    let lines: Vec<String> = lines.iter().map(|l| plain(l)).collect();
    let lines = lines.as_slice();
    let lower: Vec<String> = lines.iter().map(|l| l.to_ascii_lowercase()).collect();
    for rule in RULES {
        let hits: Vec<String> = lines
            .iter()
            .zip(&lower)
            .filter(|(_, l)| rule.needles.iter().all(|n| l.contains(n)))
            .map(|(line, _)| line.trim().to_owned())
            .collect();
        if !hits.is_empty() {
            let mut evidence: Vec<String> = Vec::new();
            for h in hits {
                if !evidence.contains(&h) {
                    evidence.push(h);
                }
            }
            evidence.truncate(3);
            return Diagnosis {
                code: rule.code,
                title: rule.title.to_owned(),
                fix: rule.fix.to_owned(),
                phase: phase.map(str::to_owned),
                lines: evidence,
                plan_fix: rule.plan_fix,
            };
        }
    }
    let mut last: Vec<String> = lines
        .iter()
        .rev()
        .filter(|l| errorish(l))
        .take(5)
        .map(|l| l.trim().to_owned())
        .collect();
    if last.is_empty() {
        last = lines
            .iter()
            .rev()
            .take(5)
            .map(|l| l.trim().to_owned())
            .collect();
    }
    last.reverse();
    Diagnosis {
        code: DiagnosisCode::Unknown,
        title: match phase {
            Some(p) => format!("Failed in {p}"),
            None => "Failed".into(),
        },
        fix: "Pipewright does not recognize this failure: read the lines above and the full log."
            .into(),
        phase: phase.map(str::to_owned),
        lines: last,
        plan_fix: false,
    }
}

/// A failed build: its first failed phase, with that phase's messages and the end of the log.
pub fn for_build(build: &BuildRecord, log_tail: &[String]) -> Option<Diagnosis> {
    if !build.status.failed() {
        return None;
    }
    let failed = build
        .phases
        .iter()
        .find(|p| p.status.as_ref().is_some_and(BuildStatus::failed));
    let mut lines: Vec<String> = log_tail.to_vec();
    if let Some(p) = failed {
        // The phase's messages, unless the log already says them.
        for m in &p.messages {
            if !log_tail.iter().any(|l| l.contains(m.as_str())) {
                lines.push(m.clone());
            }
        }
    }
    Some(diagnose(failed.map(|p| p.phase.as_str()), &lines))
}

/// A failed action of a pipeline (or a deploy whose rollout failed): its error and, for an ECS
/// deploy, the rollout's reason and its stopped tasks' reasons.
pub fn for_action(stage: &str, a: &ActionView) -> Option<Diagnosis> {
    let rollout_failed = a
        .rollout
        .as_ref()
        .is_some_and(|r| r.state == crate::rollout::RolloutState::Failed);
    if a.status != Some(ExecutionStatus::Failed) && !rollout_failed {
        return None;
    }
    let mut lines: Vec<String> = a.error.iter().cloned().collect();
    if let Some(r) = &a.rollout {
        lines.extend(r.reason.iter().cloned());
        for t in &r.stopped_tasks {
            lines.extend(t.stopped_reason.iter().cloned());
            lines.extend(t.containers.iter().filter_map(|c| c.reason.clone()));
        }
    }
    if lines.is_empty() {
        return None;
    }
    Some(diagnose(Some(stage), &lines))
}

/// A build's diagnosis, reading its record and the last 300 lines of its log. None when the
/// build did not fail.
pub async fn of_build(
    ctx: &crate::apply::AwsCtx,
    build_id: &str,
) -> crate::Result<Option<Diagnosis>> {
    let build = crate::history::fetch_builds(ctx, vec![build_id.to_owned()])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| crate::Error::NotFound(format!("no build {build_id}")))?;
    if !build.status.failed() {
        return Ok(None);
    }
    let tail = match (&build.log_group, &build.log_stream) {
        (Some(g), Some(s)) => crate::history::logs::tail(ctx, g, s, 300).await?,
        _ => Vec::new(),
    };
    Ok(for_build(&build, &tail))
}

/// The plan Pipewright last applied (and finished) for `project` in this account and region, from
/// its receipts: what "Review the fix" loads for a failure the plan fixes (`plan_fix`).
pub fn fix_plan(
    dirs: &crate::paths::AppDirs,
    account: &str,
    region: &str,
    project: &str,
) -> crate::Result<Option<crate::plan::Plan>> {
    let mut receipts: Vec<_> = crate::apply::receipts::list(dirs)?
        .into_iter()
        .filter(|r| {
            r.status == crate::apply::ReceiptStatus::Succeeded
                && r.account == account
                && r.region == region
                && r.plan.as_ref().is_some_and(|p| p.build.project == project)
        })
        .collect();
    receipts.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    Ok(receipts.into_iter().next().and_then(|r| r.plan))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    fn code(text: &str) -> DiagnosisCode {
        diagnose(Some("BUILD"), &log(text)).code
    }

    #[test]
    fn ecr_login_denied_because_get_authorization_token_is_not_on_star() {
        // The reference walkthrough's own bug: the policy names the repository for every action.
        let d = diagnose(
            Some("PRE_BUILD"),
            &log(
                r#"[Container] 2023/05/14 10:22:31 Running command aws ecr get-login-password --region $AWS_DEFAULT_REGION | docker login --username AWS --password-stdin $IMAGE_URL

An error occurred (AccessDeniedException) when calling the GetAuthorizationToken operation: User: arn:aws:sts::123456789012:assumed-role/codebuild-bake-service-role/AWSCodeBuild-4d1e is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action
Error: Cannot perform an interactive login from a non TTY device

[Container] 2023/05/14 10:22:33 Command did not exit successfully aws ecr get-login-password --region $AWS_DEFAULT_REGION | docker login --username AWS --password-stdin $IMAGE_URL exit status 1
[Container] 2023/05/14 10:22:33 Phase complete: PRE_BUILD State: FAILED"#,
            ),
        );
        assert_eq!(d.code, DiagnosisCode::EcrLoginDenied);
        assert!(d.plan_fix);
        assert!(d.fix.contains("\"*\""));
        assert_eq!(d.lines.len(), 1);
        assert!(d.lines[0].contains("ecr:GetAuthorizationToken on resource: *"));
        assert_eq!(d.phase.as_deref(), Some("PRE_BUILD"));
    }

    #[test]
    fn ecr_push_denied_on_the_repository() {
        assert_eq!(
            code("denied: User: arn:aws:sts::123456789012:assumed-role/bake-role/AWSCodeBuild-1 is not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:us-east-1:123456789012:repository/backend-flask because no identity-based policy allows the ecr:InitiateLayerUpload action"),
            DiagnosisCode::EcrPushDenied
        );
    }

    #[test]
    fn docker_daemon_without_privileged_mode() {
        let d = diagnose(
            Some("BUILD"),
            &log("[Container] 2023/05/14 10:23:01 Running command docker build -f Dockerfile.prod -t backend-flask-prod .\nCannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n[Container] 2023/05/14 10:23:01 Command did not exit successfully docker build -f Dockerfile.prod -t backend-flask-prod . exit status 1"),
        );
        assert_eq!(d.code, DiagnosisCode::DockerDaemonUnavailable);
        assert!(d.plan_fix && d.fix.contains("privileged"));
    }

    #[test]
    fn buildspec_not_found_at_the_configured_path() {
        assert_eq!(
            code("[Container] 2023/05/14 10:21:58 Phase context status code: YAML_FILE_ERROR Message: stat /codebuild/output/src4213/src/github.com/example-org/aws-bootcamp-cruddur-2023/backend-flask/buildspec.yml: no such file or directory"),
            DiagnosisCode::BuildspecNotFound
        );
    }

    #[test]
    fn unknown_runtime_version_in_the_buildspec() {
        assert_eq!(
            code("[Container] 2023/05/14 10:22:10 Phase context status code: YAML_FILE_ERROR Message: Unknown runtime version named '20' of docker. This build image has the following versions: 19"),
            DiagnosisCode::UnknownRuntimeVersion
        );
        assert_eq!(
            code("YAML_FILE_ERROR Message: Unknown runtime named 'docker'. This build image has the following runtimes: dotnet, golang, java, nodejs, php, python, ruby"),
            DiagnosisCode::UnknownRuntimeVersion
        );
    }

    #[test]
    fn a_container_name_the_task_definition_does_not_have() {
        assert_eq!(
            code("JobFailed: Invalid action configuration: The container backend-flask-prod does not exist in the task definition."),
            DiagnosisCode::ContainerNotInTaskDefinition
        );
    }

    #[test]
    fn image_not_found_and_a_pull_without_access() {
        assert_eq!(
            code("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/backend-flask:abc1234: not found"),
            DiagnosisCode::ImageNotFound
        );
        assert_eq!(
            code("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref: pulling from host 123456789012.dkr.ecr.us-east-1.amazonaws.com failed with status code [manifests latest]: 403 Forbidden"),
            DiagnosisCode::TaskRoleMissing
        );
    }

    #[test]
    fn task_and_execution_roles() {
        assert_eq!(
            code("ECS was unable to assume the role 'arn:aws:iam::123456789012:role/CruddurServiceExecutionRole' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role."),
            DiagnosisCode::TaskRoleMissing
        );
        assert_eq!(
            code("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm"),
            DiagnosisCode::TaskRoleMissing
        );
    }

    #[test]
    fn a_connection_that_is_not_available() {
        assert_eq!(
            code("ConfigurationError: Unable to use Connection: arn:aws:codestar-connections:us-east-1:123456789012:connection/abc. The provided connection is not in AVAILABLE state (current state: PENDING)."),
            DiagnosisCode::ConnectionNotAvailable
        );
    }

    #[test]
    fn pass_role_missing() {
        assert_eq!(
            code("JobFailed: User: arn:aws:sts::123456789012:assumed-role/cruddur-pipeline-role/1700000000000 is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/CruddurServiceExecutionRole"),
            DiagnosisCode::PassRoleMissing
        );
    }

    #[test]
    fn an_unknown_failure_is_the_phase_and_its_last_error_lines_never_a_guess() {
        let d = diagnose(
            Some("BUILD"),
            &log("Step 1/9 : FROM python:3.10-slim-buster\nRUN pip install -r requirements.txt\nERROR: Could not find a version that satisfies the requirement flask==9.9\nERROR: No matching distribution found for flask==9.9\nThe command '/bin/sh -c pip install -r requirements.txt' returned a non-zero code: 1\n[Container] Command did not exit successfully docker build . exit status 1\n[Container] Phase complete: BUILD State: FAILED"),
        );
        assert_eq!(d.code, DiagnosisCode::Unknown);
        assert_eq!(d.title, "Failed in BUILD");
        assert!(!d.plan_fix);
        assert_eq!(d.lines.len(), 4);
        assert!(d.lines[0].contains("Could not find a version"));
        assert!(d.lines[3].contains("State: FAILED"));
        // No error words at all: the last lines.
        let quiet = diagnose(None, &log("a\nb"));
        assert_eq!(quiet.lines, ["a", "b"]);
    }

    #[test]
    fn terminal_colours_are_not_part_of_the_evidence() {
        let d = diagnose(
            None,
            &["\u{1b}[31mCannot connect to the Docker daemon at unix:///var/run/docker.sock.\u{1b}[0m".into()],
        );
        assert_eq!(
            d.lines,
            ["Cannot connect to the Docker daemon at unix:///var/run/docker.sock."]
        );
    }

    #[test]
    fn the_wire_shape_is_code_title_fix() {
        let d = diagnose(Some("BUILD"), &log("Cannot connect to the Docker daemon"));
        let v = serde_json::to_value(&d).unwrap();
        assert_eq!(v["code"], "docker_daemon_unavailable");
        assert!(v["title"].is_string() && v["fix"].is_string());
        assert_eq!(v["planFix"], true);
    }
}
