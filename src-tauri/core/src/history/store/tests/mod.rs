//! Tests of the history store: the store's own behaviour (a damaged file, an unreadable row, file
//! modes, reads beside a write, a newer schema) here, with the records they write; migrations and
//! the queries of each table in the modules below.

mod migrations;
mod queries;

use rusqlite::params;

use super::migrations::derived;
use super::*;
use crate::apply::console;
use crate::history::stats;
use crate::history::types::{BuildRecord, Initiator, ReleaseRecord};

pub fn build(id: &str, start_ms: i64, status: &str) -> BuildRecord {
    BuildRecord {
        id: id.into(),
        project: "p".into(),
        build_number: None,
        status: status.into(),
        start_ms,
        end_ms: Some(start_ms + 60_000),
        duration_seconds: Some(60.0),
        initiator: "user".into(),
        initiator_kind: Initiator::User,
        source_version: None,
        commit: None,
        compute_type: None,
        environment_type: None,
        phases: vec![],
        log_group: None,
        log_stream: None,
        log_url: None,
        console_url: String::new(),
    }
}

fn with_phases(mut b: BuildRecord, build_secs: f64) -> BuildRecord {
    use crate::history::types::PhaseRecord;
    b.phases = ["QUEUED", "BUILD", "COMPLETED"]
        .iter()
        .map(|p| PhaseRecord {
            phase: (*p).into(),
            status: Some("SUCCEEDED".into()),
            start_ms: Some(b.start_ms),
            end_ms: None,
            duration_seconds: match *p {
                "QUEUED" => Some(2.0),
                "BUILD" => Some(build_secs),
                _ => None,
            },
            messages: vec![],
        })
        .collect();
    b
}

fn release(id: &str, start_ms: i64, build: Option<&str>, commit: &str) -> ReleaseRecord {
    ReleaseRecord {
        pipeline: "pipe".into(),
        execution_id: id.into(),
        status: "Succeeded".into(),
        trigger: None,
        commit: Some(commit.into()),
        commit_summary: Some(format!("message of {commit}")),
        start_ms,
        end_ms: Some(start_ms + 1000),
        build_id: build.map(str::to_owned),
        build_status: None,
        deploy_status: None,
        deploy_start_ms: None,
        deploy_end_ms: None,
        rollout: None,
        pipeline_status: None,
    }
}

#[test]
fn a_damaged_store_is_moved_aside_and_made_again_once() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("history.sqlite");
    std::fs::write(
        &path,
        b"this is not a SQLite database, it is what a bad disk left",
    )
    .unwrap();
    let store = HistoryStore::open(&path).unwrap();
    let notice = store.take_notice().expect("a notice");
    assert!(
        notice.contains("moved to") && notice.contains("rebuilt from AWS"),
        "{notice}"
    );
    assert_eq!(store.take_notice(), None, "said once");
    assert_eq!(store.count("a", "p").unwrap(), 0);
    let aside: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("history.sqlite.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    // A sound store opens as it is, without a notice.
    drop(store);
    let again = HistoryStore::open(&path).unwrap();
    assert_eq!(again.take_notice(), None);
}

#[test]
fn an_unreadable_row_is_skipped_and_counted_not_the_whole_list() {
    let s = HistoryStore::in_memory().unwrap();
    s.upsert_builds(
        "a",
        &[
            build("p:1", 100, "SUCCEEDED"),
            build("p:2", 200, "SUCCEEDED"),
        ],
    )
    .unwrap();
    {
        let conn = s.conn.lock().unwrap();
        conn.execute(
            "UPDATE build_records SET record = '{broken' WHERE id = 'p:1'",
            [],
        )
        .unwrap();
        conn.execute("UPDATE builds SET summary = 'garbage' WHERE id = 'p:1'", [])
            .unwrap();
    }
    let records = s.builds("a", "p", None).unwrap();
    assert_eq!(
        records.iter().map(|b| b.id.as_str()).collect::<Vec<_>>(),
        ["p:2"]
    );
    let summaries: Vec<serde_json::Value> =
        serde_json::from_str(&s.summaries_json("a", "p", None).unwrap()).unwrap();
    assert_eq!(summaries.len(), 1);
    assert_eq!(s.build("a", "p:1").unwrap(), None);
    let notice = s.take_notice().unwrap();
    assert!(
        notice.starts_with("3 stored records could not be read"),
        "{notice}"
    );
}

#[cfg(unix)]
#[test]
fn the_store_is_owner_only_in_an_owner_only_directory() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data").join("pipewright");
    let path = dir.join("history.sqlite");
    let s = HistoryStore::open(&path).unwrap();
    s.upsert_releases("a", &[]).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&path), 0o600);
    let wal = dir.join("history.sqlite-wal");
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600);
    }
    drop(s);
    // A store someone left readable by others is made owner-only again.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    HistoryStore::open(&path).unwrap();
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn reads_do_not_wait_for_a_write_in_progress() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("history.sqlite");
    let s = HistoryStore::open(&path).unwrap();
    let now = 86_400_000;
    let old = with_phases(build("p:1", now - 1000, "SUCCEEDED"), 7.0);
    s.upsert_builds("a", std::slice::from_ref(&old)).unwrap();
    // Another writer (the CLI, say) holds the write lock with a build not committed yet.
    let mut other = Connection::open(&path).unwrap();
    let tx = other
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    tx.execute(
            "INSERT INTO builds (id, scope, project, start_ms, status, summary) VALUES ('p:2', 'a', 'p', ?1, 'SUCCEEDED', '{}')",
            params![now - 500],
        )
        .unwrap();
    let t = std::time::Instant::now();
    let list: Vec<crate::history::BuildSummary> =
        serde_json::from_str(&s.summaries_json("a", "p", None).unwrap()).unwrap();
    assert_eq!(list, [old.summary()]);
    assert_eq!(
        s.build_stats("a", "p", now, 1).unwrap(),
        stats::build_stats(std::slice::from_ref(&old), now, 1)
    );
    assert_eq!(s.build("a", "p:1").unwrap().as_ref(), Some(&old));
    assert!(s.build("a", "p:2").unwrap().is_none());
    assert_eq!(s.known("a", "p").unwrap().len(), 1);
    // The busy timeout is 10 s: a read that waited for the lock would take that long.
    assert!(t.elapsed() < std::time::Duration::from_secs(5));
    tx.commit().unwrap();
    assert_eq!(s.known("a", "p").unwrap().len(), 2);
}

#[test]
fn a_store_from_a_newer_pipewright_is_refused_with_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("history.sqlite");
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = HistoryStore::open(&path)
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("newer Pipewright"), "{err}");
}
