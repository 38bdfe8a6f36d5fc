//! Opening stores written by older versions: each migration, and several openers at once.

use super::*;

#[test]
fn migrates_stores_and_reads_newest_first() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("history.sqlite");
    {
        let s = HistoryStore::open(&path).unwrap();
        assert_eq!(s.schema_version(), MIGRATIONS.len() as i64);
        s.upsert_builds(
            "a",
            &[build("p:1", 1, "SUCCEEDED"), build("p:2", 2, "IN_PROGRESS")],
        )
        .unwrap();
        s.upsert_builds("a", &[build("p:2", 2, "FAILED")]).unwrap();
    }
    let s = HistoryStore::open(&path).unwrap();
    let got = s.builds("a", "p", None).unwrap();
    assert_eq!(
        got.iter()
            .map(|b| (b.id.as_str(), b.status.as_str()))
            .collect::<Vec<_>>(),
        [("p:2", "FAILED"), ("p:1", "SUCCEEDED")]
    );
    assert!(s.builds("other-account", "p", None).unwrap().is_empty());
    assert_eq!(s.known("a", "p").unwrap().len(), 2);
}

#[test]
fn opening_a_version_1_store_fills_the_new_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("history.sqlite");
    let old = with_phases(build("p:1", 1000, "SUCCEEDED"), 42.0);
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0].sql).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
                "INSERT INTO builds (id, scope, project, start_ms, status, record) VALUES (?1, 'a', 'p', 1000, 'SUCCEEDED', ?2)",
                params![old.id, serde_json::to_string(&old).unwrap()],
            )
            .unwrap();
    }
    let s = HistoryStore::open(&path).unwrap();
    assert_eq!(s.schema_version(), MIGRATIONS.len() as i64);
    let got: Vec<crate::history::BuildSummary> =
        serde_json::from_str(&s.summaries_json("a", "p", None).unwrap()).unwrap();
    assert_eq!(got, [old.summary()]);
    // The same record, linked to the build's console page (v4).
    let mut want = old.clone();
    want.console_url = console::build("", "a", "p", "p:1");
    assert_eq!(
        s.builds("a", "p", None).unwrap(),
        std::slice::from_ref(&want)
    );
    let figures = s.build_stats("a", "p", 2000, 1).unwrap();
    assert_eq!(figures, stats::build_stats(&[old], 2000, 1));
}

#[test]
fn opening_a_version_2_store_moves_the_phase_seconds_into_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("history.sqlite");
    let now = 10 * 86_400_000;
    let records: Vec<BuildRecord> = (0..6)
        .map(|i| {
            let status = if i % 3 == 0 { "FAILED" } else { "SUCCEEDED" };
            with_phases(
                build(&format!("p:{i}"), now - i * 3_600_000, status),
                10.0 * i as f64,
            )
        })
        .collect();
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0].sql).unwrap();
        conn.execute_batch(MIGRATIONS[1].sql).unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
        for b in &records {
            let (summary, phases) = derived(b).unwrap();
            conn.execute(
                    "INSERT INTO builds (id, scope, project, start_ms, status, summary, duration, compute_type, phase_seconds)
                     VALUES (?1, 'a', 'p', ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![b.id, b.start_ms, b.status, summary, b.duration_seconds, b.compute_type, phases],
                )
                .unwrap();
            conn.execute(
                "INSERT INTO build_records (id, record) VALUES (?1, ?2)",
                params![b.id, serde_json::to_string(b).unwrap()],
            )
            .unwrap();
        }
    }
    let s = HistoryStore::open(&path).unwrap();
    assert_eq!(s.schema_version(), MIGRATIONS.len() as i64);
    let figures = s.build_stats("a", "p", now, 1).unwrap();
    assert_eq!(figures, stats::build_stats(&records, now, 1));
    let build_phase = figures.phases.iter().find(|p| p.phase == "BUILD").unwrap();
    assert_eq!(build_phase.seconds, 150.0);
    // Written after the move: the same figures.
    s.upsert_builds("a", &records).unwrap();
    assert_eq!(s.build_stats("a", "p", now, 1).unwrap(), figures);
}

#[test]
fn opening_a_version_3_store_joins_builds_and_releases_and_links_builds_in_the_console() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("history.sqlite");
    let mut b = with_phases(build("p:u-1", 5000, "SUCCEEDED"), 10.0);
    b.initiator = "codepipeline/pipe".into();
    b.commit = Some("c1".into());
    b.console_url = "https://us-east-1.console.aws.amazon.com/codesuite/codebuild/111122223333/projects/p?region=us-east-1".into();
    {
        // A v3 store as the previous Pipewright wrote it.
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0].sql).unwrap();
        conn.execute_batch(MIGRATIONS[1].sql).unwrap();
        conn.execute_batch(MIGRATIONS[2].sql).unwrap();
        conn.pragma_update(None, "user_version", 3).unwrap();
        conn.execute(
                "INSERT INTO builds (id, scope, project, start_ms, status, summary, duration, compute_type, s_build)
                 VALUES (?1, '111122223333/us-east-1', 'p', ?2, 'SUCCEEDED', ?3, 60, 'BUILD_GENERAL1_SMALL', 10)",
                params![b.id, b.start_ms, serde_json::to_string(&b.summary()).unwrap()],
            )
            .unwrap();
        conn.execute(
            "INSERT INTO build_records (id, record) VALUES (?1, ?2)",
            params![b.id, serde_json::to_string(&b).unwrap()],
        )
        .unwrap();
        let r = release("e1", 6000, Some("p:u-1"), "c1");
        conn.execute(
            "INSERT INTO releases (execution_id, scope, pipeline, start_ms, status, record)
                 VALUES ('e1', '111122223333/us-east-1', 'pipe', 6000, 'Succeeded', ?1)",
            params![serde_json::to_string(&r).unwrap()],
        )
        .unwrap();
    }
    let s = HistoryStore::open(&path).unwrap();
    assert_eq!(s.schema_version(), MIGRATIONS.len() as i64);
    let scope = "111122223333/us-east-1";
    let stored = s.build(scope, "p:u-1").unwrap().unwrap();
    assert_eq!(
            stored.console_url,
            "https://us-east-1.console.aws.amazon.com/codesuite/codebuild/111122223333/projects/p/build/p%3Au-1/?region=us-east-1"
        );
    assert_eq!(stored.environment_type, None);
    assert_eq!(s.pipelines_of(scope, "p").unwrap(), ["pipe"]);
    assert_eq!(
        s.commit_messages(scope, "p")
            .unwrap()
            .get("p:u-1")
            .map(String::as_str),
        Some("message of c1")
    );
    // Never synced by this version: the next sync lists to the end.
    assert!(!s.listing_complete(scope, Listing::Builds, "p").unwrap());
    // A build stored before environment types were kept is priced as Linux.
    let figures = s.build_stats(scope, "p", 10_000, 1).unwrap();
    assert_eq!(
        (figures.build_minutes, figures.unpriced_minutes),
        (1.0, 0.0)
    );
}

#[test]
fn two_openers_of_an_old_store_migrate_it_once() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("history.sqlite");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0].sql).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        let mut stmt = conn
                .prepare("INSERT INTO builds (id, scope, project, start_ms, status, record) VALUES (?1, 'a', 'p', ?2, 'SUCCEEDED', ?3)")
                .unwrap();
        for i in 0..2000 {
            let b = with_phases(build(&format!("p:{i}"), i, "SUCCEEDED"), 3.0);
            stmt.execute(params![b.id, i, serde_json::to_string(&b).unwrap()])
                .unwrap();
        }
        // A record an older Pipewright could not have written: dropped, fetched again later.
        stmt.execute(params!["p:bad", 5000, "{not json"]).unwrap();
    }
    let openers: Vec<_> = (0..3)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || HistoryStore::open(&path).map(|s| s.schema_version()))
        })
        .collect();
    for o in openers {
        assert_eq!(o.join().unwrap().unwrap(), MIGRATIONS.len() as i64);
    }
    let s = HistoryStore::open(&path).unwrap();
    assert_eq!(s.known("a", "p").unwrap().len(), 2000);
    assert!(s.build("a", "p:bad").unwrap().is_none());
    let list: Vec<crate::history::BuildSummary> =
        serde_json::from_str(&s.summaries_json("a", "p", Some(1)).unwrap()).unwrap();
    assert_eq!(list[0].id, "p:1999");
}
