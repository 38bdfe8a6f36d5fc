//! The pipeline's notification rule (`pipeline.notifications`): its topic, events and name.

use super::names::{is_notification_rule_name, is_sns_topic_arn, SNS_TOPIC_RULE};
use super::Checker;
use crate::plan::Plan;

pub(super) fn check(c: &mut Checker, plan: &Plan, n: &crate::plan::NotificationSettings) {
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
