//! Build history against the emulator: a pipelined full load of 1,000+ builds equals what the SDK
//! lists, an incremental refresh makes exactly the expected requests, running builds are fetched
//! again until they end, releases join to their builds, and logs page.

use std::time::Duration;

use pipewright_core::history::{self, HistoryStore};
use pipewright_core::release;
use pipewright_core::{BuildStatus, ExecutionStatus};
use pipewright_tests::{
    aws_ctx_with, cli_as, control, emulator_args, eventually, finished_builds, latency_ms,
    requests, reset_requests, sdk_config, seeded, stderr_text, stdout_text, step_seconds, PIPELINE,
    PROJECT,
};
use serde_json::json;

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
    let stored = stored_ids(&store, &scope, None);
    assert_eq!(
        stored, listed,
        "same builds, same order (newest first), no duplicates"
    );
    let unique: std::collections::HashSet<&String> = listed.iter().collect();
    assert_eq!(unique.len(), 1050, "the listing itself has no duplicates");

    // Five new builds, finished.
    step_seconds(&account, 0.02);
    let cb = aws_sdk_codebuild::Client::new(&sdk_config(&account).await);
    let mut new_ids = Vec::new();
    for _ in 0..5 {
        new_ids.push(start_build(&cb).await);
    }
    wait_finished(&cb, &new_ids).await;

    reset_requests(&account);
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
    let stored = stored_ids(&store, &scope, Some(5));
    let mut expected = new_ids.clone();
    expected.reverse();
    assert_eq!(stored, expected);

    // Nothing new: one listing request, no batch.
    reset_requests(&account);
    history::sync_builds(&ctx, &store, PROJECT, |_| {})
        .await
        .unwrap();
    assert_eq!(requests(&account)["total"], 1);
}

/// The ids of the project's stored builds (the newest `limit`), newest first.
fn stored_ids(store: &HistoryStore, scope: &str, limit: Option<usize>) -> Vec<String> {
    let builds = store.builds(scope, PROJECT, limit).unwrap();
    builds.into_iter().map(|b| b.id).collect()
}

async fn start_build(cb: &aws_sdk_codebuild::Client) -> String {
    pipewright_tests::start_build(cb, PROJECT).await
}

async fn wait_finished(cb: &aws_sdk_codebuild::Client, ids: &[String]) {
    finished_builds(cb, ids, "the builds to finish").await;
}

#[tokio::test]
async fn a_running_build_is_fetched_again_until_it_ends() {
    let (account, ctx) = seeded(3, 0).await;
    let store = HistoryStore::in_memory().unwrap();
    let scope = history::load_scope(&ctx);
    let cb = aws_sdk_codebuild::Client::new(&sdk_config(&account).await);
    // A slow build, then a quick one that ends first: the newest stored build is finished, so
    // a sync's listing stops at it and never sees the slow one again; it must be fetched anyway.
    step_seconds(&account, 4.0);
    let slow = start_build(&cb).await;
    step_seconds(&account, 0.02);
    let quick = start_build(&cb).await;
    wait_finished(&cb, std::slice::from_ref(&quick)).await;
    history::sync_builds(&ctx, &store, PROJECT, |_| {})
        .await
        .unwrap();
    assert_eq!(
        store.build(&scope, &quick).unwrap().unwrap().status,
        BuildStatus::Succeeded
    );
    assert_eq!(
        store.build(&scope, &slow).unwrap().unwrap().status,
        BuildStatus::InProgress
    );

    let mut syncs = 0;
    let done = eventually(
        Duration::from_secs(60),
        "the slow build to be stored finished",
        || {
            syncs += 1;
            let (ctx, store, id, scope, account) =
                (&ctx, &store, slow.clone(), scope.clone(), account.clone());
            async move {
                reset_requests(&account);
                let report = history::sync_builds(ctx, store, PROJECT, |_| {})
                    .await
                    .unwrap();
                // One listing request (it stops at the quick build) and one BatchGetBuilds: the
                // running build, fetched by id.
                let counts = requests(&account);
                assert_eq!(report.list_requests, 1);
                assert_eq!(report.batch_requests, 1);
                assert_eq!(report.fetched, 1);
                assert_eq!(counts["counts"]["codebuild.BatchGetBuilds"], 1, "{counts}");
                store.build(&scope, &id).unwrap().filter(|b| b.finished())
            }
        },
    )
    .await;
    assert!(syncs >= 2, "the build was seen running at least once more");
    assert_eq!(done.status, BuildStatus::Succeeded);
    assert!(done.phases.iter().any(|p| p.phase == "BUILD"));
    assert_eq!(store.builds(&scope, PROJECT, None).unwrap().len(), 5);
    // Finished now: the next sync fetches nothing.
    let report = history::sync_builds(&ctx, &store, PROJECT, |_| {})
        .await
        .unwrap();
    assert_eq!((report.list_requests, report.batch_requests), (1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_cut_short_is_completed_by_the_next_one() {
    let (account, ctx) = seeded(1050, 0).await;
    let store = HistoryStore::in_memory().unwrap();
    let scope = history::load_scope(&ctx);
    // The fifth listing page fails (not a retried error): the first 400 builds are stored.
    control(
        "/_pipewright/faults",
        json!({"service": "codebuild", "operation": "ListBuildsForProject", "after": 4,
               "code": "InvalidInputException", "status": 400, "account": account}),
    );
    let err = history::sync_builds(&ctx, &store, PROJECT, |_| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("InvalidInputException"), "{err}");
    assert_eq!(store.known(&scope, PROJECT).unwrap().len(), 400);

    // The next sync does not stop at the first stored build: it lists to the end and fetches
    // only the 650 missing ones.
    reset_requests(&account);
    let report = history::sync_builds(&ctx, &store, PROJECT, |_| {})
        .await
        .unwrap();
    assert_eq!(report.list_requests, 11);
    assert_eq!(report.fetched, 650);
    assert_eq!(report.batch_requests, 7);
    let listed = history::list_all_ids(&ctx, PROJECT).await.unwrap();
    let stored = stored_ids(&store, &scope, None);
    assert_eq!(stored, listed);

    // Complete again: the sync after stops at once.
    let report = history::sync_builds(&ctx, &store, PROJECT, |_| {})
        .await
        .unwrap();
    assert_eq!((report.list_requests, report.batch_requests), (1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_newest_builds_arrive_after_two_requests_while_the_listing_goes_on() {
    let (account, ctx) = seeded(1000, 0).await;
    // A round trip, as against AWS: requests in flight overlap.
    latency_ms(&account, 30);
    let store = HistoryStore::in_memory().unwrap();
    let mut first: Option<(Vec<String>, serde_json::Value)> = None;
    history::sync_builds(&ctx, &store, PROJECT, |batch| {
        if first.is_none() {
            first = Some((
                batch.iter().map(|b| b.id.clone()).collect(),
                requests(&account),
            ));
        }
    })
    .await
    .unwrap();
    latency_ms(&account, 0);
    let (ids, counts) = first.unwrap();
    // The first batch is the first page (the newest 100): its BatchGetBuilds went out as soon
    // as that page was listed...
    let listed = history::list_all_ids(&ctx, PROJECT).await.unwrap();
    assert_eq!(ids, listed[..100]);
    // ...and it was back while the listing was still under way (10 pages in all), each batch
    // following its page.
    let pages = counts["counts"]["codebuild.ListBuildsForProject"]
        .as_u64()
        .unwrap();
    let batches = counts["counts"]["codebuild.BatchGetBuilds"]
        .as_u64()
        .unwrap();
    assert!(pages < 10, "{counts}");
    assert!((1..=pages).contains(&batches), "{counts}");
}

#[tokio::test]
async fn builds_that_aws_no_longer_has_stay_in_the_store() {
    let (account, ctx) = seeded(120, 0).await;
    let store = HistoryStore::in_memory().unwrap();
    let scope = history::load_scope(&ctx);
    history::sync_builds(&ctx, &store, PROJECT, |_| {})
        .await
        .unwrap();
    let oldest: Vec<String> = history::list_all_ids(&ctx, PROJECT)
        .await
        .unwrap()
        .split_off(110);
    let cb = aws_sdk_codebuild::Client::new(&sdk_config(&account).await);
    let deleted = cb
        .batch_delete_builds()
        .set_ids(Some(oldest.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.builds_deleted().len(), 10);
    assert_eq!(
        history::list_all_ids(&ctx, PROJECT).await.unwrap().len(),
        110
    );
    let report = history::sync_builds(&ctx, &store, PROJECT, |_| {})
        .await
        .unwrap();
    assert_eq!(report.total_stored, 120);
    for id in &oldest {
        assert!(store.build(&scope, id).unwrap().is_some(), "{id}");
    }
}

#[tokio::test]
async fn releases_join_their_builds_and_logs_page() {
    let (account, ctx) = seeded(30, 8).await;
    let store = HistoryStore::in_memory().unwrap();
    let scope = history::load_scope(&ctx);
    let releases = history::sync_executions(&ctx, &store, PIPELINE)
        .await
        .unwrap();
    assert_eq!(releases.len(), 8);
    assert!(releases.windows(2).all(|w| w[0].start_ms >= w[1].start_ms));
    history::sync_builds(&ctx, &store, PROJECT, |_| {})
        .await
        .unwrap();
    // Every release that got to its build names a build the pipeline started, with its result.
    let mut joined = 0;
    for r in &releases {
        let Some(id) = &r.build_id else { continue };
        joined += 1;
        let b = store
            .build(&scope, id)
            .unwrap()
            .expect("the build is stored");
        assert_eq!(b.initiator, format!("codepipeline/{PIPELINE}"));
        // (A build that failed before it got its source has no resolved commit.)
        assert!(b.commit.is_none() || b.commit == r.commit, "{r:?} {b:?}");
        // The action's result is the build's (an abandoned execution leaves its build running).
        match r.build_status {
            Some(ExecutionStatus::Succeeded) => {
                assert_eq!(b.status, BuildStatus::Succeeded, "{r:?}")
            }
            Some(ExecutionStatus::Failed) => assert_ne!(b.status, BuildStatus::Succeeded, "{r:?}"),
            Some(ExecutionStatus::InProgress) => {
                assert_eq!(b.status, BuildStatus::InProgress, "{r:?}")
            }
            _ => {}
        }
        // A release reached its deploy only after a good build.
        if r.deploy_status.is_some() {
            assert_eq!(b.status, BuildStatus::Succeeded, "{r:?}");
            let (start, end) = (r.deploy_start_ms.unwrap(), r.deploy_end_ms.unwrap());
            assert!(r.start_ms <= start && start < end, "{r:?}");
        }
    }
    assert!(joined >= 6, "{releases:?}");
    assert!(releases
        .iter()
        .any(|r| r.deploy_status == Some(ExecutionStatus::Succeeded)));

    // Nothing new: one listing request, no action listing.
    reset_requests(&account);
    assert_eq!(
        history::sync_executions(&ctx, &store, PIPELINE)
            .await
            .unwrap(),
        releases
    );
    let counts = requests(&account);
    assert_eq!(
        counts["counts"]["codepipeline.ListPipelineExecutions"], 1,
        "{counts}"
    );
    assert_eq!(counts["total"], 1, "{counts}");

    let dora = history::stats::dora(
        &releases,
        &store.commits_first_built(&scope, PIPELINE).unwrap(),
        releases[0].start_ms + 1,
        120,
    );
    assert!(dora.deployments > 0);
    assert!(dora.lead_time_median_seconds.unwrap() > 0.0);

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
async fn a_first_sync_of_many_executions_lists_their_actions_across_the_pipeline() {
    let (account, ctx) = seeded(200, 40).await;
    let store = HistoryStore::in_memory().unwrap();
    reset_requests(&account);
    let releases = history::sync_executions(&ctx, &store, PIPELINE)
        .await
        .unwrap();
    assert_eq!(releases.len(), 40);
    let counts = requests(&account);
    // 40 executions of about 3 actions each: one page of executions (100 a page) and a page of
    // actions per 100 actions, instead of one request per execution.
    assert_eq!(
        counts["counts"]["codepipeline.ListPipelineExecutions"], 1,
        "{counts}"
    );
    let action_pages = counts["counts"]["codepipeline.ListActionExecutions"]
        .as_u64()
        .unwrap();
    assert!((1..=3).contains(&action_pages), "{counts}");

    // The same records as asking execution by execution.
    let executions = release::executions(&ctx, PIPELINE, 100).await.unwrap();
    for e in &executions {
        let actions = release::action_executions(&ctx, PIPELINE, &e.id)
            .await
            .unwrap();
        let one = history::release_record(PIPELINE, e, &actions, got_rollout(&releases, &e.id));
        let got = releases.iter().find(|r| r.execution_id == e.id).unwrap();
        assert_eq!(got, &one);
    }
}

#[tokio::test]
async fn builds_get_the_commit_messages_of_their_releases() {
    let (_account, ctx) = seeded(120, 12).await;
    let store = HistoryStore::in_memory().unwrap();
    let scope = history::load_scope(&ctx);
    history::sync_builds(&ctx, &store, PROJECT, |_| {})
        .await
        .unwrap();
    assert_eq!(store.pipelines_of(&scope, PROJECT).unwrap(), [PIPELINE]);
    assert!(store.commit_messages(&scope, PROJECT).unwrap().is_empty());
    let messages = history::sync_commit_messages(&ctx, &store, PROJECT)
        .await
        .unwrap();
    let releases = store.releases(&scope, PIPELINE).unwrap();
    assert_eq!(releases.len(), 12);
    let builds = store.builds(&scope, PROJECT, None).unwrap();
    let mut from_webhook = 0;
    for b in &builds {
        let release = releases
            .iter()
            .find(|r| r.build_id.as_deref() == Some(b.id.as_str()))
            .or_else(|| {
                releases
                    .iter()
                    .find(|r| r.commit.is_some() && r.commit == b.commit)
            });
        match release.and_then(|r| r.commit_summary.as_ref()) {
            Some(summary) => {
                assert_eq!(messages.get(&b.id), Some(summary), "{b:?}");
                if b.initiator.starts_with("GitHub-Hookshot") {
                    from_webhook += 1;
                }
            }
            None => assert!(!messages.contains_key(&b.id), "{b:?}"),
        }
    }
    // The seed's merged pull requests: webhook builds of released commits.
    assert!(from_webhook > 0, "{messages:?}");
    // Stored: the same without asking AWS.
    assert_eq!(store.commit_messages(&scope, PROJECT).unwrap(), messages);
}

#[tokio::test]
async fn the_store_keeps_no_secret() {
    use pipewright_core::keyring_store::AccessKeys;
    let (account, _) = seeded(60, 6).await;
    // A session with a recognisable secret key and session token (the emulator takes any).
    const SECRET: &str = "pw-test-secret-8c1f7e0b2d";
    const TOKEN: &str = "pw-test-session-token-41aa";
    let keys = AccessKeys {
        access_key_id: account.clone(),
        secret_access_key: pipewright_core::Secret::new(SECRET),
        session_token: Some(pipewright_core::Secret::new(TOKEN)),
    };
    let ctx = aws_ctx_with(keys, "us-east-1").await;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("history.sqlite");
    {
        let store = HistoryStore::open(&path).unwrap();
        history::sync_builds(&ctx, &store, PROJECT, |_| {})
            .await
            .unwrap();
        history::sync_commit_messages(&ctx, &store, PROJECT)
            .await
            .unwrap();
        assert_eq!(
            store
                .known(&history::load_scope(&ctx), PROJECT)
                .unwrap()
                .len(),
            60
        );
    }
    // Every file SQLite wrote (the database, its WAL and index), byte for byte.
    for entry in std::fs::read_dir(tmp.path()).unwrap() {
        let file = entry.unwrap().path();
        let bytes = std::fs::read(&file).unwrap();
        for needle in [SECRET, TOKEN] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{} holds a secret",
                file.display()
            );
        }
    }
}

#[tokio::test]
async fn cli_history_and_logs() {
    let (account, _ctx) = seeded(40, 4).await;
    let home = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| {
        let mut c = cli_as(&account, Some(home.path()));
        c.args(args).args(emulator_args());
        c
    };
    let run = |args: &[&str]| cli(args).output().unwrap();
    let text = |out: &std::process::Output| {
        pipewright_tests::assert_exit(out, 0);
        stdout_text(out)
    };
    let v: serde_json::Value =
        serde_json::from_str(&text(&run(&["history", PROJECT, "--limit", "5", "--json"]))).unwrap();
    assert_eq!(v["sync"]["fetched"], 40);
    let builds = v["builds"].as_array().unwrap();
    assert_eq!(builds.len(), 5);
    let starts: Vec<i64> = builds
        .iter()
        .map(|b| b["startMs"].as_i64().unwrap())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] >= w[1]), "newest first");
    // The pipeline's builds come with their commit message.
    let messages = v["commitMessages"].as_object().unwrap();
    assert!(!messages.is_empty(), "{v}");
    // Reopening fetches nothing old again.
    let again: serde_json::Value =
        serde_json::from_str(&text(&run(&["history", PROJECT, "--json"]))).unwrap();
    assert_eq!(again["sync"]["fetched"], 0);
    assert_eq!(again["sync"]["totalStored"], 40);
    let all = again["builds"].as_array().unwrap();
    assert_eq!(all.len(), 40);

    // A damaged store (it is a cache): moved aside, said once, rebuilt from AWS.
    let store = home.path().join("data/history.sqlite");
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", store.display()));
    }
    std::fs::write(&store, b"not a database: what a bad disk left").unwrap();
    let out = run(&["history", PROJECT, "--json"]);
    let rebuilt: serde_json::Value = serde_json::from_str(&text(&out)).unwrap();
    assert_eq!(rebuilt["sync"]["fetched"], 40);
    let said = stderr_text(&out);
    assert!(
        said.contains("note: The local build history was damaged")
            && said.contains("rebuilt from AWS"),
        "{said}"
    );
    assert!(std::fs::read_dir(home.path().join("data"))
        .unwrap()
        .any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("history.sqlite.corrupt-")));
    let quiet = run(&["history", PROJECT, "--json"]);
    assert!(!stderr_text(&quiet).contains("note:"), "said once");

    // --since: builds that started on or after that day (UTC), in the text listing too.
    let day = 86_400_000;
    let median = all[20]["startMs"].as_i64().unwrap();
    let since_ms = median - median.rem_euclid(day);
    let date = time::OffsetDateTime::from_unix_timestamp(since_ms / 1000)
        .unwrap()
        .date()
        .to_string();
    let expected = all
        .iter()
        .filter(|b| b["startMs"].as_i64().unwrap() >= since_ms)
        .count();
    let since: serde_json::Value = serde_json::from_str(&text(&run(&[
        "history", PROJECT, "--since", &date, "--json",
    ])))
    .unwrap();
    assert_eq!(since["builds"].as_array().unwrap().len(), expected);
    let listing = text(&run(&[
        "history", PROJECT, "--since", &date, "--limit", "100",
    ]));
    let mut lines = listing.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with(&format!("{PROJECT}: 40 builds stored (0 fetched now)")),
        "{header}"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), expected, "{listing}");
    let newest = &all[0];
    assert!(
        rows[0].starts_with(&format!(
            "#{:<6} {:<11}",
            newest["buildNumber"].as_i64().unwrap(),
            newest["status"].as_str().unwrap()
        )),
        "{}",
        rows[0]
    );
    let bad = run(&["history", PROJECT, "--since", "yesterday", "--json"]);
    assert_eq!(bad.status.code(), Some(2));

    let finished = all.iter().find(|b| b["status"] == "SUCCEEDED").unwrap()["id"]
        .as_str()
        .unwrap();
    let log = text(&run(&["logs", finished]));
    assert!(log.lines().count() > 5, "{log}");

    // --follow on a running build prints its lines as they come and exits when it ends, with
    // the whole log.
    step_seconds(&account, 0.5);
    let cb = aws_sdk_codebuild::Client::new(&sdk_config(&account).await);
    let running = start_build(&cb).await;
    let followed = tokio::task::spawn_blocking({
        let mut c = cli(&["logs", &running, "--follow"]);
        move || c.output().unwrap()
    })
    .await
    .unwrap();
    let followed = text(&followed);
    let status = cb
        .batch_get_builds()
        .ids(&running)
        .send()
        .await
        .unwrap()
        .builds()[0]
        .build_status()
        .unwrap()
        .as_str()
        .to_owned();
    assert_eq!(
        status, "SUCCEEDED",
        "--follow returned once the build ended"
    );
    assert_eq!(followed, text(&run(&["logs", &running])));
    assert!(followed.lines().count() > 5, "{followed}");
}

/// The rollout a synced record got (the same ECS read for the record made one by one).
fn got_rollout(
    releases: &[history::ReleaseRecord],
    id: &str,
) -> Option<pipewright_core::rollout::Rollout> {
    releases
        .iter()
        .find(|r| r.execution_id == id)
        .and_then(|r| r.rollout.clone())
}
