//! The apply engine against the emulator: the reference plan end to end (read back with the SDK),
//! idempotence, rollback after a failure at each creation step, updates put back exactly, an existing
//! project's own role, long role names, someone else's bucket, tear-down that converges, retries that
//! continue their receipt, and one run per pipeline at a time.

use std::sync::Mutex;
use std::time::Duration;

use pipewright_core::apply::{
    self, ApplyEvent, ApplyOptions, AwsCtx, Receipt, ReceiptStatus, StepId, StepStatus,
};
use pipewright_core::paths::AppDirs;
use pipewright_core::plan::Plan;
use pipewright_tests::{
    account_resources, apply_options, available_connection, complete_connection,
    complete_handshake_when_created, create_project, ecs_account, fail_next_call, github_source,
    inline_policy, linux_environment, new_account, percent_decode, pipeline_names, reference_plan,
    requests, requests_total, reset_requests, s3_client, sdk_config, seed_ecs, writes_made,
    BUILD_IMAGE, PROJECT,
};
use serde_json::json;

#[path = "apply_notifications.rs"]
mod notifications;

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
    apply_options(Duration::from_secs(30))
}

/// What most tests start from: a fresh account with what a user has before Pipewright,
/// Pipewright's context for it, the reference plan and a desk.
async fn setup() -> (String, AwsCtx, Plan, Desk) {
    let account = ecs_account();
    let ctx = ctx(&account).await;
    (account, ctx, reference_plan(), desk())
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
    let events = Mutex::new(Vec::new());
    let sink = |e: ApplyEvent| events.lock().unwrap().push(e);
    let receipt = apply::apply(&desk.dirs, ctx, plan, &fast(), false, &sink).await;
    (receipt.unwrap(), events.into_inner().unwrap())
}

async fn destroy(desk: &Desk, ctx: &AwsCtx, receipt: &Receipt) -> (Receipt, Vec<ApplyEvent>) {
    let events = Mutex::new(Vec::new());
    let sink = |e: ApplyEvent| events.lock().unwrap().push(e);
    let done = apply::destroy(&desk.dirs, ctx, receipt.clone(), &sink).await;
    (done.unwrap(), events.into_inner().unwrap())
}

/// Applies `plan` while the user finishes the GitHub handshake of the connection it creates.
async fn run_handshaken(desk: &Desk, ctx: &AwsCtx, plan: &Plan) -> (Receipt, Vec<ApplyEvent>) {
    let handshake = complete_handshake_when_created(ctx.account.clone());
    let (receipt, events) = run(desk, ctx, plan).await;
    if receipt.status == ReceiptStatus::Succeeded {
        handshake.await.unwrap();
    } else {
        handshake.abort();
    }
    (receipt, events)
}

#[track_caller]
fn assert_status(receipt: &Receipt, status: ReceiptStatus) {
    assert_eq!(receipt.status, status, "{:?}", receipt.error);
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
    let (account, ctx, plan, d) = setup().await;
    let (receipt, events) = run_handshaken(&d, &ctx, &plan).await;
    assert_status(&receipt, ReceiptStatus::Succeeded);
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
    let pipeline = || cp.get_pipeline().name("cruddur-backend-fargate").send();
    let p = pipeline().await.unwrap();
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
    let projects = || cb.batch_get_projects().names(PROJECT).send();
    let project = projects().await.unwrap().projects()[0].clone();
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
    reset_requests(&account);
    let (again, events) = run(&d, &ctx, &plan).await;
    assert_status(&again, ReceiptStatus::Succeeded);
    assert_eq!(again.id, receipt.id);
    for step in reference_steps() {
        assert_eq!(
            last_status(&events, step),
            Some(StepStatus::Reused),
            "{step:?} on the second run"
        );
        assert_eq!(outcome(&again, step), Some(StepStatus::Created), "{step:?}");
    }
    let counts = requests(&account);
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
    assert_status(&updated, ReceiptStatus::Succeeded);
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
    let project = projects().await.unwrap().projects()[0].clone();
    assert_eq!(project.timeout_in_minutes(), Some(30));
    assert_eq!(project.environment().unwrap().privileged_mode(), Some(true));
    let hook = project.webhook().unwrap().filter_groups()[0][1]
        .pattern()
        .to_owned();
    assert_eq!(hook, "^refs/heads/release$");
    let p = pipeline().await.unwrap();
    assert_eq!(
        p.pipeline().unwrap().execution_mode().map(|m| m.as_str()),
        Some("QUEUED")
    );

    // Tear down deletes what the runs created.
    let (torn, _) = destroy(&d, &ctx, &updated).await;
    assert_status(&torn, ReceiptStatus::TornDown);
    assert_nothing_of_pipewright_left(&account).await;
}

/// Lists every resource type Pipewright creates and checks none is left (the roles it did not
/// make stay).
async fn assert_nothing_of_pipewright_left(account: &str) {
    let left: Vec<String> = account_resources(account)
        .await
        .into_iter()
        .filter(|r| {
            !r.starts_with("role ")
                || r.starts_with("role codebuild-")
                || r.starts_with("role AWSCodePipelineServiceRole")
        })
        .collect();
    assert!(left.is_empty(), "left: {left:?}");
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
            let (account, ctx, _, d) = setup().await;
            // A 4xx the SDK does not retry: exactly one call fails.
            fail_next_call(&account, service, operation);
            let (receipt, events) = run_handshaken(&d, &ctx, &plan).await;
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

            let (again, _) = run_handshaken(&d, &ctx, &plan).await;
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
    let (account, ctx, plan, d) = setup().await;
    let opts = apply_options(Duration::from_millis(500));
    let receipt = apply::apply(&d.dirs, &ctx, &plan, &opts, false, &|_| {})
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
    let (account, ctx, mut plan, _) = setup().await;
    plan.build.privileged = false;
    plan.build.webhook.as_mut().unwrap().base_branch = "main".into();
    plan.buildspec.container_name = "web".into();
    reset_requests(&account);
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
    let writes = writes_made(&account);
    assert!(writes.is_empty(), "review wrote: {writes:?}");

    // A repository in another region (here: none in this one) is an error finding.
    plan.ecr.repository = "elsewhere".into();
    let review = apply::review(&ctx, &plan).await.unwrap();
    assert!(review.findings.iter().any(
        |f| f.path.as_deref() == Some("ecr.repository") && f.severity == apply::Severity::Error
    ));
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
    let (account, ctx, plan, d) = setup().await;
    let cfg = sdk_config(&account).await;
    let iam = aws_sdk_iam::Client::new(&cfg);
    let cb = aws_sdk_codebuild::Client::new(&cfg);
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
    let source = github_source("https://github.com/example/other.git", Some("ci/other.yml"));
    let medium = cbt::ComputeType::BuildGeneral1Medium;
    let environment = linux_environment("aws/codebuild/standard:7.0", medium, false);
    create_project(&cb, &plan.build.project, source, environment, &role_arn)
        .description("made in the console")
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

    let (receipt, events) = run_handshaken(&d, &ctx, &plan).await;
    assert_status(&receipt, ReceiptStatus::Succeeded);
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
    assert_status(&torn, ReceiptStatus::TornDown);
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
    let pipelines = pipeline_names(&cfg).await;
    assert!(pipelines.is_empty(), "{pipelines:?}");
}

#[tokio::test]
async fn an_existing_project_gets_the_ecr_policy_on_its_own_role() {
    let (account, ctx, mut plan, d) = setup().await;
    let cfg = sdk_config(&account).await;
    let iam = aws_sdk_iam::Client::new(&cfg);
    let cb = aws_sdk_codebuild::Client::new(&cfg);
    plan.build.create = false;
    plan.build.webhook = None;
    let role_arn =
        pipewright_tests::service_role(&cfg, "console-made-build-role", "codebuild.amazonaws.com")
            .await;
    let source = github_source(
        "https://github.com/example/aws-bootcamp-cruddur-2023.git",
        None,
    );
    let small = aws_sdk_codebuild::types::ComputeType::BuildGeneral1Small;
    let environment = linux_environment(BUILD_IMAGE, small, true);
    create_project(&cb, &plan.build.project, source, environment, &role_arn)
        .send()
        .await
        .unwrap();

    let (receipt, _) = run_handshaken(&d, &ctx, &plan).await;
    assert_status(&receipt, ReceiptStatus::Succeeded);
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
    assert_status(&torn, ReceiptStatus::TornDown);
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
    reset_requests(&account);
    let e = apply::apply(&d.dirs, &ctx, &other, &fast(), false, &|_| {})
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("build.role.arn"), "{e}");
    assert!(e.message().contains("999999999999"), "{e}");
    let writes = writes_made(&account);
    assert!(writes.is_empty(), "{writes:?}");
}

#[tokio::test]
async fn long_pipeline_names_get_roles_of_their_own() {
    let account = ecs_account();
    let region = "ap-southeast-2";
    seed_ecs(&account, region);
    let ctx = pipewright_tests::aws_ctx_in(&account, region).await;
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
    assert_status(&a, ReceiptStatus::Succeeded);
    let (b, _) = run(&d, &ctx, &second).await;
    assert_status(&b, ReceiptStatus::Succeeded);
    assert_ne!(a.id, b.id);
    let (torn, _) = destroy(&d, &ctx, &a).await;
    assert_status(&torn, ReceiptStatus::TornDown);
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
    let (account, ctx, plan, d) = setup().await;
    let bucket = apply::requests::Names::new(&plan, &account, "us-east-1").bucket;
    assert!(bucket.ends_with("-k3v9q2xa"), "{bucket}");
    // Someone else's account creates the bucket first.
    let squatter = new_account();
    let cfg = sdk_config(&squatter).await;
    let s3 = s3_client(&cfg);
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let (receipt, _) = run_handshaken(&d, &ctx, &plan).await;
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
    assert_status(&rolled, ReceiptStatus::RolledBack);
    // Their bucket is still theirs, untouched.
    s3.head_bucket().bucket(&bucket).send().await.unwrap();
    assert_nothing_of_pipewright_left(&account).await;
}

#[tokio::test]
async fn a_teardown_cut_short_keeps_what_depends_on_it_and_a_second_one_finishes() {
    let (account, ctx, plan, d) = setup().await;
    let (receipt, _) = run_handshaken(&d, &ctx, &plan).await;
    assert_status(&receipt, ReceiptStatus::Succeeded);

    fail_next_call(&account, "codepipeline", "DeletePipeline");
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
    assert_status(&second, ReceiptStatus::RolledBack);
    assert!(second
        .resources
        .iter()
        .all(|r| r.outcome == StepStatus::Deleted));
    assert_nothing_of_pipewright_left(&account).await;
    // A third tear-down has nothing left to do and makes no request that changes anything.
    reset_requests(&account);
    let (third, events) = destroy(&d, &ctx, &second).await;
    assert_eq!(third.status, ReceiptStatus::RolledBack);
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(requests_total(&account), 0);
}

#[tokio::test]
async fn a_retry_continues_its_receipt_and_one_teardown_removes_both_runs() {
    let (account, ctx, plan, d) = setup().await;
    fail_next_call(&account, "codepipeline", "CreatePipeline");
    let (failed, _) = run_handshaken(&d, &ctx, &plan).await;
    assert_eq!(failed.status, ReceiptStatus::Failed);
    let (retried, _) = run(&d, &ctx, &plan).await;
    assert_status(&retried, ReceiptStatus::Succeeded);
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
    assert_status(&torn, ReceiptStatus::TornDown);
    assert_nothing_of_pipewright_left(&account).await;
}

#[tokio::test]
async fn a_second_apply_of_the_same_pipeline_at_once_is_refused() {
    let (account, ctx, plan, d) = setup().await;
    let opts = apply_options(Duration::from_secs(20));
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
        complete_connection(&arn, "AVAILABLE");
    };
    let (first, ()) = tokio::join!(first, second);
    let first = first.unwrap();
    assert_status(&first, ReceiptStatus::Succeeded);
}
