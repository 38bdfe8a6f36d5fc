//! Every operation the Pipewright emulator adds to moto, exercised from Rust through the real
//! aws-sdk crates, plus its control endpoints (handshake, faults, build outcomes, seeding).

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use aws_sdk_codebuild::types::{
    ArtifactsType, ComputeType, StatusType, WebhookFilter, WebhookFilterType,
};
use aws_sdk_codepipeline::types::{PipelineExecutionStatus, StageRetryMode};
use aws_sdk_codestarconnections::types::{ConnectionStatus, ProviderType};
use pipewright_tests::{
    complete_connection, create_project, emulator_url, eventually, eventually_every,
    fail_next_build, finished_builds, github_source, inject_fault, linux_environment, new_account,
    sdk_config, seed, service_role, start_build, step_seconds, BUILD_IMAGE, BUILD_PHASES, PIPELINE,
    PROJECT,
};

const WAIT: Duration = Duration::from_secs(60);

#[tokio::test]
async fn codestar_connection_lifecycle_with_console_handshake() {
    let account = new_account();
    let cfg = sdk_config(&account).await;
    let client = aws_sdk_codestarconnections::Client::new(&cfg);

    let created = client
        .create_connection()
        .provider_type(ProviderType::Github)
        .connection_name("Cruddur")
        .send()
        .await
        .unwrap();
    let arn = created.connection_arn().to_owned();
    assert!(
        arn.starts_with(&format!(
            "arn:aws:codestar-connections:us-east-1:{account}:connection/"
        )),
        "{arn}"
    );

    let get = || client.get_connection().connection_arn(&arn).send();
    let got = get().await.unwrap();
    let conn = got.connection().unwrap();
    assert_eq!(conn.connection_status(), Some(&ConnectionStatus::Pending));
    assert_eq!(conn.connection_name(), Some("Cruddur"));
    assert_eq!(conn.provider_type(), Some(&ProviderType::Github));

    // Another account does not see it.
    let other = aws_sdk_codestarconnections::Client::new(&sdk_config(&new_account()).await);
    let theirs = other.list_connections().send().await.unwrap();
    assert!(theirs.connections().is_empty());

    // The user finishes the handshake in the console.
    complete_connection(&arn, "AVAILABLE");
    let got = get().await.unwrap();
    assert_eq!(
        got.connection().unwrap().connection_status(),
        Some(&ConnectionStatus::Available)
    );

    let listed = client
        .list_connections()
        .provider_type_filter(ProviderType::Github)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.connections().len(), 1);
    assert_eq!(listed.connections()[0].connection_arn(), Some(arn.as_str()));

    client
        .delete_connection()
        .connection_arn(&arn)
        .send()
        .await
        .unwrap();
    let err = get().await.unwrap_err();
    assert!(
        err.as_service_error()
            .unwrap()
            .is_resource_not_found_exception(),
        "{err:?}"
    );
}

#[tokio::test]
async fn codestar_connections_paginate() {
    let cfg = sdk_config(&new_account()).await;
    let client = aws_sdk_codestarconnections::Client::new(&cfg);
    for i in 0..5 {
        client
            .create_connection()
            .provider_type(ProviderType::Github)
            .connection_name(format!("c{i}"))
            .send()
            .await
            .unwrap();
    }
    let pages: Vec<_> = client
        .list_connections()
        .max_results(2)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    let total: usize = pages.iter().map(|p| p.connections().len()).sum();
    assert_eq!(total, 5);
}

async fn github_project(
    cfg: &aws_config::SdkConfig,
    name: &str,
) -> aws_sdk_codebuild::operation::create_project::builders::CreateProjectFluentBuilder {
    let role = service_role(
        cfg,
        &format!("codebuild-{name}-service-role"),
        "codebuild.amazonaws.com",
    )
    .await;
    let cb = aws_sdk_codebuild::Client::new(cfg);
    let source = github_source(
        "https://github.com/example/cruddur.git",
        Some("backend-flask/buildspec.yml"),
    );
    let environment = linux_environment(BUILD_IMAGE, ComputeType::BuildGeneral1Small, true);
    create_project(&cb, name, source, environment, &role)
        .description("bake the backend image")
        .timeout_in_minutes(20)
        .badge_enabled(true)
}

/// The config of `account` and its CodeBuild client, with the GitHub project `name` made.
async fn project_in(
    account: &str,
    name: &str,
) -> (aws_config::SdkConfig, aws_sdk_codebuild::Client) {
    let cfg = sdk_config(account).await;
    github_project(&cfg, name).await.send().await.unwrap();
    let client = aws_sdk_codebuild::Client::new(&cfg);
    (cfg, client)
}

fn merged_into_prod() -> Vec<WebhookFilter> {
    vec![
        WebhookFilter::builder()
            .r#type(WebhookFilterType::Event)
            .pattern("PULL_REQUEST_MERGED")
            .build()
            .unwrap(),
        WebhookFilter::builder()
            .r#type(WebhookFilterType::BaseRef)
            .pattern("^refs/heads/prod$")
            .build()
            .unwrap(),
    ]
}

#[tokio::test]
async fn codebuild_webhooks_and_update_project() {
    let name = "cruddur-backend-flask-bake-image";
    let (_cfg, client) = project_in(&new_account(), name).await;

    let hook = client
        .create_webhook()
        .project_name(name)
        .filter_groups(merged_into_prod())
        .send()
        .await
        .unwrap();
    let hook = hook.webhook().unwrap();
    assert!(
        hook.payload_url().is_some() || hook.url().is_some(),
        "{hook:?}"
    );

    let project = || async {
        let out = client.batch_get_projects().names(name).send().await;
        out.unwrap().projects()[0].clone()
    };
    let p = project().await;
    let env = p.environment().unwrap();
    assert_eq!(env.privileged_mode(), Some(true));
    assert_eq!(
        env.image(),
        "aws/codebuild/amazonlinux2-x86_64-standard:5.0"
    );
    assert_eq!(p.timeout_in_minutes(), Some(20));
    assert_eq!(
        p.source().unwrap().buildspec(),
        Some("backend-flask/buildspec.yml")
    );
    assert_eq!(p.artifacts().unwrap().r#type(), &ArtifactsType::NoArtifacts);
    assert!(
        p.badge().is_some_and(|b| b.badge_enabled()),
        "{:?}",
        p.badge()
    );
    let groups = p.webhook().unwrap().filter_groups();
    assert_eq!(groups.len(), 1);
    let patterns: Vec<&str> = groups[0].iter().map(|f| f.pattern()).collect();
    assert_eq!(patterns, vec!["PULL_REQUEST_MERGED", "^refs/heads/prod$"]);

    // UpdateWebhook: also fire on pushes to prod.
    let mut push = merged_into_prod();
    push[0] = WebhookFilter::builder()
        .r#type(WebhookFilterType::Event)
        .pattern("PUSH")
        .build()
        .unwrap();
    client
        .update_webhook()
        .project_name(name)
        .filter_groups(merged_into_prod())
        .filter_groups(push)
        .send()
        .await
        .unwrap();
    let p = project().await;
    assert_eq!(p.webhook().unwrap().filter_groups().len(), 2);

    // UpdateProject changes only what it is given.
    client
        .update_project()
        .name(name)
        .timeout_in_minutes(30)
        .description("changed")
        .send()
        .await
        .unwrap();
    let p = project().await;
    assert_eq!(p.timeout_in_minutes(), Some(30));
    assert_eq!(p.description(), Some("changed"));
    assert_eq!(p.environment().unwrap().privileged_mode(), Some(true));

    client
        .delete_webhook()
        .project_name(name)
        .send()
        .await
        .unwrap();
    let p = project().await;
    assert!(p.webhook().is_none_or(|w| w.filter_groups().is_empty()));
}

#[tokio::test]
async fn builds_progress_through_phases_and_write_logs() {
    let name = "bake";
    let (cfg, client) = project_in(&new_account(), name).await;

    let started = client
        .start_build()
        .project_name(name)
        .send()
        .await
        .unwrap();
    let id = started.build_value().unwrap().id().unwrap().to_owned();
    assert_eq!(
        started.build_value().unwrap().build_status(),
        Some(&StatusType::InProgress)
    );

    let ids = std::slice::from_ref(&id);
    let build = finished_builds(&client, ids, "the build to finish").await;
    let build = &build[0];
    assert_eq!(build.build_status(), Some(&StatusType::Succeeded));
    let phases: Vec<String> = build
        .phases()
        .iter()
        .filter_map(|p| p.phase_type().map(|t| t.as_str().to_owned()))
        .collect();
    for expected in BUILD_PHASES {
        assert!(
            phases.iter().any(|p| p == expected),
            "{expected} missing from {phases:?}"
        );
    }
    // moto appends phases on every read; the emulator must not.
    let again = client.batch_get_builds().ids(&id).send().await.unwrap();
    assert_eq!(again.builds()[0].phases().len(), build.phases().len());

    let logs = build.logs().unwrap();
    let group = logs.group_name().unwrap();
    let stream = logs.stream_name().unwrap();
    let cwl = aws_sdk_cloudwatchlogs::Client::new(&cfg);
    let events = cwl
        .get_log_events()
        .log_group_name(group)
        .log_stream_name(stream)
        .start_from_head(true)
        .send()
        .await
        .unwrap();
    assert!(events.events().len() >= 5, "{:?}", events.events());

    let listed = client
        .list_builds_for_project()
        .project_name(name)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.ids(), std::slice::from_ref(&id));
}

#[tokio::test]
async fn a_build_can_be_made_to_fail_and_can_be_stopped() {
    let account = new_account();
    let name = format!("fails-{account}");
    let (_cfg, client) = project_in(&account, &name).await;
    let message = Some("docker build exited 1");
    fail_next_build(None, &name, "BUILD", message);
    let id = start_build(&client, &name).await;
    let ids = std::slice::from_ref(&id);
    let build = finished_builds(&client, ids, "the failing build to finish").await;
    let build = &build[0];
    assert_eq!(build.build_status(), Some(&StatusType::Failed));
    let failed = build
        .phases()
        .iter()
        .find(|p| p.phase_status() == Some(&StatusType::Failed))
        .expect("a failed phase");
    assert_eq!(failed.phase_type().unwrap().as_str(), "BUILD");

    // StopBuild on a running build.
    let id = start_build(&client, &name).await;
    let stopped = client.stop_build().id(&id).send().await.unwrap();
    let status = stopped.build_value().unwrap().build_status().cloned();
    let b = client
        .batch_get_builds()
        .ids(&id)
        .send()
        .await
        .unwrap()
        .builds()[0]
        .clone();
    assert!(
        matches!(status, Some(StatusType::Stopped))
            || b.build_status() == Some(&StatusType::Stopped),
        "{status:?} / {:?}",
        b.build_status()
    );
}

type CodePipeline = aws_sdk_codepipeline::Client;

/// Starts an execution of the seeded pipeline; returns its id.
async fn start_execution(cp: &CodePipeline) -> String {
    let out = cp.start_pipeline_execution().name(PIPELINE).send().await;
    out.unwrap().pipeline_execution_id().unwrap().to_owned()
}

/// The status of execution `id` of the seeded pipeline.
async fn execution_status(cp: &CodePipeline, id: &str) -> PipelineExecutionStatus {
    let out = cp
        .get_pipeline_execution()
        .pipeline_name(PIPELINE)
        .pipeline_execution_id(id)
        .send()
        .await
        .unwrap();
    out.pipeline_execution().unwrap().status().cloned().unwrap()
}

/// The status of execution `id` once `done` holds for it.
async fn execution_status_when(
    cp: &CodePipeline,
    id: &str,
    what: &str,
    done: impl Fn(&PipelineExecutionStatus) -> bool,
) -> PipelineExecutionStatus {
    eventually(WAIT, what, || async {
        let status = execution_status(cp, id).await;
        done(&status).then_some(status)
    })
    .await
}

fn ended(status: &PipelineExecutionStatus) -> bool {
    *status != PipelineExecutionStatus::InProgress
}

async fn pipeline_state(
    cp: &CodePipeline,
) -> aws_sdk_codepipeline::operation::get_pipeline_state::GetPipelineStateOutput {
    cp.get_pipeline_state().name(PIPELINE).send().await.unwrap()
}

#[tokio::test]
async fn pipeline_executions_progress_stage_by_stage_with_a_real_build() {
    let account = new_account();
    seed(&account, 3, 2);
    // Slow enough in this account to watch every stage, whatever the machine's load.
    step_seconds(&account, 0.4);
    let cfg = sdk_config(&account).await;
    let cp = aws_sdk_codepipeline::Client::new(&cfg);

    let token = format!("release-{account}");
    let start = || {
        let start = cp.start_pipeline_execution().name(PIPELINE);
        start.client_request_token(&token).send()
    };
    let first = start().await.unwrap();
    let exec_id = first.pipeline_execution_id().unwrap().to_owned();
    // A double click (same token) is the same execution.
    let again = start().await.unwrap();
    assert_eq!(again.pipeline_execution_id(), Some(exec_id.as_str()));

    assert_eq!(
        execution_status(&cp, &exec_id).await,
        PipelineExecutionStatus::InProgress
    );

    // Watch the stages fill in, in declaration order.
    let seen_in_progress = RefCell::new(BTreeSet::new());
    let every = Duration::from_millis(50);
    let status = eventually_every(WAIT, every, "the execution to finish", || async {
        let state = pipeline_state(&cp).await;
        let names: Vec<&str> = state
            .stage_states()
            .iter()
            .filter_map(|s| s.stage_name())
            .collect();
        assert_eq!(names, ["Source", "Build", "Deploy"]);
        for s in state.stage_states() {
            if let Some(latest) = s.latest_execution() {
                if latest.pipeline_execution_id() == exec_id
                    && latest.status().as_str() == "InProgress"
                {
                    let name = s.stage_name().unwrap().to_owned();
                    seen_in_progress.borrow_mut().insert(name);
                }
            }
        }
        let status = execution_status(&cp, &exec_id).await;
        ended(&status).then_some(status)
    })
    .await;
    assert_eq!(status, PipelineExecutionStatus::Succeeded);
    assert!(
        !seen_in_progress.borrow().is_empty(),
        "no stage was ever seen InProgress"
    );
    // Every stage ended Succeeded for this execution, one after the other.
    let state = pipeline_state(&cp).await;
    let mut last_change = 0.0;
    for stage in state.stage_states() {
        let latest = stage.latest_execution().expect("stage ran");
        assert_eq!(latest.pipeline_execution_id(), exec_id);
        assert_eq!(latest.status().as_str(), "Succeeded", "{stage:?}");
        for action in stage.action_states() {
            let done = action
                .latest_execution()
                .and_then(|e| e.last_status_change())
                .expect("action has a status change time")
                .as_secs_f64();
            assert!(
                done >= last_change,
                "stages finished out of order: {state:?}"
            );
            last_change = done;
        }
    }

    // The build action ran a real CodeBuild build, found through the action execution.
    let actions = cp
        .list_action_executions()
        .pipeline_name(PIPELINE)
        .filter(
            aws_sdk_codepipeline::types::ActionExecutionFilter::builder()
                .pipeline_execution_id(&exec_id)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let bake = actions
        .action_execution_details()
        .iter()
        .find(|a| a.stage_name() == Some("Build"))
        .expect("build action execution");
    let build_id = bake
        .output()
        .and_then(|o| o.execution_result())
        .and_then(|r| r.external_execution_id())
        .expect("external execution id")
        .to_owned();
    let cb = aws_sdk_codebuild::Client::new(&cfg);
    let builds = cb.batch_get_builds().ids(&build_id).send().await.unwrap();
    assert_eq!(builds.builds().len(), 1, "{build_id}");
    assert_eq!(
        builds.builds()[0].build_status(),
        Some(&StatusType::Succeeded)
    );

    // The newest execution is listed first.
    let list = cp
        .list_pipeline_executions()
        .pipeline_name(PIPELINE)
        .send()
        .await
        .unwrap();
    assert_eq!(
        list.pipeline_execution_summaries()[0].pipeline_execution_id(),
        Some(exec_id.as_str())
    );
}

#[tokio::test]
async fn a_failed_build_stage_can_be_retried_and_an_execution_stopped() {
    let account = new_account();
    seed(&account, 0, 0);
    let cfg = sdk_config(&account).await;
    let cp = aws_sdk_codepipeline::Client::new(&cfg);
    fail_next_build(Some(&account), PROJECT, "BUILD", None);
    let exec_id = start_execution(&cp).await;
    let status = execution_status_when(&cp, &exec_id, "the execution to fail", ended).await;
    assert_eq!(status, PipelineExecutionStatus::Failed);
    let state = pipeline_state(&cp).await;
    let build = state
        .stage_states()
        .iter()
        .find(|s| s.stage_name() == Some("Build"))
        .unwrap();
    let action = &build.action_states()[0];
    let latest = action.latest_execution().unwrap();
    assert_eq!(latest.status().map(|s| s.as_str()), Some("Failed"));
    assert!(latest.error_details().is_some(), "{latest:?}");

    cp.retry_stage_execution()
        .pipeline_name(PIPELINE)
        .stage_name("Build")
        .pipeline_execution_id(&exec_id)
        .retry_mode(StageRetryMode::FailedActions)
        .send()
        .await
        .unwrap();
    let what = "the retried execution to finish";
    let status = execution_status_when(&cp, &exec_id, what, ended).await;
    assert_eq!(status, PipelineExecutionStatus::Succeeded);

    // Stop (abandon) a running execution.
    let running = start_execution(&cp).await;
    cp.stop_pipeline_execution()
        .pipeline_name(PIPELINE)
        .pipeline_execution_id(&running)
        .abandon(true)
        .reason("wrong commit")
        .send()
        .await
        .unwrap();
    let status = execution_status_when(&cp, &running, "the execution to stop", |s| {
        matches!(
            s,
            PipelineExecutionStatus::Stopped
                | PipelineExecutionStatus::Stopping
                | PipelineExecutionStatus::Failed
                | PipelineExecutionStatus::Succeeded
        )
    })
    .await;
    assert!(
        matches!(
            status,
            PipelineExecutionStatus::Stopped | PipelineExecutionStatus::Stopping
        ),
        "{status:?}"
    );
}

#[tokio::test]
async fn seed_makes_history_with_past_timestamps() {
    let account = new_account();
    let made = seed(&account, 120, 10);
    assert!(made.is_object(), "{made}");
    let cfg = sdk_config(&account).await;
    let cb = aws_sdk_codebuild::Client::new(&cfg);
    let ids: Vec<String> = cb
        .list_builds_for_project()
        .project_name("cruddur-backend-flask-bake-image")
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    assert_eq!(ids.len(), 120);
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 120);
    let builds = cb
        .batch_get_builds()
        .set_ids(Some(ids[..100].to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(builds.builds().len(), 100);
    // Newest first, and spread over the past.
    let starts: Vec<f64> = builds
        .builds()
        .iter()
        .map(|b| b.start_time().unwrap().as_secs_f64())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] >= w[1]), "not newest first");
    assert!(
        starts[0] - starts[99] > 86_400.0,
        "history is not spread over days"
    );

    let cp = aws_sdk_codepipeline::Client::new(&cfg);
    let execs = cp
        .list_pipeline_executions()
        .pipeline_name(PIPELINE)
        .send()
        .await
        .unwrap();
    assert!(execs.pipeline_execution_summaries().len() >= 10);
}

#[tokio::test]
async fn injected_faults_fail_exactly_n_calls() {
    let account = new_account();
    let cfg = sdk_config(&account).await;
    let cb = aws_sdk_codebuild::Client::new(&cfg);
    inject_fault(
        &account,
        "codebuild",
        "ListProjects",
        "AccountLimitExceededException",
        400,
        1,
    );
    let err = cb.list_projects().send().await.unwrap_err();
    assert_eq!(
        aws_sdk_codebuild::error::ProvideErrorMetadata::code(&err),
        Some("AccountLimitExceededException")
    );
    cb.list_projects()
        .send()
        .await
        .expect("the second call passes");
    let faults = pipewright_tests::get(emulator_url(), "/_pipewright/faults");
    assert!(faults.to_string().len() < 10_000);
}

#[tokio::test]
async fn unimplemented_operations_fail_fast_with_a_json_error() {
    let cfg = sdk_config(&new_account()).await;
    let cp = aws_sdk_codepipeline::Client::new(&cfg);
    let started = Instant::now();
    let err = cp.list_rule_types().send().await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "took {:?}: the SDK retried an HTML 500",
        started.elapsed()
    );
    let code = aws_sdk_codepipeline::error::ProvideErrorMetadata::code(&err)
        .unwrap_or_default()
        .to_owned();
    assert!(code.contains("NotImplemented"), "{err:?}");
}
