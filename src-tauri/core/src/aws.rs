//! The AWS client factory (one `SdkConfig` per profile + region + endpoint) and the mapping of SDK
//! errors to Pipewright's small set of error codes.

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::keyring_store::AccessKeys;
use crate::{regions, Error, Result};

/// Where the credentials of an AWS call come from.
#[derive(Debug, Clone)]
pub enum CredentialSource {
    /// Keys from Pipewright's keyring (or the sandbox's fixed fake keys).
    Static(AccessKeys),
    /// A profile of the user's AWS CLI configuration (`~/.aws/config`), resolved by `aws-config`
    /// (static keys, SSO, assume-role, credential_process...). Pipewright never copies these secrets.
    NamedProfile(String),
    /// The standard chain: environment variables, then `~/.aws` default profile, then IMDS/ECS.
    DefaultChain,
}

/// Everything needed to build AWS clients for one target account/region.
#[derive(Debug, Clone)]
pub struct AwsTarget {
    /// What the user calls this target, for error messages.
    pub label: String,
    pub credentials: CredentialSource,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
}

/// Builds the SDK configuration for a target. Retries use the SDK's standard mode; timeouts are set
/// so that an unreachable endpoint fails within seconds rather than hanging.
pub async fn load_config(target: &AwsTarget) -> Result<SdkConfig> {
    // Before anything is signed: plain http only to this machine.
    if let Some(url) = &target.endpoint_url {
        crate::profiles::check_endpoint_url(url)?;
    }
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(
        TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(5))
            .operation_attempt_timeout(Duration::from_secs(60))
            .build(),
    );
    match &target.credentials {
        CredentialSource::Static(keys) => {
            loader = loader.credentials_provider(Credentials::new(
                keys.access_key_id.clone(),
                keys.secret_access_key.expose().to_owned(),
                keys.session_token.as_ref().map(|t| t.expose().to_owned()),
                None,
                "pipewright-keyring",
            ));
        }
        CredentialSource::NamedProfile(name) => loader = loader.profile_name(name),
        CredentialSource::DefaultChain => {}
    }
    if let Some(region) = &target.region {
        if !regions::is_region_code(region) {
            return Err(Error::validation("region", regions::REGION_RULE));
        }
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(url) = &target.endpoint_url {
        loader = loader.endpoint_url(url.clone());
    }
    let config = loader.load().await;
    if config.region().is_none() {
        return Err(Error::validation(
            "region",
            format!(
                "no region is set for {}: choose one, or set `region` in its AWS CLI profile",
                target.label
            ),
        ));
    }
    Ok(config)
}

/// Who the credentials belong to (STS GetCallerIdentity).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Identity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

pub async fn whoami(config: &SdkConfig) -> Result<Identity> {
    let out = aws_sdk_sts::Client::new(config)
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| map_sdk_error("GetCallerIdentity", e))?;
    Ok(Identity {
        account: out.account.unwrap_or_default(),
        arn: out.arn.unwrap_or_default(),
        user_id: out.user_id.unwrap_or_default(),
    })
}

const INVALID_KEY_CODES: &[&str] = &[
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId",
    "InvalidSignatureException",
    "IncompleteSignature",
    "AuthFailure",
    "MissingAuthenticationToken",
];
const EXPIRED_CODES: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "RequestExpired",
    "TokenRefreshRequired",
];
const DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedException",
    "AuthorizationError",
];

/// Maps any SDK error to a Pipewright error with a message a person can act on.
pub fn map_sdk_error<E, R>(operation: &str, err: SdkError<E, R>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match &err {
        SdkError::TimeoutError(_) => Error::Network(format!(
            "{operation}: AWS did not answer in time. Check your network connection (or the endpoint URL)."
        )),
        SdkError::DispatchFailure(failure) => {
            let detail = DisplayErrorContext(&err).to_string();
            if failure.is_io() || failure.is_timeout() {
                Error::Network(format!(
                    "{operation}: could not reach AWS. Check your network connection (or the endpoint URL). ({})",
                    short(&detail)
                ))
            } else if detail.to_ascii_lowercase().contains("credential") {
                Error::InvalidCredentials(format!(
                    "{operation}: no usable AWS credentials ({})",
                    short(&detail)
                ))
            } else {
                Error::Network(format!("{operation}: request failed: {}", short(&detail)))
            }
        }
        _ => {
            let code = err.code().unwrap_or_default().to_owned();
            let message = err.message().unwrap_or_default().to_owned();
            if INVALID_KEY_CODES.contains(&code.as_str()) {
                Error::InvalidCredentials(format!(
                    "AWS rejected the credentials ({code}: {message}). Check the access key id and the secret access key."
                ))
            } else if EXPIRED_CODES.contains(&code.as_str()) {
                Error::ExpiredCredentials(format!(
                    "The credentials have expired ({code}). Get new temporary credentials (for SSO: `aws sso login`) and update the profile."
                ))
            } else if DENIED_CODES.contains(&code.as_str()) {
                Error::AccessDenied(format!(
                    "{operation} is not allowed for these credentials: {message}"
                ))
            } else if code.is_empty() {
                let detail = DisplayErrorContext(&err).to_string();
                if detail.to_ascii_lowercase().contains("credential") {
                    Error::InvalidCredentials(format!(
                        "{operation}: no usable AWS credentials ({})",
                        short(&detail)
                    ))
                } else {
                    Error::Aws {
                        operation: operation.to_owned(),
                        code: "Unknown".to_owned(),
                        message: short(&detail),
                    }
                }
            } else {
                Error::Aws {
                    operation: operation.to_owned(),
                    code,
                    message,
                }
            }
        }
    }
}

/// The output of a look-up, `None` when AWS answered that the thing does not exist (as decided by
/// `not_found` on the service error), any other error mapped by [`map_sdk_error`].
pub fn or_not_found<T, E, R>(
    operation: &str,
    result: std::result::Result<T, SdkError<E, R>>,
    not_found: impl Fn(&E) -> bool,
) -> Result<Option<T>>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        Ok(out) => Ok(Some(out)),
        Err(e) if e.as_service_error().is_some_and(&not_found) => Ok(None),
        Err(e) => Err(map_sdk_error(operation, e)),
    }
}

fn short(detail: &str) -> String {
    const MAX: usize = 400;
    if detail.chars().count() <= MAX {
        detail.to_owned()
    } else {
        let cut: String = detail.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError;
    use aws_smithy_runtime_api::http::{Response, StatusCode};
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    fn service_error(code: &str, message: &str) -> SdkError<GetCallerIdentityError, Response> {
        let meta = ErrorMetadata::builder().code(code).message(message).build();
        SdkError::service_error(
            GetCallerIdentityError::generic(meta),
            Response::new(StatusCode::try_from(403).unwrap(), SdkBody::empty()),
        )
    }

    #[test]
    fn service_codes_map_to_stable_codes() {
        let cases = [
            ("InvalidClientTokenId", ErrorCode::InvalidCredentials),
            ("SignatureDoesNotMatch", ErrorCode::InvalidCredentials),
            ("ExpiredToken", ErrorCode::ExpiredCredentials),
            ("AccessDenied", ErrorCode::AccessDenied),
            ("Throttling", ErrorCode::Aws),
        ];
        for (code, expected) in cases {
            let e = map_sdk_error("GetCallerIdentity", service_error(code, "msg"));
            assert_eq!(e.code(), expected, "{code}");
        }
    }

    #[test]
    fn other_aws_errors_keep_code_and_message() {
        let e = map_sdk_error(
            "GetCallerIdentity",
            service_error("Throttling", "Rate exceeded"),
        );
        assert_eq!(
            e.message(),
            "GetCallerIdentity failed: Throttling: Rate exceeded"
        );
    }

    #[test]
    fn expired_message_says_how_to_fix() {
        let e = map_sdk_error("GetCallerIdentity", service_error("ExpiredToken", "x"));
        assert!(e.message().contains("aws sso login"), "{}", e.message());
    }

    #[tokio::test]
    async fn unreachable_endpoint_is_a_network_error() {
        // Port 9 on loopback: nothing listens there, the connection is refused at once.
        let target = AwsTarget {
            label: "test".into(),
            credentials: CredentialSource::Static(AccessKeys {
                access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
                secret_access_key: crate::Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                session_token: None,
            }),
            region: Some("us-east-1".into()),
            endpoint_url: Some("http://127.0.0.1:9".into()),
        };
        let config = load_config(&target).await.unwrap();
        let e = whoami(&config).await.unwrap_err();
        assert_eq!(e.code(), ErrorCode::Network, "{e}");
        assert!(!e.message().contains("wJalr"));
    }

    #[tokio::test]
    async fn bad_region_is_rejected_before_any_call() {
        let target = AwsTarget {
            label: "test".into(),
            credentials: CredentialSource::DefaultChain,
            region: Some("narnia".into()),
            endpoint_url: None,
        };
        assert_eq!(
            load_config(&target).await.unwrap_err().field(),
            Some("region")
        );
    }
}
