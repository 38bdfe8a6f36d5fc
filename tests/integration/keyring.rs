//! The real OS keyring: gnome-keyring's Secret Service in a private D-Bus session (scripts/test.sh
//! starts one). Ignored by a plain `cargo test`; the test script runs them with `--include-ignored`.

use std::path::Path;
use std::process::{Command, Stdio};

use pipewright_core::keyring_store::{AccessKeys, OsKeyring, SecretStore};
use pipewright_core::Secret;
use pipewright_tests::{bin, emulator_url};

const KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const NEEDS: &str =
    "needs a Secret Service (gnome-keyring in a D-Bus session): run scripts/test.sh";

#[test]
#[ignore = "needs a Secret Service (gnome-keyring in a D-Bus session): run scripts/test.sh"]
fn round_trip_add_read_delete() {
    let store = OsKeyring::default();
    let name = format!("it-roundtrip-{}", std::process::id());
    let keys = AccessKeys {
        access_key_id: KEY.into(),
        secret_access_key: Secret::new(SECRET),
        session_token: Some(Secret::new("FwoGZXIvYXdzEXAMPLE")),
    };
    store.set(&name, &keys).expect(NEEDS);
    assert_eq!(store.get(&name).unwrap(), Some(keys));
    store.delete(&name).unwrap();
    assert_eq!(store.get(&name).unwrap(), None);
    store.delete(&name).expect("deleting twice is fine");
}

/// Every file under `dir`, recursively, that contains `needle`.
fn files_containing(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return hits;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            hits.extend(files_containing(&path, needle));
        } else if meta.is_file() {
            if let Ok(bytes) = std::fs::read(&path) {
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    hits.push(path.display().to_string());
                }
            }
        }
    }
    hits
}

fn cli(home: &Path, args: &[&str], stdin: &str) -> std::process::Output {
    let mut cmd = Command::new(bin("pipewright-cli"));
    cmd.args(args)
        .env("HOME", home)
        .env_remove("PIPEWRIGHT_HOME")
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
#[ignore = "needs a Secret Service (gnome-keyring in a D-Bus session): run scripts/test.sh"]
fn cli_profile_lives_in_the_keyring_and_nowhere_else() {
    let home = tempfile::tempdir().unwrap();
    let name = format!("it-cli-{}", std::process::id());
    let out = cli(
        home.path(),
        &[
            "profiles",
            "add",
            &name,
            "--region",
            "eu-west-2",
            "--endpoint-url",
            emulator_url(),
            "--json",
        ],
        &format!("{KEY}\n{SECRET}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let saved: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(saved["accessKeyHint"], "AKIA…MPLE");

    // The secret is in the keyring...
    let keys = OsKeyring::default()
        .get(&name)
        .unwrap()
        .expect("in the keyring");
    assert_eq!(keys.secret_access_key.expose(), SECRET);
    // ...and in no file under HOME (which holds the app's config dir here), nor the data dir.
    let hits = files_containing(home.path(), SECRET.as_bytes());
    assert!(hits.is_empty(), "secret found in {hits:?}");
    let hits = files_containing(home.path(), KEY.as_bytes());
    assert!(hits.is_empty(), "access key id found in {hits:?}");
    assert!(
        home.path()
            .join(".config/pipewright/profiles.toml")
            .exists(),
        "the metadata file is where the app looks for it"
    );

    // It works (the emulator answers with its default account for non-numeric keys).
    let who = cli(home.path(), &["whoami", "--profile", &name, "--json"], "");
    assert!(
        who.status.success(),
        "{}",
        String::from_utf8_lossy(&who.stderr)
    );
    let identity: serde_json::Value = serde_json::from_slice(&who.stdout).unwrap();
    assert_eq!(identity["account"], "123456789012");
    assert!(!String::from_utf8_lossy(&who.stdout).contains(SECRET));
    assert!(!String::from_utf8_lossy(&who.stderr).contains(SECRET));

    // The account is remembered, and listed without any secret.
    let list = cli(home.path(), &["profiles", "list", "--json"], "");
    let text = String::from_utf8_lossy(&list.stdout).to_string();
    assert!(text.contains("123456789012"), "{text}");
    assert!(!text.contains(SECRET) && !text.contains(KEY), "{text}");

    let removed = cli(home.path(), &["profiles", "remove", &name], "");
    assert!(removed.status.success());
    assert_eq!(OsKeyring::default().get(&name).unwrap(), None);
}
