//! The user's existing AWS CLI profiles (`~/.aws/config` and `~/.aws/credentials`), read with
//! `aws-config`'s own parser so names and precedence match the AWS CLI. Pipewright lists them and lets
//! `aws-config` resolve their credentials at call time; it never copies their secrets.

use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliProfile {
    pub name: String,
    pub region: Option<String>,
    /// How the profile gets credentials, for display: "SSO", "assume role", ...
    pub kind: &'static str,
}

pub async fn list() -> Vec<CliProfile> {
    list_with(&Fs::real(), &Env::real()).await
}

pub async fn list_with(fs: &Fs, env: &Env) -> Vec<CliProfile> {
    let set = match aws_config::profile::load(fs, env, &EnvConfigFiles::default(), None).await {
        Ok(set) => set,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the AWS CLI configuration");
            return Vec::new();
        }
    };
    let mut out: Vec<CliProfile> = set
        .profiles()
        .filter_map(|name| {
            let p = set.get_profile(name)?;
            let kind = if p.get("sso_session").is_some() || p.get("sso_start_url").is_some() {
                "SSO"
            } else if p.get("role_arn").is_some() {
                "assume role"
            } else if p.get("credential_process").is_some() {
                "credential process"
            } else if p.get("aws_access_key_id").is_some() {
                "static keys"
            } else {
                "no credentials"
            };
            Some(CliProfile {
                name: name.to_owned(),
                region: p.get("region").map(str::to_owned),
                kind,
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Whether AWS credentials are set in this process's environment (`AWS_ACCESS_KEY_ID` + secret).
pub fn environment_has_credentials() -> bool {
    let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    set("AWS_ACCESS_KEY_ID") && set("AWS_SECRET_ACCESS_KEY")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[tokio::test]
    async fn lists_profiles_of_both_files_with_their_kind() {
        let fs = Fs::from_map(HashMap::from([
            (
                "/home/u/.aws/config".to_owned(),
                "[default]\nregion = eu-west-2\n\n[profile sso-dev]\nsso_session = corp\nsso_account_id = 1\nregion = us-east-1\n\n[profile deploy]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = default\n"
                    .as_bytes()
                    .to_vec(),
            ),
            (
                "/home/u/.aws/credentials".to_owned(),
                "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
                    .as_bytes()
                    .to_vec(),
            ),
        ]));
        let env = Env::from_slice(&[("HOME", "/home/u")]);
        let got = list_with(&fs, &env).await;
        let summary: Vec<(&str, Option<&str>, &str)> = got
            .iter()
            .map(|p| (p.name.as_str(), p.region.as_deref(), p.kind))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("default", Some("eu-west-2"), "static keys"),
                ("deploy", None, "assume role"),
                ("sso-dev", Some("us-east-1"), "SSO"),
            ]
        );
        assert!(!format!("{got:?}").contains("wJalr"));
    }

    #[tokio::test]
    async fn no_files_means_no_profiles() {
        let fs = Fs::from_map(HashMap::<String, Vec<u8>>::new());
        let env = Env::from_slice(&[("HOME", "/nowhere")]);
        assert!(list_with(&fs, &env).await.is_empty());
    }
}
