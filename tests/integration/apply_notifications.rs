//! The notification rule on the pipeline (CodeStar Notifications to an SNS topic) against the
//! emulator: the review checks the topic's policy and never changes it, apply refuses a topic that
//! would refuse the rule before any change, creates the rule, reuses it, puts back a rule the user
//! had, and tear-down removes what it made. (A module of the `apply` test binary: it shares its
//! helpers.)

use aws_sdk_codestarnotifications::types::{
    ListNotificationRulesFilter, ListNotificationRulesFilterName,
};
use pipewright_core::apply::{self, ReceiptStatus, Severity, StepAction, StepId, StepStatus};
use pipewright_core::plan::{NotificationEvent, NotificationSettings};
use pipewright_tests::{ecs_account, reference_plan, reset_requests, sdk_config};
use serde_json::{json, Value};

use super::{assert_status, ctx, desk, destroy, outcome, run, run_handshaken};

/// A topic; its policy lets CodeStar Notifications publish when `open`, else it is the default
/// (the account only).
async fn topic(account: &str, name: &str, open: bool) -> String {
    let sns = aws_sdk_sns::Client::new(&sdk_config(account).await);
    let arn = sns
        .create_topic()
        .name(name)
        .send()
        .await
        .unwrap()
        .topic_arn()
        .unwrap()
        .to_owned();
    if open {
        let policy = json!({"Version": "2012-10-17", "Statement": [
            apply::topic_statement(&arn),
        ]});
        sns.set_topic_attributes()
            .topic_arn(&arn)
            .attribute_name("Policy")
            .attribute_value(policy.to_string())
            .send()
            .await
            .unwrap();
    }
    arn
}

async fn topic_policy(account: &str, arn: &str) -> String {
    aws_sdk_sns::Client::new(&sdk_config(account).await)
        .get_topic_attributes()
        .topic_arn(arn)
        .send()
        .await
        .unwrap()
        .attributes()
        .unwrap()["Policy"]
        .clone()
}

/// The rules on a pipeline, as DescribeNotificationRule returns them.
async fn rules_on(account: &str, pipeline: &str) -> Vec<Value> {
    let cfg = sdk_config(account).await;
    let client = aws_sdk_codestarnotifications::Client::new(&cfg);
    let arn = format!("arn:aws:codepipeline:us-east-1:{account}:{pipeline}");
    let listed = client
        .list_notification_rules()
        .filters(
            ListNotificationRulesFilter::builder()
                .name(ListNotificationRulesFilterName::Resource)
                .value(arn)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let mut out = Vec::new();
    for r in listed.notification_rules() {
        let got = client
            .describe_notification_rule()
            .arn(r.arn().unwrap())
            .send()
            .await
            .unwrap();
        let mut events: Vec<String> = got
            .event_types()
            .iter()
            .map(|e| e.event_type_id().unwrap().to_owned())
            .collect();
        events.sort();
        out.push(json!({
            "arn": got.arn(),
            "name": got.name(),
            "events": events,
            "targets": got.targets().iter().map(|t| t.target_address().unwrap()).collect::<Vec<_>>(),
            "detail": got.detail_type().map(|d| d.as_str()),
            "status": got.status().map(|s| s.as_str()),
        }));
    }
    out
}

fn notify(topic: &str, events: &[NotificationEvent]) -> NotificationSettings {
    NotificationSettings {
        sns_topic_arn: topic.into(),
        events: events.to_vec(),
        detail: Default::default(),
        rule_name: None,
    }
}

#[tokio::test]
async fn a_rule_tells_the_topic_and_goes_with_the_teardown() {
    let account = ecs_account();
    let ctx = ctx(&account).await;
    let mut plan = reference_plan();
    plan.pipeline.approval = Some(Default::default());
    let closed = topic(&account, "team-closed", false).await;
    plan.pipeline.notifications = Some(notify(
        &closed,
        &[
            NotificationEvent::ExecutionFailed,
            NotificationEvent::ApprovalNeeded,
        ],
    ));

    // A topic that would refuse the rule: the review says so with the statement to add, and
    // leaves the topic as it was; apply refuses it, field named, before changing anything.
    let before = topic_policy(&account, &closed).await;
    reset_requests(&account);
    let review = apply::review(&ctx, &plan).await.unwrap();
    let finding = review
        .findings
        .iter()
        .find(|f| f.path.as_deref() == Some("pipeline.notifications.snsTopicArn"))
        .expect("a finding on the topic");
    assert_eq!(finding.severity, Severity::Error);
    assert!(
        finding.message.contains("AllowCodeStarNotifications")
            && finding
                .message
                .contains("codestar-notifications.amazonaws.com"),
        "{}",
        finding.message
    );
    assert_eq!(topic_policy(&account, &closed).await, before);
    let d = desk();
    let sink = |_| {};
    let refused = apply::apply(&d.dirs, &ctx, &plan, &super::fast(), false, &sink)
        .await
        .unwrap_err();
    assert_eq!(
        pipewright_core::AppError::from(&refused).field.as_deref(),
        Some("pipeline.notifications.snsTopicArn")
    );
    assert!(pipewright_tests::writes_made(&account).is_empty());

    // A topic that lets CodeStar Notifications publish: reviewed as a create, then made.
    let open = topic(&account, "team", true).await;
    plan.pipeline.notifications = Some(notify(
        &open,
        &[
            NotificationEvent::ExecutionFailed,
            NotificationEvent::ApprovalNeeded,
        ],
    ));
    let review = apply::review(&ctx, &plan).await.unwrap();
    assert!(
        !review
            .findings
            .iter()
            .any(|f| f.severity == Severity::Error),
        "{:?}",
        review.findings
    );
    let step = review
        .steps
        .iter()
        .find(|s| s.id == StepId::Notifications)
        .unwrap();
    assert_eq!(step.action, StepAction::Create);
    let request: Value = serde_json::from_str(&step.request).unwrap();
    assert_eq!(
        request["CreateNotificationRule"]["Resource"],
        format!("arn:aws:codepipeline:us-east-1:{account}:cruddur-backend-fargate")
    );
    let (receipt, _) = run_handshaken(&d, &ctx, &plan).await;
    assert_status(&receipt, ReceiptStatus::Succeeded);
    assert_eq!(
        outcome(&receipt, StepId::Notifications),
        Some(StepStatus::Created)
    );
    let rules = rules_on(&account, "cruddur-backend-fargate").await;
    assert_eq!(rules.len(), 1, "{rules:?}");
    assert_eq!(rules[0]["name"], "cruddur-backend-fargate-pipewright");
    assert_eq!(
        rules[0]["events"],
        json!([
            "codepipeline-pipeline-manual-approval-needed",
            "codepipeline-pipeline-pipeline-execution-failed"
        ])
    );
    assert_eq!(rules[0]["targets"], json!([open]));
    assert_eq!(
        receipt
            .resource(StepId::Notifications)
            .unwrap()
            .arn
            .as_deref(),
        rules[0]["arn"].as_str()
    );

    // Again: the same rule, reused.
    let (again, _) = run(&d, &ctx, &plan).await;
    assert_eq!(again.status, ReceiptStatus::Succeeded);
    let review = apply::review(&ctx, &plan).await.unwrap();
    let step = review
        .steps
        .iter()
        .find(|s| s.id == StepId::Notifications)
        .unwrap();
    assert_eq!(step.action, StepAction::Reuse);

    // Tear-down removes the rule with everything else, and leaves the topic.
    let (gone, _) = destroy(&d, &ctx, &again).await;
    assert_status(&gone, ReceiptStatus::TornDown);
    assert_eq!(
        outcome(&gone, StepId::Notifications),
        Some(StepStatus::Deleted)
    );
    assert!(rules_on(&account, "cruddur-backend-fargate")
        .await
        .is_empty());
    super::assert_nothing_of_pipewright_left(&account).await;
    assert!(!topic_policy(&account, &open).await.is_empty());
}

#[tokio::test]
async fn a_rule_the_user_had_is_updated_and_put_back_exactly() {
    let account = ecs_account();
    let ctx = ctx(&account).await;
    let open = topic(&account, "team", true).await;
    // The pipeline exists (a first apply, without a rule) ...
    let plan = reference_plan();
    let first = desk();
    let (made, _) = run_handshaken(&first, &ctx, &plan).await;
    assert_status(&made, ReceiptStatus::Succeeded);
    // ... and the user made a rule of the same name on it in the console.
    let cfg = sdk_config(&account).await;
    let client = aws_sdk_codestarnotifications::Client::new(&cfg);
    let pipeline_arn = format!("arn:aws:codepipeline:us-east-1:{account}:cruddur-backend-fargate");
    client
        .create_notification_rule()
        .name("cruddur-backend-fargate-pipewright")
        .event_type_ids("codepipeline-pipeline-pipeline-execution-succeeded")
        .resource(&pipeline_arn)
        .targets(
            aws_sdk_codestarnotifications::types::Target::builder()
                .target_type("SNS")
                .target_address(&open)
                .build(),
        )
        .detail_type(aws_sdk_codestarnotifications::types::DetailType::Basic)
        .send()
        .await
        .unwrap();
    let theirs = rules_on(&account, "cruddur-backend-fargate").await;

    // Another desk's apply with a rule in the plan updates theirs, journaling it as it was.
    let mut with_rule = plan.clone();
    with_rule.pipeline.notifications = Some(notify(&open, &[NotificationEvent::ExecutionFailed]));
    let second = desk();
    let (updated, _) = run(&second, &ctx, &with_rule).await;
    assert_status(&updated, ReceiptStatus::Succeeded);
    assert_eq!(
        outcome(&updated, StepId::Notifications),
        Some(StepStatus::Updated)
    );
    let now = rules_on(&account, "cruddur-backend-fargate").await;
    assert_eq!(
        now[0]["events"],
        json!(["codepipeline-pipeline-pipeline-execution-failed"])
    );
    assert_eq!(now[0]["detail"], "FULL");

    // Its tear-down puts their rule back exactly and deletes nothing it did not make.
    let (undone, _) = destroy(&second, &ctx, &updated).await;
    assert_status(&undone, ReceiptStatus::TornDown);
    assert_eq!(rules_on(&account, "cruddur-backend-fargate").await, theirs);
}
