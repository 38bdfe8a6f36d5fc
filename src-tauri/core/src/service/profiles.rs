//! Profiles, the session (which profile and region the app works in) and "who am I".

use super::Pipewright;
use crate::apply::AwsCtx;
use crate::aws::{self, AwsTarget, CredentialSource, Identity};
use crate::plan::Issue;
use crate::profiles::{self, ProfileInput, ProfileRef, ProfileSummary};
use crate::session::{self, Session};
use crate::Result;

/// Where a CLI command works: `--profile` (Pipewright's, the sandbox, then the AWS CLI's) or the
/// standard credential chain, with `--region` and `--endpoint-url` over the profile's.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
}

impl Pipewright {
    /// Pipewright's profiles, the sandbox, the AWS CLI's profiles and the environment's keys.
    pub async fn profiles_list(&self) -> Result<Vec<ProfileSummary>> {
        self.profiles.list_all().await
    }

    /// Every problem with a profile form, offline (the form shows each under its field).
    pub fn profile_validate(&self, input: &ProfileInput) -> Vec<Issue> {
        profiles::issues(input)
    }

    /// Adds or edits a profile: keys to the OS keyring, the rest to `profiles.toml`.
    pub async fn profile_save(&self, input: ProfileInput) -> Result<ProfileSummary> {
        self.contexts.clear();
        self.blocking(move |s| s.save(&input)).await
    }

    pub async fn profile_remove(&self, name: String) -> Result<()> {
        self.contexts.clear();
        self.blocking(move |s| s.remove(&name)).await
    }

    /// Who a saved profile is (STS), remembered as its last account.
    pub async fn profile_test(
        &self,
        profile: ProfileRef,
        region: Option<String>,
    ) -> Result<Identity> {
        let target = {
            let profile = profile.clone();
            self.blocking(move |s| s.target(&profile, region.as_deref(), None))
                .await?
        };
        let identity = aws::whoami(&aws::load_config(&target).await?).await?;
        let account = identity.account.clone();
        self.blocking(move |s| s.record_account(&profile, &account))
            .await?;
        Ok(identity)
    }

    /// Who an unsaved form's keys are ("Test connection" before Save).
    pub async fn credentials_test(&self, input: ProfileInput) -> Result<Identity> {
        let target = self.blocking(move |s| s.target_for_input(&input)).await?;
        aws::whoami(&aws::load_config(&target).await?).await
    }

    /// The session to show (a profile that is gone is replaced by the default).
    pub async fn session_get(&self) -> Result<Session> {
        self.blocking(session::current).await
    }

    pub async fn session_set(&self, session: Session) -> Result<Session> {
        self.blocking(move |s| {
            session::save(s.dirs(), &session)?;
            Ok(session)
        })
        .await
    }

    /// The AWS target of a CLI selection, and the profile it names (if any).
    pub async fn target(&self, sel: &Selection) -> Result<(AwsTarget, Option<ProfileRef>)> {
        Ok(match &sel.profile {
            Some(name) => {
                let r = self.profiles.resolve_name(name).await?;
                let target =
                    self.profiles
                        .target(&r, sel.region.as_deref(), sel.endpoint_url.as_deref())?;
                (target, Some(r))
            }
            None => (
                AwsTarget {
                    label: "the default AWS credential chain".to_owned(),
                    credentials: CredentialSource::DefaultChain,
                    region: sel.region.clone(),
                    endpoint_url: sel.endpoint_url.clone(),
                },
                None,
            ),
        })
    }

    /// Connects a CLI selection (config + STS).
    pub async fn connect(&self, sel: &Selection) -> Result<AwsCtx> {
        let (target, _) = self.target(sel).await?;
        AwsCtx::connect(&target).await
    }

    /// Who a CLI selection is; a named profile remembers the account.
    pub async fn whoami(&self, sel: &Selection) -> Result<Identity> {
        let (target, profile) = self.target(sel).await?;
        let identity = aws::whoami(&aws::load_config(&target).await?).await?;
        if let Some(r) = profile {
            let account = identity.account.clone();
            self.blocking(move |s| s.record_account(&r, &account))
                .await?;
        }
        Ok(identity)
    }
}
