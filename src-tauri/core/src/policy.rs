//! IAM policy documents Pipewright writes: the least-privilege ECR push policy for the CodeBuild role
//! (with `ecr:GetAuthorizationToken` on `"Resource": "*"`, the one thing hand-written policies get
//! wrong), the trust policies, and the base policies of the service roles.

use serde_json::{json, Value};

/// The actions a `docker push` needs on the repository itself, as AWS documents them ("IAM
/// permissions for pushing an image to an Amazon ECR private repository").
pub const PUSH_ACTIONS: &[&str] = &[
    "ecr:CompleteLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:InitiateLayerUpload",
    "ecr:BatchCheckLayerAvailability",
    "ecr:PutImage",
    "ecr:BatchGetImage",
];

pub fn ecr_repository_arn(
    partition: &str,
    region: &str,
    account: &str,
    repository: &str,
) -> String {
    format!("arn:{partition}:ecr:{region}:{account}:repository/{repository}")
}

/// The least-privilege push policy: login on `*` (it has no resource-level permissions), push on the
/// repository only.
pub fn ecr_push_policy(repository_arn: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EcrLogin",
                "Effect": "Allow",
                "Action": "ecr:GetAuthorizationToken",
                "Resource": "*"
            },
            {
                "Sid": "EcrPushToRepository",
                "Effect": "Allow",
                "Action": PUSH_ACTIONS,
                "Resource": repository_arn
            }
        ]
    })
}

pub fn trust_policy(service: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sts:AssumeRole"
        }]
    })
}

/// What the CodeBuild role needs besides ECR: its logs, the pipeline's artifacts, the GitHub source.
pub fn codebuild_base_policy(
    partition: &str,
    region: &str,
    account: &str,
    project: &str,
    bucket: &str,
    connection_arn: &str,
) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "BuildLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [
                    format!("arn:{partition}:logs:{region}:{account}:log-group:/aws/codebuild/{project}"),
                    format!("arn:{partition}:logs:{region}:{account}:log-group:/aws/codebuild/{project}:*")
                ]
            },
            {
                "Sid": "PipelineArtifacts",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:GetBucketAcl", "s3:GetBucketLocation"],
                "Resource": [format!("arn:{partition}:s3:::{bucket}"), format!("arn:{partition}:s3:::{bucket}/*")]
            },
            {
                "Sid": "GitHubSource",
                "Effect": "Allow",
                "Action": ["codestar-connections:UseConnection", "codestar-connections:GetConnectionToken", "codeconnections:UseConnection", "codeconnections:GetConnectionToken"],
                "Resource": connection_arn
            },
            {
                "Sid": "BuildReports",
                "Effect": "Allow",
                "Action": ["codebuild:CreateReportGroup", "codebuild:CreateReport", "codebuild:UpdateReport", "codebuild:BatchPutTestCases", "codebuild:BatchPutCodeCoverages"],
                "Resource": format!("arn:{partition}:codebuild:{region}:{account}:report-group/{project}-*")
            }
        ]
    })
}

/// What the CodePipeline role needs: artifacts, the connection, the build, and the ECS deploy.
pub fn pipeline_policy(
    partition: &str,
    bucket: &str,
    connection_arn: &str,
    project_arn: &str,
    deploys_to_ecs: bool,
    approval_topic: Option<&str>,
) -> Value {
    let mut statements = vec![
        json!({
            "Sid": "Artifacts",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:GetBucketVersioning", "s3:PutObject", "s3:PutObjectAcl", "s3:GetBucketAcl", "s3:GetBucketLocation"],
            "Resource": [format!("arn:{partition}:s3:::{bucket}"), format!("arn:{partition}:s3:::{bucket}/*")]
        }),
        json!({
            "Sid": "GitHubConnection",
            "Effect": "Allow",
            "Action": ["codestar-connections:UseConnection", "codeconnections:UseConnection"],
            "Resource": connection_arn
        }),
        json!({
            "Sid": "Build",
            "Effect": "Allow",
            "Action": ["codebuild:BatchGetBuilds", "codebuild:StartBuild", "codebuild:BatchGetBuildBatches", "codebuild:StartBuildBatch"],
            "Resource": project_arn
        }),
    ];
    if deploys_to_ecs {
        statements.push(json!({
            "Sid": "DeployToEcs",
            "Effect": "Allow",
            "Action": ["ecs:DescribeServices", "ecs:DescribeTaskDefinition", "ecs:DescribeTasks", "ecs:ListTasks", "ecs:RegisterTaskDefinition", "ecs:TagResource", "ecs:UpdateService"],
            "Resource": "*"
        }));
        statements.push(json!({
            "Sid": "PassTaskRoles",
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": "*",
            "Condition": {"StringEqualsIfExists": {"iam:PassedToService": ["ecs-tasks.amazonaws.com"]}}
        }));
    }
    if let Some(topic) = approval_topic {
        // The manual approval tells its topic; it needs nothing else from the role.
        statements.push(json!({
            "Sid": "ApprovalNotifications",
            "Effect": "Allow",
            "Action": "sns:Publish",
            "Resource": topic
        }));
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// A finding about a user-edited ECR push policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyProblem {
    pub is_error: bool,
    pub message: String,
}

fn as_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

fn action_matches(pattern: &str, action: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    let action = action.to_ascii_lowercase();
    if let Some(prefix) = pattern.strip_suffix('*') {
        action.starts_with(prefix)
    } else {
        pattern == action
    }
}

/// Checks an edited ECR push policy offline. Errors: not JSON / not a policy, login not allowed on
/// `*`, push actions not allowed on the repository. Warnings: broader than needed.
pub fn check_push_policy(document: &str, repository: &str) -> Vec<PolicyProblem> {
    let error = |m: &str| PolicyProblem {
        is_error: true,
        message: m.to_owned(),
    };
    let doc: Value = match serde_json::from_str(document) {
        Ok(v) => v,
        Err(e) => return vec![error(&format!("is not valid JSON: {e}"))],
    };
    if doc.get("Version").and_then(Value::as_str) != Some("2012-10-17") {
        return vec![error("must have \"Version\": \"2012-10-17\"")];
    }
    let statements: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(obj @ Value::Object(_)) => vec![obj],
        _ => return vec![error("must have a \"Statement\" list")],
    };
    let allows = |action: &str, resource_ok: &dyn Fn(&str) -> bool| {
        statements.iter().any(|s| {
            s.get("Effect").and_then(Value::as_str) == Some("Allow")
                && as_list(s.get("Action"))
                    .iter()
                    .any(|a| action_matches(a, action))
                && as_list(s.get("Resource")).iter().any(|r| resource_ok(r))
        })
    };
    let mut problems = Vec::new();
    if !allows("ecr:GetAuthorizationToken", &|r| r == "*") {
        problems.push(error(
            "must allow ecr:GetAuthorizationToken on \"Resource\": \"*\" in its own statement: it has no resource-level permissions, and on a repository ARN `docker login` fails with a credentials error",
        ));
    }
    let repo_suffix = format!(":repository/{repository}");
    let on_repo = |r: &str| r == "*" || r.ends_with(&repo_suffix) || r.ends_with(":repository/*");
    let missing: Vec<&str> = PUSH_ACTIONS
        .iter()
        .copied()
        .filter(|a| !allows(a, &on_repo))
        .collect();
    if !missing.is_empty() {
        problems.push(error(&format!(
            "must allow {} on the repository {repository}",
            missing.join(", ")
        )));
    }
    let broad = statements.iter().any(|s| {
        s.get("Effect").and_then(Value::as_str) == Some("Allow")
            && as_list(s.get("Action"))
                .iter()
                .any(|a| a == "*" || a == "ecr:*")
    });
    if broad {
        problems.push(PolicyProblem {
            is_error: false,
            message: "allows more than pushing (\"ecr:*\" or \"*\"): least privilege needs only the push actions".into(),
        });
    }
    // Every other action it allows: another service's is an error (an ECR push policy that grants
    // iam:* or s3:* is a privilege escalation waiting to happen), another ECR action a warning.
    let mut other_services = Vec::new();
    let mut other_ecr = Vec::new();
    for st in statements
        .iter()
        .filter(|s| s.get("Effect").and_then(Value::as_str) == Some("Allow"))
    {
        if st.get("NotAction").is_some() || st.get("NotResource").is_some() {
            problems.push(error(
                "must not use NotAction or NotResource in an Allow statement: it grants everything not listed",
            ));
        }
        for action in as_list(st.get("Action")) {
            let lower = action.to_ascii_lowercase();
            let known = lower == "ecr:getauthorizationtoken"
                || PUSH_ACTIONS.iter().any(|a| a.eq_ignore_ascii_case(&action));
            if known || action == "*" || lower == "ecr:*" {
                continue;
            }
            if lower.starts_with("ecr:") {
                other_ecr.push(action);
            } else {
                other_services.push(action);
            }
        }
    }
    if !other_services.is_empty() {
        problems.push(error(&format!(
            "allows {}, which is not part of pushing to ECR: remove it (give other permissions their own policy)",
            other_services.join(", ")
        )));
    }
    if !other_ecr.is_empty() {
        problems.push(PolicyProblem {
            is_error: false,
            message: format!(
                "also allows {}, which pushing does not need",
                other_ecr.join(", ")
            ),
        });
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:ecr:us-east-1:123456789012:repository/backend-flask";

    #[test]
    fn generated_policy_puts_login_on_star_and_push_on_the_repository() {
        let p = ecr_push_policy(ARN);
        let s = p["Statement"].as_array().unwrap();
        assert_eq!(s[0]["Action"], "ecr:GetAuthorizationToken");
        assert_eq!(s[0]["Resource"], "*");
        assert_eq!(s[1]["Resource"], ARN);
        assert!(!s[1]["Action"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "ecr:GetAuthorizationToken"));
        assert_eq!(check_push_policy(&p.to_string(), "backend-flask"), vec![]);
    }

    #[test]
    fn the_usual_hand_written_policy_is_caught() {
        // Everything on the repository ARN: `docker login` then fails with a credentials error.
        let mut actions: Vec<&str> = PUSH_ACTIONS.to_vec();
        actions.push("ecr:GetAuthorizationToken");
        let doc = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": ARN}]});
        let problems = check_push_policy(&doc.to_string(), "backend-flask");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].is_error);
        assert!(problems[0].message.contains("GetAuthorizationToken"));
    }

    #[test]
    fn missing_push_actions_and_bad_json() {
        let doc = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}]});
        let problems = check_push_policy(&doc.to_string(), "backend-flask");
        assert!(problems[0].message.contains("ecr:PutImage"), "{problems:?}");
        assert!(check_push_policy("{", "x")[0]
            .message
            .contains("not valid JSON"));
    }

    #[test]
    fn the_generated_policy_is_exactly_what_aws_documents_for_pushing() {
        let p = ecr_push_policy(ARN);
        let mut actions: Vec<&str> = p["Statement"][1]["Action"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        actions.sort_unstable();
        assert_eq!(
            actions,
            [
                "ecr:BatchCheckLayerAvailability",
                "ecr:BatchGetImage",
                "ecr:CompleteLayerUpload",
                "ecr:InitiateLayerUpload",
                "ecr:PutImage",
                "ecr:UploadLayerPart"
            ]
        );
        // A policy without pull-only GetDownloadUrlForLayer is complete.
        assert!(!actions.contains(&"ecr:GetDownloadUrlForLayer"));
    }

    #[test]
    fn other_services_are_errors_and_other_ecr_actions_warnings() {
        let mut p = ecr_push_policy(ARN);
        p["Statement"][1]["Action"].as_array_mut().unwrap().extend([
            json!("iam:*"),
            json!("s3:GetObject"),
            json!("ecr:GetDownloadUrlForLayer"),
        ]);
        let problems = check_push_policy(&p.to_string(), "backend-flask");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].is_error && problems[0].message.contains("iam:*, s3:GetObject"));
        assert!(!problems[1].is_error && problems[1].message.contains("GetDownloadUrlForLayer"));
        let not_action = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
            {"Effect": "Allow", "Action": PUSH_ACTIONS, "Resource": ARN},
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]});
        assert!(check_push_policy(&not_action.to_string(), "backend-flask")
            .iter()
            .any(|p| p.is_error && p.message.contains("NotAction")));
    }

    #[test]
    fn broad_policy_is_a_warning_only() {
        let doc = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]});
        let problems = check_push_policy(&doc.to_string(), "backend-flask");
        assert_eq!(problems.len(), 1);
        assert!(!problems[0].is_error);
    }
}
