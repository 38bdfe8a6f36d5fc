//! The user's current profile and region, remembered between runs (settings.json, no secrets).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::paths::{write_private, AppDirs};
use crate::profiles::{ProfileRef, ProfileSource, ProfileStore};
use crate::{regions, Error, Result};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Session {
    pub profile: Option<ProfileRef>,
    pub region: Option<String>,
}

fn path(dirs: &AppDirs) -> std::path::PathBuf {
    dirs.config.join("session.json")
}

pub fn load(dirs: &AppDirs) -> Session {
    std::fs::read_to_string(path(dirs))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default()
}

/// The session to show: the saved one, with a profile that no longer exists (removed, or the sandbox
/// when it is off) replaced by the default profile.
pub fn current(store: &ProfileStore) -> Result<Session> {
    let mut session = load(store.dirs());
    let still_there = match &session.profile {
        None => false,
        Some(p) => match p.source {
            ProfileSource::Sandbox => store.sandbox().is_some(),
            ProfileSource::Pipewright => store.stored()?.iter().any(|s| s.name == p.name),
            ProfileSource::AwsCli | ProfileSource::Environment => true,
        },
    };
    if !still_there {
        session.profile = store.default_ref()?;
    }
    Ok(session)
}

pub fn save(dirs: &AppDirs, session: &Session) -> Result<()> {
    if let Some(region) = &session.region {
        if !regions::is_region_code(region) {
            return Err(Error::validation("region", regions::REGION_RULE));
        }
    }
    let text = serde_json::to_string_pretty(session).map_err(Error::internal)?;
    write_private(&path(dirs), &text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyring_store::MemoryStore;
    use crate::profiles::ProfileInput;
    use std::sync::Arc;

    #[test]
    fn round_trips_and_rejects_bad_region() {
        let tmp = tempfile::tempdir().unwrap();
        let dirs = AppDirs::at(tmp.path());
        assert_eq!(load(&dirs), Session::default());
        let s = Session {
            profile: Some(ProfileRef {
                source: ProfileSource::Pipewright,
                name: "work".into(),
            }),
            region: Some("eu-west-2".into()),
        };
        save(&dirs, &s).unwrap();
        assert_eq!(load(&dirs), s);
        let bad = Session {
            region: Some("europe".into()),
            ..s
        };
        assert_eq!(save(&dirs, &bad).unwrap_err().field(), Some("region"));
    }

    #[test]
    fn a_vanished_profile_falls_back_to_the_default() {
        let tmp = tempfile::tempdir().unwrap();
        let dirs = AppDirs::at(tmp.path());
        let store = ProfileStore::new(dirs.clone(), Arc::new(MemoryStore::default()), None);
        save(
            &dirs,
            &Session {
                profile: Some(ProfileRef {
                    source: ProfileSource::Sandbox,
                    name: "Sandbox".into(),
                }),
                region: None,
            },
        )
        .unwrap();
        assert_eq!(current(&store).unwrap().profile, None);
        store
            .save(&ProfileInput {
                name: "work".into(),
                region: "eu-west-2".into(),
                access_key_id: Some("AKIAIOSFODNN7EXAMPLE".into()),
                secret_access_key: Some(crate::Secret::new(
                    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                )),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(current(&store).unwrap().profile.unwrap().name, "work");
        let with_sandbox = ProfileStore::with_test_sandbox(dirs);
        assert_eq!(
            current(&with_sandbox).unwrap().profile.unwrap().source,
            ProfileSource::Sandbox
        );
    }
}
