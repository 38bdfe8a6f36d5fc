//! The profile store against an in-memory keyring and a temporary directory.

use super::*;
use crate::keyring_store::MemoryStore;
use crate::ErrorCode;

const KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn store() -> (tempfile::TempDir, Arc<MemoryStore>, ProfileStore) {
    let tmp = tempfile::tempdir().unwrap();
    let secrets = Arc::new(MemoryStore::default());
    let s = ProfileStore::new(AppDirs::at(tmp.path()), secrets.clone(), None);
    (tmp, secrets, s)
}

fn add(name: &str) -> ProfileInput {
    ProfileInput {
        name: name.into(),
        region: "eu-west-2".into(),
        access_key_id: Some(KEY.into()),
        secret_access_key: Some(Secret::new(SECRET)),
        ..Default::default()
    }
}

#[test]
fn writers_at_once_lose_nothing() {
    let (_tmp, _secrets, s) = store();
    let s = Arc::new(s);
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let s = s.clone();
            std::thread::spawn(move || {
                s.save(&add(&format!("p{i}"))).unwrap();
                s.record_account(
                    &ProfileRef {
                        source: ProfileSource::Pipewright,
                        name: format!("p{i}"),
                    },
                    "123456789012",
                )
                .unwrap();
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let list = s.stored().unwrap();
    assert_eq!(list.len(), 8, "{list:?}");
    assert!(list
        .iter()
        .all(|p| p.last_account_id.as_deref() == Some("123456789012")));
}

fn everything_on_disk(dir: &std::path::Path) -> String {
    let mut all = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            all.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    all
}

#[test]
fn add_keeps_secrets_in_the_keyring_only() {
    let (tmp, secrets, s) = store();
    let summary = s.save(&add("work")).unwrap();
    assert_eq!(summary.access_key_hint.as_deref(), Some("AKIA…MPLE"));
    assert!(summary.is_default, "the first profile becomes the default");
    let keys = secrets.get("work").unwrap().unwrap();
    assert_eq!(keys.access_key_id, KEY);
    assert_eq!(keys.secret_access_key.expose(), SECRET);
    let disk = everything_on_disk(tmp.path());
    assert!(disk.contains("name = \"work\""), "{disk}");
    assert!(!disk.contains(SECRET) && !disk.contains(KEY), "{disk}");
    assert!(!serde_json::to_string(&summary).unwrap().contains(SECRET));
}

#[test]
fn validation_names_the_field_and_touches_nothing() {
    let (tmp, secrets, s) = store();
    let cases: Vec<(ProfileInput, &str)> = vec![
        (
            ProfileInput {
                name: "has space".into(),
                ..add("x")
            },
            "name",
        ),
        (
            ProfileInput {
                name: "".into(),
                ..add("x")
            },
            "name",
        ),
        (
            ProfileInput {
                region: "Europe".into(),
                ..add("x")
            },
            "region",
        ),
        (
            ProfileInput {
                endpoint_url: Some("ftp://x".into()),
                ..add("x")
            },
            "endpointUrl",
        ),
        (
            ProfileInput {
                access_key_id: Some("akia-lower".into()),
                ..add("x")
            },
            "accessKeyId",
        ),
        (
            ProfileInput {
                access_key_id: None,
                ..add("x")
            },
            "accessKeyId",
        ),
        (
            ProfileInput {
                secret_access_key: None,
                ..add("x")
            },
            "secretAccessKey",
        ),
        (
            ProfileInput {
                secret_access_key: Some(Secret::new("short")),
                ..add("x")
            },
            "secretAccessKey",
        ),
        (
            ProfileInput {
                session_token: Some(Secret::new("a b")),
                ..add("x")
            },
            "sessionToken",
        ),
    ];
    for (input, field) in cases {
        let e = s.save(&input).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Validation, "{e}");
        assert_eq!(e.field(), Some(field), "{e}");
        assert!(!e.message().contains(SECRET));
    }
    assert!(secrets.is_empty());
    assert!(std::fs::read_dir(tmp.path()).unwrap().next().is_none());
}

#[test]
fn duplicate_name_is_a_name_error() {
    let (_tmp, _secrets, s) = store();
    s.save(&add("work")).unwrap();
    let e = s.save(&add("work")).unwrap_err();
    assert_eq!(e.field(), Some("name"));
}

#[test]
fn edit_without_keys_keeps_them_and_rename_moves_them() {
    let (_tmp, secrets, s) = store();
    s.save(&add("work")).unwrap();
    let edit = ProfileInput {
        original_name: Some("work".into()),
        name: "prod".into(),
        region: "us-east-1".into(),
        ..Default::default()
    };
    let summary = s.save(&edit).unwrap();
    assert_eq!(summary.region.as_deref(), Some("us-east-1"));
    assert_eq!(summary.access_key_hint.as_deref(), Some("AKIA…MPLE"));
    assert!(secrets.get("work").unwrap().is_none());
    assert_eq!(
        secrets
            .get("prod")
            .unwrap()
            .unwrap()
            .secret_access_key
            .expose(),
        SECRET
    );
    let names: Vec<String> = s.stored().unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(names, vec!["prod"]);
}

#[test]
fn edit_adds_and_clears_a_session_token() {
    let (_tmp, secrets, s) = store();
    s.save(&add("work")).unwrap();
    let with_token = ProfileInput {
        original_name: Some("work".into()),
        session_token: Some(Secret::new("FwoGZXIvYXdzEXAMPLETOKEN")),
        ..add("work")
    };
    let with_token = ProfileInput {
        access_key_id: None,
        secret_access_key: None,
        ..with_token
    };
    assert!(s.save(&with_token).unwrap().has_session_token);
    assert!(secrets
        .get("work")
        .unwrap()
        .unwrap()
        .session_token
        .is_some());
    let clear = ProfileInput {
        session_token: None,
        clear_session_token: true,
        ..with_token
    };
    assert!(!s.save(&clear).unwrap().has_session_token);
    assert!(secrets
        .get("work")
        .unwrap()
        .unwrap()
        .session_token
        .is_none());
}

#[test]
fn one_default_at_a_time_and_removal_moves_it() {
    let (_tmp, secrets, s) = store();
    s.save(&add("a")).unwrap();
    s.save(&ProfileInput {
        make_default: true,
        ..add("b")
    })
    .unwrap();
    let defaults: Vec<String> = s
        .stored()
        .unwrap()
        .into_iter()
        .filter(|p| p.is_default)
        .map(|p| p.name)
        .collect();
    assert_eq!(defaults, vec!["b"]);
    s.remove("b").unwrap();
    assert!(secrets.get("b").unwrap().is_none());
    assert!(s.stored().unwrap()[0].is_default);
    assert_eq!(s.remove("b").unwrap_err().code(), ErrorCode::NotFound);
}

#[test]
fn keyring_unavailable_is_reported_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let s = ProfileStore::new(
        AppDirs::at(tmp.path()),
        Arc::new(MemoryStore::unavailable()),
        None,
    );
    let e = s.save(&add("work")).unwrap_err();
    assert_eq!(e.code(), ErrorCode::KeyringUnavailable);
    assert!(s.stored().unwrap().is_empty());
}

#[test]
fn targets_carry_region_endpoint_and_overrides() {
    let (_tmp, _secrets, s) = store();
    s.save(&ProfileInput {
        endpoint_url: Some("http://127.0.0.1:5000".into()),
        ..add("work")
    })
    .unwrap();
    let r = ProfileRef {
        source: ProfileSource::Pipewright,
        name: "work".into(),
    };
    let t = s.target(&r, None, None).unwrap();
    assert_eq!(t.region.as_deref(), Some("eu-west-2"));
    assert_eq!(t.endpoint_url.as_deref(), Some("http://127.0.0.1:5000"));
    let t = s.target(&r, Some("us-west-2"), None).unwrap();
    assert_eq!(t.region.as_deref(), Some("us-west-2"));
    assert!(!format!("{t:?}").contains(SECRET));
    let missing = ProfileRef {
        source: ProfileSource::Pipewright,
        name: "nope".into(),
    };
    assert_eq!(
        s.target(&missing, None, None).unwrap_err().code(),
        ErrorCode::NotFound
    );
}

#[test]
fn sandbox_is_listed_first_and_is_the_default() {
    let tmp = tempfile::tempdir().unwrap();
    let s = ProfileStore::with_test_sandbox(AppDirs::at(tmp.path()));
    assert_eq!(
        s.default_ref().unwrap().unwrap().source,
        ProfileSource::Sandbox
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let all = rt.block_on(s.list_all()).unwrap();
    assert_eq!(all[0].source, ProfileSource::Sandbox);
    assert!(!all[0].editable);
}

#[test]
fn endpoint_rule() {
    for ok in [
        "http://127.0.0.1:5000",
        "https://example.com",
        "http://localhost:4566/",
        "http://[::1]:80",
    ] {
        assert!(is_endpoint_url(ok), "{ok}");
    }
    for bad in ["127.0.0.1:5000", "http://", "ftp://x", "http://a b"] {
        assert!(!is_endpoint_url(bad), "{bad}");
    }
}

#[test]
fn plain_http_only_to_this_machine() {
    for ok in [
        "http://127.0.0.1:5000",
        "http://127.8.9.10",
        "http://localhost:4566/",
        "http://LOCALHOST",
        "http://[::1]:80",
        "https://example.com",
        "https://sts.us-east-1.amazonaws.com",
    ] {
        assert!(check_endpoint_url(ok).is_ok(), "{ok}");
    }
    for bad in [
        "http://example.com",
        "http://10.0.0.5:4566",
        "http://192.168.1.2",
        "http://127.0.0.1.evil.example",
        "http://localhost.evil.example",
        "http://[::2]:80",
        "http://[::ffff:10.0.0.1]",
        "http://0.0.0.0:80",
        "ftp://127.0.0.1",
    ] {
        let e = check_endpoint_url(bad).unwrap_err();
        assert_eq!(e.field(), Some("endpointUrl"), "{bad}");
    }
    assert!(check_endpoint_url("http://example.com")
        .unwrap_err()
        .message()
        .contains("unencrypted"));
}

#[test]
fn the_form_hears_every_problem_at_once_each_under_its_field() {
    let form = ProfileInput {
        name: "bad name!".into(),
        region: "mars-1".into(),
        endpoint_url: Some("http://10.0.0.5:4566".into()),
        access_key_id: Some("lowercase".into()),
        secret_access_key: Some(Secret::new("short")),
        session_token: Some(Secret::new("a b")),
        ..Default::default()
    };
    let paths: Vec<String> = issues(&form).into_iter().map(|i| i.path).collect();
    assert_eq!(
        paths,
        [
            "name",
            "region",
            "endpointUrl",
            "accessKeyId",
            "secretAccessKey",
            "sessionToken"
        ]
    );
    // A new profile needs both keys; an edit may keep the stored ones.
    let new = ProfileInput {
        name: "ok".into(),
        region: "eu-west-2".into(),
        ..Default::default()
    };
    let missing: Vec<(String, String)> = issues(&new)
        .into_iter()
        .map(|i| (i.path, i.message))
        .collect();
    assert_eq!(
        missing,
        [
            ("accessKeyId".to_owned(), "is required".to_owned()),
            ("secretAccessKey".to_owned(), "is required".to_owned())
        ]
    );
    let edit = ProfileInput {
        original_name: Some("ok".into()),
        ..new.clone()
    };
    assert!(issues(&edit).is_empty());
    // The store refuses what the form would show, with the first problem.
    let (_tmp, _secrets, s) = store();
    let err = s.save(&form).unwrap_err();
    assert_eq!(err.field(), Some("name"));
}

#[test]
fn a_bad_profile_name_is_told_what_is_wrong_with_it() {
    let input = ProfileInput {
        name: "prod deployer!".into(),
        ..Default::default()
    };
    let found = issues(&input);
    let name = found.iter().find(|i| i.path == "name").unwrap();
    assert_eq!(
        name.message,
        "spaces and '!' are not allowed: only letters, digits, '.', '_' or '-' (profile names)"
    );
    let long = ProfileInput {
        name: "p".repeat(70),
        ..Default::default()
    };
    assert!(issues(&long).iter().any(|i| i.path == "name"
        && i.message == "has 70 characters, 6 over the 64 allowed (profile names)"));
}
