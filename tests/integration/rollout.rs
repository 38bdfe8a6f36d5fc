//! Releases judged by their ECS rollout (completed, rolled back by the circuit breaker, stuck),
//! roll back (RollbackStage on V2, UpdateService on V1) and failures explained, against the
//! emulator's ECS deployments; the CLI's exit codes and output for each.

use std::time::Duration;

use pipewright_core::apply::AwsCtx;
use pipewright_core::history::{self, HistoryStore};
use pipewright_core::paths::AppDirs;
use pipewright_core::release::{self, ReleaseRequest};
use pipewright_core::rollback::{self, RollbackMethod};
use pipewright_core::rollout::{self, RolloutState};
use pipewright_core::service_change::{self, ServiceChangeState};
use pipewright_core::verdict::{self, VerdictCache};
use pipewright_core::ExecutionStatus;
use pipewright_tests::{
    apply_options, assert_exit, available_connection, cli_run, complete_connection, control,
    ecs_account, fail_next_build, inline_policy, reference_plan, release_request, requests,
    reset_requests, seeded_stepping as seeded, stderr_text, stdout_json, stdout_text, step_seconds,
    PIPELINE, PROJECT,
};
use serde_json::json;

fn request(token: &str) -> ReleaseRequest {
    release_request(PIPELINE, token)
}

/// `pipewright-cli` as `account` against the emulator, with its own Pipewright home.
fn cli(account: &str, home: &std::path::Path, args: &[&str]) -> std::process::Output {
    cli_run(account, Some(home), args)
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

/// The next deployment fails with `failure`: the circuit breaker rolls it back, and CodePipeline's
/// ECS action still says Succeeded.
fn circuit_breaker_rolls_back_next(account: &str, failure: &str) {
    next_rollout(account, "rollback", failure, "Succeeded");
}

#[tokio::test]
async fn a_completed_rollout_is_a_succeeded_release_with_its_tasks_up() {
    let (_account, ctx) = seeded(0.1).await;
    let id = release::release(&ctx, &request("ok")).await.unwrap();
    let (status, view) = release::wait(&ctx, PIPELINE, &id, Duration::from_millis(50), |_| {})
        .await
        .unwrap();
    assert_eq!(status, ExecutionStatus::Succeeded);
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
    circuit_breaker_rolls_back_next(&account, "CannotPullContainerError");
    let id = release::release(&ctx, &request("bad")).await.unwrap();
    let (status, view) = release::wait(&ctx, PIPELINE, &id, Duration::from_millis(50), |_| {})
        .await
        .unwrap();
    assert_eq!(status, ExecutionStatus::Failed);
    let exec = release::execution(&ctx, PIPELINE, &id).await.unwrap();
    assert_eq!(
        exec.status,
        ExecutionStatus::Succeeded,
        "CodePipeline's own word"
    );

    let latest = view.latest.as_ref().unwrap();
    assert_eq!(latest.status, ExecutionStatus::Failed);
    assert_eq!(latest.pipeline_status, Some(ExecutionStatus::Succeeded));
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
    assert_eq!(rec.status, ExecutionStatus::Failed);
    assert_eq!(rec.pipeline_status, Some(ExecutionStatus::Succeeded));
    assert_eq!(rec.deploy_status, Some(ExecutionStatus::Failed));
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
        ExecutionStatus::Failed
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
    assert_eq!(status, ExecutionStatus::Failed);
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
    assert_eq!(
        view.latest.as_ref().unwrap().status,
        ExecutionStatus::InProgress
    );
    release::stop(&ctx, PIPELINE, &id, true, None)
        .await
        .unwrap();
}

#[test]
fn cli_release_wait_and_status_exit_1_with_the_rollout_and_the_stopped_tasks_reasons() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (account, _ctx) = rt.block_on(seeded(0.1));
    let home = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| cli(&account, home.path(), args);
    circuit_breaker_rolls_back_next(&account, "CannotPullContainerError");
    let out = cli(&["release", PIPELINE, "--wait", "--poll-seconds", "0.1"]);
    let stdout = stdout_text(&out);
    let stderr = stderr_text(&out);
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
    assert_exit(&status, 1);
    let stdout = stdout_text(&status);
    assert!(
        stdout.contains("latest release")
            && stdout.contains("Failed (CodePipeline says Succeeded)"),
        "{stdout}"
    );
    assert!(stdout.contains(": CannotPullContainerError"), "{stdout}");

    let json_out = cli(&["--json", "status", PIPELINE]);
    assert_exit(&json_out, 1);
    let v = stdout_json(&json_out);
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
    assert_exit(&ok, 0);
    let v = stdout_json(&ok);
    assert_eq!(v["status"], "Succeeded");
    assert_eq!(v["rollout"]["state"], "COMPLETED");
    assert_exit(&cli(&["status", PIPELINE]), 0);
}

// ------------------------------------------------------------------ roll back to a release

async fn release_and_wait(ctx: &AwsCtx, token: &str) -> (String, ExecutionStatus) {
    let id = release::release(ctx, &request(token)).await.unwrap();
    let (status, _) = release::wait(ctx, PIPELINE, &id, Duration::from_millis(50), |_| {})
        .await
        .unwrap();
    (id, status)
}

/// The task definition the service runs, and its newest deployment's task definition and status.
async fn service_state(ctx: &AwsCtx) -> (String, Option<String>, Option<String>) {
    let out = ctx
        .ecs()
        .describe_services()
        .cluster("cruddur")
        .services(SERVICE)
        .send()
        .await
        .unwrap();
    let service = &out.services()[0];
    let newest = service.deployments().first();
    (
        service.task_definition().unwrap().to_owned(),
        newest.and_then(|d| d.task_definition()).map(str::to_owned),
        newest.and_then(|d| d.status()).map(str::to_owned),
    )
}

async fn service_task_definition(ctx: &AwsCtx) -> String {
    service_state(ctx).await.0
}

/// V1 pipeline: no RollbackStage; the service goes back to the task definition that release
/// deployed, found again by its image tag once ECS forgot that deployment.
#[tokio::test]
async fn rollback_of_a_v1_pipeline_updates_the_service_to_that_release_s_task_definition() {
    let (_account, ctx) = seeded(0.1).await;
    let (a, status) = release_and_wait(&ctx, "a").await;
    assert_eq!(status, ExecutionStatus::Succeeded);
    let a_td = service_task_definition(&ctx).await;
    let (b, status) = release_and_wait(&ctx, "b").await;
    assert_eq!(status, ExecutionStatus::Succeeded);
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

    let home = tempfile::tempdir().unwrap();
    let dirs = AppDirs::at(home.path());
    let b_td = service_task_definition(&ctx).await;
    let done = rollback::run(&ctx, &dirs, &plan).await.unwrap();
    assert_eq!(done.task_definition.as_deref(), Some(a_td.as_str()));
    // The update is journaled, with what the service ran before.
    let change = done.change.clone().unwrap();
    assert_eq!(change.state, ServiceChangeState::Done);
    assert_eq!(change.from_task_definition, b_td);
    assert_eq!(change.to_task_definition, a_td);
    assert_eq!(
        service_change::list(&dirs, &ctx.account, &ctx.region, PIPELINE).unwrap(),
        vec![change.clone()]
    );
    let (_, deployed, deployment) = service_state(&ctx).await;
    assert_eq!(deployed.as_deref(), Some(a_td.as_str()));
    assert_eq!(deployment.as_deref(), Some("PRIMARY"));
    // Its rollout is followed to the end.
    let rolled = service_change::wait(&ctx, &change, Duration::from_millis(100), |_| {})
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rolled.state, RolloutState::Completed);

    // Undo puts the service back on what it ran, once.
    let undone = service_change::undo(&ctx, &dirs, &change.id).await.unwrap();
    assert_eq!(undone.state, ServiceChangeState::Undone);
    assert_eq!(service_task_definition(&ctx).await, b_td);
    let again = service_change::undo(&ctx, &dirs, &change.id)
        .await
        .unwrap_err();
    assert!(again.message().contains("already undone"), "{again:?}");
    // After a later release the service has moved on: undo does not overwrite it.
    let redo = rollback::run(&ctx, &dirs, &plan)
        .await
        .unwrap()
        .change
        .unwrap();
    let (_c, status) = release_and_wait(&ctx, "c").await;
    assert_eq!(status, ExecutionStatus::Succeeded);
    let c_td = service_task_definition(&ctx).await;
    let refused = service_change::undo(&ctx, &dirs, &redo.id)
        .await
        .unwrap_err();
    assert!(refused.message().contains("has moved on"), "{refused:?}");
    assert_eq!(service_task_definition(&ctx).await, c_td);

    // Going back to a release that did not deploy is refused before any change, naming the field.
    let e = rollback::plan(&ctx, &store, PIPELINE, Some("not-an-id"))
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("to"));
}

#[test]
fn cli_rollback_of_a_v1_pipeline_waits_for_its_rollout_and_undo_puts_it_back() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (account, ctx) = rt.block_on(seeded(0.1));
    let (_a, status) = rt.block_on(release_and_wait(&ctx, "a"));
    assert_eq!(status, ExecutionStatus::Succeeded);
    let a_td = rt.block_on(service_task_definition(&ctx));
    let (_b, status) = rt.block_on(release_and_wait(&ctx, "b"));
    assert_eq!(status, ExecutionStatus::Succeeded);
    let b_td = rt.block_on(service_task_definition(&ctx));

    let home = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| cli(&account, home.path(), args);
    let wait = ["--yes", "--wait", "--poll-seconds", "0.1"];
    let out = cli(&[&["--json", "rollback", PIPELINE][..], &wait[..]].concat());
    assert_exit(&out, 0);
    let v = stdout_json(&out);
    assert_eq!(v["plan"]["method"], "UpdateService");
    assert_eq!(v["result"]["change"]["state"], "done");
    assert_eq!(v["result"]["change"]["fromTaskDefinition"], b_td.as_str());
    assert_eq!(
        v["status"], "Succeeded",
        "the rollout was followed to its end"
    );
    assert_eq!(rt.block_on(service_task_definition(&ctx)), a_td);

    // Undo: asked for --yes, then the service goes back to what it ran.
    let refused = cli(&["rollback", PIPELINE, "--undo"]);
    assert_exit(&refused, 2);
    let shown = stderr_text(&refused);
    assert!(
        shown.contains(&format!("back from {a_td} to {b_td}")),
        "{shown}"
    );
    let out = cli(&[&["--json", "rollback", PIPELINE, "--undo"][..], &wait[..]].concat());
    assert_exit(&out, 0);
    let v = stdout_json(&out);
    assert_eq!(v["change"]["state"], "undone");
    assert_eq!(v["status"], "Succeeded");
    assert_eq!(rt.block_on(service_task_definition(&ctx)), b_td);
    // Nothing left to undo.
    let none = cli(&["rollback", PIPELINE, "--undo", "--yes"]);
    assert!(!none.status.success());
    assert!(stderr_text(&none).contains("to undo"));
}

/// The Pipelines list judges the latest release by its rollout, as the pipeline page does, and
/// asks AWS about a settled one only once.
#[tokio::test]
async fn the_pipelines_list_says_failed_for_a_release_the_circuit_breaker_rolled_back() {
    let (account, ctx) = seeded(0.1).await;
    circuit_breaker_rolls_back_next(&account, "CannotPullContainerError");
    let (bad, status) = release_and_wait(&ctx, "bad").await;
    assert_eq!(status, ExecutionStatus::Failed);
    let cache = VerdictCache::default();
    let latest = |list: &[release::PipelineSummary]| {
        list.iter()
            .find(|p| p.name == PIPELINE)
            .and_then(|p| p.latest.clone())
            .unwrap()
    };
    let mut list = release::list_pipelines(&ctx).await.unwrap();
    assert_eq!(latest(&list).id, bad);
    assert_eq!(
        latest(&list).status,
        ExecutionStatus::Succeeded,
        "CodePipeline's word"
    );
    verdict::judge_latest(&ctx, &cache, &mut list).await;
    let judged = latest(&list);
    assert_eq!(judged.status, ExecutionStatus::Failed);
    assert_eq!(judged.pipeline_status, Some(ExecutionStatus::Succeeded));
    assert!(
        judged
            .status_summary
            .as_deref()
            .is_some_and(|s| s.contains("circuit breaker")),
        "{judged:?}"
    );

    // Settled: the next poll asks nothing more than the list itself.
    reset_requests(&account);
    let mut again = release::list_pipelines(&ctx).await.unwrap();
    verdict::judge_latest(&ctx, &cache, &mut again).await;
    assert_eq!(latest(&again).status, ExecutionStatus::Failed);
    let counts = requests(&account);
    let asked: Vec<&String> = counts["counts"].as_object().unwrap().keys().collect();
    assert!(
        asked
            .iter()
            .all(|k| k.contains("ListPipelines") || k.contains("ListPipelineExecutions")),
        "{asked:?}"
    );

    // A release whose rollout completes stays Succeeded.
    let (good, status) = release_and_wait(&ctx, "good").await;
    assert_eq!(status, ExecutionStatus::Succeeded);
    let mut list = release::list_pipelines(&ctx).await.unwrap();
    verdict::judge_latest(&ctx, &cache, &mut list).await;
    assert_eq!(latest(&list).id, good);
    assert_eq!(latest(&list).status, ExecutionStatus::Succeeded);
    assert_eq!(latest(&list).pipeline_status, None);
}

/// A settled release the rollout failed is cached like any idle view: an idle poll is one request
/// (not the stopped tasks again), though its status is the rollout's, not CodePipeline's.
#[tokio::test]
async fn an_idle_poll_of_a_rolled_back_release_is_one_request() {
    let (account, ctx) = seeded(0.1).await;
    circuit_breaker_rolls_back_next(&account, "EssentialContainerExited");
    let (_bad, status) = release_and_wait(&ctx, "bad").await;
    assert_eq!(status, ExecutionStatus::Failed);
    let cache = release::ViewCache::default();
    let first = cache.poll(&ctx, PIPELINE).await.unwrap();
    assert!(!first.in_progress);
    assert_eq!(
        first.latest.as_ref().unwrap().status,
        ExecutionStatus::Failed
    );
    reset_requests(&account);
    for _ in 0..3 {
        let view = cache.poll(&ctx, PIPELINE).await.unwrap();
        assert_eq!(
            view.latest.as_ref().unwrap().status,
            ExecutionStatus::Failed
        );
    }
    let counts = requests(&account);
    assert_eq!(counts["total"], 3, "{counts}");
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
    assert_eq!(status, ExecutionStatus::Succeeded);
    let good_td = rt.block_on(service_task_definition(&ctx));
    circuit_breaker_rolls_back_next(&account, "HealthCheckFailed");
    let (bad, status) = rt.block_on(release_and_wait(&ctx, "bad"));
    assert_eq!(
        status,
        ExecutionStatus::Failed,
        "the circuit breaker rolled it back"
    );

    let home = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| cli(&account, home.path(), args);
    // Without a terminal and without --yes: refused, nothing done.
    let refused = cli(&["rollback", PIPELINE]);
    assert_exit(&refused, 2);
    let shown = stderr_text(&refused);
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
    assert_exit(&out, 0);
    let v = stdout_json(&out);
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

// ------------------------------------------------------------------ failures explained

#[test]
fn cli_explains_an_ecr_login_denied_in_status_and_logs() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (account, _ctx) = rt.block_on(seeded(0.1));
    let home = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| cli(&account, home.path(), args);
    fail_next_build(Some(&account), PROJECT, "PRE_BUILD", None);
    let released = cli(&["release", PIPELINE, "--wait", "--poll-seconds", "0.1"]);
    assert_eq!(released.status.code(), Some(1));

    let status = cli(&["--json", "status", PIPELINE]);
    assert_eq!(status.status.code(), Some(1));
    let v = stdout_json(&status);
    let d = &v["stages"][1]["actions"][0]["diagnosis"];
    assert_eq!(d["code"], "ecr_login_denied", "{v}");
    assert_eq!(d["phase"], "PRE_BUILD");
    assert_eq!(d["planFix"], true);
    assert!(d["fix"].as_str().unwrap().contains("\"*\""));
    assert!(d["lines"][0]
        .as_str()
        .unwrap()
        .contains("is not authorized to perform: ecr:GetAuthorizationToken on resource: *"));

    let text = cli(&["status", PIPELINE]);
    let stdout = stdout_text(&text);
    assert!(
        stdout.contains("diagnosis: The build may not log in to ECR (in PRE_BUILD)"),
        "{stdout}"
    );
    assert!(stdout.contains("apply the plan again"), "{stdout}");

    let build_id = v["stages"][1]["actions"][0]["externalExecutionId"]
        .as_str()
        .unwrap()
        .to_owned();
    let logs = cli(&["--json", "logs", &build_id]);
    assert_eq!(logs.status.code(), Some(0));
    let l = stdout_json(&logs);
    assert_eq!(l["status"], "FAILED");
    assert_eq!(l["diagnosis"]["code"], "ecr_login_denied");
    assert!(l["lines"].as_array().unwrap().len() > 10);
    let plain = cli(&["logs", &build_id]);
    let stderr = stderr_text(&plain);
    assert!(
        stderr.starts_with("diagnosis: The build may not log in to ECR (in PRE_BUILD)"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_build_failure_is_its_phase_and_last_error_lines() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (account, _ctx) = rt.block_on(seeded(0.1));
    let home = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| cli(&account, home.path(), args);
    fail_next_build(Some(&account), PROJECT, "BUILD", None);
    cli(&["release", PIPELINE, "--wait", "--poll-seconds", "0.1"]);
    let v = stdout_json(&cli(&["--json", "status", PIPELINE]));
    let d = &v["stages"][1]["actions"][0]["diagnosis"];
    assert_eq!(d["code"], "unknown", "{v}");
    assert_eq!(d["title"], "Failed in BUILD");
    let lines: Vec<&str> = d["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("No matching distribution found for flask-otel")),
        "{lines:?}"
    );
    assert!(lines.iter().all(|l| !l.contains('\u{1b}')), "{lines:?}");
}

#[test]
fn a_rolled_back_deploy_and_a_pending_connection_are_explained() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (account, ctx) = rt.block_on(seeded(0.1));
    let home = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| cli(&account, home.path(), args);
    next_rollout(&account, "rollback", "CannotPullContainerError", "Failed");
    cli(&["release", PIPELINE, "--wait", "--poll-seconds", "0.1"]);
    let v = stdout_json(&cli(&["--json", "status", PIPELINE]));
    let d = &v["stages"][2]["actions"][0]["diagnosis"];
    assert_eq!(d["code"], "image_not_found", "{v}");
    assert_eq!(d["phase"], "Deploy");

    // The connection goes back to PENDING: the Source action fails, and says why.
    let cp = ctx.codepipeline();
    let got = rt
        .block_on(cp.get_pipeline().name(PIPELINE).send())
        .unwrap();
    let arn = got.pipeline().unwrap().stages()[0].actions()[0]
        .configuration()
        .unwrap()["ConnectionArn"]
        .clone();
    complete_connection(&arn, "PENDING");
    cli(&["release", PIPELINE, "--wait", "--poll-seconds", "0.1"]);
    let v = stdout_json(&cli(&["--json", "status", PIPELINE]));
    let d = &v["stages"][0]["actions"][0]["diagnosis"];
    assert_eq!(d["code"], "connection_not_available", "{v}");
}

// ------------------------------------------------------------------ approval before prod

#[tokio::test]
async fn an_applied_approval_stage_waits_until_approved_and_a_rejection_fails_the_release() {
    use pipewright_core::apply::{self, ReceiptStatus};
    use pipewright_core::approval;
    use pipewright_core::plan::{ApprovalSettings, ConnectionChoice};

    let account = ecs_account();
    step_seconds(&account, 0.1);
    let ctx = pipewright_tests::aws_ctx(&account).await;
    let cfg = pipewright_tests::sdk_config(&account).await;
    let arn = available_connection(&cfg, "Cruddur").await;
    let mut plan = reference_plan();
    plan.source.connection = ConnectionChoice::Existing { arn };
    let topic = format!("arn:aws:sns:us-east-1:{account}:prod-approvals");
    plan.pipeline.approval = Some(ApprovalSettings {
        sns_topic_arn: Some(topic.clone()),
        review_url: Some("https://staging.example.com".into()),
        comments: Some("Check staging first".into()),
    });
    let home = tempfile::tempdir().unwrap();
    let dirs = pipewright_core::paths::AppDirs::at(home.path());
    let opts = apply_options(Duration::from_secs(30));
    let receipt = apply::apply(&dirs, &ctx, &plan, &opts, false, &|_| {})
        .await
        .unwrap();
    assert_eq!(
        receipt.status,
        ReceiptStatus::Succeeded,
        "{:?}",
        receipt.error
    );
    let name = plan.pipeline.name.clone();

    // The pipeline role may publish to the topic, and to nothing else.
    let iam = aws_sdk_iam::Client::new(&cfg);
    let role = plan.pipeline_role_name("us-east-1");
    let doc = inline_policy(&iam, &role, "PipewrightCodePipeline")
        .await
        .expect("the pipeline role's policy");
    let sns: Vec<&serde_json::Value> = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s.to_string().contains("sns:"))
        .collect();
    assert_eq!(sns.len(), 1, "{doc}");
    assert_eq!(sns[0]["Action"], "sns:Publish");
    assert_eq!(sns[0]["Resource"], topic.as_str());

    // CreatePipeline started an execution: it waits at the approval, with what it asks.
    let waiting = |ctx: AwsCtx, name: String| async move {
        let view = release::pipeline_view(&ctx, &name).await.unwrap();
        let stage = view.stages.iter().find(|s| s.name == "Approval")?.clone();
        let a = stage.actions.first()?.clone();
        a.awaiting_approval.then_some((view, a))
    };
    let (view, action) =
        pipewright_tests::eventually(Duration::from_secs(30), "the approval to wait", || {
            waiting(ctx.clone(), name.clone())
        })
        .await;
    let names: Vec<&str> = view.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Source", "Build", "Approval", "Deploy"]);
    let info = action.approval.unwrap();
    assert_eq!(info.comments.as_deref(), Some("Check staging first"));
    assert_eq!(
        info.review_url.as_deref(),
        Some("https://staging.example.com")
    );
    assert!(info.approvers.contains("codepipeline:PutApprovalResult"));
    let first = view.latest.unwrap().id;

    // A comment over CodePipeline's 512 characters is refused before any call.
    let long = "x".repeat(513);
    let e = approval::decide(&ctx, &name, true, Some(&long))
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("comment"));

    // The CLI approves it; the release goes on to Deploy and succeeds.
    let out = cli(
        &account,
        home.path(),
        &["approve", &name, "--comment", "staging looks good"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr_text(&out));
    assert!(stdout_text(&out).starts_with("approved Approval/Approve"));
    let (status, _) = release::wait(&ctx, &name, &first, Duration::from_millis(50), |_| {})
        .await
        .unwrap();
    assert_eq!(status, ExecutionStatus::Succeeded);
    // Nothing waits now: a clear error.
    let none = cli(&account, home.path(), &["approve", &name]);
    assert_eq!(none.status.code(), Some(1));
    assert!(stderr_text(&none).contains("no approval is waiting"));

    // A rejected release fails at the approval; Deploy does not run for it.
    let second = release::release(&ctx, &release_request(&name, "second"))
        .await
        .unwrap();
    pipewright_tests::eventually(Duration::from_secs(30), "the second approval", || {
        let (ctx, name, second) = (ctx.clone(), name.clone(), second.clone());
        async move {
            waiting(ctx, name)
                .await
                .filter(|(v, _)| v.latest.as_ref().is_some_and(|l| l.id == second))
        }
    })
    .await;
    let done = approval::decide(&ctx, &name, false, Some("not today"))
        .await
        .unwrap();
    assert!(!done.approved);
    let (status, view) = release::wait(&ctx, &name, &second, Duration::from_millis(50), |_| {})
        .await
        .unwrap();
    assert_eq!(status, ExecutionStatus::Failed);
    let deploy = view.stages.iter().find(|s| s.name == "Deploy").unwrap();
    assert_ne!(deploy.execution_id.as_deref(), Some(second.as_str()));
}
