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

const THROTTLED_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
];
const CLOCK_SKEW_CODES: &[&str] = &["RequestTimeTooSkewed", "RequestInTheFuture"];

/// Links of an error's cause chain that say nothing by themselves.
const GENERIC: &[&str] = &[
    "dispatch failure",
    "io error",
    "other",
    "service error",
    "unhandled error",
    "an error occurred while loading credentials",
];

/// The useful end of an error's cause chain, in one line: its last link, with the one before
/// when that names the kind of failure (e.g. "dns error: failed to lookup address information:
/// Name or service not known", "tcp connect error: Connection refused (os error 111)").
pub fn leaf(err: &(dyn std::error::Error + 'static)) -> String {
    let mut links = vec![err.to_string()];
    let mut cur = err.source();
    while let Some(e) = cur {
        links.push(e.to_string());
        cur = e.source();
    }
    // One line each: a link's first line, without what it goes on to list.
    let mut links: Vec<String> = links
        .iter()
        .map(|l| {
            let first = l.lines().next().unwrap_or_default().trim();
            first
                .trim_end_matches("Attempted:")
                .trim()
                .trim_end_matches('.')
                .to_owned()
        })
        .collect();
    links.dedup();
    let useful: Vec<&String> = links
        .iter()
        .filter(|l| !GENERIC.contains(&l.as_str()) && !l.starts_with("client error ("))
        .collect();
    match useful.as_slice() {
        [] => links.last().cloned().unwrap_or_default(),
        [one] => (*one).clone(),
        [.., before, last] if before.len() <= 24 && !last.contains(before.as_str()) => {
            format!("{before}: {last}")
        }
        [.., last] => (*last).clone(),
    }
}

/// Whether an error's cause chain is about loading credentials.
fn about_credentials(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(err);
    while let Some(e) = cur {
        let text = e.to_string().to_ascii_lowercase();
        if text.contains("credential") || text.contains("sso") || text.contains("access token") {
            return true;
        }
        cur = e.source();
    }
    false
}

/// A failure to get credentials at all (before any request): what failed and what to do.
fn no_credentials(operation: &str, cause: &str) -> Error {
    let sso = cause.to_ascii_lowercase().contains("sso");
    if sso {
        Error::ExpiredCredentials(format!(
            "{operation}: no usable AWS credentials: {cause}. Sign in again with `aws sso login` (for this profile), then try again."
        ))
    } else {
        Error::InvalidCredentials(format!(
            "{operation}: no usable AWS credentials: {cause}. Check the profile's keys (or its AWS CLI configuration)."
        ))
    }
}

/// Every page of a paginated SDK request (`$builder`, a fluent builder), or the first failure
/// mapped for `$op`; `all_pages!(op, builder, items)` gives the items instead of the pages.
macro_rules! all_pages {
    ($op:literal, $builder:expr) => {
        $builder
            .into_paginator()
            .send()
            .collect::<std::result::Result<Vec<_>, _>>()
            .await
            .map_err(|e| $crate::aws::map_sdk_error($op, e))
    };
    ($op:literal, $builder:expr, items) => {
        $builder
            .into_paginator()
            .items()
            .send()
            .collect::<std::result::Result<Vec<_>, _>>()
            .await
            .map_err(|e| $crate::aws::map_sdk_error($op, e))
    };
}
pub(crate) use all_pages;

/// Maps any SDK error to a Pipewright error a person can act on: one sentence that says what
/// failed, the useful end of the cause chain ([`leaf`]) and what to do. The whole chain goes to
/// the debug log only (`PIPEWRIGHT_LOG=debug`, or the CLI's `--verbose`).
pub fn map_sdk_error<E, R>(operation: &str, err: SdkError<E, R>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    tracing::debug!(operation, error = %DisplayErrorContext(&err), "AWS call failed");
    match &err {
        SdkError::TimeoutError(_) => Error::Network(format!(
            "{operation}: AWS did not answer in time. Check your network connection, a proxy, or the endpoint URL."
        )),
        SdkError::DispatchFailure(failure) => {
            let cause = leaf(&err);
            if failure.is_io() || failure.is_timeout() {
                Error::Network(format!(
                    "{operation}: could not reach AWS: {cause}. Check your network connection, a proxy, or the endpoint URL."
                ))
            } else if about_credentials(&err) {
                no_credentials(operation, &cause)
            } else {
                Error::Network(format!("{operation}: the request failed: {cause}"))
            }
        }
        _ => {
            let code = err.code().unwrap_or_default().to_owned();
            let message = err.message().unwrap_or_default().to_owned();
            let skewed = CLOCK_SKEW_CODES.contains(&code.as_str())
                || (code.contains("Signature") && message.contains("Signature expired"));
            if skewed {
                Error::InvalidCredentials(format!(
                    "{operation}: AWS refused the request because this computer's clock is wrong ({code}). Set the clock right (turn on automatic time), then try again."
                ))
            } else if INVALID_KEY_CODES.contains(&code.as_str()) {
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
            } else if THROTTLED_CODES.contains(&code.as_str()) {
                Error::Aws {
                    operation: operation.to_owned(),
                    code,
                    message: format!(
                        "{message}. AWS is limiting how fast this account may call it: wait a minute and try again"
                    ),
                }
            } else if code.is_empty() {
                let cause = leaf(&err);
                if about_credentials(&err) {
                    no_credentials(operation, &cause)
                } else {
                    Error::Aws {
                        operation: operation.to_owned(),
                        code: "Unknown".to_owned(),
                        message: short(&cause),
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
            service_error("ValidationError", "1 validation error detected"),
        );
        assert_eq!(
            e.message(),
            "GetCallerIdentity failed: ValidationError: 1 validation error detected"
        );
    }

    #[test]
    fn throttling_says_to_wait() {
        let e = map_sdk_error(
            "ListPipelines",
            service_error("ThrottlingException", "Rate exceeded"),
        );
        assert_eq!(e.code(), ErrorCode::Aws);
        assert_eq!(
            e.message(),
            "ListPipelines failed: ThrottlingException: Rate exceeded. AWS is limiting how fast this account may call it: wait a minute and try again"
        );
    }

    #[test]
    fn a_wrong_clock_is_named() {
        for (code, message) in [
            (
                "RequestTimeTooSkewed",
                "The difference between the request time and the current time is too large.",
            ),
            (
                "InvalidSignatureException",
                "Signature expired: 20260101T000000Z is now earlier than 20260101T001500Z",
            ),
        ] {
            let e = map_sdk_error("GetCallerIdentity", service_error(code, message));
            assert!(
                e.message().contains("clock is wrong"),
                "{code}: {}",
                e.message()
            );
        }
    }

    fn chain(links: &[&str]) -> Box<dyn std::error::Error + Send + Sync> {
        #[derive(Debug)]
        struct Link(String, Option<Box<dyn std::error::Error + Send + Sync>>);
        impl std::fmt::Display for Link {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl std::error::Error for Link {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                self.1.as_deref().map(|e| e as _)
            }
        }
        links
            .iter()
            .rev()
            .fold(None, |source, text| {
                Some(Box::new(Link((*text).to_owned(), source))
                    as Box<dyn std::error::Error + Send + Sync>)
            })
            .unwrap()
    }

    /// The chains aws-config and hyper give (read from real failures), as one readable sentence.
    #[test]
    fn a_dispatch_failure_is_one_sentence_with_the_useful_cause() {
        use aws_smithy_runtime_api::client::result::ConnectorError;
        let io = |links: &[&str]| {
            SdkError::<GetCallerIdentityError, Response>::dispatch_failure(ConnectorError::io(
                chain(links),
            ))
        };
        let other = |links: &[&str]| {
            SdkError::<GetCallerIdentityError, Response>::dispatch_failure(ConnectorError::other(
                chain(links),
                None,
            ))
        };
        let cases = [
            (
                io(&["client error (Connect)", "dns error", "failed to lookup address information: Name or service not known"]),
                ErrorCode::Network,
                "GetCallerIdentity: could not reach AWS: dns error: failed to lookup address information: Name or service not known. Check your network connection, a proxy, or the endpoint URL.",
            ),
            (
                io(&["client error (Connect)", "tcp connect error", "Connection refused (os error 111)"]),
                ErrorCode::Network,
                "GetCallerIdentity: could not reach AWS: tcp connect error: Connection refused (os error 111). Check your network connection, a proxy, or the endpoint URL.",
            ),
            (
                other(&["an error occurred while loading credentials", "an error occurred while loading credentials", "an error occurred while loading an access token", "failed to load the cached SSO token"]),
                ErrorCode::ExpiredCredentials,
                "GetCallerIdentity: no usable AWS credentials: failed to load the cached SSO token. Sign in again with `aws sso login` (for this profile), then try again.",
            ),
            (
                other(&["an error occurred while loading credentials", "no providers in chain provided credentials"]),
                ErrorCode::InvalidCredentials,
                "GetCallerIdentity: no usable AWS credentials: no providers in chain provided credentials. Check the profile's keys (or its AWS CLI configuration).",
            ),
        ];
        for (err, code, message) in cases {
            let e = map_sdk_error("GetCallerIdentity", err);
            assert_eq!(e.code(), code, "{e}");
            assert_eq!(e.message(), message);
            assert!(
                !e.message().contains("DispatchFailure"),
                "no Debug dump: {e}"
            );
        }
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
