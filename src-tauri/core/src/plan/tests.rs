//! Tests of the plan: the TOML round trip and its errors, the default names, the bucket suffix.

use super::*;

#[test]
fn reference_plan_round_trips_through_toml() {
    let plan = Plan::reference();
    let text = plan.to_toml().unwrap();
    assert_eq!(Plan::from_toml(&text).unwrap(), plan);
    assert!(
        text.contains("name = \"cruddur-backend-fargate\""),
        "{text}"
    );
}

#[test]
fn unknown_fields_are_rejected_with_a_message() {
    let mut text = Plan::reference().to_toml().unwrap();
    text = text.replace("[pipeline]\n", "[pipeline]\ncolour = \"blue\"\n");
    let e = Plan::from_toml(&text).unwrap_err();
    assert!(e.message().contains("colour"), "{}", e.message());
}

#[test]
fn type_errors_and_unknown_values_name_their_field() {
    let text = Plan::reference().to_toml().unwrap();
    let cases = [
        (
            text.replace("BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_HUGE"),
            "build.computeType",
        ),
        (
            text.replace("timeoutMinutes = 20", "timeoutMinutes = \"twenty\""),
            "build.timeoutMinutes",
        ),
        (
            text.replace("privileged = true", "privileged = \"yes\""),
            "build.privileged",
        ),
        (
            text.replace("pipelineType = \"V2\"", "pipelineType = \"V3\""),
            "pipeline.pipelineType",
        ),
        (
            text.replace("[pipeline]\n", "[pipeline]\ncolour = \"blue\"\n"),
            "pipeline.colour",
        ),
    ];
    for (text, path) in cases {
        let e = Plan::from_toml(&text).unwrap_err();
        assert_eq!(e.field(), Some(path), "{}", e.message());
        assert!(!e.message().contains("byte"), "{}", e.message());
    }
    let e = Plan::from_toml("[pipeline\n").unwrap_err();
    assert_eq!(e.field(), Some("plan"));
}

#[test]
fn long_default_role_names_get_a_stable_hash_not_a_cut() {
    let mut a = Plan::reference();
    a.pipeline.name = "cruddur-backend-fargate".into();
    let mut b = a.clone();
    b.pipeline.name = "cruddur-backend-fargate-staging".into();
    let (ra, rb) = (
        a.pipeline_role_name("ap-southeast-2"),
        b.pipeline_role_name("ap-southeast-2"),
    );
    assert_ne!(ra, rb);
    assert!(ra.len() <= 64 && rb.len() <= 64, "{ra} {rb}");
    assert_eq!(rb, b.pipeline_role_name("ap-southeast-2"), "stable");
    assert!(rb.starts_with("AWSCodePipelineServiceRole-ap-southeast-2-cruddur"));
    // Names that fit are the console's, unchanged.
    assert_eq!(
        a.pipeline_role_name("us-east-1"),
        "AWSCodePipelineServiceRole-us-east-1-cruddur-backend-fargate"
    );
    let mut c = Plan::reference();
    c.build.project = "p".repeat(100);
    let role = c.codebuild_role_name();
    assert_eq!(role.len(), 64);
    assert!(crate::plan::validate::is_role_name(&role));
}

#[test]
fn a_new_plan_has_its_own_bucket_suffix() {
    let (a, b) = (Plan::reference(), Plan::reference());
    let sa = a.pipeline.artifact_bucket_suffix.clone().unwrap();
    assert_eq!(sa.len(), 8);
    assert!(sa
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
    assert_ne!(
        a.pipeline.artifact_bucket_suffix,
        b.pipeline.artifact_bucket_suffix
    );
    let mut old = a.clone();
    old.pipeline.artifact_bucket_suffix = None;
    assert!(old.fill_defaults());
    assert!(!old.fill_defaults());
}

#[test]
fn role_names_follow_the_console() {
    let plan = Plan::reference();
    assert_eq!(
        plan.codebuild_role_name(),
        "codebuild-cruddur-backend-flask-bake-image-service-role"
    );
    assert_eq!(
        plan.pipeline_role_name("eu-west-2"),
        "AWSCodePipelineServiceRole-eu-west-2-cruddur-backend-fargate"
    );
}
