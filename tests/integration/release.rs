//! Release against the emulator, whose executions progress over time: stage-by-stage progress,
//! failure and retry, double-click safety, stop, expired credentials while polling, and the CLI.

use std::time::{Duration, Instant};

use pipewright_core::apply::AwsCtx;
use pipewright_core::release::{self, ReleaseRequest};
use pipewright_core::ErrorCode;
use pipewright_core::ExecutionStatus;
use pipewright_tests::{
    assert_exit, cli_as, configure, emulator_args, fail_next_build, inject_fault, release_request,
    requests, requests_total, reset_requests, run_output, seeded_stepping as seeded, stdout_text,
    PIPELINE, PROJECT,
};
use serde_json::json;

fn request(token: &str) -> ReleaseRequest {
    release_request(PIPELINE, token)
}

async fn wait_end(ctx: &AwsCtx, id: &str) -> ExecutionStatus {
    release::wait(ctx, PIPELINE, id, Duration::from_millis(100), |_| {})
        .await
        .unwrap()
        .0
}

#[tokio::test]
async fn release_goes_in_progress_then_succeeds_stage_by_stage() {
    let (_account, ctx) = seeded(1.0).await;
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
            match s.status {
                Some(ExecutionStatus::InProgress) => {
                    seen_running.insert(s.name.clone());
                }
                Some(ExecutionStatus::Succeeded) if !finished.contains(&s.name) => {
                    finished.push(s.name.clone())
                }
                _ => {}
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(status, ExecutionStatus::Succeeded);
    let after = release::pipeline_view(&ctx, PIPELINE).await.unwrap();
    for s in &after.stages {
        if !finished.contains(&s.name) && s.status == Some(ExecutionStatus::Succeeded) {
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
    assert_eq!(listed[0].status, ExecutionStatus::Succeeded);
}

#[tokio::test]
async fn a_double_click_starts_one_execution() {
    let (_account, ctx) = seeded(0.2).await;
    let (first, second) = (request("same-token"), request("same-token"));
    let (a, b) = tokio::join!(
        release::release(&ctx, &first),
        release::release(&ctx, &second)
    );
    let a = a.unwrap();
    assert_eq!(a, b.unwrap());
    let listed = release::executions(&ctx, PIPELINE, 10).await.unwrap();
    let running = listed
        .iter()
        .filter(|e| e.status == ExecutionStatus::InProgress)
        .count();
    assert_eq!(running, 1);
    // The same dialog with another commit is another release: the token follows the content.
    let mut changed = request("same-token");
    changed.revision = Some("0123456789abcdef0123456789abcdef01234567".into());
    let c = release::release(&ctx, &changed).await.unwrap();
    assert_ne!(c, a);
    assert_eq!(release::release(&ctx, &changed).await.unwrap(), c);
}

#[test]
fn cli_release_with_the_same_client_request_token_starts_one_execution() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (account, _ctx) = rt.block_on(seeded(0.5));
    let run = |token: &str| {
        let release = ["release", PIPELINE, "--client-request-token", token];
        let out = run_output(cli_as(&account, None).args(release).args(emulator_args()));
        assert_exit(&out, 0);
        stdout_text(&out).trim().to_owned()
    };
    // Run again after a dropped connection: the same execution, not a second release.
    let first = run("deploy-1234");
    assert_eq!(run("deploy-1234"), first);
    assert_ne!(run("deploy-5678"), first);
}

#[tokio::test]
async fn a_failed_build_shows_its_error_and_retry_succeeds() {
    let (account, ctx) = seeded(0.1).await;
    let message = Some("docker build exited with 1");
    fail_next_build(Some(&account), PROJECT, "BUILD", message);
    let id = release::release(&ctx, &request("fail")).await.unwrap();
    assert_eq!(wait_end(&ctx, &id).await, ExecutionStatus::Failed);
    let view = release::pipeline_view(&ctx, PIPELINE).await.unwrap();
    let build = view.stages.iter().find(|s| s.name == "Build").unwrap();
    assert_eq!(build.status, Some(ExecutionStatus::Failed));
    let error = build.actions[0].error.clone().unwrap_or_default();
    assert!(!error.is_empty(), "{:?}", build.actions[0]);
    assert_eq!(view.poll_after_ms, release::POLL_IDLE_MS);

    let retried = release::retry(&ctx, PIPELINE, "Build", None, false)
        .await
        .unwrap();
    assert_eq!(retried, id);
    assert_eq!(wait_end(&ctx, &id).await, ExecutionStatus::Succeeded);
}

#[tokio::test]
async fn stop_and_abandon_ends_the_execution() {
    let (_account, ctx) = seeded(0.5).await;
    let id = release::release(&ctx, &request("stop")).await.unwrap();
    release::stop(&ctx, PIPELINE, &id, true, Some("wrong commit"))
        .await
        .unwrap();
    let status = wait_end(&ctx, &id).await;
    assert_eq!(status, ExecutionStatus::Stopped);
}

#[tokio::test]
async fn bad_revision_is_rejected_before_any_call() {
    let (account, ctx) = seeded(0.5).await;
    reset_requests(&account);
    let mut req = request("bad");
    req.revision = Some("not-a-sha".into());
    let e = release::release(&ctx, &req).await.unwrap_err();
    assert_eq!(e.field(), Some("revision"));
    let counts = requests(&account);
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
        let release = ["release", PIPELINE, "--wait", "--poll-seconds", "0.1"];
        run_output(
            cli_as(&account, None)
                .args(release)
                .args(emulator_args())
                .args(extra),
        )
    };
    let started = Instant::now();
    let ok = run(&[]);
    assert_exit(&ok, 0);
    let stderr = String::from_utf8_lossy(&ok.stderr);
    assert!(
        stderr.contains("Build: InProgress") || stderr.contains("Build: Succeeded"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("Succeeded"));
    assert!(started.elapsed() < Duration::from_secs(60));

    fail_next_build(Some(&account), PROJECT, "BUILD", None);
    let failed = run(&[]);
    assert_exit(&failed, 1);
    assert!(String::from_utf8_lossy(&failed.stdout).contains("Failed"));
}

#[tokio::test]
async fn an_idle_poll_costs_one_request_and_a_new_execution_is_seen_at_once() {
    let (account, ctx) = seeded(0.1).await;
    let cache = release::ViewCache::default();
    let first = cache.poll(&ctx, PIPELINE).await.unwrap();
    assert!(!first.in_progress);
    reset_requests(&account);
    for _ in 0..4 {
        cache.poll(&ctx, PIPELINE).await.unwrap();
    }
    assert_eq!(
        requests_total(&account),
        4,
        "four idle polls should be four requests"
    );
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
    configure(&account, json!({"autoStartOnCreate": false}));
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
