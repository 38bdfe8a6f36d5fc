//! Tests of the requests: the pipeline's stages, the approval and its topic, the webhook's branch
//! filter, the bucket's location.

use super::*;
use crate::plan::Plan;

#[test]
fn reference_pipeline_has_source_build_deploy() {
    let plan = Plan::reference();
    let n = Names::new(&plan, "123456789012", "eu-west-2");
    assert_eq!(
        n.bucket,
        format!(
            "codepipeline-eu-west-2-123456789012-{}",
            plan.pipeline.artifact_bucket_suffix.as_deref().unwrap()
        )
    );
    assert_eq!(
        n.codebuild_role_arn,
        "arn:aws:iam::123456789012:role/codebuild-cruddur-backend-flask-bake-image-service-role"
    );
    let req = serde_json::to_value(pipeline(&plan, &n, "arn:conn")).unwrap();
    let stages = req["pipeline"]["stages"].as_array().unwrap();
    let names: Vec<&str> = stages.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Source", "Build", "Deploy"]);
    let src = &stages[0]["actions"][0]["configuration"];
    assert_eq!(src["BranchName"], "prod");
    assert_eq!(src["DetectChanges"], "true");
    assert_eq!(src["ConnectionArn"], "arn:conn");
    let build = &stages[1]["actions"][0];
    assert_eq!(build["name"], "bake");
    assert_eq!(build["outputArtifacts"][0]["name"], "ImageDefinition");
    let deploy = &stages[2]["actions"][0]["configuration"];
    assert_eq!(deploy["FileName"], "imagedefinitions.json");
    assert_eq!(req["pipeline"]["pipelineType"], "V2");
    // No approval: the role may publish to no topic.
    let policy = pipeline_policy(&plan, &n, "arn:conn").to_string();
    assert!(!policy.contains("sns:"), "{policy}");
}

#[test]
fn an_approval_stage_comes_before_deploy_and_its_topic_is_all_the_role_may_publish_to() {
    let mut plan = Plan::reference();
    let topic = "arn:aws:sns:eu-west-2:123456789012:prod-approvals";
    plan.pipeline.approval = Some(crate::plan::ApprovalSettings {
        sns_topic_arn: Some(topic.into()),
        review_url: Some("https://staging.example.com".into()),
        comments: None,
    });
    let n = Names::new(&plan, "123456789012", "eu-west-2");
    let req = serde_json::to_value(pipeline(&plan, &n, "arn:conn")).unwrap();
    let stages = req["pipeline"]["stages"].as_array().unwrap();
    let names: Vec<&str> = stages.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Source", "Build", "Approval", "Deploy"]);
    let approve = &stages[2]["actions"][0];
    assert_eq!(approve["name"], "Approve");
    assert_eq!(approve["actionTypeId"]["category"], "Approval");
    assert_eq!(approve["actionTypeId"]["provider"], "Manual");
    assert_eq!(
        approve["configuration"],
        serde_json::json!({"NotificationArn": topic, "ExternalEntityLink": "https://staging.example.com"})
    );
    assert_eq!(approve["inputArtifacts"], serde_json::json!([]));
    let policy = pipeline_policy(&plan, &n, "arn:conn");
    let sns: Vec<&serde_json::Value> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s.to_string().contains("sns:"))
        .collect();
    assert_eq!(sns.len(), 1);
    assert_eq!(sns[0]["Action"], "sns:Publish");
    assert_eq!(sns[0]["Resource"], topic);
}

#[test]
fn webhook_matches_the_branch_exactly() {
    let mut plan = Plan::reference();
    plan.build.webhook.as_mut().unwrap().base_branch = "release.1".into();
    let hook = serde_json::to_value(webhook(&plan).unwrap()).unwrap();
    assert_eq!(hook["filterGroups"][0][0]["pattern"], "PULL_REQUEST_MERGED");
    assert_eq!(
        hook["filterGroups"][0][1]["pattern"],
        "^refs/heads/release\\.1$"
    );
}

#[test]
fn bucket_outside_us_east_1_gets_a_location() {
    let plan = Plan::reference();
    let json =
        |region| serde_json::to_value(create_bucket(&Names::new(&plan, "1", region))).unwrap();
    assert!(json("us-east-1").get("CreateBucketConfiguration").is_none());
    assert_eq!(
        json("eu-west-2")["CreateBucketConfiguration"]["LocationConstraint"],
        "eu-west-2"
    );
}
