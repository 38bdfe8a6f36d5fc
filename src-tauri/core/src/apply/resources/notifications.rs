//! The CodeStar Notifications rule on the pipeline (its events, to an SNS topic, so the team is
//! told even when no Pipewright is open): create, update (journaling DescribeNotificationRule's
//! JSON of the rule as it was), or reuse; delete it or put it back on undo.
//!
//! The topic is never changed. Its access policy must already let CodeStar Notifications publish
//! (the console adds that statement when it makes a rule; the API does not): the review reads the
//! policy and, when the statement is missing, blocks Create and shows the statement to add.

use std::collections::BTreeMap;

use aws_sdk_codestarnotifications::operation::create_notification_rule::builders::CreateNotificationRuleFluentBuilder;
use aws_sdk_codestarnotifications::operation::describe_notification_rule::DescribeNotificationRuleOutput;
use aws_sdk_codestarnotifications::operation::update_notification_rule::builders::UpdateNotificationRuleFluentBuilder;
use aws_sdk_codestarnotifications::types as cn;
use serde::Serialize;
use serde_json::{json, Value};

use super::super::ctx::{console, AwsCtx};
use super::super::engine::{Done, Run};
use super::super::raw::CaptureBody;
use super::super::requests::Names;
use super::super::types::*;
use super::GONE;
use crate::aws::{map_sdk_error, or_not_found};
use crate::plan::Plan;
use crate::{Error, Result};

/// The service that publishes a rule's notifications to its topic.
pub const PRINCIPAL: &str = "codestar-notifications.amazonaws.com";

/// CreateNotificationRule input (UpdateNotificationRule takes the same but the resource and tags).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NotificationRule {
    pub name: String,
    pub event_type_ids: Vec<String>,
    pub resource: String,
    pub targets: Vec<RuleTarget>,
    pub detail_type: String,
    pub status: String,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RuleTarget {
    pub target_type: String,
    pub target_address: String,
}

/// The rule the plan asks for, if any.
pub fn request(plan: &Plan, n: &Names) -> Option<NotificationRule> {
    let s = plan.pipeline.notifications.as_ref()?;
    Some(NotificationRule {
        name: n.notification_rule.clone(),
        event_type_ids: s
            .events
            .iter()
            .map(|e| e.event_type_id().to_owned())
            .collect(),
        resource: n.pipeline_arn.clone(),
        targets: vec![RuleTarget {
            target_type: "SNS".into(),
            target_address: s.sns_topic_arn.clone(),
        }],
        detail_type: s.detail.as_str().into(),
        status: "ENABLED".into(),
        tags: BTreeMap::from([("created-by".to_owned(), "pipewright".to_owned())]),
    })
}

fn targets(list: Vec<RuleTarget>) -> Vec<cn::Target> {
    list.into_iter()
        .map(
            |RuleTarget {
                 target_type,
                 target_address,
             }| {
                cn::Target::builder()
                    .target_type(target_type)
                    .target_address(target_address)
                    .build()
            },
        )
        .collect()
}

/// The SDK call of CreateNotificationRule, every field set.
fn create(
    client: &aws_sdk_codestarnotifications::Client,
    r: NotificationRule,
    token: String,
) -> CreateNotificationRuleFluentBuilder {
    let NotificationRule {
        name,
        event_type_ids,
        resource,
        targets: t,
        detail_type,
        status,
        tags,
    } = r;
    client
        .create_notification_rule()
        .name(name)
        .set_event_type_ids(Some(event_type_ids))
        .resource(resource)
        .set_targets(Some(targets(t)))
        .detail_type(cn::DetailType::from(detail_type.as_str()))
        .status(cn::NotificationRuleStatus::from(status.as_str()))
        .set_tags(Some(tags.into_iter().collect()))
        .client_request_token(token)
}

/// The SDK call of UpdateNotificationRule (a rule's resource and tags are not updated).
fn update(
    client: &aws_sdk_codestarnotifications::Client,
    arn: &str,
    r: NotificationRule,
) -> UpdateNotificationRuleFluentBuilder {
    let NotificationRule {
        name,
        event_type_ids,
        resource: _,
        targets: t,
        detail_type,
        status,
        tags: _,
    } = r;
    client
        .update_notification_rule()
        .arn(arn)
        .name(name)
        .set_event_type_ids(Some(event_type_ids))
        .set_targets(Some(targets(t)))
        .detail_type(cn::DetailType::from(detail_type.as_str()))
        .status(cn::NotificationRuleStatus::from(status.as_str()))
}

/// A rule of this name on this resource, as DescribeNotificationRule returned it (typed, and AWS's
/// JSON for the journal).
pub struct Found {
    pub arn: String,
    pub rule: DescribeNotificationRuleOutput,
    pub json: Value,
}

/// Finds the rule named `name` among the rules on `resource` (ListNotificationRules pages).
pub async fn find(ctx: &AwsCtx, resource: &str, name: &str) -> Result<Option<Found>> {
    let client = ctx.notifications();
    let filter = cn::ListNotificationRulesFilter::builder()
        .name(cn::ListNotificationRulesFilterName::Resource)
        .value(resource)
        .build()
        .map_err(Error::internal)?;
    let mut pages = client
        .list_notification_rules()
        .filters(filter)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| map_sdk_error("ListNotificationRules", e))?;
        for summary in page.notification_rules() {
            let Some(arn) = summary.arn() else { continue };
            let raw = CaptureBody::default();
            let got = client
                .describe_notification_rule()
                .arn(arn)
                .customize()
                .interceptor(raw.clone())
                .send()
                .await;
            let Some(rule) = or_not_found("DescribeNotificationRule", got, |e| {
                e.is_resource_not_found_exception()
            })?
            else {
                continue;
            };
            if rule.name() == Some(name) {
                let json = raw
                    .json()
                    .ok_or_else(|| Error::internal("DescribeNotificationRule returned no JSON"))?;
                return Ok(Some(Found {
                    arn: arn.to_owned(),
                    rule,
                    json,
                }));
            }
        }
    }
    Ok(None)
}

/// Whether the rule already is what the plan asks (events and targets in any order).
pub fn matches(rule: &DescribeNotificationRuleOutput, req: &NotificationRule) -> bool {
    let mut have: Vec<&str> = rule
        .event_types()
        .iter()
        .filter_map(|e| e.event_type_id())
        .collect();
    let mut want: Vec<&str> = req.event_type_ids.iter().map(String::as_str).collect();
    have.sort_unstable();
    want.sort_unstable();
    let mut have_targets: Vec<(&str, &str)> = rule
        .targets()
        .iter()
        .map(|t| {
            (
                t.target_type().unwrap_or_default(),
                t.target_address().unwrap_or_default(),
            )
        })
        .collect();
    let mut want_targets: Vec<(&str, &str)> = req
        .targets
        .iter()
        .map(|t| (t.target_type.as_str(), t.target_address.as_str()))
        .collect();
    have_targets.sort_unstable();
    want_targets.sort_unstable();
    have == want
        && have_targets == want_targets
        && rule.detail_type().map(|d| d.as_str()) == Some(req.detail_type.as_str())
        && rule.status().map(|s| s.as_str()) == Some(req.status.as_str())
}

impl Run<'_> {
    pub(in crate::apply) async fn notifications(&self) -> Result<Done> {
        let name = self.names.notification_rule.clone();
        let url = console::notification_rules(&self.ctx.region);
        let Some(req) = request(self.plan, &self.names) else {
            return Ok(Done {
                outcome: StepStatus::Skipped,
                name,
                arn: None,
                console_url: None,
                message: "no notification rule in the plan".into(),
            });
        };
        let topic = req.targets[0].target_address.clone();
        let done = |outcome, arn: String| Done {
            outcome,
            name: name.clone(),
            arn: Some(arn),
            console_url: Some(url.clone()),
            message: format!("tells {topic}"),
        };
        let client = self.ctx.notifications();
        if let Some(found) = find(self.ctx, &self.names.pipeline_arn, &name).await? {
            if matches(&found.rule, &req) {
                return Ok(done(StepStatus::Reused, found.arn));
            }
            self.journal.intend_change(
                StepId::Notifications,
                &name,
                Change::NotificationRule {
                    arn: found.arn.clone(),
                    previous: found.json.to_string(),
                },
            )?;
            update(&client, &found.arn, req)
                .send()
                .await
                .map_err(|e| map_sdk_error("UpdateNotificationRule", e))?;
            self.journal.change_done(StepId::Notifications)?;
            return Ok(done(StepStatus::Updated, found.arn));
        }
        self.journal
            .intend(StepId::Notifications, &name, None, Some(url.clone()))?;
        // The receipt's id makes a repeated create (a retry after a lost answer) the same rule.
        let token = format!("pipewright-{}", self.journal.snapshot().id);
        let out = create(&client, req, token).send().await.map_err(|e| {
            let e = map_sdk_error("CreateNotificationRule", e);
            match &e {
                Error::Aws { code, .. } if code == "ResourceAlreadyExistsException" => {
                    Error::Conflict(format!(
                        "a notification rule named {name} already exists on another resource in this account and region: give the rule another name (pipeline.notifications.ruleName)"
                    ))
                }
                _ => e,
            }
        })?;
        let arn = out.arn().unwrap_or_default().to_owned();
        self.journal.outcome(
            StepId::Notifications,
            &name,
            Some(&arn),
            StepStatus::Created,
            Some(url.clone()),
        )?;
        Ok(done(StepStatus::Created, arn))
    }
}

/// Deletes a rule this receipt created (found by name on the receipt's pipeline when the run was
/// cut off before AWS gave the rule's ARN).
pub(in crate::apply) async fn delete(
    ctx: &AwsCtx,
    receipt: &Receipt,
    name: &str,
    arn: Option<&str>,
) -> Result<String> {
    let arn = match arn {
        Some(arn) => arn.to_owned(),
        None => {
            let pipeline = format!(
                "arn:{}:codepipeline:{}:{}:{}",
                super::super::requests::partition_of(&receipt.region),
                receipt.region,
                receipt.account,
                receipt.pipeline
            );
            match find(ctx, &pipeline, name).await? {
                Some(found) => found.arn,
                None => return Ok(GONE.into()),
            }
        }
    };
    // DeleteNotificationRule answers the ARN whether or not the rule was there.
    ctx.notifications()
        .delete_notification_rule()
        .arn(&arn)
        .send()
        .await
        .map_err(|e| map_sdk_error("DeleteNotificationRule", e))?;
    Ok(format!("deleted the notification rule {name}"))
}

/// Puts a rule back as DescribeNotificationRule returned it before this receipt's update.
pub(in crate::apply) async fn restore(ctx: &AwsCtx, arn: &str, previous: &str) -> Result<()> {
    let r = super::parse(previous)?;
    let text = |k: &str| r.get(k).and_then(Value::as_str).map(str::to_owned);
    let events: Vec<String> = r["EventTypes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["EventTypeId"].as_str().map(str::to_owned))
        .collect();
    let previous_targets: Vec<cn::Target> = r["Targets"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            cn::Target::builder()
                .set_target_type(t["TargetType"].as_str().map(str::to_owned))
                .set_target_address(t["TargetAddress"].as_str().map(str::to_owned))
                .build()
        })
        .collect();
    let out = ctx
        .notifications()
        .update_notification_rule()
        .arn(arn)
        .set_name(text("Name"))
        .set_status(text("Status").map(|s| cn::NotificationRuleStatus::from(s.as_str())))
        .set_detail_type(text("DetailType").map(|s| cn::DetailType::from(s.as_str())))
        .set_event_type_ids(Some(events))
        .set_targets(Some(previous_targets))
        .send()
        .await;
    or_not_found("UpdateNotificationRule", out, |e| {
        e.is_resource_not_found_exception()
    })?;
    Ok(())
}

/// The statement a topic's access policy needs for CodeStar Notifications to publish to it.
pub fn topic_statement(topic_arn: &str) -> Value {
    json!({
        "Sid": "AllowCodeStarNotifications",
        "Effect": "Allow",
        "Principal": {"Service": PRINCIPAL},
        "Action": "SNS:Publish",
        "Resource": topic_arn,
    })
}

fn as_list(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// Whether one statement of a topic policy is about CodeStar Notifications publishing to the topic.
fn covers(st: &Value, topic_arn: &str) -> bool {
    let principal = &st["Principal"];
    // Anyone, but only without a condition: a new topic's default policy lets "*" publish on
    // condition that the source owner is the account, which a service's publish does not meet.
    let anyone = (principal == "*" || principal["AWS"] == "*") && st.get("Condition").is_none();
    let who = anyone || as_list(&principal["Service"]).contains(&&json!(PRINCIPAL));
    let action = as_list(&st["Action"]).iter().any(|a| {
        a.as_str().is_some_and(|a| {
            let a = a.to_ascii_lowercase();
            a == "sns:publish" || a == "sns:*" || a == "*"
        })
    });
    let resource = st.get("Resource").is_none_or(|r| {
        as_list(r)
            .iter()
            .any(|r| r.as_str().is_some_and(|r| r == "*" || r == topic_arn))
    });
    who && action && resource
}

/// Whether a topic's access policy lets CodeStar Notifications publish: an Allow statement for it
/// (or for anyone, unconditionally) and no Deny. A condition on a statement that names the service
/// is taken as met.
pub fn topic_allows(policy: &Value, topic_arn: &str) -> bool {
    let statements = as_list(&policy["Statement"]);
    let with = |effect: &str| {
        statements
            .iter()
            .any(|st| st["Effect"] == effect && covers(st, topic_arn))
    };
    with("Allow") && !with("Deny")
}

/// What the review says of the rule's topic: missing, in another region, or a policy that does
/// not let CodeStar Notifications publish (an error, with the statement to add); an encrypted
/// topic or a policy that cannot be read (a warning).
pub async fn check_topic(ctx: &AwsCtx, topic_arn: &str) -> Result<Vec<(Severity, String)>> {
    let region = topic_arn.split(':').nth(3).unwrap_or_default();
    if region != ctx.region {
        return Ok(vec![(
            Severity::Error,
            format!("The topic {topic_arn} is in {region}, the pipeline in {}: CodeStar Notifications tells topics of the pipeline's region only", ctx.region),
        )]);
    }
    let got = ctx
        .sns()
        .get_topic_attributes()
        .topic_arn(topic_arn)
        .send()
        .await;
    let attrs = match got {
        Ok(out) => out.attributes().cloned().unwrap_or_default(),
        Err(e) if e.as_service_error().is_some_and(|e| e.is_not_found_exception()) => {
            return Ok(vec![(
                Severity::Error,
                format!("The SNS topic {topic_arn} does not exist: create it, or choose another"),
            )])
        }
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_authorization_error_exception()) =>
        {
            return Ok(vec![(
                Severity::Warning,
                format!("Could not read the access policy of {topic_arn} (sns:GetTopicAttributes was denied): it must let {PRINCIPAL} publish, or the rule will tell nobody"),
            )])
        }
        Err(e) => return Err(map_sdk_error("GetTopicAttributes", e)),
    };
    let mut out = Vec::new();
    let policy: Value = attrs
        .get("Policy")
        .and_then(|p| serde_json::from_str(p).ok())
        .unwrap_or(Value::Null);
    if !topic_allows(&policy, topic_arn) {
        out.push((
            Severity::Error,
            format!(
                "The access policy of {topic_arn} does not let {PRINCIPAL} publish to it. Pipewright does not change topics: add this statement to the topic's access policy, then review again: {}",
                topic_statement(topic_arn)
            ),
        ));
    }
    if attrs.get("KmsMasterKeyId").is_some_and(|k| !k.is_empty()) {
        out.push((
            Severity::Warning,
            format!("The topic {topic_arn} is encrypted: its KMS key's policy must let {PRINCIPAL} use it (kms:GenerateDataKey*, kms:Decrypt), or notifications will not arrive"),
        ));
    }
    Ok(out)
}

/// The review's step for the rule: skip, create, update or reuse, with its request, and what the
/// topic check found.
pub async fn review(
    ctx: &AwsCtx,
    plan: &Plan,
    n: &Names,
) -> Result<(StepAction, Value, Vec<(Severity, String)>)> {
    let Some(req) = request(plan, n) else {
        return Ok((StepAction::Skip, json!({}), Vec::new()));
    };
    let topic = req.targets[0].target_address.clone();
    let (found, findings) = tokio::join!(
        find(ctx, &n.pipeline_arn, &n.notification_rule),
        check_topic(ctx, &topic)
    );
    let (found, findings) = (found?, findings?);
    Ok(match found {
        Some(f) if matches(&f.rule, &req) => (
            StepAction::Reuse,
            json!({"DescribeNotificationRule": {"Arn": f.arn}}),
            findings,
        ),
        Some(f) => {
            let mut body = serde_json::to_value(&req).map_err(Error::internal)?;
            if let Some(o) = body.as_object_mut() {
                o.remove("Resource");
                o.remove("Tags");
                o.insert("Arn".into(), json!(f.arn));
            }
            (
                StepAction::Update,
                json!({"UpdateNotificationRule": body}),
                findings,
            )
        }
        None => (
            StepAction::Create,
            json!({"CreateNotificationRule": req}),
            findings,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{NotificationEvent, NotificationSettings};

    const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:team";

    #[test]
    fn the_request_names_the_pipeline_and_the_events() {
        let mut plan = Plan::reference();
        let names = Names::new(&plan, "123456789012", "us-east-1");
        assert_eq!(request(&plan, &names), None);
        plan.pipeline.notifications = Some(NotificationSettings {
            sns_topic_arn: TOPIC.into(),
            events: vec![
                NotificationEvent::ExecutionFailed,
                NotificationEvent::ExecutionSucceeded,
            ],
            detail: Default::default(),
            rule_name: None,
        });
        let names = Names::new(&plan, "123456789012", "us-east-1");
        let req = request(&plan, &names).unwrap();
        assert_eq!(req.name, format!("{}-pipewright", plan.pipeline.name));
        assert_eq!(req.resource, names.pipeline_arn);
        assert_eq!(
            req.event_type_ids,
            [
                "codepipeline-pipeline-pipeline-execution-failed",
                "codepipeline-pipeline-pipeline-execution-succeeded"
            ]
        );
        let body = serde_json::to_value(&req).unwrap();
        assert_eq!(
            body["Targets"],
            json!([{"TargetType": "SNS", "TargetAddress": TOPIC}])
        );
        assert_eq!(body["DetailType"], "FULL");
        assert_eq!(body["Tags"], json!({"created-by": "pipewright"}));
    }

    #[test]
    fn a_default_rule_name_fits_codestar_notifications_rule() {
        use crate::plan::validate::is_notification_rule_name;
        let mut plan = Plan::reference();
        for name in ["app", "my.app@prod", &"x".repeat(100), &"a.".repeat(50)] {
            plan.pipeline.name = name.into();
            let rule = plan.notification_rule_name();
            assert!(is_notification_rule_name(&rule), "{rule}");
        }
        // '.' and '-' do not make the same name.
        plan.pipeline.name = "a.b".into();
        let dotted = plan.notification_rule_name();
        plan.pipeline.name = "a-b".into();
        assert_eq!(plan.notification_rule_name(), "a-b-pipewright");
        assert_ne!(dotted, "a-b-pipewright");
    }

    #[test]
    fn a_topic_policy_must_let_the_service_publish() {
        let policy = |statements: Value| json!({"Version": "2012-10-17", "Statement": statements});
        let allow = topic_statement(TOPIC);
        assert!(topic_allows(&policy(json!([allow.clone()])), TOPIC));
        // A single statement object, a lower-case action, a list of services, a wildcard resource.
        assert!(topic_allows(
            &policy(
                json!({"Effect": "Allow", "Principal": {"Service": ["events.amazonaws.com", PRINCIPAL]}, "Action": ["sns:publish"], "Resource": "*"})
            ),
            TOPIC
        ));
        // The default policy of a new topic: anyone, on condition that the account owns the source.
        let owner_only = json!([{"Effect": "Allow", "Principal": {"AWS": "*"},
            "Action": ["SNS:GetTopicAttributes", "SNS:Publish", "SNS:Subscribe"], "Resource": TOPIC,
            "Condition": {"StringEquals": {"AWS:SourceOwner": "123456789012"}}}]);
        assert!(!topic_allows(&policy(owner_only), TOPIC));
        // Anyone without a condition (an open topic) includes the service.
        assert!(topic_allows(
            &policy(
                json!([{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": TOPIC}])
            ),
            TOPIC
        ));
        // Another topic, another service, a Deny.
        let mut other = allow.clone();
        other["Resource"] = json!("arn:aws:sns:us-east-1:123456789012:other");
        assert!(!topic_allows(&policy(json!([other])), TOPIC));
        let mut events = allow.clone();
        events["Principal"] = json!({"Service": "events.amazonaws.com"});
        assert!(!topic_allows(&policy(json!([events])), TOPIC));
        let mut deny = allow.clone();
        deny["Effect"] = json!("Deny");
        assert!(!topic_allows(&policy(json!([allow, deny])), TOPIC));
        assert!(!topic_allows(&Value::Null, TOPIC));
    }
}
