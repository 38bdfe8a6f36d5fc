//! The GitHub connection (CodeStar Connections): reuse one by ARN or name, or create it and wait
//! for the user's handshake; delete it on tear-down.

use std::time::Instant;

use aws_sdk_codestarconnections::operation::create_connection::builders::CreateConnectionFluentBuilder;
use aws_sdk_codestarconnections::types::{ProviderType, Tag};

use super::super::ctx::{console, AwsCtx};
use super::super::engine::{event, Done, Run};
use super::super::requests::{self, CreateConnection};
use super::super::types::*;
use super::GONE;
use crate::aws::{map_sdk_error, or_not_found};
use crate::plan::ConnectionChoice;
use crate::{Error, Result};

/// The SDK call of a [`CreateConnection`], every field set.
fn create(
    client: &aws_sdk_codestarconnections::Client,
    req: CreateConnection,
) -> Result<CreateConnectionFluentBuilder> {
    let CreateConnection {
        provider_type,
        connection_name,
        tags,
    } = req;
    let tags = sdk_tags!(Tag, tags)?;
    Ok(client
        .create_connection()
        .provider_type(ProviderType::from(provider_type))
        .connection_name(connection_name)
        .set_tags(Some(tags)))
}

async fn get(
    client: &aws_sdk_codestarconnections::Client,
    arn: &str,
) -> Result<aws_sdk_codestarconnections::operation::get_connection::GetConnectionOutput> {
    client
        .get_connection()
        .connection_arn(arn)
        .send()
        .await
        .map_err(|e| map_sdk_error("GetConnection", e))
}

impl Run<'_> {
    pub(in crate::apply) async fn connection(&self) -> Result<Done> {
        let client = self.ctx.connections();
        let (arn, name, outcome) = match &self.plan.source.connection {
            ConnectionChoice::Existing { arn } => {
                let got = get(&client, arn).await?;
                let name = got
                    .connection()
                    .and_then(|c| c.connection_name())
                    .unwrap_or_default()
                    .to_owned();
                (arn.clone(), name, StepStatus::Reused)
            }
            ConnectionChoice::Create { name } => {
                match super::super::discover::find_connection(self.ctx, name).await? {
                    Some(found) => (found.arn, name.clone(), StepStatus::Reused),
                    None => {
                        let req = requests::create_connection(name);
                        self.journal.intend(StepId::Connection, name, None, None)?;
                        let out = create(&client, req)?
                            .send()
                            .await
                            .map_err(|e| map_sdk_error("CreateConnection", e))?;
                        let arn = out.connection_arn().to_owned();
                        let url = console::connection(&self.ctx.region, &self.ctx.account, &arn);
                        self.journal.outcome(
                            StepId::Connection,
                            name,
                            Some(&arn),
                            StepStatus::Created,
                            Some(url),
                        )?;
                        (arn, name.clone(), StepStatus::Created)
                    }
                }
            }
        };
        *self.connection_arn.lock().unwrap() = Some(arn.clone());
        let url = console::connection(&self.ctx.region, &self.ctx.account, &arn);
        self.wait_available(&arn, &name, &url).await?;
        Ok(Done {
            outcome,
            name,
            arn: Some(arn),
            console_url: Some(url),
            message: "AVAILABLE".to_owned(),
        })
    }

    async fn wait_available(&self, arn: &str, name: &str, url: &str) -> Result<()> {
        let client = self.ctx.connections();
        let started = Instant::now();
        let mut announced = false;
        loop {
            let got = get(&client, arn).await?;
            let status = got
                .connection()
                .and_then(|c| c.connection_status())
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default();
            match status.as_str() {
                "AVAILABLE" => return Ok(()),
                "ERROR" => {
                    return Err(Error::Aws {
                        operation: "GetConnection".into(),
                        code: "ConnectionError".into(),
                        message: format!(
                            "the GitHub connection {name} is in ERROR: the handshake failed or was rejected in GitHub. Delete it in the console and create a new one"
                        ),
                    })
                }
                _ => {}
            }
            if started.elapsed() >= self.opts.connection_timeout {
                return Err(Error::Aws {
                    operation: "GetConnection".into(),
                    code: "ConnectionPending".into(),
                    message: format!(
                        "the GitHub connection {name} is still PENDING after {} s. Open {url}, choose \"Update pending connection\" and install the GitHub app, then retry",
                        started.elapsed().as_secs()
                    ),
                });
            }
            if !announced {
                announced = true;
                self.emit(ApplyEvent {
                    arn: Some(arn.to_owned()),
                    console_url: Some(url.to_owned()),
                    ..event(
                        StepId::Connection,
                        StepStatus::Waiting,
                        format!("{name} is PENDING: open the AWS console to finish the GitHub handshake"),
                    )
                });
            }
            tokio::time::sleep(self.opts.poll_interval).await;
        }
    }
}

/// Deletes a connection this receipt created (found by name when the run was cut off before
/// CreateConnection answered).
pub(in crate::apply) async fn delete(
    ctx: &AwsCtx,
    name: &str,
    arn: Option<&str>,
) -> Result<String> {
    let arn = match arn {
        Some(arn) => Some(arn.to_owned()),
        None => super::super::discover::find_connection(ctx, name)
            .await?
            .map(|c| c.arn),
    };
    let Some(arn) = arn else {
        return Ok(GONE.into());
    };
    let out = ctx
        .connections()
        .delete_connection()
        .connection_arn(arn)
        .send()
        .await;
    Ok(
        match or_not_found("DeleteConnection", out, |e| {
            e.is_resource_not_found_exception()
        })? {
            Some(_) => format!("deleted {name}"),
            None => GONE.into(),
        },
    )
}
