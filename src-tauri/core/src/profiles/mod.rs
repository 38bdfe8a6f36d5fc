//! Profiles: Pipewright's own (metadata in `profiles.toml`, keys only in the OS keyring), the user's
//! AWS CLI profiles and environment credentials (used in place, never copied), and the sandbox.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::aws::{AwsTarget, CredentialSource};
use crate::keyring_store::{AccessKeys, SecretStore};
use crate::paths::{write_private, AppDirs};
use crate::secret::key_hint;
use crate::{aws_cli, regions, Error, Result, Secret};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ProfileSource {
    /// Created in Pipewright; keys in the OS keyring.
    Pipewright,
    /// From `~/.aws/config` / `~/.aws/credentials`.
    AwsCli,
    /// `AWS_ACCESS_KEY_ID` & co. in the environment.
    Environment,
    /// The local emulator with demo data.
    Sandbox,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProfileRef {
    pub source: ProfileSource,
    pub name: String,
}

/// A profile as the UI and `profiles list` show it. Never carries a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProfileSummary {
    pub source: ProfileSource,
    pub name: String,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub is_default: bool,
    /// `AKIA…MPLE`: enough to recognise the key, useless to an attacker.
    pub access_key_hint: Option<String>,
    pub has_session_token: bool,
    pub last_account_id: Option<String>,
    /// How the credentials are obtained, e.g. "OS keyring", "SSO", "assume role".
    pub detail: Option<String>,
    pub editable: bool,
}

/// Add (`original_name` = null) or edit a Pipewright profile.
///
/// On edit, `access_key_id`/`secret_access_key` = null keep the stored keys (both or neither), and
/// `session_token` = null keeps the stored token unless `clear_session_token`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProfileInput {
    pub original_name: Option<String>,
    pub name: String,
    pub region: String,
    pub endpoint_url: Option<String>,
    pub access_key_id: Option<String>,
    #[ts(type = "string | null")]
    pub secret_access_key: Option<Secret>,
    #[ts(type = "string | null")]
    pub session_token: Option<Secret>,
    #[serde(default)]
    pub clear_session_token: bool,
    #[serde(default)]
    pub make_default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ProfileMeta {
    name: String,
    region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    endpoint_url: Option<String>,
    #[serde(default)]
    default: bool,
    access_key_hint: String,
    #[serde(default)]
    has_session_token: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_account_id: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct MetaFile {
    #[serde(default, rename = "profile")]
    profiles: Vec<ProfileMeta>,
}

/// Sandbox mode: the app talks to the local emulator with fixed fake keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sandbox {
    pub endpoint_url: String,
    pub region: String,
    /// The emulator files resources under the account whose 12-digit number is the access key;
    /// any other key means its default account 123456789012.
    pub access_key: String,
}

impl ProfileStore {
    /// A store in memory (keys in a [`MemoryStore`]) with a sandbox that reaches nothing, for
    /// tests.
    #[cfg(test)]
    pub(crate) fn with_test_sandbox(dirs: AppDirs) -> Self {
        ProfileStore::new(
            dirs,
            std::sync::Arc::new(crate::keyring_store::MemoryStore::default()),
            Some(Sandbox {
                endpoint_url: "http://127.0.0.1:1".into(),
                region: "us-east-1".into(),
                access_key: "testing".into(),
            }),
        )
    }
}

pub const SANDBOX_ENV: &str = "PIPEWRIGHT_SANDBOX_ENDPOINT";
pub const SANDBOX_NAME: &str = "Sandbox";

impl Sandbox {
    pub fn from_env() -> Option<Self> {
        let endpoint_url = std::env::var(SANDBOX_ENV).ok().filter(|v| !v.is_empty())?;
        let region = std::env::var("PIPEWRIGHT_SANDBOX_REGION")
            .ok()
            .filter(|r| regions::is_region_code(r))
            .unwrap_or_else(|| "us-east-1".to_owned());
        let access_key = std::env::var("PIPEWRIGHT_SANDBOX_ACCESS_KEY")
            .ok()
            .filter(|k| !k.is_empty())
            .unwrap_or_else(|| "testing".to_owned());
        Some(Self {
            endpoint_url,
            region,
            access_key,
        })
    }

    /// Obviously fake keys: the emulator only reads the account from the access key.
    fn keys(&self) -> AccessKeys {
        AccessKeys {
            access_key_id: self.access_key.clone(),
            secret_access_key: Secret::new("testing"),
            session_token: None,
        }
    }
}

mod rules;
#[cfg(test)]
mod tests;

pub use rules::*;
use rules::{non_empty, validate};

pub struct ProfileStore {
    dirs: AppDirs,
    secrets: Arc<dyn SecretStore>,
    sandbox: Option<Sandbox>,
}

impl ProfileStore {
    /// The keys the keyring holds for profile `orig`, kept when the form leaves them blank: the
    /// session token cleared if asked, or replaced by a new one.
    fn kept_keys(
        &self,
        orig: &str,
        clear_token: bool,
        new_token: Option<Secret>,
    ) -> Result<AccessKeys> {
        let mut keys = self.secrets.get(orig)?.ok_or_else(|| {
            Error::validation(
                "accessKeyId",
                "the OS keyring has no keys for this profile any more: enter them again",
            )
        })?;
        if clear_token {
            keys.session_token = None;
        }
        if new_token.is_some() {
            keys.session_token = new_token;
        }
        Ok(keys)
    }

    pub fn new(dirs: AppDirs, secrets: Arc<dyn SecretStore>, sandbox: Option<Sandbox>) -> Self {
        Self {
            dirs,
            secrets,
            sandbox,
        }
    }

    pub fn dirs(&self) -> &AppDirs {
        &self.dirs
    }

    pub fn sandbox(&self) -> Option<&Sandbox> {
        self.sandbox.as_ref()
    }

    fn meta_path(&self) -> std::path::PathBuf {
        self.dirs.config.join("profiles.toml")
    }

    /// Held across a load-modify-store of `profiles.toml`, so two writers (the app and the CLI,
    /// or two threads) never lose each other's change. The OS drops it with the process.
    fn lock(&self) -> Result<std::fs::File> {
        std::fs::create_dir_all(&self.dirs.config)?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.dirs.config.join("profiles.lock"))?;
        file.lock()?;
        Ok(file)
    }

    fn load(&self) -> Result<MetaFile> {
        match std::fs::read_to_string(self.meta_path()) {
            Ok(text) => toml::from_str(&text).map_err(|e| {
                Error::internal(format!(
                    "{} is not valid: {}",
                    self.meta_path().display(),
                    e.message()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(MetaFile::default()),
            Err(e) => Err(e.into()),
        }
    }

    fn store(&self, file: &MetaFile) -> Result<()> {
        let text = toml::to_string_pretty(file).map_err(Error::internal)?;
        write_private(
            &self.meta_path(),
            &format!("# Pipewright profiles. Secrets are in the OS keyring, never here.\n{text}"),
        )
    }

    fn summary(meta: &ProfileMeta) -> ProfileSummary {
        ProfileSummary {
            source: ProfileSource::Pipewright,
            name: meta.name.clone(),
            region: Some(meta.region.clone()),
            endpoint_url: meta.endpoint_url.clone(),
            is_default: meta.default,
            access_key_hint: Some(meta.access_key_hint.clone()),
            has_session_token: meta.has_session_token,
            last_account_id: meta.last_account_id.clone(),
            detail: Some("OS keyring".to_owned()),
            editable: true,
        }
    }

    /// Pipewright's own profiles.
    pub fn stored(&self) -> Result<Vec<ProfileSummary>> {
        Ok(self.load()?.profiles.iter().map(Self::summary).collect())
    }

    /// Every profile the user can work with: sandbox, Pipewright's, environment, AWS CLI.
    pub async fn list_all(&self) -> Result<Vec<ProfileSummary>> {
        let mut out = Vec::new();
        if let Some(sandbox) = &self.sandbox {
            out.push(ProfileSummary {
                source: ProfileSource::Sandbox,
                name: SANDBOX_NAME.to_owned(),
                region: Some(sandbox.region.clone()),
                endpoint_url: Some(sandbox.endpoint_url.clone()),
                is_default: false,
                access_key_hint: None,
                has_session_token: false,
                last_account_id: None,
                detail: Some("local AWS emulator with demo data".to_owned()),
                editable: false,
            });
        }
        out.extend(self.stored()?);
        if aws_cli::environment_has_credentials() {
            out.push(ProfileSummary {
                source: ProfileSource::Environment,
                name: "environment".to_owned(),
                region: std::env::var("AWS_REGION")
                    .or_else(|_| std::env::var("AWS_DEFAULT_REGION"))
                    .ok(),
                endpoint_url: std::env::var("AWS_ENDPOINT_URL").ok(),
                is_default: false,
                access_key_hint: std::env::var("AWS_ACCESS_KEY_ID")
                    .ok()
                    .map(|k| key_hint(&k)),
                has_session_token: std::env::var_os("AWS_SESSION_TOKEN").is_some(),
                last_account_id: None,
                detail: Some("environment variables".to_owned()),
                editable: false,
            });
        }
        for p in aws_cli::list().await {
            out.push(ProfileSummary {
                source: ProfileSource::AwsCli,
                name: p.name,
                region: p.region,
                endpoint_url: None,
                is_default: false,
                access_key_hint: None,
                has_session_token: false,
                last_account_id: None,
                detail: Some(p.kind.to_owned()),
                editable: false,
            });
        }
        Ok(out)
    }

    /// Adds or edits a Pipewright profile: keys to the keyring first, then the metadata file.
    pub fn save(&self, input: &ProfileInput) -> Result<ProfileSummary> {
        let original = non_empty(&input.original_name);
        let checked = validate(input)?;
        let _lock = self.lock()?;
        let mut file = self.load()?;
        let taken = |name: &str| file.profiles.iter().any(|p| p.name == name);

        let (index, old_keys) = match &original {
            None => {
                if taken(&checked.name) {
                    return Err(Error::validation(
                        "name",
                        format!("is already used by another profile ({})", checked.name),
                    ));
                }
                (None, None)
            }
            Some(orig) => {
                let index = file
                    .profiles
                    .iter()
                    .position(|p| &p.name == orig)
                    .ok_or_else(|| {
                        Error::NotFound(format!("no Pipewright profile named {orig}"))
                    })?;
                if &checked.name != orig && taken(&checked.name) {
                    return Err(Error::validation(
                        "name",
                        format!("is already used by another profile ({})", checked.name),
                    ));
                }
                (Some(index), Some(orig.clone()))
            }
        };

        // Work out the keys to keep, reading the keyring only when something must be carried over.
        let renamed = old_keys.as_deref().is_some_and(|o| o != checked.name);
        let token_changed = checked.session_token.is_some() || input.clear_session_token;
        let new_keys = match (&checked.keys, &old_keys) {
            (Some((id, secret)), _) => Some(AccessKeys {
                access_key_id: id.clone(),
                secret_access_key: secret.clone(),
                session_token: checked.session_token.clone(),
            }),
            (None, Some(orig)) if renamed || token_changed => Some(self.kept_keys(
                orig,
                input.clear_session_token,
                checked.session_token.clone(),
            )?),
            _ => None,
        };
        if let Some(keys) = &new_keys {
            self.secrets.set(&checked.name, keys)?;
        }

        let make_default = input.make_default || file.profiles.is_empty();
        if make_default {
            for p in &mut file.profiles {
                p.default = false;
            }
        }
        let meta = match index {
            None => {
                let keys = new_keys.as_ref().expect("adding requires keys");
                file.profiles.push(ProfileMeta {
                    name: checked.name.clone(),
                    region: checked.region,
                    endpoint_url: checked.endpoint_url,
                    default: make_default,
                    access_key_hint: key_hint(&keys.access_key_id),
                    has_session_token: keys.session_token.is_some(),
                    last_account_id: None,
                });
                file.profiles.last().expect("just pushed").clone()
            }
            Some(i) => {
                let p = &mut file.profiles[i];
                p.name = checked.name.clone();
                p.region = checked.region;
                p.endpoint_url = checked.endpoint_url;
                p.default = p.default || make_default;
                if let Some(keys) = &new_keys {
                    if checked.keys.is_some() {
                        p.access_key_hint = key_hint(&keys.access_key_id);
                        p.last_account_id = None;
                    }
                    p.has_session_token = keys.session_token.is_some();
                }
                p.clone()
            }
        };
        self.store(&file)?;
        if renamed {
            if let Some(orig) = &old_keys {
                self.secrets.delete(orig)?;
            }
        }
        Ok(Self::summary(&meta))
    }

    /// Removes a Pipewright profile and its keyring entry.
    pub fn remove(&self, name: &str) -> Result<()> {
        let _lock = self.lock()?;
        let mut file = self.load()?;
        let before = file.profiles.len();
        let was_default = file.profiles.iter().any(|p| p.name == name && p.default);
        file.profiles.retain(|p| p.name != name);
        if file.profiles.len() == before {
            return Err(Error::NotFound(format!(
                "no Pipewright profile named {name}"
            )));
        }
        if was_default {
            if let Some(first) = file.profiles.first_mut() {
                first.default = true;
            }
        }
        self.secrets.delete(name)?;
        self.store(&file)
    }

    /// Remembers the account a profile's keys belong to (shown in the list).
    pub fn record_account(&self, profile: &ProfileRef, account: &str) -> Result<()> {
        if profile.source != ProfileSource::Pipewright {
            return Ok(());
        }
        let _lock = self.lock()?;
        let mut file = self.load()?;
        if let Some(p) = file.profiles.iter_mut().find(|p| p.name == profile.name) {
            if p.last_account_id.as_deref() != Some(account) {
                p.last_account_id = Some(account.to_owned());
                self.store(&file)?;
            }
        }
        Ok(())
    }

    /// The profile to use when the user has not chosen one.
    pub fn default_ref(&self) -> Result<Option<ProfileRef>> {
        if self.sandbox.is_some() {
            return Ok(Some(ProfileRef {
                source: ProfileSource::Sandbox,
                name: SANDBOX_NAME.to_owned(),
            }));
        }
        let file = self.load()?;
        let chosen = file
            .profiles
            .iter()
            .find(|p| p.default)
            .or(file.profiles.first());
        Ok(chosen.map(|p| ProfileRef {
            source: ProfileSource::Pipewright,
            name: p.name.clone(),
        }))
    }

    /// Resolves a bare profile name (the CLI's `--profile`): Pipewright's own first, then the
    /// sandbox, then the AWS CLI's.
    pub async fn resolve_name(&self, name: &str) -> Result<ProfileRef> {
        if self.load()?.profiles.iter().any(|p| p.name == name) {
            return Ok(ProfileRef {
                source: ProfileSource::Pipewright,
                name: name.to_owned(),
            });
        }
        if self.sandbox.is_some() && name == SANDBOX_NAME {
            return Ok(ProfileRef {
                source: ProfileSource::Sandbox,
                name: name.to_owned(),
            });
        }
        if aws_cli::list().await.iter().any(|p| p.name == name) {
            return Ok(ProfileRef {
                source: ProfileSource::AwsCli,
                name: name.to_owned(),
            });
        }
        Err(Error::NotFound(format!(
            "no profile named {name}: see `pipewright-cli profiles list`"
        )))
    }

    /// What an AWS call for this profile needs. `region`/`endpoint_url` override the profile's.
    pub fn target(
        &self,
        profile: &ProfileRef,
        region: Option<&str>,
        endpoint_url: Option<&str>,
    ) -> Result<AwsTarget> {
        let region = region.map(str::to_owned);
        let endpoint = endpoint_url.map(str::to_owned);
        match profile.source {
            ProfileSource::Pipewright => {
                let file = self.load()?;
                let meta = file
                    .profiles
                    .iter()
                    .find(|p| p.name == profile.name)
                    .ok_or_else(|| {
                        Error::NotFound(format!("no Pipewright profile named {}", profile.name))
                    })?;
                let keys = self.secrets.get(&meta.name)?.ok_or_else(|| {
                    Error::NotFound(format!(
                        "the OS keyring has no keys for profile {}: edit the profile and enter them again",
                        meta.name
                    ))
                })?;
                Ok(AwsTarget {
                    label: format!("profile {}", meta.name),
                    credentials: CredentialSource::Static(keys),
                    region: region.or_else(|| Some(meta.region.clone())),
                    endpoint_url: endpoint.or_else(|| meta.endpoint_url.clone()),
                })
            }
            ProfileSource::Sandbox => {
                let sandbox = self.sandbox.as_ref().ok_or_else(|| {
                    Error::NotFound(
                        "sandbox mode is off: start Pipewright with its run command".into(),
                    )
                })?;
                Ok(AwsTarget {
                    label: "the sandbox".to_owned(),
                    credentials: CredentialSource::Static(sandbox.keys()),
                    region: region.or_else(|| Some(sandbox.region.clone())),
                    endpoint_url: endpoint.or_else(|| Some(sandbox.endpoint_url.clone())),
                })
            }
            ProfileSource::AwsCli => Ok(AwsTarget {
                label: format!("AWS CLI profile {}", profile.name),
                credentials: CredentialSource::NamedProfile(profile.name.clone()),
                region,
                endpoint_url: endpoint,
            }),
            ProfileSource::Environment => Ok(AwsTarget {
                label: "the environment's credentials".to_owned(),
                credentials: CredentialSource::DefaultChain,
                region,
                endpoint_url: endpoint,
            }),
        }
    }

    /// The target for an unsaved form ("Test connection" before Save). On edit, missing keys are
    /// taken from the keyring.
    pub fn target_for_input(&self, input: &ProfileInput) -> Result<AwsTarget> {
        let original = non_empty(&input.original_name);
        let checked = validate(input)?;
        let keys = match (checked.keys, &original) {
            (Some((id, secret)), _) => AccessKeys {
                access_key_id: id,
                secret_access_key: secret,
                session_token: checked.session_token,
            },
            (None, Some(orig)) => {
                self.kept_keys(orig, input.clear_session_token, checked.session_token)?
            }
            (None, None) => unreachable!("validate requires keys when adding"),
        };
        Ok(AwsTarget {
            label: format!("profile {}", checked.name),
            credentials: CredentialSource::Static(keys),
            region: Some(checked.region),
            endpoint_url: checked.endpoint_url,
        })
    }
}
