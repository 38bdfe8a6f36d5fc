//! One error type for core, and its wire form for the UI: `{code, message, field}`.
//!
//! The set of codes is small and stable; the UI keys its behaviour on the code and shows the message.
//! Messages never contain secrets: nothing in this crate formats a [`crate::Secret`] into one.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The stable error codes that cross to the UI and to `--json` CLI output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    /// Bad input; `field` names the field.
    Validation,
    NotFound,
    Conflict,
    /// No Secret Service / Keychain / Credential Manager, or it is locked.
    KeyringUnavailable,
    InvalidCredentials,
    ExpiredCredentials,
    AccessDenied,
    /// AWS (or the endpoint) could not be reached.
    Network,
    /// Any other error AWS answered with.
    Aws,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Validation => "validation",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::KeyringUnavailable => "keyring_unavailable",
            Self::InvalidCredentials => "invalid_credentials",
            Self::ExpiredCredentials => "expired_credentials",
            Self::AccessDenied => "access_denied",
            Self::Network => "network",
            Self::Aws => "aws",
            Self::Internal => "internal",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{field}: {message}")]
    Validation { field: String, message: String },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    KeyringUnavailable(String),
    #[error("{0}")]
    InvalidCredentials(String),
    #[error("{0}")]
    ExpiredCredentials(String),
    #[error("{0}")]
    AccessDenied(String),
    #[error("{0}")]
    Network(String),
    /// An AWS service error: `code` is AWS's error code (e.g. `ThrottlingException`).
    #[error("{operation} failed: {code}: {message}")]
    Aws {
        operation: String,
        code: String,
        message: String,
    },
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn internal(message: impl std::fmt::Display) -> Self {
        Self::Internal(message.to_string())
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Validation { .. } => ErrorCode::Validation,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::KeyringUnavailable(_) => ErrorCode::KeyringUnavailable,
            Self::InvalidCredentials(_) => ErrorCode::InvalidCredentials,
            Self::ExpiredCredentials(_) => ErrorCode::ExpiredCredentials,
            Self::AccessDenied(_) => ErrorCode::AccessDenied,
            Self::Network(_) => ErrorCode::Network,
            Self::Aws { .. } => ErrorCode::Aws,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The field this error is about, if it is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Validation { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The message without the field prefix (the UI shows it next to the field).
    pub fn message(&self) -> String {
        match self {
            Self::Validation { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Self::Internal(format!("file system: {e}"))
    }
}

/// The wire form of [`Error`], for the UI (Tauri command errors) and `--json` output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        Self::from(&e)
    }
}

impl From<&Error> for AppError {
    fn from(e: &Error) -> Self {
        AppError {
            code: e.code(),
            message: e.message(),
            field: e.field().map(str::to_owned),
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_error_keeps_field_apart_from_message() {
        let e = Error::validation("region", "must be an AWS region code such as us-east-1");
        let wire = AppError::from(&e);
        assert_eq!(wire.code, ErrorCode::Validation);
        assert_eq!(wire.field.as_deref(), Some("region"));
        assert_eq!(wire.message, "must be an AWS region code such as us-east-1");
        assert_eq!(
            serde_json::to_value(&wire).unwrap(),
            serde_json::json!({"code": "validation", "message": "must be an AWS region code such as us-east-1", "field": "region"})
        );
    }

    #[test]
    fn codes_serialize_as_their_stable_names() {
        for code in [
            ErrorCode::Validation,
            ErrorCode::NotFound,
            ErrorCode::Conflict,
            ErrorCode::KeyringUnavailable,
            ErrorCode::InvalidCredentials,
            ErrorCode::ExpiredCredentials,
            ErrorCode::AccessDenied,
            ErrorCode::Network,
            ErrorCode::Aws,
            ErrorCode::Internal,
        ] {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }

    #[test]
    fn aws_error_message_names_operation_and_code() {
        let e = Error::Aws {
            operation: "GetCallerIdentity".into(),
            code: "Throttling".into(),
            message: "Rate exceeded".into(),
        };
        assert_eq!(e.code(), ErrorCode::Aws);
        assert_eq!(
            e.message(),
            "GetCallerIdentity failed: Throttling: Rate exceeded"
        );
        assert_eq!(AppError::from(e).field, None);
    }
}
