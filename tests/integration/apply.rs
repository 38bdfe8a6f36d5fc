//! The apply engine against the emulator: the reference plan end to end (read back with the SDK),
//! idempotence, rollback after a failure at each creation step, and bad plans that make no AWS call.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use pipewright_core::apply::{
    self, ApplyEvent, ApplyOptions, AwsCtx, Receipt, ReceiptStatus, StepId, StepStatus,
};
use pipewright_core::plan::Plan;
use pipewright_tests::{
    control, emulator_url, get, inject_fault, new_account, repo_root, sdk_config,
};
use serde_json::json;

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

async fn run(ctx: &AwsCtx, plan: &Plan) -> (Receipt, Vec<ApplyEvent>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink_events = events.clone();
    let sink = move |e: ApplyEvent| sink_events.lock().unwrap().push(e);
    let receipt = apply::apply(ctx, plan, &fast(), &sink).await.unwrap();
    let events = events.lock().unwrap().clone();
    (receipt, events)
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
    let handshake = complete_handshake_when_created(account.clone());
    let (receipt, events) = run(&ctx, &plan).await;
    handshake.await.unwrap();
    assert_eq!(
        receipt.status,
        ReceiptStatus::Succeeded,
        "{:?}",
        receipt.error
    );
    for step in StepId::ALL {
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

    // A second run creates nothing: everything is reused.
    control("/_pipewright/requests/reset", json!({"account": account}));
    let (again, _) = run(&ctx, &plan).await;
    assert_eq!(again.status, ReceiptStatus::Succeeded, "{:?}", again.error);
    for r in &again.resources {
        assert_eq!(
            r.outcome,
            StepStatus::Reused,
            "{:?} on the second run",
            r.step
        );
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
    let (updated, _) = run(&ctx, &changed).await;
    assert_eq!(
        updated.status,
        ReceiptStatus::Succeeded,
        "{:?}",
        updated.error
    );
    for step in [StepId::CodebuildProject, StepId::Webhook, StepId::Pipeline] {
        assert_eq!(
            outcome(&updated, step),
            Some(StepStatus::Updated),
            "{step:?}"
        );
    }
    assert!(updated
        .resources
        .iter()
        .all(|r| r.outcome != StepStatus::Created));
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

    // Tear down deletes what the first run created.
    let torn = apply::teardown(&ctx, &receipt, &|_| {}).await.unwrap();
    assert_eq!(torn.status, ReceiptStatus::TornDown, "{:?}", torn.error);
    assert_nothing_of_pipewright_left(&account).await;
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
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
            let (receipt, events) = run(&ctx, &plan).await;
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

            let rolled = apply::teardown(&ctx, &receipt, &|_| {}).await.unwrap();
            assert_eq!(
                rolled.status,
                ReceiptStatus::RolledBack,
                "{operation}: {:?}",
                rolled.error
            );
            assert_nothing_of_pipewright_left(&account).await;

            let handshake = complete_handshake_when_created(account.clone());
            let (again, _) = run(&ctx, &plan).await;
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
    let receipt = apply::apply(&ctx, &reference_plan(), &opts, &|_| {})
        .await
        .unwrap();
    assert_eq!(receipt.status, ReceiptStatus::Failed);
    let message = receipt.error.clone().unwrap().message;
    assert!(message.contains("still PENDING"), "{message}");
    assert!(message.contains("console.aws.amazon.com"), "{message}");
    // Only the steps that do not need the connection ran (the bucket); rollback removes both.
    let made: Vec<StepId> = receipt.resources.iter().map(|r| r.step).collect();
    assert_eq!(made, [StepId::Connection, StepId::ArtifactBucket]);
    let rolled = apply::teardown(&ctx, &receipt, &|_| {}).await.unwrap();
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
    let counts = get(
        emulator_url(),
        &format!("/_pipewright/requests?account={account}"),
    );
    let writes: Vec<&String> = counts["counts"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| {
            ["Create", "Put", "Update", "Delete"]
                .iter()
                .any(|w| k.contains(&format!(".{w}")))
        })
        .collect();
    assert!(writes.is_empty(), "review wrote: {writes:?}");

    // A repository in another region (here: none in this one) is an error finding.
    plan.ecr.repository = "elsewhere".into();
    let review = apply::review(&ctx, &plan).await.unwrap();
    assert!(review.findings.iter().any(
        |f| f.path.as_deref() == Some("ecr.repository") && f.severity == apply::Severity::Error
    ));
}
