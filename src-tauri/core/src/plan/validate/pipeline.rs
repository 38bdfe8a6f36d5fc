//! The pipeline's settings (`pipeline`): its name, role, type and mode, artifact bucket, and the
//! manual approval before Deploy.

use std::sync::OnceLock;

use regex::Regex;

use super::names::{check_bucket_name, is_sns_topic_arn, PIPELINE_NAME, SNS_TOPIC_RULE};
use super::Checker;
use crate::plan::{DeploySettings, ExecutionMode, PipelineType, Plan};

pub(super) fn check(c: &mut Checker, plan: &Plan) {
    let p = &plan.pipeline;
    c.name(&PIPELINE_NAME, &p.name, "pipeline.name", true);
    c.role(&p.role, "pipeline.role");
    if p.pipeline_type == PipelineType::V1 && p.execution_mode != ExecutionMode::Superseded {
        c.fail(
            "pipeline.executionMode",
            "QUEUED and PARALLEL need a V2 pipeline: choose V2 or SUPERSEDED (CodePipeline rule)",
        );
    }
    if let Some(bucket) = &p.artifact_bucket {
        if let Err(rule) = check_bucket_name(bucket) {
            c.fail("pipeline.artifactBucket", rule);
        }
    }
    if let Some(suffix) = &p.artifact_bucket_suffix {
        c.check(
            re!(r"^[a-z0-9]{4,12}$").is_match(suffix),
            "pipeline.artifactBucketSuffix",
            "must be 4–12 lowercase letters or digits (the default bucket's name ends with it)",
        );
    }

    if let Some(a) = &p.approval {
        if !matches!(plan.deploy, DeploySettings::Ecs { .. }) {
            c.fail(
                "pipeline.approval",
                "needs a Deploy stage to come before (choose an ECS deploy, or no approval)",
            );
        }
        if let Some(arn) = &a.sns_topic_arn {
            c.check(
                is_sns_topic_arn(arn),
                "pipeline.approval.snsTopicArn",
                SNS_TOPIC_RULE,
            );
        }
        if let Some(url) = &a.review_url {
            c.check(
                url.starts_with("https://")
                    && url.len() > 8
                    && url.len() <= 1000
                    && !url.contains(char::is_whitespace),
                "pipeline.approval.reviewUrl",
                "must be an https:// URL of at most 1000 characters, without spaces",
            );
        }
        if let Some(text) = &a.comments {
            c.check(
                text.chars().count() <= 500,
                "pipeline.approval.comments",
                &format!(
                    "must be at most 500 characters (CodePipeline rule); it has {}",
                    text.chars().count()
                ),
            );
        }
    }
}
