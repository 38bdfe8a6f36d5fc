//! Build history against the emulator: a pipelined full load of 1,000+ builds equals what the SDK
//! lists, an incremental refresh makes exactly the expected requests, running builds are fetched
//! again until they end, releases join to their builds, and logs page.

use std::time::Duration;

use pipewright_core::apply::AwsCtx;
use pipewright_core::history::{self, HistoryStore};
use pipewright_tests::{control, emulator_url, eventually, get, new_account, sdk_config};
use serde_json::json;

const PROJECT: &str = "cruddur-backend-flask-bake-image";

async fn seeded(builds: u32, executions: u32) -> (String, AwsCtx) {
    let account = new_account();
    control(
        "/_pipewright/seed",
        json!({"account": account, "region": "us-east-1", "builds": builds, "executions": executions}),
    );
    let ctx = pipewright_tests::aws_ctx(&account).await;
    (account, ctx)
}

fn requests(account: &str) -> serde_json::Value {
    get(
        emulator_url(),
        &format!("/_pipewright/requests?account={account}"),
    )
}

// Multi-thread, as in the app: each batch is fetched by a task of its own, and the store's writes
// step aside from the worker (block_in_place) meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_load_equals_the_sdk_listing_and_a_refresh_fetches_only_what_is_new() {
    let (account, ctx) = seeded(1050, 0).await;
    let store = HistoryStore::in_memory().unwrap();
    let scope = history::load_scope(&ctx);

    let mut batches = Vec::new();
    let report = history::sync_builds(&ctx, &store, PROJECT, |b| batches.push(b.len()))
        .await
        .unwrap();
    assert_eq!(report.fetched, 1050);
    assert_eq!(report.list_requests, 11);
    assert_eq!(report.batch_requests, 11);
    assert_eq!(batches[0], 100, "the newest 100 come first");

    let listed = history::list_all_ids(&ctx, PROJECT).await.unwrap();
    let stored: Vec<String> = store
        .builds(&scope, PROJECT, None)
        .unwrap()
        .into_iter()
        .map(|b| b.id)
        .collect();
    assert_eq!(
        stored, listed,
        "same builds, same order (newest first), no duplicates"
    );
    let mut unique = stored.clone();
    unique.dedup();
    assert_eq!(unique.len(), 1050);

    // Five new builds, finished.
    control(
        "/_pipewright/config",
        json!({"account": account, "stepSeconds": 0.02}),
    );
    let cb = aws_sdk_codebuild::Client::new(&sdk_config(&account).await);
    let mut new_ids = Vec::new();
    for _ in 0..5 {
        let b = cb.start_build().project_name(PROJECT).send().await.unwrap();
        new_ids.push(b.build_value().unwrap().id().unwrap().to_owned());
    }
    eventually(Duration::from_secs(60), "the new builds to finish", || {
        let cb = cb.clone();
        let ids = new_ids.clone();
        async move {
            let out = cb
                .batch_get_builds()
                .set_ids(Some(ids))
                .send()
                .await
                .unwrap();
            out.builds()
                .iter()
                .all(|b| b.build_status().map(|s| s.as_str()) != Some("IN_PROGRESS"))
                .then_some(())
        }
    })
    .await;

    control("/_pipewright/requests/reset", json!({"account": account}));
    let report = history::sync_builds(&ctx, &store, PROJECT, |_| {})
        .await
        .unwrap();
    assert_eq!(report.fetched, 5);
    let counts = requests(&account);
    assert_eq!(
        counts["counts"]["codebuild.ListBuildsForProject"], 1,
        "{counts}"
    );
    assert_eq!(counts["counts"]["codebuild.BatchGetBuilds"], 1, "{counts}");
    assert_eq!(counts["total"], 2, "{counts}");
    let stored: Vec<String> = store
        .builds(&scope, PROJECT, Some(5))
        .unwrap()
        .into_iter()
        .map(|b| b.id)
        .collect();
    let mut expected = new_ids.clone();
    expected.reverse();
    assert_eq!(stored, expected);

    // Nothing new: one listing request, no batch.
    control("/_pipewright/requests/reset", json!({"account": account}));
    history::sync_builds(&ctx, &store, PROJECT, |_| {})
        .await
        .unwrap();
    assert_eq!(requests(&account)["total"], 1);
}

#[tokio::test]
async fn a_running_build_is_fetched_again_until_it_ends() {
    let (account, ctx) = seeded(3, 0).await;
    control(
        "/_pipewright/config",
        json!({"account": account, "stepSeconds": 0.3}),
    );
    let store = HistoryStore::in_memory().unwrap();
    let scope = history::load_scope(&ctx);
    let cb = aws_sdk_codebuild::Client::new(&sdk_config(&account).await);
    let id = cb
        .start_build()
        .project_name(PROJECT)
        .send()
        .await
        .unwrap()
        .build_value()
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    history::sync_builds(&ctx, &store, PROJECT, |_| {})
        .await
        .unwrap();
    assert_eq!(
        store.build(&scope, &id).unwrap().unwrap().status,
        "IN_PROGRESS"
    );
    let done = eventually(
        Duration::from_secs(60),
        "the build to be stored finished",
        || {
            let (ctx, store, id, scope) = (&ctx, &store, id.clone(), scope.clone());
            async move {
                history::sync_builds(ctx, store, PROJECT, |_| {})
                    .await
                    .unwrap();
                store.build(&scope, &id).unwrap().filter(|b| b.finished())
            }
        },
    )
    .await;
    assert_eq!(done.status, "SUCCEEDED");
    assert!(done.phases.iter().any(|p| p.phase == "BUILD"));
    assert_eq!(store.builds(&scope, PROJECT, None).unwrap().len(), 4);
}

#[tokio::test]
async fn releases_join_their_builds_and_logs_page() {
    let (_account, ctx) = seeded(30, 8).await;
    let store = HistoryStore::in_memory().unwrap();
    let releases = history::sync_executions(&ctx, &store, "cruddur-backend-fargate", 100)
        .await
        .unwrap();
    assert_eq!(releases.len(), 8);
    assert!(releases.windows(2).all(|w| w[0].start_ms >= w[1].start_ms));
    let joined = releases.iter().filter(|r| r.build_id.is_some()).count();
    assert!(joined >= 6, "{releases:?}");
    let dora = history::stats::dora(&releases, releases[0].start_ms + 1, 120);
    assert!(dora.deployments > 0);

    history::sync_builds(&ctx, &store, PROJECT, |_| {})
        .await
        .unwrap();
    let build = store
        .builds(&history::load_scope(&ctx), PROJECT, Some(1))
        .unwrap()
        .remove(0);
    let page = history::logs::page(
        &ctx,
        build.log_group.as_deref().unwrap(),
        build.log_stream.as_deref().unwrap(),
        None,
    )
    .await
    .unwrap();
    assert!(!page.lines.is_empty());
    let next = history::logs::page(
        &ctx,
        build.log_group.as_deref().unwrap(),
        build.log_stream.as_deref().unwrap(),
        page.next_token.clone(),
    )
    .await
    .unwrap();
    assert!(
        next.lines.is_empty(),
        "the second page of a finished log is empty"
    );
    assert!(page.stream_exists && next.stream_exists);

    // A build that never started its container has no stream: an empty page, not an error.
    let missing = history::logs::page(
        &ctx,
        build.log_group.as_deref().unwrap(),
        "never-written/stream",
        None,
    )
    .await
    .unwrap();
    assert!(!missing.stream_exists && missing.lines.is_empty());
}

#[tokio::test]
async fn cli_history_and_logs() {
    let (account, _ctx) = seeded(40, 0).await;
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(pipewright_tests::bin("pipewright-cli"))
            .args(args)
            .args(["--endpoint-url", emulator_url(), "--region", "us-east-1"])
            .env("PIPEWRIGHT_HOME", home.path())
            .env("AWS_ACCESS_KEY_ID", &account)
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .output()
            .unwrap()
    };
    let out = run(&["history", PROJECT, "--limit", "5", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["sync"]["fetched"], 40);
    assert_eq!(v["builds"].as_array().unwrap().len(), 5);
    // Reopening fetches nothing old again.
    let again: serde_json::Value =
        serde_json::from_slice(&run(&["history", PROJECT, "--json"]).stdout).unwrap();
    assert_eq!(again["sync"]["fetched"], 0);
    assert_eq!(again["sync"]["totalStored"], 40);
    let bad = run(&["history", PROJECT, "--since", "yesterday", "--json"]);
    assert_eq!(bad.status.code(), Some(2));

    let newest = v["builds"][0]["id"].as_str().unwrap();
    let logs = run(&["logs", newest]);
    assert!(
        logs.status.success(),
        "{}",
        String::from_utf8_lossy(&logs.stderr)
    );
    assert!(String::from_utf8_lossy(&logs.stdout).lines().count() > 5);
}
