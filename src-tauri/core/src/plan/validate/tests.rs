//! Tests of plan validation: every bad field named, and the rules at their limits.

use super::*;
use crate::plan::{
    ConnectionChoice, DeploySettings, EnvVar, EnvVarType, ExecutionMode, NotificationEvent,
    PipelineType, WebhookSettings,
};

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

fn message_of(plan: &Plan, path: &str) -> String {
    validate(plan)
        .into_iter()
        .find(|i| i.path == path)
        .map(|i| i.message)
        .unwrap_or_else(|| panic!("no issue at {path}"))
}

#[test]
fn a_bad_name_is_told_what_is_wrong_with_it() {
    let mut plan = Plan::reference();
    plan.pipeline.name = "bad name!".into();
    assert_eq!(
        message_of(&plan, "pipeline.name"),
        "spaces and '!' are not allowed: only letters, digits, '.', '@', '_' or '-' (CodePipeline rule)"
    );
    plan.pipeline.name = "x".repeat(101);
    assert_eq!(
        message_of(&plan, "pipeline.name"),
        "has 101 characters, 1 over the 100 allowed (CodePipeline rule)"
    );
    plan.pipeline.name = String::new();
    assert_eq!(
        message_of(&plan, "pipeline.name"),
        "is required: must be 1–100 characters: letters, digits, '.', '@', '_' or '-' (CodePipeline rule)"
    );
    // A character repeated is named once; a control character is shown escaped.
    plan.build.project = "a\tb c d".into();
    assert_eq!(
        message_of(&plan, "build.project"),
        "'\\t' and spaces are not allowed: only letters, digits, '_' or '-', starting with a letter or digit (CodeBuild rule)"
    );
    // What is not a character or a count gets the whole rule.
    plan.build.project = "-starts-with-a-dash".into();
    assert_eq!(message_of(&plan, "build.project"), PROJECT_NAME.rule());
    plan.ecr.policy_name = "ECR/Push".into();
    assert_eq!(
        message_of(&plan, "ecr.policyName"),
        "'/' is not allowed: only letters, digits and + = , . @ _ - (IAM policy name rules)"
    );
}

#[test]
fn the_name_rules_agree_with_the_patterns() {
    let agree = |rule: &NameRule, is: fn(&str) -> bool, samples: &[String]| {
        for s in samples {
            let more = !std::ptr::eq(rule, &PROJECT_NAME)
                || s.starts_with(|c: char| c.is_ascii_alphanumeric());
            assert_eq!(rule.problem(s, more).is_none(), is(s), "{s:?}");
        }
    };
    let many = |c: &str, n: usize| c.repeat(n);
    let pipeline = ["a", "a.b@c_d-e", "", "has space", "ü"].map(String::from);
    agree(
        &PIPELINE_NAME,
        is_pipeline_name,
        &[&pipeline[..], &[many("a", 100), many("a", 101)]].concat(),
    );
    let project = ["ab", "-ab", "a", "a_b-c", "a b"].map(String::from);
    agree(
        &PROJECT_NAME,
        is_project_name,
        &[&project[..], &[format!("a{}", many("b", 255))]].concat(),
    );
    let role = ["role", "a+b=c,d.e@f_g-h", "a/b", ""].map(String::from);
    agree(
        &ROLE_NAME,
        is_role_name,
        &[&role[..], &[many("r", 64), many("r", 65)]].concat(),
    );
}

#[test]
fn spaces_alone_are_named_in_words() {
    assert_eq!(
        PIPELINE_NAME.problem("my pipeline", true).unwrap(),
        "spaces are not allowed: only letters, digits, '.', '@', '_' or '-' (CodePipeline rule)"
    );
}
