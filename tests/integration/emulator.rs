//! Every operation the Pipewright emulator adds to moto, exercised from Rust through the real
//! aws-sdk crates, plus its control endpoints (handshake, faults, build outcomes, seeding).

use std::time::{Duration, Instant};

use aws_sdk_codebuild::types::{
    ArtifactsType, ComputeType, EnvironmentType, ProjectArtifacts, ProjectEnvironment,
    ProjectSource, SourceType, StatusType, WebhookFilter, WebhookFilterType,
};
use aws_sdk_codepipeline::types::{PipelineExecutionStatus, StageRetryMode};
use aws_sdk_codestarconnections::types::{ConnectionStatus, ProviderType};
use pipewright_tests::{
    control, emulator_url, eventually, inject_fault, new_account, sdk_config, service_role,
};
use serde_json::json;

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

    let got = client
        .get_connection()
        .connection_arn(&arn)
        .send()
        .await
        .unwrap();
    let conn = got.connection().unwrap();
    assert_eq!(conn.connection_status(), Some(&ConnectionStatus::Pending));
    assert_eq!(conn.connection_name(), Some("Cruddur"));
    assert_eq!(conn.provider_type(), Some(&ProviderType::Github));

    // Another account does not see it.
    let other = aws_sdk_codestarconnections::Client::new(&sdk_config(&new_account()).await);
    let theirs = other.list_connections().send().await.unwrap();
    assert!(theirs.connections().is_empty());

    // The user finishes the handshake in the console.
    control(
        "/_pipewright/connections/complete",
        json!({"connectionArn": arn, "status": "AVAILABLE"}),
    );
    let got = client
        .get_connection()
        .connection_arn(&arn)
        .send()
        .await
        .unwrap();
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
    let err = client
        .get_connection()
        .connection_arn(&arn)
        .send()
        .await
        .unwrap_err();
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
    aws_sdk_codebuild::Client::new(cfg)
        .create_project()
        .name(name)
        .description("bake the backend image")
        .source(
            ProjectSource::builder()
                .r#type(SourceType::Github)
                .location("https://github.com/example/cruddur.git")
                .buildspec("backend-flask/buildspec.yml")
                .build()
                .unwrap(),
        )
        .artifacts(
            ProjectArtifacts::builder()
                .r#type(ArtifactsType::NoArtifacts)
                .build()
                .unwrap(),
        )
        .environment(
            ProjectEnvironment::builder()
                .r#type(EnvironmentType::LinuxContainer)
                .image("aws/codebuild/amazonlinux2-x86_64-standard:5.0")
                .compute_type(ComputeType::BuildGeneral1Small)
                .privileged_mode(true)
                .build()
                .unwrap(),
        )
        .service_role(role)
        .timeout_in_minutes(20)
        .badge_enabled(true)
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
    let account = new_account();
    let cfg = sdk_config(&account).await;
    let client = aws_sdk_codebuild::Client::new(&cfg);
    let name = "cruddur-backend-flask-bake-image";
    github_project(&cfg, name).await.send().await.unwrap();

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

    let projects = client
        .batch_get_projects()
        .names(name)
        .send()
        .await
        .unwrap();
    let p = &projects.projects()[0];
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
    let p = client
        .batch_get_projects()
        .names(name)
        .send()
        .await
        .unwrap();
    assert_eq!(p.projects()[0].webhook().unwrap().filter_groups().len(), 2);

    // UpdateProject changes only what it is given.
    client
        .update_project()
        .name(name)
        .timeout_in_minutes(30)
        .description("changed")
        .send()
        .await
        .unwrap();
    let p = client
        .batch_get_projects()
        .names(name)
        .send()
        .await
        .unwrap();
    let p = &p.projects()[0];
    assert_eq!(p.timeout_in_minutes(), Some(30));
    assert_eq!(p.description(), Some("changed"));
    assert_eq!(p.environment().unwrap().privileged_mode(), Some(true));

    client
        .delete_webhook()
        .project_name(name)
        .send()
        .await
        .unwrap();
    let p = client
        .batch_get_projects()
        .names(name)
        .send()
        .await
        .unwrap();
    assert!(p.projects()[0]
        .webhook()
        .is_none_or(|w| w.filter_groups().is_empty()));
}

#[tokio::test]
async fn builds_progress_through_phases_and_write_logs() {
    let account = new_account();
    let cfg = sdk_config(&account).await;
    let client = aws_sdk_codebuild::Client::new(&cfg);
    let name = "bake";
    github_project(&cfg, name).await.send().await.unwrap();

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

    let build = eventually(WAIT, "the build to finish", || {
        let client = client.clone();
        let id = id.clone();
        async move {
            let out = client.batch_get_builds().ids(id).send().await.unwrap();
            let b = out.builds()[0].clone();
            (b.build_status() != Some(&StatusType::InProgress)).then_some(b)
        }
    })
    .await;
    assert_eq!(build.build_status(), Some(&StatusType::Succeeded));
    let phases: Vec<String> = build
        .phases()
        .iter()
        .filter_map(|p| p.phase_type().map(|t| t.as_str().to_owned()))
        .collect();
    for expected in [
        "SUBMITTED",
        "PROVISIONING",
        "DOWNLOAD_SOURCE",
        "INSTALL",
        "PRE_BUILD",
        "BUILD",
        "POST_BUILD",
        "COMPLETED",
    ] {
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
    let cfg = sdk_config(&account).await;
    let client = aws_sdk_codebuild::Client::new(&cfg);
    let name = format!("fails-{account}");
    github_project(&cfg, &name).await.send().await.unwrap();
    control(
        "/_pipewright/builds/next-outcome",
        json!({"project": name, "outcome": "FAILED", "phase": "BUILD", "message": "docker build exited 1"}),
    );
    let id = client
        .start_build()
        .project_name(&name)
        .send()
        .await
        .unwrap()
        .build_value()
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    let build = eventually(WAIT, "the failing build to finish", || {
        let client = client.clone();
        let id = id.clone();
        async move {
            let b = client
                .batch_get_builds()
                .ids(id)
                .send()
                .await
                .unwrap()
                .builds()[0]
                .clone();
            (b.build_status() != Some(&StatusType::InProgress)).then_some(b)
        }
    })
    .await;
    assert_eq!(build.build_status(), Some(&StatusType::Failed));
    let failed = build
        .phases()
        .iter()
        .find(|p| p.phase_status() == Some(&StatusType::Failed))
        .expect("a failed phase");
    assert_eq!(failed.phase_type().unwrap().as_str(), "BUILD");

    // StopBuild on a running build.
    let id = client
        .start_build()
        .project_name(&name)
        .send()
        .await
        .unwrap()
        .build_value()
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
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

/// The demo seed gives an account a full pipeline (Source → Build → Deploy) to release.
fn seed(account: &str, builds: u32, executions: u32) -> serde_json::Value {
    control(
        "/_pipewright/seed",
        json!({"account": account, "region": "us-east-1", "builds": builds, "executions": executions}),
    )
}

const PIPELINE: &str = "cruddur-backend-fargate";

#[tokio::test]
async fn pipeline_executions_progress_stage_by_stage_with_a_real_build() {
    let account = new_account();
    seed(&account, 3, 2);
    // Slow enough in this account to watch every stage, whatever the machine's load.
    control(
        "/_pipewright/config",
        json!({"account": account, "stepSeconds": 0.4}),
    );
    let cfg = sdk_config(&account).await;
    let cp = aws_sdk_codepipeline::Client::new(&cfg);

    let token = format!("release-{account}");
    let first = cp
        .start_pipeline_execution()
        .name(PIPELINE)
        .client_request_token(&token)
        .send()
        .await
        .unwrap();
    let exec_id = first.pipeline_execution_id().unwrap().to_owned();
    // A double click (same token) is the same execution.
    let again = cp
        .start_pipeline_execution()
        .name(PIPELINE)
        .client_request_token(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(again.pipeline_execution_id(), Some(exec_id.as_str()));

    let exec = cp
        .get_pipeline_execution()
        .pipeline_name(PIPELINE)
        .pipeline_execution_id(&exec_id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        exec.pipeline_execution().unwrap().status(),
        Some(&PipelineExecutionStatus::InProgress)
    );

    // Watch the stages fill in, in declaration order.
    let mut seen_in_progress = std::collections::BTreeSet::new();
    let deadline = Instant::now() + WAIT;
    loop {
        let state = cp.get_pipeline_state().name(PIPELINE).send().await.unwrap();
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
                    seen_in_progress.insert(s.stage_name().unwrap().to_owned());
                }
            }
        }
        let exec = cp
            .get_pipeline_execution()
            .pipeline_name(PIPELINE)
            .pipeline_execution_id(&exec_id)
            .send()
            .await
            .unwrap();
        if exec.pipeline_execution().unwrap().status() != Some(&PipelineExecutionStatus::InProgress)
        {
            assert_eq!(
                exec.pipeline_execution().unwrap().status(),
                Some(&PipelineExecutionStatus::Succeeded)
            );
            break;
        }
        assert!(Instant::now() < deadline, "execution did not finish");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        !seen_in_progress.is_empty(),
        "no stage was ever seen InProgress"
    );
    // Every stage ended Succeeded for this execution, one after the other.
    let state = cp.get_pipeline_state().name(PIPELINE).send().await.unwrap();
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
    control(
        "/_pipewright/builds/next-outcome",
        json!({"project": "cruddur-backend-flask-bake-image", "outcome": "FAILED", "phase": "BUILD", "account": account}),
    );
    let exec_id = cp
        .start_pipeline_execution()
        .name(PIPELINE)
        .send()
        .await
        .unwrap()
        .pipeline_execution_id()
        .unwrap()
        .to_owned();
    let status = eventually(WAIT, "the execution to fail", || {
        let cp = cp.clone();
        let exec_id = exec_id.clone();
        async move {
            let e = cp
                .get_pipeline_execution()
                .pipeline_name(PIPELINE)
                .pipeline_execution_id(exec_id)
                .send()
                .await
                .unwrap();
            let s = e.pipeline_execution().unwrap().status().cloned().unwrap();
            (s != PipelineExecutionStatus::InProgress).then_some(s)
        }
    })
    .await;
    assert_eq!(status, PipelineExecutionStatus::Failed);
    let state = cp.get_pipeline_state().name(PIPELINE).send().await.unwrap();
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
    let status = eventually(WAIT, "the retried execution to finish", || {
        let cp = cp.clone();
        let exec_id = exec_id.clone();
        async move {
            let e = cp
                .get_pipeline_execution()
                .pipeline_name(PIPELINE)
                .pipeline_execution_id(exec_id)
                .send()
                .await
                .unwrap();
            let s = e.pipeline_execution().unwrap().status().cloned().unwrap();
            (s != PipelineExecutionStatus::InProgress).then_some(s)
        }
    })
    .await;
    assert_eq!(status, PipelineExecutionStatus::Succeeded);

    // Stop (abandon) a running execution.
    let running = cp
        .start_pipeline_execution()
        .name(PIPELINE)
        .send()
        .await
        .unwrap()
        .pipeline_execution_id()
        .unwrap()
        .to_owned();
    cp.stop_pipeline_execution()
        .pipeline_name(PIPELINE)
        .pipeline_execution_id(&running)
        .abandon(true)
        .reason("wrong commit")
        .send()
        .await
        .unwrap();
    let status = eventually(WAIT, "the execution to stop", || {
        let cp = cp.clone();
        let running = running.clone();
        async move {
            let e = cp
                .get_pipeline_execution()
                .pipeline_name(PIPELINE)
                .pipeline_execution_id(running)
                .send()
                .await
                .unwrap();
            let s = e.pipeline_execution().unwrap().status().cloned().unwrap();
            matches!(
                s,
                PipelineExecutionStatus::Stopped
                    | PipelineExecutionStatus::Stopping
                    | PipelineExecutionStatus::Failed
                    | PipelineExecutionStatus::Succeeded
            )
            .then_some(s)
        }
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
