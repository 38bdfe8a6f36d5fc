//! An AWS account + region to work in, with its clients.

use std::collections::HashMap;
use std::sync::Mutex;

use aws_config::SdkConfig;

use crate::aws::{self, AwsTarget};
use crate::profiles::ProfileStore;
use crate::session::Session;
use crate::{Error, Result};

#[derive(Clone)]
pub struct AwsCtx {
    pub config: SdkConfig,
    pub account: String,
    /// Who the credentials are (STS GetCallerIdentity).
    pub arn: String,
    pub region: String,
    pub endpoint_url: Option<String>,
}

impl AwsCtx {
    /// Loads the config and asks STS who we are (which also checks the credentials).
    pub async fn connect(target: &AwsTarget) -> Result<Self> {
        let config = aws::load_config(target).await?;
        let identity = aws::whoami(&config).await?;
        Ok(Self {
            region: config
                .region()
                .map(|r| r.to_string())
                .unwrap_or_else(|| "us-east-1".to_owned()),
            account: identity.account,
            arn: identity.arn,
            endpoint_url: target.endpoint_url.clone(),
            config,
        })
    }

    pub fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.config)
    }
    pub fn s3(&self) -> aws_sdk_s3::Client {
        // Path-style addressing for custom endpoints (the emulator has no virtual-host DNS).
        let conf = aws_sdk_s3::config::Builder::from(&self.config)
            .force_path_style(self.endpoint_url.is_some())
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }
    pub fn ecr(&self) -> aws_sdk_ecr::Client {
        aws_sdk_ecr::Client::new(&self.config)
    }
    pub fn ecs(&self) -> aws_sdk_ecs::Client {
        aws_sdk_ecs::Client::new(&self.config)
    }
    pub fn codebuild(&self) -> aws_sdk_codebuild::Client {
        aws_sdk_codebuild::Client::new(&self.config)
    }
    pub fn codepipeline(&self) -> aws_sdk_codepipeline::Client {
        aws_sdk_codepipeline::Client::new(&self.config)
    }
    pub fn connections(&self) -> aws_sdk_codestarconnections::Client {
        aws_sdk_codestarconnections::Client::new(&self.config)
    }
    pub fn notifications(&self) -> aws_sdk_codestarnotifications::Client {
        aws_sdk_codestarnotifications::Client::new(&self.config)
    }
    pub fn sns(&self) -> aws_sdk_sns::Client {
        aws_sdk_sns::Client::new(&self.config)
    }
}

/// Connected contexts by profile + region, so the wizard's many look-ups do not each load the
/// config and call STS. Cleared when profiles change.
#[derive(Default)]
pub struct CtxCache {
    entries: Mutex<HashMap<String, AwsCtx>>,
}

impl CtxCache {
    /// The context of the session's profile, in `region` (or the session's, or the profile's).
    pub async fn get(
        &self,
        store: &ProfileStore,
        session: &Session,
        region: Option<&str>,
    ) -> Result<AwsCtx> {
        let profile = session
            .profile
            .as_ref()
            .ok_or_else(|| Error::validation("profile", "choose a profile first"))?;
        let region = region.or(session.region.as_deref());
        let key = format!("{:?}/{}/{:?}", profile.source, profile.name, region);
        if let Some(ctx) = self.entries.lock().unwrap().get(&key) {
            return Ok(ctx.clone());
        }
        let target = store.target(profile, region, None)?;
        let ctx = AwsCtx::connect(&target).await?;
        self.entries.lock().unwrap().insert(key, ctx.clone());
        Ok(ctx)
    }

    pub fn clear(&self) {
        self.entries.lock().unwrap().clear();
    }
}

/// AWS console links for the resources Pipewright makes.
pub mod console {
    pub fn connection(region: &str, account: &str, arn: &str) -> String {
        let id = arn.rsplit('/').next().unwrap_or(arn);
        format!("https://{region}.console.aws.amazon.com/codesuite/settings/{account}/{region}/connections/{id}?region={region}")
    }
    pub fn bucket(region: &str, bucket: &str) -> String {
        format!("https://s3.console.aws.amazon.com/s3/buckets/{bucket}?region={region}")
    }
    pub fn role(name: &str) -> String {
        format!("https://console.aws.amazon.com/iam/home#/roles/details/{name}")
    }
    pub fn project(region: &str, account: &str, project: &str) -> String {
        format!("https://{region}.console.aws.amazon.com/codesuite/codebuild/{account}/projects/{project}?region={region}")
    }
    /// One build's page (its id is `project:uuid`; the console links it with the colon encoded).
    pub fn build(region: &str, account: &str, project: &str, build_id: &str) -> String {
        let id = build_id.replace(':', "%3A");
        format!("https://{region}.console.aws.amazon.com/codesuite/codebuild/{account}/projects/{project}/build/{id}/?region={region}")
    }
    /// The notification rules page (the console links a rule by an id it does not document).
    pub fn notification_rules(region: &str) -> String {
        format!("https://{region}.console.aws.amazon.com/codesuite/settings/notifications?region={region}")
    }
    pub fn pipeline(region: &str, name: &str) -> String {
        format!("https://{region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/{name}/view?region={region}")
    }
}
