//! The queries of each table: the builds list and figures, builds joined to releases, listings.

use super::*;

#[test]
fn the_list_json_is_the_summaries_newest_first() {
    let s = HistoryStore::in_memory().unwrap();
    assert_eq!(s.summaries_json("a", "p", None).unwrap(), "[]");
    let mut records: Vec<BuildRecord> = (1..=5)
        .map(|i| with_phases(build(&format!("p:{i}"), i * 1000, "SUCCEEDED"), 10.0))
        .collect();
    records[2].commit = Some("deadbeef \"quoted\" <b>".into());
    s.upsert_builds("a", &records).unwrap();
    s.upsert_builds("b", &[build("p:other", 9_000, "FAILED")])
        .unwrap();
    let got: Vec<crate::history::BuildSummary> =
        serde_json::from_str(&s.summaries_json("a", "p", None).unwrap()).unwrap();
    let want: Vec<_> = records.iter().rev().map(BuildRecord::summary).collect();
    assert_eq!(got, want);
    let two: Vec<crate::history::BuildSummary> =
        serde_json::from_str(&s.summaries_json("a", "p", Some(2)).unwrap()).unwrap();
    assert_eq!(two, want[..2]);
    // An update replaces the summary too.
    s.upsert_builds("a", &[build("p:5", 5000, "FAILED")])
        .unwrap();
    let got: Vec<crate::history::BuildSummary> =
        serde_json::from_str(&s.summaries_json("a", "p", Some(1)).unwrap()).unwrap();
    assert_eq!(got[0].status, "FAILED");
}

#[test]
fn stored_figures_equal_the_figures_of_the_records() {
    let s = HistoryStore::in_memory().unwrap();
    let day = 86_400_000;
    let now = 100 * day;
    let mut records = vec![
        with_phases(build("p:1", now - 2 * day, "SUCCEEDED"), 100.0),
        with_phases(build("p:2", now - 3 * day, "FAILED"), 50.0),
        with_phases(build("p:3", now - day, "IN_PROGRESS"), 5.0),
        with_phases(build("p:4", now - 40 * day, "SUCCEEDED"), 70.0),
        build("p:5", now - 5 * day, "STOPPED"),
    ];
    records[1].compute_type = Some("BUILD_GENERAL1_LARGE".into());
    records[1].duration_seconds = Some(301.0);
    records[1].build_number = Some(2);
    s.upsert_builds("a", &records).unwrap();
    for days in [7, 30, 90] {
        let stored = s.build_stats("a", "p", now, days).unwrap();
        assert_eq!(
            stored,
            stats::build_stats(&records, now, days),
            "{days} days"
        );
    }
    let week = s.build_stats("a", "p", now, 7).unwrap();
    assert_eq!((week.builds, week.succeeded, week.failed), (4, 1, 1));
    let build_phase = week.phases.iter().find(|p| p.phase == "BUILD").unwrap();
    assert_eq!(build_phase.seconds, 155.0);
    // The finished builds phase by phase, oldest first; the stopped one timed no phase.
    let recent: Vec<&str> = week.recent.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(recent, ["p:5", "p:2", "p:1"]);
    assert_eq!(week.recent[0].seconds, [0.0; 8]);
    assert_eq!(week.recent[1].build_number, Some(2));
}

#[test]
fn a_build_started_its_container_once_provisioning_succeeded() {
    use crate::history::types::PhaseRecord;
    let phase = |status: &str| PhaseRecord {
        phase: "PROVISIONING".into(),
        status: Some(status.into()),
        start_ms: None,
        end_ms: None,
        duration_seconds: Some(20.0),
        messages: vec![],
    };
    let mut b = build("p:1", 1, "FAILED");
    assert!(!b.started_container(), "no phases yet");
    b.phases = vec![phase("FAILED")];
    assert!(!b.started_container());
    b.phases = vec![phase("SUCCEEDED")];
    assert!(b.started_container());
}

#[test]
fn builds_are_joined_to_releases_by_build_and_by_commit() {
    let s = HistoryStore::in_memory().unwrap();
    let with = |mut b: BuildRecord, initiator: &str, commit: &str| {
        b.initiator = initiator.into();
        b.commit = Some(commit.into());
        b
    };
    s.upsert_builds(
        "a",
        &[
            with(build("p:1", 1000, "SUCCEEDED"), "codepipeline/pipe", "c1"),
            // A webhook build of the same commit as a release.
            with(build("p:2", 900, "SUCCEEDED"), "GitHub-Hookshot/abc", "c2"),
            with(build("p:3", 800, "FAILED"), "GitHub-Hookshot/abc", "c3"),
            with(build("p:4", 700, "SUCCEEDED"), "codepipeline/other", "c4"),
        ],
    )
    .unwrap();
    s.upsert_builds(
        "b",
        &[with(
            build("p:9", 1, "SUCCEEDED"),
            "codepipeline/elsewhere",
            "c1",
        )],
    )
    .unwrap();
    assert_eq!(s.pipelines_of("a", "p").unwrap(), ["other", "pipe"]);
    // The build's own release wins over another release of the commit.
    s.upsert_releases(
        "a",
        &[
            release("e1", 1100, Some("p:1"), "c1"),
            release("e0", 500, None, "c1x"),
            release("e2", 950, None, "c2"),
        ],
    )
    .unwrap();
    let mut e0 = release("e0", 500, Some("p:1"), "c1x");
    e0.commit_summary = Some("not this one".into());
    s.upsert_releases("a", &[e0]).unwrap();
    let messages = s.commit_messages("a", "p").unwrap();
    assert_eq!(
        messages.into_iter().collect::<Vec<_>>(),
        [
            ("p:1".to_owned(), "message of c1".to_owned()),
            ("p:2".to_owned(), "message of c2".to_owned()),
        ]
    );
    assert!(s.commit_messages("b", "p").unwrap().is_empty());
    // c2 was first built at 900, before its release started (950); c1 at 1000.
    let first = s.commits_first_built("a", "pipe").unwrap();
    assert_eq!(first.get("c2"), Some(&900));
    assert_eq!(first.get("c1"), Some(&1000));
    assert_eq!(first.get("c1x"), None);
}

#[test]
fn a_listing_is_complete_only_once_finished() {
    let s = HistoryStore::in_memory().unwrap();
    assert!(!s.listing_complete("a", Listing::Builds, "p").unwrap());
    let first = s.begin_listing("a", Listing::Builds, "p").unwrap();
    assert!(!first.complete, "never synced");
    assert!(!s.listing_complete("a", Listing::Builds, "p").unwrap());
    s.finish_listing("a", Listing::Builds, "p", first).unwrap();
    assert!(s.listing_complete("a", Listing::Builds, "p").unwrap());
    assert!(!s.listing_complete("a", Listing::Executions, "p").unwrap());
    assert!(!s.listing_complete("b", Listing::Builds, "p").unwrap());
    // A listing under way (or one that failed) leaves the store marked incomplete.
    let failed = s.begin_listing("a", Listing::Builds, "p").unwrap();
    assert!(failed.complete);
    assert!(!s.listing_complete("a", Listing::Builds, "p").unwrap());
    assert!(!s.begin_listing("a", Listing::Builds, "p").unwrap().complete);
}

#[test]
fn of_two_listings_at_once_only_the_later_one_marks_the_store_complete() {
    let s = HistoryStore::in_memory().unwrap();
    let done = s.begin_listing("a", Listing::Builds, "p").unwrap();
    s.finish_listing("a", Listing::Builds, "p", done).unwrap();
    // One sync starts, a second starts while it runs; the first ends well, the second fails
    // half way: what the second stored may have a gap behind it.
    let earlier = s.begin_listing("a", Listing::Builds, "p").unwrap();
    let later = s.begin_listing("a", Listing::Builds, "p").unwrap();
    assert!(earlier.complete && !later.complete);
    s.finish_listing("a", Listing::Builds, "p", earlier)
        .unwrap();
    assert!(!s.listing_complete("a", Listing::Builds, "p").unwrap());
    // Had the later one ended well, the store would be complete, whatever the earlier did.
    let (x, y) = (
        s.begin_listing("a", Listing::Builds, "p").unwrap(),
        s.begin_listing("a", Listing::Builds, "p").unwrap(),
    );
    s.finish_listing("a", Listing::Builds, "p", y).unwrap();
    s.finish_listing("a", Listing::Builds, "p", x).unwrap();
    assert!(s.listing_complete("a", Listing::Builds, "p").unwrap());
    // Another process's store: the generations live in the file, not in this handle.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("history.sqlite");
    let (one, two) = (
        HistoryStore::open(&path).unwrap(),
        HistoryStore::open(&path).unwrap(),
    );
    let a = one.begin_listing("a", Listing::Builds, "p").unwrap();
    let b = two.begin_listing("a", Listing::Builds, "p").unwrap();
    one.finish_listing("a", Listing::Builds, "p", a).unwrap();
    assert!(!two.listing_complete("a", Listing::Builds, "p").unwrap());
    two.finish_listing("a", Listing::Builds, "p", b).unwrap();
    assert!(one.listing_complete("a", Listing::Builds, "p").unwrap());
}

#[test]
fn the_builds_upsert_is_the_statement_once_written_by_hand() {
    let by_hand = "INSERT INTO builds (id, scope, project, start_ms, status, summary, duration, compute_type,
                       s_queued, s_provisioning, s_download_source, s_install, s_pre_build, s_build, s_post_build, s_upload_artifacts,
                       environment_type, commit_sha, initiator)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
                     ON CONFLICT(id) DO UPDATE SET start_ms = excluded.start_ms, status = excluded.status,
                       summary = excluded.summary, duration = excluded.duration, compute_type = excluded.compute_type,
                       environment_type = excluded.environment_type, commit_sha = excluded.commit_sha,
                       initiator = excluded.initiator,
                       s_queued = excluded.s_queued, s_provisioning = excluded.s_provisioning,
                       s_download_source = excluded.s_download_source, s_install = excluded.s_install,
                       s_pre_build = excluded.s_pre_build, s_build = excluded.s_build,
                       s_post_build = excluded.s_post_build, s_upload_artifacts = excluded.s_upload_artifacts";
    let words = |sql: &str| sql.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(words(super::super::builds::upsert_sql()), words(by_hand));
}
