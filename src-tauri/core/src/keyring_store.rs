//! The only place secrets are stored: the OS keyring (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows) through the `keyring` crate, behind a small trait so unit tests can
//! use an in-memory store.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Deserialize;
use zeroize::Zeroizing;

use crate::{Error, Result, Secret};

/// The credentials of one Pipewright profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKeys {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
}

pub trait SecretStore: Send + Sync {
    fn get(&self, profile: &str) -> Result<Option<AccessKeys>>;
    fn set(&self, profile: &str, keys: &AccessKeys) -> Result<()>;
    /// Deleting a missing entry is not an error.
    fn delete(&self, profile: &str) -> Result<()>;
}

/// The keyring service name all of Pipewright's entries are filed under.
pub const KEYRING_SERVICE: &str = "dev.pipewright";

pub struct OsKeyring {
    service: String,
}

impl Default for OsKeyring {
    fn default() -> Self {
        Self {
            service: KEYRING_SERVICE.to_owned(),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Payload {
    access_key_id: String,
    secret_access_key: Secret,
    session_token: Option<Secret>,
}

/// The keyring entry's JSON, borrowed from the keys: no copy of a secret is made on the way.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct PayloadRef<'a> {
    access_key_id: &'a str,
    secret_access_key: &'a str,
    session_token: Option<&'a str>,
}

/// The one place a secret is serialized: straight into a zeroized buffer allocated once, big
/// enough for the worst JSON escaping (6 bytes a byte), so no reallocation leaves a copy behind.
fn payload(keys: &AccessKeys) -> Result<Zeroizing<Vec<u8>>> {
    let token = keys.session_token.as_ref().map(Secret::expose);
    let secret = keys.secret_access_key.expose();
    let capacity = 96 + 6 * (keys.access_key_id.len() + secret.len() + token.map_or(0, str::len));
    let mut buf = Zeroizing::new(Vec::with_capacity(capacity));
    serde_json::to_writer(
        &mut *buf,
        &PayloadRef {
            access_key_id: &keys.access_key_id,
            secret_access_key: secret,
            session_token: token,
        },
    )
    .map_err(Error::internal)?;
    debug_assert_eq!(buf.capacity(), capacity, "the payload buffer grew");
    Ok(buf)
}

impl OsKeyring {
    fn entry(&self, profile: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, &format!("profile:{profile}")).map_err(map_keyring_error)
    }
}

impl SecretStore for OsKeyring {
    fn get(&self, profile: &str) -> Result<Option<AccessKeys>> {
        let raw = match self.entry(profile)?.get_password() {
            Ok(raw) => Zeroizing::new(raw),
            Err(keyring::Error::NoEntry) => return Ok(None),
            Err(e) => return Err(map_keyring_error(e)),
        };
        let p: Payload = serde_json::from_str(&raw).map_err(|_| {
            Error::internal(format!(
                "the keyring entry of profile {profile:?} is not in Pipewright's format; remove and re-add the profile"
            ))
        })?;
        Ok(Some(AccessKeys {
            access_key_id: p.access_key_id,
            secret_access_key: p.secret_access_key,
            session_token: p.session_token,
        }))
    }

    fn set(&self, profile: &str, keys: &AccessKeys) -> Result<()> {
        let payload = payload(keys)?;
        let text = std::str::from_utf8(&payload).map_err(Error::internal)?;
        self.entry(profile)?
            .set_password(text)
            .map_err(map_keyring_error)
    }

    fn delete(&self, profile: &str) -> Result<()> {
        match self.entry(profile)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring_error(e)),
        }
    }
}

const KEYRING_FIX: &str = if cfg!(target_os = "linux") {
    "Pipewright keeps AWS secrets only in the Secret Service. Log in to a desktop session with GNOME Keyring \
     or KWallet and unlock it, or start one yourself inside a D-Bus session: \
     `gnome-keyring-daemon --unlock --components=secrets`."
} else if cfg!(target_os = "macos") {
    "Pipewright keeps AWS secrets only in the macOS Keychain. Unlock your login keychain and allow Pipewright to use it."
} else {
    "Pipewright keeps AWS secrets only in the Windows Credential Manager. Check that it is available for your user."
};

pub fn map_keyring_error(e: keyring::Error) -> Error {
    let cause = match &e {
        keyring::Error::NoStorageAccess(inner) => {
            format!("the keyring is locked or refused access ({inner})")
        }
        keyring::Error::PlatformFailure(inner) => {
            format!("no keyring service is reachable ({inner})")
        }
        keyring::Error::BadEncoding(_) => "the keyring entry is not valid text".to_owned(),
        keyring::Error::TooLong(what, max) => {
            format!("the {what} is longer than the keyring allows ({max})")
        }
        keyring::Error::Invalid(what, why) => format!("invalid keyring {what}: {why}"),
        keyring::Error::Ambiguous(_) => "several keyring entries match this profile".to_owned(),
        other => other.to_string(),
    };
    Error::KeyringUnavailable(format!(
        "The OS keyring is unavailable: {cause}. {KEYRING_FIX}"
    ))
}

/// An in-memory [`SecretStore`] for unit tests and for `--no-keyring` style tooling.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, AccessKeys>>,
    unavailable: bool,
}

impl MemoryStore {
    /// A store that fails every call the way a missing Secret Service does.
    pub fn unavailable() -> Self {
        Self {
            entries: Mutex::default(),
            unavailable: true,
        }
    }

    fn check(&self) -> Result<()> {
        if self.unavailable {
            return Err(map_keyring_error(keyring::Error::PlatformFailure(
                "no Secret Service on the session bus".into(),
            )));
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.entries.lock().unwrap().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, profile: &str) -> Result<Option<AccessKeys>> {
        self.check()?;
        Ok(self.entries.lock().unwrap().get(profile).cloned())
    }

    fn set(&self, profile: &str, keys: &AccessKeys) -> Result<()> {
        self.check()?;
        self.entries
            .lock()
            .unwrap()
            .insert(profile.to_owned(), keys.clone());
        Ok(())
    }

    fn delete(&self, profile: &str) -> Result<()> {
        self.check()?;
        self.entries.lock().unwrap().remove(profile);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keyring_payload_is_written_once_into_its_zeroized_buffer() {
        let keys = AccessKeys {
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"\u{1}"),
            session_token: Some(Secret::new("token\n")),
        };
        let buf = payload(&keys).unwrap();
        let back: Payload = serde_json::from_slice(&buf).unwrap();
        assert_eq!(back.access_key_id, keys.access_key_id);
        assert_eq!(
            back.secret_access_key.expose(),
            keys.secret_access_key.expose()
        );
        assert_eq!(back.session_token.unwrap().expose(), "token\n");
    }
    use crate::ErrorCode;

    #[test]
    fn keyring_errors_name_the_cause_and_the_fix() {
        let e = map_keyring_error(keyring::Error::NoStorageAccess(
            "collection is locked".into(),
        ));
        assert_eq!(e.code(), ErrorCode::KeyringUnavailable);
        let m = e.message();
        assert!(m.contains("locked"), "{m}");
        if cfg!(target_os = "linux") {
            assert!(m.contains("gnome-keyring-daemon --unlock"), "{m}");
        }
    }

    #[test]
    fn unavailable_memory_store_fails_like_the_os_one() {
        let s = MemoryStore::unavailable();
        assert_eq!(
            s.get("x").unwrap_err().code(),
            ErrorCode::KeyringUnavailable
        );
    }
}
