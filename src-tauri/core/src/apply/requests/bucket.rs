//! The artifact bucket: S3 CreateBucket.

use serde::Serialize;

use super::Names;

/// S3 CreateBucket (a location outside us-east-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateBucket {
    pub bucket: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_bucket_configuration: Option<BucketConfiguration>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BucketConfiguration {
    pub location_constraint: String,
}

pub fn create_bucket(n: &Names) -> CreateBucket {
    CreateBucket {
        bucket: n.bucket.clone(),
        create_bucket_configuration: (n.region != "us-east-1").then(|| BucketConfiguration {
            location_constraint: n.region.clone(),
        }),
    }
}
