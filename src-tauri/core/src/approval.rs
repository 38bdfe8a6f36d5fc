//! Manual approvals: what a waiting approval asks (its comments, the URL to review, the topic told)
//! and who may answer it, and Approve / Reject with a comment (PutApprovalResult with the
//! approval's token, read fresh from GetPipelineState: the token never leaves Rust).

use aws_sdk_codepipeline::types as cp;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::apply::AwsCtx;
use crate::aws::map_sdk_error;
use crate::{Error, Result};

/// What an approval action asks, from its configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApprovalInfo {
    pub comments: Option<String>,
    pub review_url: Option<String>,
    pub sns_topic_arn: Option<String>,
    /// The action's ARN: whoever may `codepipeline:PutApprovalResult` on it may approve.
    pub resource_arn: String,
    /// Who may approve, in words.
    pub approvers: String,
}

pub fn info(
    partition_region_account: (&str, &str, &str),
    pipeline: &str,
    stage: &str,
    action: &str,
    config: impl Fn(&str) -> Option<String>,
) -> ApprovalInfo {
    let (partition, region, account) = partition_region_account;
    let resource_arn =
        format!("arn:{partition}:codepipeline:{region}:{account}:{pipeline}/{stage}/{action}");
    ApprovalInfo {
        comments: config("CustomData"),
        review_url: config("ExternalEntityLink"),
        sns_topic_arn: config("NotificationArn"),
        approvers: format!(
            "Anyone in account {account} allowed codepipeline:PutApprovalResult on {pipeline}/{stage}/{action}"
        ),
        resource_arn,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApprovalOutcome {
    pub stage: String,
    pub action: String,
    pub execution_id: Option<String>,
    pub approved: bool,
}

/// The most a comment (CodePipeline's approval summary) may hold.
pub const MAX_COMMENT: usize = 512;

/// Approves (or rejects) the approval waiting in `pipeline`, with `comment`.
pub async fn decide(
    ctx: &AwsCtx,
    pipeline: &str,
    approve: bool,
    comment: Option<&str>,
) -> Result<ApprovalOutcome> {
    if !crate::plan::validate::is_pipeline_name(pipeline) {
        return Err(Error::validation("pipeline", "is not a pipeline name"));
    }
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if let Some(c) = comment {
        let n = c.chars().count();
        if n > MAX_COMMENT {
            return Err(Error::validation(
                "comment",
                format!("must be at most {MAX_COMMENT} characters (CodePipeline rule); it has {n}"),
            ));
        }
    }
    let (declaration, state) = crate::release::declaration_and_state(ctx, pipeline).await?;
    let approvals: Vec<(String, String)> = declaration
        .pipeline()
        .map(|p| p.stages())
        .unwrap_or_default()
        .iter()
        .flat_map(|s| {
            s.actions()
                .iter()
                .filter(|a| {
                    a.action_type_id().map(|t| t.category()) == Some(&cp::ActionCategory::Approval)
                })
                .map(|a| (s.name().to_owned(), a.name().to_owned()))
        })
        .collect();
    let waiting = state.stage_states().iter().find_map(|s| {
        let stage = s.stage_name()?;
        s.action_states().iter().find_map(|a| {
            let name = a.action_name()?;
            let e = a.latest_execution()?;
            let token = e.token()?;
            (e.status() == Some(&cp::ActionExecutionStatus::InProgress)
                && approvals.iter().any(|(st, ac)| st == stage && ac == name))
            .then(|| {
                (
                    stage.to_owned(),
                    name.to_owned(),
                    token.to_owned(),
                    s.latest_execution()
                        .map(|x| x.pipeline_execution_id().to_owned()),
                )
            })
        })
    });
    let Some((stage, action, token, execution_id)) = waiting else {
        return Err(Error::NotFound(format!(
            "no approval is waiting in {pipeline}"
        )));
    };
    let summary = comment.map(str::to_owned).unwrap_or_else(|| {
        if approve {
            "Approved in Pipewright".into()
        } else {
            "Rejected in Pipewright".into()
        }
    });
    ctx.codepipeline()
        .put_approval_result()
        .pipeline_name(pipeline)
        .stage_name(&stage)
        .action_name(&action)
        .token(token)
        .result(
            cp::ApprovalResult::builder()
                .summary(summary)
                .status(if approve {
                    cp::ApprovalStatus::Approved
                } else {
                    cp::ApprovalStatus::Rejected
                })
                .build()
                .map_err(Error::internal)?,
        )
        .send()
        .await
        .map_err(|e| map_sdk_error("PutApprovalResult", e))?;
    Ok(ApprovalOutcome {
        stage,
        action,
        execution_id,
        approved: approve,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_may_approve_names_the_action_arn() {
        let i = info(
            ("aws", "us-east-1", "123456789012"),
            "cruddur",
            "Approval",
            "Approve",
            |k| (k == "CustomData").then(|| "Check staging".to_owned()),
        );
        assert_eq!(
            i.resource_arn,
            "arn:aws:codepipeline:us-east-1:123456789012:cruddur/Approval/Approve"
        );
        assert!(i.approvers.contains("codepipeline:PutApprovalResult"));
        assert_eq!(i.comments.as_deref(), Some("Check staging"));
        assert_eq!(i.review_url, None);
    }
}
