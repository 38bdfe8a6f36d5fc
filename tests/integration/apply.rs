//! The apply engine against the emulator: the reference plan end to end (read back with the SDK),
//! idempotence, rollback after a failure at each creation step, updates put back exactly, an existing
//! project's own role, long role names, someone else's bucket, tear-down that converges, retries that
//! continue their receipt, and one run per pipeline at a time.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use pipewright_core::apply::{
    self, ApplyEvent, ApplyOptions, AwsCtx, Receipt, ReceiptStatus, StepId, StepStatus,
};
use pipewright_core::paths::AppDirs;
use pipewright_core::plan::Plan;
use pipewright_tests::{
    control, emulator_url, get, inject_fault, new_account, percent_decode, repo_root, sdk_config,
};
use serde_json::json;

#[path = "apply_notifications.rs"]
mod notifications;

fn reference_plan() -> Plan {
    let text =
        std::fs::read_to_string(repo_root().join("tests/fixtures/reference-plan.toml")).unwrap();
    Plan::from_toml(&text).unwrap()
}

/// A fresh account with what a user has before Pipewright: an ECR repository and an ECS service.
fn ecs_account() -> String {
    let account = new_account();
    control(
        "/_pipewright/seed",
        json!({"account": account, "region": "us-east-1", "only": ["ecr", "ecs"], "builds": 0, "executions": 0}),
    );
    account
}

/// The steps the reference plan makes (it has no notification rule).
fn reference_steps() -> impl Iterator<Item = StepId> {
    StepId::ALL
        .into_iter()
        .filter(|s| *s != StepId::Notifications)
}

async fn ctx(account: &str) -> AwsCtx {
    pipewright_tests::aws_ctx(account).await
}

fn fast() -> ApplyOptions {
    ApplyOptions {
        connection_timeout: Duration::from_secs(30),
        poll_interval: Duration::from_millis(100),
    }
}

/// Plays the user finishing the GitHub handshake in the console as soon as the connection exists.
fn complete_handshake_when_created(account: String) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let cfg = sdk_config(&account).await;
        let client = aws_sdk_codestarconnections::Client::new(&cfg);
        for _ in 0..300 {
            let listed = client.list_connections().send().await.unwrap();
            for c in listed.connections() {
                if c.connection_status().map(|s| s.as_str()) == Some("PENDING") {
                    let arn = c.connection_arn().unwrap().to_owned();
                    tokio::task::spawn_blocking(move || {
                        control(
                            "/_pipewright/connections/complete",
                            json!({"connectionArn": arn, "status": "AVAILABLE"}),
                        )
                    })
                    .await
                    .unwrap();
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
}

/// Pipewright's data dir for one test (receipts, locks).
struct Desk {
    _tmp: tempfile::TempDir,
    dirs: AppDirs,
}

fn desk() -> Desk {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = AppDirs::at(tmp.path());
    Desk { _tmp: tmp, dirs }
}

async fn run(desk: &Desk, ctx: &AwsCtx, plan: &Plan) -> (Receipt, Vec<ApplyEvent>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink_events = events.clone();
    let sink = move |e: ApplyEvent| sink_events.lock().unwrap().push(e);
    let receipt = apply::apply(&desk.dirs, ctx, plan, &fast(), false, &sink)
        .await
        .unwrap();
    let events = events.lock().unwrap().clone();
    (receipt, events)
}

async fn destroy(desk: &Desk, ctx: &AwsCtx, receipt: &Receipt) -> (Receipt, Vec<ApplyEvent>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink_events = events.clone();
    let sink = move |e: ApplyEvent| sink_events.lock().unwrap().push(e);
    let done = apply::destroy(&desk.dirs, ctx, receipt.clone(), &sink)
        .await
        .unwrap();
    let events = events.lock().unwrap().clone();
    (done, events)
}

/// The last status each step reported.
fn last_status(events: &[ApplyEvent], step: StepId) -> Option<StepStatus> {
    events
        .iter()
        .rev()
        .find(|e| e.step == step)
        .map(|e| e.status)
}

fn outcome(receipt: &Receipt, step: StepId) -> Option<StepStatus> {
    receipt
        .resources
        .iter()
        .find(|r| r.step == step)
        .map(|r| r.outcome)
}

#[tokio::test]
async fn reference_plan_creates_the_whole_pipeline_and_a_second_run_creates_nothing() {
    let account = ecs_account();
    let ctx = ctx(&account).await;
    let plan = reference_plan();
    let d = desk();
    let handshake = complete_handshake_when_created(account.clone());
    let (receipt, events) = run(&d, &ctx, &plan).await;
    handshake.await.unwrap();
    assert_eq!(
        receipt.status,
        ReceiptStatus::Succeeded,
        "{:?}",
        receipt.error
    );
    for step in reference_steps() {
        assert_eq!(
            outcome(&receipt, step),
            Some(StepStatus::Created),
            "{step:?}: {receipt:?}"
        );
    }
    assert!(
        events.iter().any(|e| e.step == StepId::Connection
            && e.status == StepStatus::Waiting
            && e.console_url
                .as_deref()
                .is_some_and(|u| u.contains("console.aws.amazon.com"))),
        "apply announced the pending handshake with the console link"
    );

    let cfg = sdk_config(&account).await;
    // The pipeline: Source → Build → Deploy as the console would make it.
    let cp = aws_sdk_codepipeline::Client::new(&cfg);
    let p = cp
        .get_pipeline()
        .name("cruddur-backend-fargate")
        .send()
        .await
        .unwrap();
    let p = p.pipeline().unwrap();
    let stages: Vec<&str> = p.stages().iter().map(|s| s.name()).collect();
    assert_eq!(stages, ["Source", "Build", "Deploy"]);
    let connection_arn = receipt
        .resources
        .iter()
        .find(|r| r.step == StepId::Connection)
        .and_then(|r| r.arn.clone())
        .unwrap();
    let source = &p.stages()[0].actions()[0];
    let config = source.configuration().unwrap();
    assert_eq!(
        source.action_type_id().unwrap().provider(),
        "CodeStarSourceConnection"
    );
    assert_eq!(config["ConnectionArn"], connection_arn);
    assert_eq!(
        config["FullRepositoryId"],
        "example/aws-bootcamp-cruddur-2023"
    );
    assert_eq!(config["BranchName"], "prod");
    assert_eq!(config["DetectChanges"], "true");
    let build = &p.stages()[1].actions()[0];
    assert_eq!(build.name(), "bake");
    assert_eq!(
        build.configuration().unwrap()["ProjectName"],
        "cruddur-backend-flask-bake-image"
    );
    assert_eq!(build.output_artifacts()[0].name(), "ImageDefinition");
    let deploy = &p.stages()[2].actions()[0];
    assert_eq!(deploy.action_type_id().unwrap().provider(), "ECS");
    let deploy_config = deploy.configuration().unwrap();
    assert_eq!(deploy_config["ClusterName"], "cruddur");
    assert_eq!(deploy_config["ServiceName"], "backend-flask");
    assert_eq!(deploy_config["FileName"], "imagedefinitions.json");
    assert_eq!(p.pipeline_type().map(|t| t.as_str()), Some("V2"));

    // The CodeBuild project and its webhook.
    let cb = aws_sdk_codebuild::Client::new(&cfg);
    let projects = cb
        .batch_get_projects()
        .names("cruddur-backend-flask-bake-image")
        .send()
        .await
        .unwrap();
    let project = &projects.projects()[0];
    let env = project.environment().unwrap();
    assert_eq!(env.privileged_mode(), Some(true));
    assert_eq!(
        env.image(),
        "aws/codebuild/amazonlinux2-x86_64-standard:5.0"
    );
    assert_eq!(env.r#type().as_str(), "LINUX_CONTAINER");
    assert_eq!(project.timeout_in_minutes(), Some(20));
    assert_eq!(project.source().unwrap().r#type().as_str(), "GITHUB");
    assert_eq!(
        project.source().unwrap().buildspec(),
        Some("backend-flask/buildspec.yml")
    );
    assert_eq!(
        project.artifacts().unwrap().r#type().as_str(),
        "NO_ARTIFACTS"
    );
    assert!(project.badge().is_some_and(|b| b.badge_enabled()));
    let groups = project.webhook().unwrap().filter_groups();
    let filters: Vec<(&str, &str)> = groups[0]
        .iter()
        .map(|f| (f.r#type().as_str(), f.pattern()))
        .collect();
    assert_eq!(
        filters,
        [
            ("EVENT", "PULL_REQUEST_MERGED"),
            ("BASE_REF", "^refs/heads/prod$")
        ]
    );

    // The ECR policy: login on *, push on the repository only.
    let iam = aws_sdk_iam::Client::new(&cfg);
    let doc = iam
        .get_role_policy()
        .role_name("codebuild-cruddur-backend-flask-bake-image-service-role")
        .policy_name("ECRPushImage")
        .send()
        .await
        .unwrap();
    let raw = doc.policy_document();
    let decoded = percent_decode(raw);
    let policy: serde_json::Value = serde_json::from_str(&decoded).unwrap();
    let statements = policy["Statement"].as_array().unwrap();
    let login = statements
        .iter()
        .find(|s| s["Action"] == "ecr:GetAuthorizationToken")
        .unwrap();
    assert_eq!(login["Resource"], "*");
    let push = statements.iter().find(|s| s["Action"].is_array()).unwrap();
    assert_eq!(
        push["Resource"],
        format!("arn:aws:ecr:us-east-1:{account}:repository/backend-flask")
    );
    assert!(push["Action"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "ecr:PutImage"));
    assert!(!push["Action"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "ecr:GetAuthorizationToken"));

    // A second run creates nothing: everything is reused. It continues the same receipt, which
    // still says the first run created everything (so tear-down deletes it all).
    control("/_pipewright/requests/reset", json!({"account": account}));
    let (again, events) = run(&d, &ctx, &plan).await;
    assert_eq!(again.status, ReceiptStatus::Succeeded, "{:?}", again.error);
    assert_eq!(again.id, receipt.id);
    for step in reference_steps() {
        assert_eq!(
            last_status(&events, step),
            Some(StepStatus::Reused),
            "{step:?} on the second run"
        );
        assert_eq!(outcome(&again, step), Some(StepStatus::Created), "{step:?}");
    }
    let counts = get(
        emulator_url(),
        &format!("/_pipewright/requests?account={account}"),
    );
    let creates: Vec<String> = counts["counts"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| k.contains(".Create") || k.contains(".Put") || k.contains(".Update"))
        .cloned()
        .collect();
    assert!(creates.is_empty(), "second run wrote: {creates:?}");

    // A changed plan updates in place: the project (timeout), the webhook (branch) and the pipeline
    // (execution mode); nothing is created.
    let mut changed = plan.clone();
    changed.build.timeout_minutes = 30;
    changed.build.webhook.as_mut().unwrap().base_branch = "release".into();
    changed.pipeline.execution_mode = pipewright_core::plan::ExecutionMode::Queued;
    let (updated, events) = run(&d, &ctx, &changed).await;
    assert_eq!(
        updated.status,
        ReceiptStatus::Succeeded,
        "{:?}",
        updated.error
    );
    for step in [StepId::CodebuildProject, StepId::Webhook, StepId::Pipeline] {
        assert_eq!(
            last_status(&events, step),
            Some(StepStatus::Updated),
            "{step:?}"
        );
    }
    assert!(events.iter().all(|e| e.status != StepStatus::Created));
    // What this receipt created needs no previous version: tear-down deletes it.
    assert!(updated.resources.iter().all(|r| r.changes.is_empty()));
    let project = cb
        .batch_get_projects()
        .names("cruddur-backend-flask-bake-image")
        .send()
        .await
        .unwrap();
    let project = &project.projects()[0];
    assert_eq!(project.timeout_in_minutes(), Some(30));
    assert_eq!(project.environment().unwrap().privileged_mode(), Some(true));
    let hook = project.webhook().unwrap().filter_groups()[0][1]
        .pattern()
        .to_owned();
    assert_eq!(hook, "^refs/heads/release$");
    let p = cp
        .get_pipeline()
        .name("cruddur-backend-fargate")
        .send()
        .await
        .unwrap();
    assert_eq!(
        p.pipeline().unwrap().execution_mode().map(|m| m.as_str()),
        Some("QUEUED")
    );

    // Tear down deletes what the runs created.
    let (torn, _) = destroy(&d, &ctx, &updated).await;
    assert_eq!(torn.status, ReceiptStatus::TornDown, "{:?}", torn.error);
    assert_nothing_of_pipewright_left(&account).await;
}

/// Lists every resource type Pipewright creates and checks none is left.
async fn assert_nothing_of_pipewright_left(account: &str) {
    let cfg = sdk_config(account).await;
    let conns = aws_sdk_codestarconnections::Client::new(&cfg)
        .list_connections()
        .send()
        .await
        .unwrap();
    assert!(
        conns.connections().is_empty(),
        "connections left: {:?}",
        conns.connections()
    );
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&cfg)
            .force_path_style(true)
            .build(),
    );
    let buckets = s3.list_buckets().send().await.unwrap();
    assert!(
        buckets.buckets().is_empty(),
        "buckets left: {:?}",
        buckets.buckets()
    );
    let roles = aws_sdk_iam::Client::new(&cfg)
        .list_roles()
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = roles.roles().iter().map(|r| r.role_name()).collect();
    assert!(
        names
            .iter()
            .all(|n| !n.starts_with("codebuild-") && !n.starts_with("AWSCodePipelineServiceRole")),
        "roles left: {names:?}"
    );
    let projects = aws_sdk_codebuild::Client::new(&cfg)
        .list_projects()
        .send()
        .await
        .unwrap();
    assert!(
        projects.projects().is_empty(),
        "projects left: {:?}",
        projects.projects()
    );
    let pipelines = aws_sdk_codepipeline::Client::new(&cfg)
        .list_pipelines()
        .send()
        .await
        .unwrap();
    assert!(
        pipelines.pipelines().is_empty(),
        "pipelines left: {:?}",
        pipelines.pipelines()
    );
}

#[tokio::test]
async fn a_failure_at_each_creation_step_rolls_back_cleanly_and_a_later_apply_succeeds() {
    // (service, operation, the steps that may be the one to fail: both roles use CreateRole, and
    // whichever runs first meets the fault)
    const ROLES: &[StepId] = &[StepId::CodebuildRole, StepId::PipelineRole];
    const POLICIES: &[StepId] = &[
        StepId::CodebuildRole,
        StepId::PipelineRole,
        StepId::EcrPolicy,
    ];
    let cases: [(&str, &str, &[StepId]); 7] = [
        (
            "codestar-connections",
            "CreateConnection",
            &[StepId::Connection],
        ),
        ("s3", "CreateBucket", &[StepId::ArtifactBucket]),
        ("iam", "CreateRole", ROLES),
        ("iam", "PutRolePolicy", POLICIES),
        ("codebuild", "CreateProject", &[StepId::CodebuildProject]),
        ("codebuild", "CreateWebhook", &[StepId::Webhook]),
        ("codepipeline", "CreatePipeline", &[StepId::Pipeline]),
    ];
    let plan = reference_plan();
    let runs = cases.iter().map(|&(service, operation, candidates)| {
        let plan = plan.clone();
        async move {
            let account = ecs_account();
            let ctx = ctx(&account).await;
            let d = desk();
            // A 4xx the SDK does not retry: exactly one call fails.
            inject_fault(
                &account,
                service,
                operation,
                "InvalidInputException",
                400,
                1,
            );
            let handshake = complete_handshake_when_created(account.clone());
            let (receipt, events) = run(&d, &ctx, &plan).await;
            handshake.abort();
            assert_eq!(receipt.status, ReceiptStatus::Failed, "{operation}");
            let failed: Vec<StepId> = events
                .iter()
                .filter(|e| e.status == StepStatus::Failed)
                .map(|e| e.step)
                .collect();
            assert_eq!(failed.len(), 1, "{operation}: failed steps {failed:?}");
            let step = failed[0];
            assert!(candidates.contains(&step), "{operation}: {step:?} failed");
            let error = receipt.error.clone().unwrap();
            assert!(
                error.message.contains(operation),
                "{operation}: {}",
                error.message
            );
            // Steps that depend on the failed one never ran.
            let dependents: Vec<StepId> = StepId::ALL
                .into_iter()
                .filter(|s| s.depends_on().contains(&step))
                .collect();
            for d in dependents {
                assert!(
                    events
                        .iter()
                        .any(|e| e.step == d && e.status == StepStatus::Skipped),
                    "{operation}: {d:?} should have been skipped"
                );
            }

            let (rolled, _) = destroy(&d, &ctx, &receipt).await;
            assert_eq!(
                rolled.status,
                ReceiptStatus::RolledBack,
                "{operation}: {:?}",
                rolled.error
            );
            assert_nothing_of_pipewright_left(&account).await;

            let handshake = complete_handshake_when_created(account.clone());
            let (again, _) = run(&d, &ctx, &plan).await;
            handshake.abort();
            assert_eq!(
                again.status,
                ReceiptStatus::Succeeded,
                "{operation}: {:?}",
                again.error
            );
        }
    });
    futures_join_all(runs).await;
}

async fn futures_join_all<F: std::future::Future<Output = ()>>(
    futures: impl IntoIterator<Item = F>,
) {
    let handles: Vec<_> = futures.into_iter().collect();
    for f in handles {
        f.await;
    }
}

#[tokio::test]
async fn a_connection_never_completed_fails_clearly_and_is_rolled_back() {
    let account = ecs_account();
    let ctx = ctx(&account).await;
    let opts = ApplyOptions {
        connection_timeout: Duration::from_millis(500),
        poll_interval: Duration::from_millis(100),
    };
    let d = desk();
    let receipt = apply::apply(&d.dirs, &ctx, &reference_plan(), &opts, false, &|_| {})
        .await
        .unwrap();
    assert_eq!(receipt.status, ReceiptStatus::Failed);
    let message = receipt.error.clone().unwrap().message;
    assert!(message.contains("still PENDING"), "{message}");
    assert!(message.contains("console.aws.amazon.com"), "{message}");
    // Only the steps that do not need the connection ran (the bucket); rollback removes both.
    let made: Vec<StepId> = receipt.resources.iter().map(|r| r.step).collect();
    assert_eq!(made, [StepId::Connection, StepId::ArtifactBucket]);
    let (rolled, _) = destroy(&d, &ctx, &receipt).await;
    assert_eq!(rolled.status, ReceiptStatus::RolledBack);
    assert_nothing_of_pipewright_left(&account).await;
}

#[tokio::test]
async fn review_lists_every_step_with_its_request_and_findings() {
    let account = ecs_account();
    let ctx = ctx(&account).await;
    let mut plan = reference_plan();
    plan.build.privileged = false;
    plan.build.webhook.as_mut().unwrap().base_branch = "main".into();
    plan.buildspec.container_name = "web".into();
    control("/_pipewright/requests/reset", json!({"account": account}));
    let review = apply::review(&ctx, &plan).await.unwrap();
    let ids: Vec<StepId> = review.steps.iter().map(|s| s.id).collect();
    assert_eq!(ids, StepId::ALL);
    let pipeline = review
        .steps
        .iter()
        .find(|s| s.id == StepId::Pipeline)
        .unwrap();
    let request: serde_json::Value = serde_json::from_str(&pipeline.request).unwrap();
    assert_eq!(
        request["CreatePipeline"]["pipeline"]["name"],
        "cruddur-backend-fargate"
    );
    let messages: Vec<&str> = review.findings.iter().map(|f| f.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("Privileged mode is off")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("merges into main")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("container name web")),
        "{messages:?}"
    );
    assert!(review.buildspec.contains("docker build"));
    assert!(review.cost.total_monthly_usd > 0.0);
    // Review only reads.
    let writes = pipewright_tests::writes_made(&account);
    assert!(writes.is_empty(), "review wrote: {writes:?}");

    // A repository in another region (here: none in this one) is an error finding.
    plan.ecr.repository = "elsewhere".into();
    let review = apply::review(&ctx, &plan).await.unwrap();
    assert!(review.findings.iter().any(
        |f| f.path.as_deref() == Some("ecr.repository") && f.severity == apply::Severity::Error
    ));
}

/// Pipewright's context for `account` in `region`.
async fn ctx_in(account: &str, region: &str) -> AwsCtx {
    use pipewright_core::aws::{AwsTarget, CredentialSource};
    use pipewright_core::keyring_store::AccessKeys;
    AwsCtx::connect(&AwsTarget {
        label: "test".into(),
        credentials: CredentialSource::Static(AccessKeys {
            access_key_id: account.to_owned(),
            secret_access_key: pipewright_core::Secret::new("testing"),
            session_token: None,
        }),
        region: Some(region.into()),
        endpoint_url: Some(emulator_url().to_owned()),
    })
    .await
    .unwrap()
}

/// An AVAILABLE GitHub connection the user made before; returns its ARN.
async fn available_connection(cfg: &aws_config::SdkConfig, name: &str) -> String {
    let conn = aws_sdk_codestarconnections::Client::new(cfg)
        .create_connection()
        .provider_type(aws_sdk_codestarconnections::types::ProviderType::Github)
        .connection_name(name)
        .send()
        .await
        .unwrap();
    let arn = conn.connection_arn().to_owned();
    control(
        "/_pipewright/connections/complete",
        json!({"connectionArn": arn, "status": "AVAILABLE"}),
    );
    arn
}

async fn inline_policy(
    iam: &aws_sdk_iam::Client,
    role: &str,
    name: &str,
) -> Option<serde_json::Value> {
    let got = iam
        .get_role_policy()
        .role_name(role)
        .policy_name(name)
        .send()
        .await
        .ok()?;
    Some(serde_json::from_str(&percent_decode(got.policy_document())).unwrap())
}

/// What a project looks like, for a before/after comparison (everything Pipewright may change).
async fn project_state(cb: &aws_sdk_codebuild::Client, name: &str) -> String {
    let out = cb.batch_get_projects().names(name).send().await.unwrap();
    let p = &out.projects()[0];
    let env = p.environment().unwrap();
    let src = p.source().unwrap();
    format!(
        "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        p.description(),
        src.location(),
        src.buildspec(),
        src.auth(),
        p.source_version(),
        env.image(),
        env.compute_type(),
        env.privileged_mode(),
        env.environment_variables(),
        p.service_role(),
        p.timeout_in_minutes(),
        p.webhook().map(|w| w.filter_groups().to_vec()),
    )
}

#[tokio::test]
async fn updates_to_what_the_user_had_are_put_back_exactly() {
    let account = ecs_account();
    let ctx = ctx(&account).await;
    let cfg = sdk_config(&account).await;
    let iam = aws_sdk_iam::Client::new(&cfg);
    let cb = aws_sdk_codebuild::Client::new(&cfg);
    let plan = reference_plan();
    // What the user made in the console: the build role (named as Pipewright would) with their own
    // version of Pipewright's base policy, and the project with other settings and a push webhook.
    let role = "codebuild-cruddur-backend-flask-bake-image-service-role";
    let role_arn = pipewright_tests::service_role(&cfg, role, "codebuild.amazonaws.com").await;
    let theirs = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]});
    iam.put_role_policy()
        .role_name(role)
        .policy_name("PipewrightCodeBuildBase")
        .policy_document(theirs.to_string())
        .send()
        .await
        .unwrap();
    use aws_sdk_codebuild::types as cbt;
    cb.create_project()
        .name(&plan.build.project)
        .description("made in the console")
        .source(
            cbt::ProjectSource::builder()
                .r#type(cbt::SourceType::Github)
                .location("https://github.com/example/other.git")
                .buildspec("ci/other.yml")
                .build()
                .unwrap(),
        )
        .artifacts(
            cbt::ProjectArtifacts::builder()
                .r#type(cbt::ArtifactsType::NoArtifacts)
                .build()
                .unwrap(),
        )
        .environment(
            cbt::ProjectEnvironment::builder()
                .r#type(cbt::EnvironmentType::LinuxContainer)
                .image("aws/codebuild/standard:7.0")
                .compute_type(cbt::ComputeType::BuildGeneral1Medium)
                .privileged_mode(false)
                .build()
                .unwrap(),
        )
        .service_role(&role_arn)
        .timeout_in_minutes(60)
        .send()
        .await
        .unwrap();
    cb.create_webhook()
        .project_name(&plan.build.project)
        .filter_groups(vec![cbt::WebhookFilter::builder()
            .r#type(cbt::WebhookFilterType::Event)
            .pattern("PUSH")
            .build()
            .unwrap()])
        .send()
        .await
        .unwrap();
    let before = project_state(&cb, &plan.build.project).await;

    let d = desk();
    let handshake = complete_handshake_when_created(account.clone());
    let (receipt, events) = run(&d, &ctx, &plan).await;
    handshake.await.unwrap();
    assert_eq!(
        receipt.status,
        ReceiptStatus::Succeeded,
        "{:?}",
        receipt.error
    );
    for (step, status) in [
        (StepId::CodebuildRole, StepStatus::Updated),
        (StepId::EcrPolicy, StepStatus::Created),
        (StepId::CodebuildProject, StepStatus::Updated),
        (StepId::Webhook, StepStatus::Updated),
    ] {
        assert_eq!(last_status(&events, step), Some(status), "{step:?}");
    }
    assert_ne!(project_state(&cb, &plan.build.project).await, before);
    // The receipt keeps the previous versions, done.
    let changes: Vec<&apply::ChangeRecord> =
        receipt.resources.iter().flat_map(|r| &r.changes).collect();
    assert_eq!(changes.len(), 4, "{changes:?}");
    assert!(changes.iter().all(|c| c.state == apply::ChangeState::Done));

    let (torn, events) = destroy(&d, &ctx, &receipt).await;
    assert_eq!(torn.status, ReceiptStatus::TornDown, "{:?}", torn.error);
    assert_eq!(
        last_status(&events, StepId::CodebuildProject),
        Some(StepStatus::Restored)
    );
    // The project, its webhook and the role are exactly as the user had them.
    assert_eq!(project_state(&cb, &plan.build.project).await, before);
    assert_eq!(
        inline_policy(&iam, role, "PipewrightCodeBuildBase").await,
        Some(theirs)
    );
    assert_eq!(inline_policy(&iam, role, "ECRPushImage").await, None);
    iam.get_role()
        .role_name(role)
        .send()
        .await
        .expect("the user's role stays");
    // What Pipewright created is gone.
    let pipelines = aws_sdk_codepipeline::Client::new(&cfg)
        .list_pipelines()
        .send()
        .await
        .unwrap();
    assert!(pipelines.pipelines().is_empty());
}

#[tokio::test]
async fn an_existing_project_gets_the_ecr_policy_on_its_own_role() {
    let account = ecs_account();
    let ctx = ctx(&account).await;
    let cfg = sdk_config(&account).await;
    let iam = aws_sdk_iam::Client::new(&cfg);
    let cb = aws_sdk_codebuild::Client::new(&cfg);
    let mut plan = reference_plan();
    plan.build.create = false;
    plan.build.webhook = None;
    let role_arn =
        pipewright_tests::service_role(&cfg, "console-made-build-role", "codebuild.amazonaws.com")
            .await;
    use aws_sdk_codebuild::types as cbt;
    let project = |name: &str, role: &str| {
        cb.create_project()
            .name(name)
            .source(
                cbt::ProjectSource::builder()
                    .r#type(cbt::SourceType::Github)
                    .location("https://github.com/example/aws-bootcamp-cruddur-2023.git")
                    .build()
                    .unwrap(),
            )
            .artifacts(
                cbt::ProjectArtifacts::builder()
                    .r#type(cbt::ArtifactsType::NoArtifacts)
                    .build()
                    .unwrap(),
            )
            .environment(
                cbt::ProjectEnvironment::builder()
                    .r#type(cbt::EnvironmentType::LinuxContainer)
                    .image("aws/codebuild/amazonlinux2-x86_64-standard:5.0")
                    .compute_type(cbt::ComputeType::BuildGeneral1Small)
                    .privileged_mode(true)
                    .build()
                    .unwrap(),
            )
            .service_role(role)
            .send()
    };
    project(&plan.build.project, &role_arn).await.unwrap();

    let d = desk();
    let handshake = complete_handshake_when_created(account.clone());
    let (receipt, _) = run(&d, &ctx, &plan).await;
    handshake.await.unwrap();
    assert_eq!(
        receipt.status,
        ReceiptStatus::Succeeded,
        "{:?}",
        receipt.error
    );
    let policy = inline_policy(&iam, "console-made-build-role", "ECRPushImage")
        .await
        .expect("the ECR policy is on the project's own role");
    assert_eq!(policy["Statement"][0]["Resource"], "*");
    let roles = iam.list_roles().send().await.unwrap();
    assert!(
        roles
            .roles()
            .iter()
            .all(|r| !r.role_name().starts_with("codebuild-")),
        "no role named from the plan is made"
    );
    let (torn, _) = destroy(&d, &ctx, &receipt).await;
    assert_eq!(torn.status, ReceiptStatus::TornDown, "{:?}", torn.error);
    assert_eq!(
        inline_policy(&iam, "console-made-build-role", "ECRPushImage").await,
        None
    );
    iam.get_role()
        .role_name("console-made-build-role")
        .send()
        .await
        .expect("the project's role stays");
    assert_eq!(
        cb.batch_get_projects()
            .names(&plan.build.project)
            .send()
            .await
            .unwrap()
            .projects()
            .len(),
        1,
        "the project stays"
    );

    // A service role in another account: refused before any change, field named.
    let mut other = reference_plan();
    other.pipeline.name = "other-account-pipeline".into();
    other.build.role = pipewright_core::plan::RoleChoice::Existing {
        arn: "arn:aws:iam::999999999999:role/their-role".into(),
    };
    control("/_pipewright/requests/reset", json!({"account": account}));
    let e = apply::apply(&d.dirs, &ctx, &other, &fast(), false, &|_| {})
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("build.role.arn"), "{e}");
    assert!(e.message().contains("999999999999"), "{e}");
    let writes = pipewright_tests::writes_made(&account);
    assert!(writes.is_empty(), "{writes:?}");
}

#[tokio::test]
async fn long_pipeline_names_get_roles_of_their_own() {
    let account = ecs_account();
    let region = "ap-southeast-2";
    control(
        "/_pipewright/seed",
        json!({"account": account, "region": region, "only": ["ecr", "ecs"], "builds": 0, "executions": 0}),
    );
    let ctx = ctx_in(&account, region).await;
    let cfg = pipewright_tests::sdk_config_in(&account, region).await;
    let connection = available_connection(&cfg, "Cruddur").await;
    let mut first = reference_plan();
    first.source.connection = pipewright_core::plan::ConnectionChoice::Existing {
        arn: connection.clone(),
    };
    let mut second = first.clone();
    second.pipeline.name = "cruddur-backend-fargate-staging".into();
    second.build.project = "cruddur-backend-flask-bake-staging".into();
    second.pipeline.artifact_bucket_suffix = Some("st4ging0".into());
    let (r1, r2) = (
        first.pipeline_role_name(region),
        second.pipeline_role_name(region),
    );
    assert_ne!(r1, r2);
    let d = desk();
    let (a, _) = run(&d, &ctx, &first).await;
    assert_eq!(a.status, ReceiptStatus::Succeeded, "{:?}", a.error);
    let (b, _) = run(&d, &ctx, &second).await;
    assert_eq!(b.status, ReceiptStatus::Succeeded, "{:?}", b.error);
    assert_ne!(a.id, b.id);
    let (torn, _) = destroy(&d, &ctx, &a).await;
    assert_eq!(torn.status, ReceiptStatus::TornDown, "{:?}", torn.error);
    // The second pipeline and its role are untouched.
    let iam = aws_sdk_iam::Client::new(&cfg);
    iam.get_role()
        .role_name(&r2)
        .send()
        .await
        .expect("second role stays");
    assert!(inline_policy(&iam, &r2, "PipewrightCodePipeline")
        .await
        .is_some());
    assert!(iam.get_role().role_name(&r1).send().await.is_err());
    aws_sdk_codepipeline::Client::new(&cfg)
        .get_pipeline()
        .name("cruddur-backend-fargate-staging")
        .send()
        .await
        .expect("second pipeline stays");
}

#[tokio::test]
async fn a_bucket_another_account_made_first_is_refused() {
    let account = ecs_account();
    let ctx = ctx(&account).await;
    let plan = reference_plan();
    let bucket = apply::requests::Names::new(&plan, &account, "us-east-1").bucket;
    assert!(bucket.ends_with("-k3v9q2xa"), "{bucket}");
    // Someone else's account creates the bucket first.
    let squatter = new_account();
    let cfg = sdk_config(&squatter).await;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&cfg)
            .force_path_style(true)
            .build(),
    );
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let d = desk();
    let handshake = complete_handshake_when_created(account.clone());
    let (receipt, _) = run(&d, &ctx, &plan).await;
    handshake.abort();
    assert_eq!(receipt.status, ReceiptStatus::Failed);
    let error = receipt.error.clone().unwrap();
    assert_eq!(
        error.field.as_deref(),
        Some("pipeline.artifactBucket"),
        "{error:?}"
    );
    assert!(outcome(&receipt, StepId::ArtifactBucket).is_none());
    assert!(outcome(&receipt, StepId::Pipeline).is_none());
    let (rolled, _) = destroy(&d, &ctx, &receipt).await;
    assert_eq!(
        rolled.status,
        ReceiptStatus::RolledBack,
        "{:?}",
        rolled.error
    );
    // Their bucket is still theirs, untouched.
    s3.head_bucket().bucket(&bucket).send().await.unwrap();
    assert_nothing_of_pipewright_left(&account).await;
}

#[tokio::test]
async fn a_teardown_cut_short_keeps_what_depends_on_it_and_a_second_one_finishes() {
    let account = ecs_account();
    let ctx = ctx(&account).await;
    let plan = reference_plan();
    let d = desk();
    let handshake = complete_handshake_when_created(account.clone());
    let (receipt, _) = run(&d, &ctx, &plan).await;
    handshake.await.unwrap();
    assert_eq!(
        receipt.status,
        ReceiptStatus::Succeeded,
        "{:?}",
        receipt.error
    );

    inject_fault(
        &account,
        "codepipeline",
        "DeletePipeline",
        "InvalidInputException",
        400,
        1,
    );
    let (first, events) = destroy(&d, &ctx, &receipt).await;
    assert_eq!(first.status, ReceiptStatus::Failed);
    assert!(first
        .error
        .as_ref()
        .unwrap()
        .message
        .contains("DeletePipeline"));
    // The pipeline could not go, so nothing it uses was deleted.
    for step in reference_steps() {
        if step == StepId::Pipeline {
            assert_eq!(last_status(&events, step), Some(StepStatus::Failed));
        } else {
            assert_eq!(
                last_status(&events, step),
                Some(StepStatus::Skipped),
                "{step:?}"
            );
            assert_eq!(outcome(&first, step), Some(StepStatus::Created), "{step:?}");
        }
    }
    // Someone deletes the project by hand in between: "not found" is "already gone".
    let cfg = sdk_config(&account).await;
    aws_sdk_codebuild::Client::new(&cfg)
        .delete_project()
        .name(&plan.build.project)
        .send()
        .await
        .unwrap();
    let stored = apply::receipts::load(&d.dirs, &receipt.id).unwrap();
    let (second, _) = destroy(&d, &ctx, &stored).await;
    // The run that finished the undo after a failed one says rolled back.
    assert_eq!(
        second.status,
        ReceiptStatus::RolledBack,
        "{:?}",
        second.error
    );
    assert!(second
        .resources
        .iter()
        .all(|r| r.outcome == StepStatus::Deleted));
    assert_nothing_of_pipewright_left(&account).await;
    // A third tear-down has nothing left to do and makes no request that changes anything.
    control("/_pipewright/requests/reset", json!({"account": account}));
    let (third, events) = destroy(&d, &ctx, &second).await;
    assert_eq!(third.status, ReceiptStatus::RolledBack);
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(
        get(
            emulator_url(),
            &format!("/_pipewright/requests?account={account}")
        )["total"],
        0
    );
}

#[tokio::test]
async fn a_retry_continues_its_receipt_and_one_teardown_removes_both_runs() {
    let account = ecs_account();
    let ctx = ctx(&account).await;
    let plan = reference_plan();
    let d = desk();
    inject_fault(
        &account,
        "codepipeline",
        "CreatePipeline",
        "InvalidInputException",
        400,
        1,
    );
    let handshake = complete_handshake_when_created(account.clone());
    let (failed, _) = run(&d, &ctx, &plan).await;
    handshake.await.unwrap();
    assert_eq!(failed.status, ReceiptStatus::Failed);
    let (retried, _) = run(&d, &ctx, &plan).await;
    assert_eq!(
        retried.status,
        ReceiptStatus::Succeeded,
        "{:?}",
        retried.error
    );
    assert_eq!(retried.id, failed.id, "the retry continues the receipt");
    for step in reference_steps() {
        assert_eq!(
            outcome(&retried, step),
            Some(StepStatus::Created),
            "{step:?}"
        );
    }
    assert_eq!(apply::receipts::list(&d.dirs).unwrap().len(), 1);
    let (torn, _) = destroy(&d, &ctx, &retried).await;
    assert_eq!(torn.status, ReceiptStatus::TornDown, "{:?}", torn.error);
    assert_nothing_of_pipewright_left(&account).await;
}

#[tokio::test]
async fn a_second_apply_of_the_same_pipeline_at_once_is_refused() {
    let account = ecs_account();
    let ctx = ctx(&account).await;
    let plan = reference_plan();
    let d = desk();
    let opts = ApplyOptions {
        connection_timeout: Duration::from_secs(20),
        poll_interval: Duration::from_millis(100),
    };
    // The first run waits for the GitHub handshake, holding the pipeline's lock.
    let first = apply::apply(&d.dirs, &ctx, &plan, &opts, false, &|_| {});
    let second = async {
        let cfg = sdk_config(&account).await;
        let client = aws_sdk_codestarconnections::Client::new(&cfg);
        let arn =
            pipewright_tests::eventually(Duration::from_secs(20), "the connection", || async {
                client
                    .list_connections()
                    .send()
                    .await
                    .ok()?
                    .connections()
                    .first()
                    .map(|c| c.connection_arn().unwrap().to_owned())
            })
            .await;
        let e = apply::apply(&d.dirs, &ctx, &plan, &opts, false, &|_| {})
            .await
            .unwrap_err();
        assert!(matches!(e, pipewright_core::Error::Conflict(_)), "{e}");
        assert!(e.to_string().contains("cruddur-backend-fargate"), "{e}");
        control(
            "/_pipewright/connections/complete",
            json!({"connectionArn": arn, "status": "AVAILABLE"}),
        );
    };
    let (first, ()) = tokio::join!(first, second);
    let first = first.unwrap();
    assert_eq!(first.status, ReceiptStatus::Succeeded, "{:?}", first.error);
}
