//! What tests set up in an emulator account and read back from it: the demo seed, per-account
//! settings, request counts, GitHub connections and their handshake, the reference plan, CodeBuild
//! projects and builds, the account's resources; and the benchmarks' small helpers.

use std::path::PathBuf;
use std::time::Duration;

use aws_config::SdkConfig;
use pipewright_core::apply::{ApplyOptions, AwsCtx};
use pipewright_core::plan::Plan;
use pipewright_core::release::ReleaseRequest;
use serde_json::{json, Value};

use crate::{aws_ctx, control, emulator_url, eventually, eventually_every, get, new_account};

/// The demo seed's pipeline (Source → Build → Deploy) and its CodeBuild project.
pub const PIPELINE: &str = "cruddur-backend-fargate";
pub const PROJECT: &str = "cruddur-backend-flask-bake-image";

/// Every phase a CodeBuild build goes through, in order.
pub use pipewright_core::history::stats::BUILD_PHASES;

/// The demo seed: `account` gets a full pipeline to release, with `builds` builds and
/// `executions` executions of history.
pub fn seed(account: &str, builds: u32, executions: u32) -> Value {
    control(
        "/_pipewright/seed",
        json!({"account": account, "region": "us-east-1", "builds": builds, "executions": executions}),
    )
}

/// What a user has before Pipewright, in `region`: an ECR repository and an ECS service.
pub fn seed_ecs(account: &str, region: &str) {
    control(
        "/_pipewright/seed",
        json!({"account": account, "region": region, "only": ["ecr", "ecs"], "builds": 0, "executions": 0}),
    );
}

/// A fresh account with what a user has before Pipewright (in us-east-1).
pub fn ecs_account() -> String {
    let account = new_account();
    seed_ecs(&account, "us-east-1");
    account
}

/// A fresh demo-seeded account and Pipewright's context for it.
pub async fn seeded(builds: u32, executions: u32) -> (String, AwsCtx) {
    let account = new_account();
    seed(&account, builds, executions);
    let ctx = aws_ctx(&account).await;
    (account, ctx)
}

/// A demo-seeded account (5 builds, 3 executions) whose executions advance every `step` seconds.
pub async fn seeded_stepping(step: f64) -> (String, AwsCtx) {
    let account = new_account();
    seed(&account, 5, 3);
    step_seconds(&account, step);
    let ctx = aws_ctx(&account).await;
    (account, ctx)
}

/// Sets the emulator's settings for `account` only (`settings` is a JSON object).
pub fn configure(account: &str, settings: Value) {
    let mut body = settings;
    body["account"] = json!(account);
    control("/_pipewright/config", body);
}

/// How fast executions and builds of `account` advance: one step every `seconds`.
pub fn step_seconds(account: &str, seconds: f64) {
    configure(account, json!({"stepSeconds": seconds}));
}

/// How long the emulator takes to answer each AWS request of `account`.
pub fn latency_ms(account: &str, ms: u64) {
    configure(account, json!({"latencyMs": ms}));
}

/// The requests `account` made since its last reset, as the emulator counts them
/// (`{"total": n, "counts": {"service.Operation": n}}`).
pub fn requests(account: &str) -> Value {
    get(
        emulator_url(),
        &format!("/_pipewright/requests?account={account}"),
    )
}

/// How many requests `account` made since its last reset.
pub fn requests_total(account: &str) -> u64 {
    requests(account)["total"]
        .as_u64()
        .expect("the emulator reports a total")
}

/// Starts counting the requests of `account` afresh.
pub fn reset_requests(account: &str) {
    control("/_pipewright/requests/reset", json!({"account": account}));
}

/// Makes the next build of `project` fail in `phase` (in `account` only, when given).
pub fn fail_next_build(account: Option<&str>, project: &str, phase: &str, message: Option<&str>) {
    let mut body = json!({"project": project, "outcome": "FAILED", "phase": phase});
    if let Some(account) = account {
        body["account"] = json!(account);
    }
    if let Some(message) = message {
        body["message"] = json!(message);
    }
    control("/_pipewright/builds/next-outcome", body);
}

/// Plays the user finishing (or undoing) a GitHub connection's handshake in the console.
pub fn complete_connection(arn: &str, status: &str) {
    control(
        "/_pipewright/connections/complete",
        json!({"connectionArn": arn, "status": status}),
    );
}

/// An AVAILABLE GitHub connection the user made before; returns its ARN.
pub async fn available_connection(cfg: &SdkConfig, name: &str) -> String {
    let conn = aws_sdk_codestarconnections::Client::new(cfg)
        .create_connection()
        .provider_type(aws_sdk_codestarconnections::types::ProviderType::Github)
        .connection_name(name)
        .send()
        .await
        .unwrap();
    let arn = conn.connection_arn().to_owned();
    complete_connection(&arn, "AVAILABLE");
    arn
}

/// Plays the user finishing the GitHub handshake in the console as soon as a PENDING connection
/// exists in `account`.
pub fn complete_handshake_when_created(account: String) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let cfg = crate::sdk_config(&account).await;
        let client = aws_sdk_codestarconnections::Client::new(&cfg);
        let client = &client;
        let arn = eventually_every(
            Duration::from_secs(60),
            Duration::from_millis(20),
            "a connection to complete",
            || async move {
                let listed = client.list_connections().send().await.ok()?;
                listed
                    .connections()
                    .iter()
                    .find(|c| c.connection_status().map(|s| s.as_str()) == Some("PENDING"))
                    .map(|c| c.connection_arn().unwrap().to_owned())
            },
        )
        .await;
        tokio::task::spawn_blocking(move || complete_connection(&arn, "AVAILABLE"))
            .await
            .unwrap();
    })
}

/// tests/fixtures/reference-plan.toml: the plan of the demo's pipeline.
pub fn reference_plan_path() -> PathBuf {
    crate::repo_root().join("tests/fixtures/reference-plan.toml")
}

pub fn reference_plan_text() -> String {
    std::fs::read_to_string(reference_plan_path()).unwrap()
}

pub fn reference_plan() -> Plan {
    Plan::from_toml(&reference_plan_text()).unwrap()
}

/// Apply options for tests: the handshake may take `connection_timeout`, polled every 100 ms.
pub fn apply_options(connection_timeout: Duration) -> ApplyOptions {
    ApplyOptions {
        connection_timeout,
        poll_interval: Duration::from_millis(100),
    }
}

/// A release of `pipeline`'s branch head, `token` its idempotency seed.
pub fn release_request(pipeline: &str, token: &str) -> ReleaseRequest {
    ReleaseRequest {
        pipeline: pipeline.into(),
        revision: None,
        variables: vec![],
        client_request_token: token.into(),
    }
}

/// An S3 client with path-style addressing, as the emulator wants it.
pub fn s3_client(cfg: &SdkConfig) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(cfg)
            .force_path_style(true)
            .build(),
    )
}

/// Starts a build of `project`; returns its id.
pub async fn start_build(cb: &aws_sdk_codebuild::Client, project: &str) -> String {
    cb.start_build()
        .project_name(project)
        .send()
        .await
        .unwrap()
        .build_value()
        .unwrap()
        .id()
        .unwrap()
        .to_owned()
}

/// The builds `ids`, once none of them is in progress.
pub async fn finished_builds(
    cb: &aws_sdk_codebuild::Client,
    ids: &[String],
    what: &str,
) -> Vec<aws_sdk_codebuild::types::Build> {
    eventually(Duration::from_secs(60), what, || async move {
        let out = cb
            .batch_get_builds()
            .set_ids(Some(ids.to_vec()))
            .send()
            .await
            .unwrap();
        out.builds()
            .iter()
            .all(|b| b.build_status().map(|s| s.as_str()) != Some("IN_PROGRESS"))
            .then(|| out.builds().to_vec())
    })
    .await
}

/// The inline policy `name` of `role`, decoded; None when the role has no such policy.
pub async fn inline_policy(iam: &aws_sdk_iam::Client, role: &str, name: &str) -> Option<Value> {
    let got = iam
        .get_role_policy()
        .role_name(role)
        .policy_name(name)
        .send()
        .await
        .ok()?;
    Some(serde_json::from_str(&crate::percent_decode(got.policy_document())).unwrap())
}

/// CreateProject of `name`: `source`, no artifacts, `environment`, running as `role`; the caller
/// may add more and sends it.
pub fn create_project(
    cb: &aws_sdk_codebuild::Client,
    name: &str,
    source: aws_sdk_codebuild::types::ProjectSource,
    environment: aws_sdk_codebuild::types::ProjectEnvironment,
    role: &str,
) -> aws_sdk_codebuild::operation::create_project::builders::CreateProjectFluentBuilder {
    use aws_sdk_codebuild::types::{ArtifactsType, ProjectArtifacts};
    let no_artifacts = ProjectArtifacts::builder()
        .r#type(ArtifactsType::NoArtifacts)
        .build()
        .unwrap();
    cb.create_project()
        .name(name)
        .source(source)
        .artifacts(no_artifacts)
        .environment(environment)
        .service_role(role)
}

/// A GitHub source at `location`, with the buildspec at `buildspec` when given.
pub fn github_source(
    location: &str,
    buildspec: Option<&str>,
) -> aws_sdk_codebuild::types::ProjectSource {
    use aws_sdk_codebuild::types::{ProjectSource, SourceType};
    ProjectSource::builder()
        .r#type(SourceType::Github)
        .location(location)
        .set_buildspec(buildspec.map(str::to_owned))
        .build()
        .unwrap()
}

/// A Linux container build environment.
pub fn linux_environment(
    image: &str,
    compute: aws_sdk_codebuild::types::ComputeType,
    privileged: bool,
) -> aws_sdk_codebuild::types::ProjectEnvironment {
    use aws_sdk_codebuild::types::{EnvironmentType, ProjectEnvironment};
    ProjectEnvironment::builder()
        .r#type(EnvironmentType::LinuxContainer)
        .image(image)
        .compute_type(compute)
        .privileged_mode(privileged)
        .build()
        .unwrap()
}

/// The image of the reference plan's build environment.
pub const BUILD_IMAGE: &str = "aws/codebuild/amazonlinux2-x86_64-standard:5.0";

/// Makes the next call of `service.operation` in `account` fail with a 4xx the SDK does not retry.
pub fn fail_next_call(account: &str, service: &str, operation: &str) {
    crate::inject_fault(account, service, operation, "InvalidInputException", 400, 1);
}

/// Every resource of the types `apply` makes, with the inline policies of every role: the account
/// as a user would compare it before and after.
pub async fn account_resources(account: &str) -> Vec<String> {
    let cfg = crate::sdk_config(account).await;
    let mut out = Vec::new();
    let conns = aws_sdk_codestarconnections::Client::new(&cfg)
        .list_connections()
        .send()
        .await
        .unwrap();
    for c in conns.connections() {
        out.push(format!("connection {:?}", c.connection_name()));
    }
    let s3 = s3_client(&cfg);
    for b in s3.list_buckets().send().await.unwrap().buckets() {
        out.push(format!("bucket {:?}", b.name()));
    }
    let iam = aws_sdk_iam::Client::new(&cfg);
    for r in iam.list_roles().send().await.unwrap().roles() {
        let policies = iam
            .list_role_policies()
            .role_name(r.role_name())
            .send()
            .await
            .unwrap();
        out.push(format!(
            "role {} {:?}",
            r.role_name(),
            policies.policy_names()
        ));
    }
    for p in aws_sdk_codebuild::Client::new(&cfg)
        .list_projects()
        .send()
        .await
        .unwrap()
        .projects()
    {
        out.push(format!("project {p}"));
    }
    for p in pipeline_names(&cfg).await {
        out.push(format!("pipeline {p}"));
    }
    out.sort();
    out
}

/// The names of the pipelines in the account of `cfg`.
pub async fn pipeline_names(cfg: &SdkConfig) -> Vec<String> {
    let out = aws_sdk_codepipeline::Client::new(cfg)
        .list_pipelines()
        .send()
        .await
        .unwrap();
    out.pipelines()
        .iter()
        .filter_map(|p| p.name().map(str::to_owned))
        .collect()
}

// ------------------------------------------------------------------ for the benchmarks

/// Writes a benchmark's figures to target/bench/`name`.json (best effort).
pub fn write_bench_result(name: &str, figures: &Value) {
    let dir = crate::repo_root().join("target/bench");
    std::fs::create_dir_all(&dir).ok();
    std::fs::write(
        dir.join(format!("{name}.json")),
        serde_json::to_string_pretty(figures).unwrap(),
    )
    .ok();
}

/// The median of `v` (the upper one of an even count).
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}
