//! Release against the emulator, whose executions progress over time: stage-by-stage progress,
//! failure and retry, double-click safety, stop, expired credentials while polling, and the CLI.

use std::process::Command;
use std::time::{Duration, Instant};

use pipewright_core::apply::AwsCtx;
use pipewright_core::history::{self, HistoryStore};
use pipewright_core::release::{self, ReleaseRequest};
use pipewright_core::rollback::{self, RollbackMethod};
use pipewright_core::rollout::{self, RolloutState};
use pipewright_core::ErrorCode;
use pipewright_tests::{bin, control, emulator_url, inject_fault, new_account};
use serde_json::json;

const PIPELINE: &str = "cruddur-backend-fargate";

/// A seeded account (pipeline, project, history) whose executions advance every `step` seconds.
async fn seeded(step: f64) -> (String, AwsCtx) {
    let account = new_account();
    control(
        "/_pipewright/seed",
        json!({"account": account, "region": "us-east-1", "builds": 5, "executions": 3}),
    );
    control(
        "/_pipewright/config",
        json!({"account": account, "stepSeconds": step}),
    );
    let ctx = pipewright_tests::aws_ctx(&account).await;
    (account, ctx)
}

fn request(token: &str) -> ReleaseRequest {
    ReleaseRequest {
        pipeline: PIPELINE.into(),
        revision: None,
        variables: vec![],
        client_request_token: token.into(),
    }
}

async fn wait_end(ctx: &AwsCtx, id: &str) -> String {
    release::wait(ctx, PIPELINE, id, Duration::from_millis(100), |_| {})
        .await
        .unwrap()
        .0
}

#[tokio::test]
async fn release_goes_in_progress_then_succeeds_stage_by_stage() {
    let (_account, ctx) = seeded(0.3).await;
    let before = release::pipeline_view(&ctx, PIPELINE).await.unwrap();
    assert!(!before.in_progress);
    assert_eq!(before.poll_after_ms, release::POLL_IDLE_MS);
    assert_eq!(
        before.repository.as_deref().map(|r| r.contains('/')),
        Some(true)
    );

    let id = release::release(&ctx, &request("one")).await.unwrap();
    let first = release::pipeline_view(&ctx, PIPELINE).await.unwrap();
    assert!(first.in_progress);
    assert_eq!(first.poll_after_ms, release::POLL_RUNNING_MS);
    assert_eq!(
        first.latest.as_ref().map(|l| l.id.as_str()),
        Some(id.as_str())
    );

    // Record the order in which stages of this execution finish.
    let mut finished: Vec<String> = Vec::new();
    let mut seen_running = std::collections::BTreeSet::new();
    let (status, _) = release::wait(&ctx, PIPELINE, &id, Duration::from_millis(50), |view| {
        for s in &view.stages {
            if s.execution_id.as_deref() != Some(id.as_str()) {
                continue;
            }
            match s.status.as_deref() {
                Some("InProgress") => {
                    seen_running.insert(s.name.clone());
                }
                Some("Succeeded") if !finished.contains(&s.name) => finished.push(s.name.clone()),
                _ => {}
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(status, "Succeeded");
    let after = release::pipeline_view(&ctx, PIPELINE).await.unwrap();
    for s in &after.stages {
        if !finished.contains(&s.name) && s.status.as_deref() == Some("Succeeded") {
            finished.push(s.name.clone());
        }
    }
    assert_eq!(finished, ["Source", "Build", "Deploy"]);
    assert_eq!(seen_running.len(), 3, "saw running: {seen_running:?}");

    // The build action links to a CodeBuild build.
    let actions = release::action_executions(&ctx, PIPELINE, &id)
        .await
        .unwrap();
    let build = actions.iter().find(|a| a.stage == "Build").unwrap();
    assert!(
        build.build_id.as_deref().is_some_and(|b| b.contains(':')),
        "{build:?}"
    );
    let listed = release::executions(&ctx, PIPELINE, 5).await.unwrap();
    assert_eq!(listed[0].id, id);
    assert_eq!(listed[0].status, "Succeeded");
}

#[tokio::test]
async fn a_double_click_starts_one_execution() {
    let (_account, ctx) = seeded(0.2).await;
    let (first, second) = (request("same-token"), request("same-token"));
    let (a, b) = tokio::join!(
        release::release(&ctx, &first),
        release::release(&ctx, &second)
    );
    assert_eq!(a.unwrap(), b.unwrap());
    let listed = release::executions(&ctx, PIPELINE, 10).await.unwrap();
    let running = listed.iter().filter(|e| e.status == "InProgress").count();
    assert_eq!(running, 1);
}

#[tokio::test]
async fn a_failed_build_shows_its_error_and_retry_succeeds() {
    let (account, ctx) = seeded(0.1).await;
    control(
        "/_pipewright/builds/next-outcome",
        json!({"project": "cruddur-backend-flask-bake-image", "outcome": "FAILED", "phase": "BUILD", "account": account, "message": "docker build exited with 1"}),
    );
    let id = release::release(&ctx, &request("fail")).await.unwrap();
    assert_eq!(wait_end(&ctx, &id).await, "Failed");
    let view = release::pipeline_view(&ctx, PIPELINE).await.unwrap();
    let build = view.stages.iter().find(|s| s.name == "Build").unwrap();
    assert_eq!(build.status.as_deref(), Some("Failed"));
    let error = build.actions[0].error.clone().unwrap_or_default();
    assert!(!error.is_empty(), "{:?}", build.actions[0]);
    assert_eq!(view.poll_after_ms, release::POLL_IDLE_MS);

    let retried = release::retry(&ctx, PIPELINE, "Build", None, false)
        .await
        .unwrap();
    assert_eq!(retried, id);
    assert_eq!(wait_end(&ctx, &id).await, "Succeeded");
}

#[tokio::test]
async fn stop_and_abandon_ends_the_execution() {
    let (_account, ctx) = seeded(0.5).await;
    let id = release::release(&ctx, &request("stop")).await.unwrap();
    release::stop(&ctx, PIPELINE, &id, true, Some("wrong commit"))
        .await
        .unwrap();
    let status = wait_end(&ctx, &id).await;
    assert_eq!(status, "Stopped");
}

#[tokio::test]
async fn bad_revision_is_rejected_before_any_call() {
    let (account, ctx) = seeded(0.5).await;
    control("/_pipewright/requests/reset", json!({"account": account}));
    let mut req = request("bad");
    req.revision = Some("not-a-sha".into());
    let e = release::release(&ctx, &req).await.unwrap_err();
    assert_eq!(e.field(), Some("revision"));
    let counts = pipewright_tests::get(
        emulator_url(),
        &format!("/_pipewright/requests?account={account}"),
    );
    assert_eq!(counts["total"].as_u64().unwrap(), 0, "{counts}");
}

#[tokio::test]
async fn a_specific_commit_can_be_released() {
    let (_account, ctx) = seeded(0.1).await;
    let mut req = request("commit");
    req.revision = Some("0123456789abcdef0123456789abcdef01234567".into());
    let id = release::release(&ctx, &req).await.unwrap();
    let exec = release::execution(&ctx, PIPELINE, &id).await.unwrap();
    assert!(
        exec.revisions
            .iter()
            .any(|r| r.revision_id == "0123456789abcdef0123456789abcdef01234567"),
        "{exec:?}"
    );
}

#[tokio::test]
async fn expired_credentials_while_polling_are_a_clear_error() {
    let (account, ctx) = seeded(0.5).await;
    release::release(&ctx, &request("expire")).await.unwrap();
    inject_fault(
        &account,
        "codepipeline",
        "GetPipelineState",
        "ExpiredTokenException",
        400,
        1,
    );
    let e = release::pipeline_view(&ctx, PIPELINE).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::ExpiredCredentials, "{e}");
    assert!(e.message().contains("expired"), "{}", e.message());
    // The next poll works again (the UI resumes on "Try again").
    release::pipeline_view(&ctx, PIPELINE).await.unwrap();
}

#[test]
fn cli_release_wait_exits_0_on_success_and_1_on_failure() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (account, _ctx) = rt.block_on(seeded(0.1));
    let run = |extra: &[&str]| {
        let mut args = vec![
            "release",
            PIPELINE,
            "--wait",
            "--poll-seconds",
            "0.1",
            "--endpoint-url",
            emulator_url(),
            "--region",
            "us-east-1",
        ];
        args.extend_from_slice(extra);
        Command::new(bin("pipewright-cli"))
            .args(&args)
            .env("AWS_ACCESS_KEY_ID", &account)
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .output()
            .unwrap()
    };
    let started = Instant::now();
    let ok = run(&[]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let stderr = String::from_utf8_lossy(&ok.stderr);
    assert!(
        stderr.contains("Build: InProgress") || stderr.contains("Build: Succeeded"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("Succeeded"));
    assert!(started.elapsed() < Duration::from_secs(60));

    control(
        "/_pipewright/builds/next-outcome",
        json!({"project": "cruddur-backend-flask-bake-image", "outcome": "FAILED", "phase": "BUILD", "account": account}),
    );
    let failed = run(&[]);
    assert_eq!(
        failed.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&failed.stderr)
    );
    assert!(String::from_utf8_lossy(&failed.stdout).contains("Failed"));
}

#[tokio::test]
async fn an_idle_poll_costs_one_request_and_a_new_execution_is_seen_at_once() {
    let (account, ctx) = seeded(0.1).await;
    let cache = release::ViewCache::default();
    let first = cache.poll(&ctx, PIPELINE).await.unwrap();
    assert!(!first.in_progress);
    let count = || {
        let c = pipewright_tests::get(
            emulator_url(),
            &format!("/_pipewright/requests?account={account}"),
        );
        c["total"].as_u64().unwrap()
    };
    control("/_pipewright/requests/reset", json!({"account": account}));
    for _ in 0..4 {
        cache.poll(&ctx, PIPELINE).await.unwrap();
    }
    assert_eq!(count(), 4, "four idle polls should be four requests");
    // Two idle polls a minute.
    assert_eq!(60_000 / release::POLL_IDLE_MS, 2);

    // A release started elsewhere (the console, a webhook) shows on the next poll.
    let id = release::release(&ctx, &request("elsewhere")).await.unwrap();
    let view = cache.poll(&ctx, PIPELINE).await.unwrap();
    assert_eq!(
        view.latest.as_ref().map(|l| l.id.as_str()),
        Some(id.as_str())
    );
    assert!(view.in_progress);
    assert_eq!(view.poll_after_ms, release::POLL_RUNNING_MS);
}

#[tokio::test]
async fn lists_200_plus_pipelines_with_their_latest_execution() {
    let (account, ctx) = seeded(0.5).await;
    control(
        "/_pipewright/config",
        json!({"account": account, "autoStartOnCreate": false}),
    );
    let cp = ctx.codepipeline();
    let template = cp
        .get_pipeline()
        .name(PIPELINE)
        .send()
        .await
        .unwrap()
        .pipeline()
        .unwrap()
        .clone();
    let creates = (0..210).map(|i| {
        let mut decl = template.clone();
        decl.name = format!("service-{i:03}");
        let cp = cp.clone();
        async move { cp.create_pipeline().pipeline(decl).send().await.unwrap() }
    });
    // One after the other: the emulator serves one request at a time anyway.
    for create in creates {
        create.await;
    }
    let started = Instant::now();
    let all = release::list_pipelines(&ctx).await.unwrap();
    let took = started.elapsed();
    assert_eq!(all.len(), 211);
    let seeded = all.iter().find(|p| p.name == PIPELINE).unwrap();
    assert!(seeded.latest.is_some(), "the seeded pipeline has history");
    assert!(all
        .iter()
        .filter(|p| p.name.starts_with("service-"))
        .all(|p| p.latest.is_none()));
    assert!(took < Duration::from_secs(30), "listing took {took:?}");
}

#[tokio::test]
async fn a_disabled_transition_is_shown_with_its_reason() {
    let (_account, ctx) = seeded(0.5).await;
    ctx.codepipeline()
        .disable_stage_transition()
        .pipeline_name(PIPELINE)
        .stage_name("Deploy")
        .transition_type(aws_sdk_codepipeline::types::StageTransitionType::Inbound)
        .reason("freeze for the holidays")
        .send()
        .await
        .unwrap();
    let view = release::pipeline_view(&ctx, PIPELINE).await.unwrap();
    let deploy = view.stages.iter().find(|s| s.name == "Deploy").unwrap();
    assert!(!deploy.transition_enabled);
    assert_eq!(
        deploy.transition_disabled_reason.as_deref(),
        Some("freeze for the holidays")
    );
    assert!(
        view.stages
            .iter()
            .find(|s| s.name == "Build")
            .unwrap()
            .transition_enabled
    );
}

// ------------------------------------------------------------------ the ECS rollout as it went

const SERVICE: &str = "backend-flask";

fn next_rollout(account: &str, outcome: &str, failure: &str, action_result: &str) {
    control(
        "/_pipewright/deployments/next-outcome",
        json!({"account": account, "service": SERVICE, "outcome": outcome, "failure": failure,
               "actionResult": action_result}),
    );
}

#[tokio::test]
async fn a_completed_rollout_is_a_succeeded_release_with_its_tasks_up() {
    let (_account, ctx) = seeded(0.1).await;
    let id = release::release(&ctx, &request("ok")).await.unwrap();
    let (status, view) = release::wait(&ctx, PIPELINE, &id, Duration::from_millis(50), |_| {})
        .await
        .unwrap();
    assert_eq!(status, "Succeeded");
    let r = release::deploy_rollout(&view, &id).expect("the deploy's rollout");
    assert_eq!(r.state, RolloutState::Completed);
    assert_eq!((r.running, r.desired, r.failed_tasks), (1, 1, 0));
    assert!(!r.rolled_back && r.stopped_tasks.is_empty());
    assert!(r.deployment_id.starts_with("ecs-svc/"));
    assert!(r
        .events
        .iter()
        .any(|e| e.message.ends_with("deployment completed.")));
    let latest = view.latest.unwrap();
    assert_eq!(
        (latest.status.as_str(), latest.pipeline_status),
        ("Succeeded", None)
    );
}

/// The case users complain about: the circuit breaker rolls the service back and CodePipeline
/// says Succeeded. The release is Failed everywhere: the view, `wait`, history and DORA.
#[tokio::test]
async fn a_rollout_rolled_back_by_the_circuit_breaker_fails_the_release_though_codepipeline_succeeded(
) {
    let (account, ctx) = seeded(0.1).await;
    next_rollout(
        &account,
        "rollback",
        "CannotPullContainerError",
        "Succeeded",
    );
    let id = release::release(&ctx, &request("bad")).await.unwrap();
    let (status, view) = release::wait(&ctx, PIPELINE, &id, Duration::from_millis(50), |_| {})
        .await
        .unwrap();
    assert_eq!(status, "Failed");
    let exec = release::execution(&ctx, PIPELINE, &id).await.unwrap();
    assert_eq!(exec.status, "Succeeded", "CodePipeline's own word");

    let latest = view.latest.as_ref().unwrap();
    assert_eq!(latest.status, "Failed");
    assert_eq!(latest.pipeline_status.as_deref(), Some("Succeeded"));
    assert_eq!(
        latest.status_summary.as_deref(),
        Some("rolled back by the circuit breaker: tasks failed to start")
    );
    let r = release::deploy_rollout(&view, &id).unwrap();
    assert_eq!(r.state, RolloutState::Failed);
    assert!(r.rolled_back && r.rolled_back_to.is_some(), "{r:?}");
    // ECS no longer lists the failed deployment after the rollback: its events tell it.
    assert_eq!(
        r.reason.as_deref(),
        Some("deployment failed: tasks failed to start.")
    );
    assert_eq!(r.stopped_tasks.len(), 3, "the circuit breaker's threshold");
    for t in &r.stopped_tasks {
        assert_eq!(t.stop_code.as_deref(), Some("TaskFailedToStart"));
        assert!(t
            .stopped_reason
            .as_deref()
            .unwrap()
            .starts_with("CannotPullContainerError"));
    }
    assert!(!view.in_progress);

    // History: the release is Failed, its deploy too, and DORA counts a failed change.
    let store = HistoryStore::in_memory().unwrap();
    let releases = history::sync_executions(&ctx, &store, PIPELINE)
        .await
        .unwrap();
    let rec = releases.iter().find(|r| r.execution_id == id).unwrap();
    assert_eq!(rec.status, "Failed");
    assert_eq!(rec.pipeline_status.as_deref(), Some("Succeeded"));
    assert_eq!(rec.deploy_status.as_deref(), Some("Failed"));
    assert!(rec.rollout.as_ref().is_some_and(|r| r.rolled_back));
    let now = rec.start_ms + 3_600_000;
    let mine: Vec<_> = releases
        .iter()
        .filter(|r| r.execution_id == id)
        .cloned()
        .collect();
    let dora = history::stats::dora(&mine, &Default::default(), now, 30);
    assert_eq!(dora.change_failure_rate, Some(1.0));
    assert_eq!(dora.deployments, 0);
    // A second sync keeps it settled (no refetch loop on the corrected status).
    let again = history::sync_executions(&ctx, &store, PIPELINE)
        .await
        .unwrap();
    assert_eq!(
        again.iter().find(|r| r.execution_id == id).unwrap().status,
        "Failed"
    );
}

#[tokio::test]
async fn a_failed_deploy_action_shows_the_stopped_tasks_exit_codes() {
    let (account, ctx) = seeded(0.1).await;
    next_rollout(&account, "rollback", "EssentialContainerExited", "Failed");
    let id = release::release(&ctx, &request("exit")).await.unwrap();
    let (status, view) = release::wait(&ctx, PIPELINE, &id, Duration::from_millis(50), |_| {})
        .await
        .unwrap();
    assert_eq!(status, "Failed");
    let r = release::deploy_rollout(&view, &id).unwrap();
    assert_eq!(r.state, RolloutState::Failed);
    let reasons = rollout::task_reasons(r);
    assert!(
        reasons
            .iter()
            .all(|l| l.ends_with("Essential container in task exited; backend-flask exited 1")),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn a_rollout_that_never_becomes_healthy_stays_in_progress() {
    let (account, ctx) = seeded(0.1).await;
    next_rollout(&account, "stuck", "CannotPullContainerError", "Failed");
    let id = release::release(&ctx, &request("stuck")).await.unwrap();
    let view =
        pipewright_tests::eventually(Duration::from_secs(20), "the rollout to start", || {
            let ctx = ctx.clone();
            let id = id.clone();
            async move {
                let view = release::pipeline_view(&ctx, PIPELINE).await.unwrap();
                release::deploy_rollout(&view, &id)
                    .is_some()
                    .then_some(view)
            }
        })
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let view = release::pipeline_view(&ctx, PIPELINE).await.unwrap_or(view);
    let r = release::deploy_rollout(&view, &id).unwrap();
    assert_eq!(r.state, RolloutState::InProgress);
    assert_eq!((r.running, r.pending, r.desired), (0, 1, 1));
    // Young: no note yet (the note's rule is unit-tested at 10 minutes).
    assert_eq!(r.stalled, None);
    assert!(view.in_progress);
    assert_eq!(view.latest.as_ref().unwrap().status, "InProgress");
    release::stop(&ctx, PIPELINE, &id, true, None)
        .await
        .unwrap();
}

#[test]
fn cli_release_wait_and_status_exit_1_with_the_rollout_and_the_stopped_tasks_reasons() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (account, _ctx) = rt.block_on(seeded(0.1));
    let cli = |args: &[&str]| {
        let mut all = vec!["--endpoint-url", emulator_url(), "--region", "us-east-1"];
        all.extend_from_slice(args);
        Command::new(bin("pipewright-cli"))
            .args(&all)
            .env("AWS_ACCESS_KEY_ID", &account)
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .output()
            .unwrap()
    };
    next_rollout(
        &account,
        "rollback",
        "CannotPullContainerError",
        "Succeeded",
    );
    let out = cli(&["release", PIPELINE, "--wait", "--poll-seconds", "0.1"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains(": Failed"), "{stdout}");
    assert!(
        stdout.contains("FAILED: rolled back by the circuit breaker: tasks failed to start"),
        "{stdout}"
    );
    // ECS's rolloutStateReason, or once ECS dropped the failed deployment, its event.
    assert!(
        stdout.contains("reason: ECS deployment circuit breaker: tasks failed to start.")
            || stdout.contains("reason: deployment failed: tasks failed to start."),
        "{stdout}"
    );
    assert!(stdout.contains(": CannotPullContainerError"), "{stdout}");
    assert!(
        stderr.contains("rolled back by the circuit breaker"),
        "{stderr}"
    );

    let status = cli(&["status", PIPELINE]);
    let stdout = String::from_utf8_lossy(&status.stdout);
    assert_eq!(status.code_or(), 1, "{stdout}");
    assert!(
        stdout.contains("latest release")
            && stdout.contains("Failed (CodePipeline says Succeeded)"),
        "{stdout}"
    );
    assert!(stdout.contains(": CannotPullContainerError"), "{stdout}");

    let json_out = cli(&["--json", "status", PIPELINE]);
    assert_eq!(json_out.code_or(), 1);
    let v: serde_json::Value = serde_json::from_slice(&json_out.stdout).unwrap();
    assert_eq!(v["latest"]["status"], "Failed");
    let deploy = &v["stages"][2]["actions"][0]["rollout"];
    assert_eq!(deploy["state"], "FAILED");
    assert_eq!(deploy["rolledBack"], true);
    assert_eq!(deploy["stoppedTasks"].as_array().unwrap().len(), 3);

    // The next release rolls out fine: status exits 0 again.
    let ok = cli(&[
        "--json",
        "release",
        PIPELINE,
        "--wait",
        "--poll-seconds",
        "0.1",
    ]);
    assert_eq!(ok.code_or(), 0, "{}", String::from_utf8_lossy(&ok.stderr));
    let v: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(v["status"], "Succeeded");
    assert_eq!(v["rollout"]["state"], "COMPLETED");
    assert_eq!(cli(&["status", PIPELINE]).code_or(), 0);
}

trait CodeOr {
    fn code_or(&self) -> i32;
}

impl CodeOr for std::process::Output {
    fn code_or(&self) -> i32 {
        self.status.code().unwrap_or(-1)
    }
}

// ------------------------------------------------------------------ roll back to a release

async fn release_and_wait(ctx: &AwsCtx, token: &str) -> (String, String) {
    let id = release::release(ctx, &request(token)).await.unwrap();
    let (status, _) = release::wait(ctx, PIPELINE, &id, Duration::from_millis(50), |_| {})
        .await
        .unwrap();
    (id, status)
}

async fn service_task_definition(ctx: &AwsCtx) -> String {
    let out = ctx
        .ecs()
        .describe_services()
        .cluster("cruddur")
        .services(SERVICE)
        .send()
        .await
        .unwrap();
    out.services()[0].task_definition().unwrap().to_owned()
}

/// V1 pipeline: no RollbackStage; the service goes back to the task definition that release
/// deployed, found again by its image tag once ECS forgot that deployment.
#[tokio::test]
async fn rollback_of_a_v1_pipeline_updates_the_service_to_that_release_s_task_definition() {
    let (_account, ctx) = seeded(0.1).await;
    let (a, status) = release_and_wait(&ctx, "a").await;
    assert_eq!(status, "Succeeded");
    let a_td = service_task_definition(&ctx).await;
    let (b, status) = release_and_wait(&ctx, "b").await;
    assert_eq!(status, "Succeeded");
    assert_ne!(service_task_definition(&ctx).await, a_td);

    let store = HistoryStore::in_memory().unwrap();
    let plan = rollback::plan(&ctx, &store, PIPELINE, None).await.unwrap();
    assert_eq!(plan.method, RollbackMethod::UpdateService);
    assert_eq!(
        plan.to_execution_id, a,
        "the last good release before what runs now"
    );
    assert_eq!(plan.current_execution_id.as_deref(), Some(b.as_str()));
    assert_eq!(plan.to_task_definition.as_deref(), Some(a_td.as_str()));
    assert!(plan.to_commit.is_some() && plan.current_commit.is_some());
    assert_ne!(plan.current_task_definition, plan.to_task_definition);

    let done = rollback::run(&ctx, &plan).await.unwrap();
    assert_eq!(done.task_definition.as_deref(), Some(a_td.as_str()));
    let deployment = ctx
        .ecs()
        .describe_services()
        .cluster("cruddur")
        .services(SERVICE)
        .send()
        .await
        .unwrap();
    let d = &deployment.services()[0].deployments()[0];
    assert_eq!(d.task_definition(), Some(a_td.as_str()));
    assert_eq!(d.status(), Some("PRIMARY"));

    // Going back to a release that did not deploy is refused before any change, naming the field.
    let e = rollback::plan(&ctx, &store, PIPELINE, Some("not-an-id"))
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("to"));
}

async fn make_v2(ctx: &AwsCtx) {
    let cp = ctx.codepipeline();
    let got = cp.get_pipeline().name(PIPELINE).send().await.unwrap();
    let mut decl = got.pipeline().unwrap().clone();
    decl.pipeline_type = Some(aws_sdk_codepipeline::types::PipelineType::V2);
    cp.update_pipeline().pipeline(decl).send().await.unwrap();
}

#[test]
fn cli_rollback_of_a_v2_pipeline_runs_rollback_stage_to_the_last_completed_release() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (account, ctx) = rt.block_on(seeded(0.1));
    rt.block_on(make_v2(&ctx));
    let (good, status) = rt.block_on(release_and_wait(&ctx, "good"));
    assert_eq!(status, "Succeeded");
    let good_td = rt.block_on(service_task_definition(&ctx));
    next_rollout(&account, "rollback", "HealthCheckFailed", "Succeeded");
    let (bad, status) = rt.block_on(release_and_wait(&ctx, "bad"));
    assert_eq!(status, "Failed", "the circuit breaker rolled it back");

    let home = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| {
        let mut all = vec!["--endpoint-url", emulator_url(), "--region", "us-east-1"];
        all.extend_from_slice(args);
        Command::new(bin("pipewright-cli"))
            .args(&all)
            .env("PIPEWRIGHT_HOME", home.path())
            .env("AWS_ACCESS_KEY_ID", &account)
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    // Without a terminal and without --yes: refused, nothing done.
    let refused = cli(&["rollback", PIPELINE]);
    assert_eq!(
        refused.code_or(),
        2,
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let shown = String::from_utf8_lossy(&refused.stderr);
    assert!(
        shown.contains(&format!("back to: execution {good}")),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("now:     execution {bad}")),
        "{shown}"
    );
    assert!(shown.contains("RollbackStage"), "{shown}");
    assert!(shown.contains("--yes"), "{shown}");

    let out = cli(&[
        "--json",
        "rollback",
        PIPELINE,
        "--yes",
        "--wait",
        "--poll-seconds",
        "0.1",
    ]);
    assert_eq!(out.code_or(), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["plan"]["method"], "RollbackStage");
    assert_eq!(v["plan"]["toExecutionId"], good.as_str());
    assert_eq!(v["status"], "Succeeded");
    let rb = v["result"]["executionId"].as_str().unwrap().to_owned();
    let exec = rt
        .block_on(release::execution(&ctx, PIPELINE, &rb))
        .unwrap();
    assert_eq!(exec.execution_type.as_deref(), Some("ROLLBACK"));
    assert_eq!(exec.trigger.as_deref(), Some("ManualRollback"));
    // The service runs the good release's image again (a new revision of it).
    let now_td = rt.block_on(service_task_definition(&ctx));
    let image = |td: &str| {
        let out = rt
            .block_on(
                ctx.ecs()
                    .describe_task_definition()
                    .task_definition(td)
                    .send(),
            )
            .unwrap();
        out.task_definition().unwrap().container_definitions()[0]
            .image()
            .unwrap()
            .to_owned()
    };
    assert_eq!(image(&now_td), image(&good_td));
}
