//! The artifact bucket: reuse it when this account owns it, create it otherwise (every call names
//! the account as the expected owner); empty and delete it on tear-down.

use aws_sdk_s3::operation::create_bucket::builders::CreateBucketFluentBuilder;
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};

use super::super::ctx::{console, AwsCtx};
use super::super::engine::{Done, Run};
use super::super::requests::{self, BucketConfiguration, CreateBucket};
use super::super::types::*;
use crate::aws::map_sdk_error;
use crate::{Error, Result};

/// The SDK call of a [`CreateBucket`], every field set.
fn create(s3: &aws_sdk_s3::Client, req: CreateBucket) -> CreateBucketFluentBuilder {
    let CreateBucket {
        bucket,
        create_bucket_configuration,
    } = req;
    s3.create_bucket()
        .bucket(bucket)
        .set_create_bucket_configuration(create_bucket_configuration.map(
            |BucketConfiguration {
                 location_constraint,
             }| {
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(
                        location_constraint.as_str(),
                    ))
                    .build()
            },
        ))
}

impl Run<'_> {
    pub(in crate::apply) async fn bucket(&self) -> Result<Done> {
        let s3 = self.ctx.s3();
        let bucket = &self.names.bucket;
        let url = console::bucket(&self.ctx.region, bucket);
        let done = |outcome| Done {
            outcome,
            name: bucket.clone(),
            arn: Some(format!("arn:{}:s3:::{bucket}", self.names.partition)),
            console_url: Some(url.clone()),
            message: String::new(),
        };
        // Every call on the bucket names its expected owner: S3 refuses (403) when another account
        // owns it, so Pipewright never writes artifacts into someone else's bucket.
        match s3
            .head_bucket()
            .bucket(bucket)
            .expected_bucket_owner(&self.ctx.account)
            .send()
            .await
        {
            Ok(_) => return Ok(done(StepStatus::Reused)),
            Err(e) => {
                let status = e.raw_response().map(|r| r.status().as_u16());
                if status == Some(403) {
                    return Err(Error::validation(
                        "pipeline.artifactBucket",
                        format!("the bucket {bucket} belongs to another account (or this one may not read it): choose another artifact bucket"),
                    ));
                }
                if status != Some(404) {
                    return Err(map_sdk_error("HeadBucket", e));
                }
            }
        }
        let req = create(&s3, requests::create_bucket(&self.names));
        let arn = format!("arn:{}:s3:::{bucket}", self.names.partition);
        self.journal.intend(
            StepId::ArtifactBucket,
            bucket,
            Some(&arn),
            Some(url.clone()),
        )?;
        let sent = req.send().await;
        // BucketAlreadyOwnedByYou after HeadBucket said 404: a run of this receipt that was cut
        // off made it in the instant between; it is this receipt's as much as a new one.
        let owned = sent
            .as_ref()
            .err()
            .and_then(|e| e.as_service_error())
            .is_some_and(|se| se.is_bucket_already_owned_by_you());
        match sent {
            _ if owned => self.created_bucket(bucket, &arn, &url).map(|()| done(StepStatus::Created)),
            Ok(_) => self
                .created_bucket(bucket, &arn, &url)
                .map(|()| done(StepStatus::Created)),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_bucket_already_exists()) =>
            {
                Err(Error::validation(
                    "pipeline.artifactBucket",
                    format!("the bucket name {bucket} is taken by another account: choose another artifact bucket"),
                ))
            }
            Err(e) => Err(map_sdk_error("CreateBucket", e)),
        }
    }
}

impl Run<'_> {
    fn created_bucket(&self, bucket: &str, arn: &str, url: &str) -> Result<()> {
        self.journal.outcome(
            StepId::ArtifactBucket,
            bucket,
            Some(arn),
            StepStatus::Created,
            Some(url.to_owned()),
        )
    }
}

fn is_missing<E>(
    e: &aws_sdk_s3::error::SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> bool {
    e.raw_response().is_some_and(|r| r.status().as_u16() == 404)
}

/// Empties and deletes a bucket this receipt created (it holds only its pipeline's artifacts),
/// every call naming the account as the expected owner. Returns false when it was already gone.
pub(in crate::apply) async fn delete(ctx: &AwsCtx, name: &str) -> Result<bool> {
    let s3 = ctx.s3();
    let mut token = None;
    loop {
        let listed = s3
            .list_objects_v2()
            .bucket(name)
            .expected_bucket_owner(&ctx.account)
            .set_continuation_token(token.clone())
            .send()
            .await;
        let page = match listed {
            Ok(page) => page,
            Err(e) if is_missing(&e) => return Ok(false),
            Err(e) => return Err(map_sdk_error("ListObjectsV2", e)),
        };
        let keys: Vec<_> = page
            .contents()
            .iter()
            .filter_map(|o| o.key())
            .filter_map(|k| {
                aws_sdk_s3::types::ObjectIdentifier::builder()
                    .key(k)
                    .build()
                    .ok()
            })
            .collect();
        if !keys.is_empty() {
            let delete = aws_sdk_s3::types::Delete::builder()
                .set_objects(Some(keys))
                .quiet(true)
                .build()
                .map_err(Error::internal)?;
            s3.delete_objects()
                .bucket(name)
                .expected_bucket_owner(&ctx.account)
                .delete(delete)
                .send()
                .await
                .map_err(|e| map_sdk_error("DeleteObjects", e))?;
        }
        token = page.next_continuation_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    match s3
        .delete_bucket()
        .bucket(name)
        .expected_bucket_owner(&ctx.account)
        .send()
        .await
    {
        Ok(_) => Ok(true),
        Err(e) if is_missing(&e) => Ok(false),
        Err(e) => Err(map_sdk_error("DeleteBucket", e)),
    }
}
