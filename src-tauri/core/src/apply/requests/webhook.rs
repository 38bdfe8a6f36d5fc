//! The CodeBuild webhook: CreateWebhook / UpdateWebhook.

use serde::Serialize;

use crate::plan::Plan;

/// CodeBuild CreateWebhook / UpdateWebhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    pub project_name: String,
    pub build_type: &'static str,
    pub filter_groups: Vec<Vec<WebhookFilter>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookFilter {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub pattern: String,
}

/// CodeBuild CreateWebhook / UpdateWebhook input, or None when the plan has no webhook.
pub fn webhook(plan: &Plan) -> Option<Webhook> {
    let hook = plan.build.webhook.as_ref()?;
    Some(Webhook {
        project_name: plan.build.project.clone(),
        build_type: "BUILD",
        filter_groups: vec![vec![
            WebhookFilter {
                kind: "EVENT",
                pattern: hook.event.as_str().to_owned(),
            },
            WebhookFilter {
                kind: "BASE_REF",
                pattern: format!("^refs/heads/{}$", regex::escape(&hook.base_branch)),
            },
        ]],
    })
}
