//! The rules a profile's fields follow, written once: the store, the CLI and the app's form
//! (through `profile_validate`) all ask here.

use std::sync::OnceLock;

use regex::Regex;

use super::ProfileInput;
use crate::plan::validate::NameRule;
use crate::plan::Issue;
use crate::{regions, Error, Result, Secret};

/// Profile names: also a file-safe key in `profiles.toml` and the OS keyring.
pub const PROFILE_NAME: NameRule = NameRule::new(
    (1, 64),
    |c| c.is_ascii_alphanumeric() || "._-".contains(c),
    "letters, digits, '.', '_' or '-'",
    "profile names",
);
pub const ACCESS_KEY_RULE: &str =
    "must be 16–128 capital letters and digits, like AKIAIOSFODNN7EXAMPLE";
pub const SECRET_KEY_RULE: &str =
    "must be at least 16 characters with no spaces (AWS secret keys have 40)";
pub const ENDPOINT_RULE: &str = "must be an https:// URL, or http:// to this machine only (127.0.0.1, localhost or [::1], e.g. http://127.0.0.1:5000)";

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("valid regex"))
}

pub fn is_profile_name(s: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    re(&RE, r"^[A-Za-z0-9._-]{1,64}$").is_match(s)
}

pub fn is_access_key_id(s: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    re(&RE, r"^[A-Z0-9]{16,128}$").is_match(s)
}

pub fn is_endpoint_url(s: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    re(
        &RE,
        r"^https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:[0-9]{1,5})?(/[^\s]*)?$",
    )
    .is_match(s)
}

/// Whether `host` (as written in a URL) is this machine: 127.0.0.0/8, `localhost` or `[::1]`.
fn is_loopback_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    if host == "localhost" || host == "[::1]" {
        return true;
    }
    host.parse::<std::net::Ipv4Addr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// An endpoint Pipewright may send signed requests (and session tokens) to: https anywhere, plain
/// http only to this machine (the local emulator), so credentials never cross a network in clear.
/// The one rule for profiles, `--endpoint-url` and every AWS connection ([`crate::aws::load_config`]).
pub fn check_endpoint_url(url: &str) -> Result<()> {
    if !is_endpoint_url(url) {
        return Err(Error::validation("endpointUrl", ENDPOINT_RULE));
    }
    if let Some(rest) = url.strip_prefix("http://") {
        let authority = rest.split('/').next().unwrap_or_default();
        let host = if authority.starts_with('[') {
            authority
                .split(']')
                .next()
                .map(|h| format!("{h}]"))
                .unwrap_or_default()
        } else {
            authority.split(':').next().unwrap_or_default().to_owned()
        };
        if !is_loopback_host(&host) {
            return Err(Error::validation(
                "endpointUrl",
                format!("{url} is plain http to {host}, another machine: signed requests and session tokens would cross the network unencrypted. Use https://, or http:// only to 127.0.0.1, localhost or [::1]"),
            ));
        }
    }
    Ok(())
}

pub(super) fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

pub(super) fn non_empty_secret(s: &Option<Secret>) -> Option<Secret> {
    s.as_ref()
        .filter(|v| !v.expose().trim().is_empty())
        .cloned()
}

/// The input after validation: trimmed, empty strings as None.
pub(super) struct Checked {
    pub name: String,
    pub region: String,
    pub endpoint_url: Option<String>,
    pub keys: Option<(String, Secret)>,
    pub session_token: Option<Secret>,
}

fn issue(path: &str, message: impl Into<String>) -> Issue {
    Issue {
        path: path.to_owned(),
        message: message.into(),
    }
}

/// Everything but the keys (name, region, endpoint), e.g. before asking for secrets.
fn field_issues(input: &ProfileInput, out: &mut Vec<Issue>) {
    if let Some(problem) = PROFILE_NAME.problem(input.name.trim(), true) {
        out.push(issue("name", problem));
    }
    if !regions::is_region_code(input.region.trim()) {
        out.push(issue("region", regions::REGION_RULE));
    }
    if let Some(url) = non_empty(&input.endpoint_url) {
        if let Err(Error::Validation { field, message }) = check_endpoint_url(&url) {
            out.push(Issue {
                path: field,
                message,
            });
        }
    }
}

/// Every problem with a profile form, each naming its field and the rule, offline. A new profile
/// (no `original_name`) needs both keys; an edit may leave both out to keep the stored ones.
pub fn issues(input: &ProfileInput) -> Vec<Issue> {
    let adding = non_empty(&input.original_name).is_none();
    let mut out = Vec::new();
    field_issues(input, &mut out);
    let id = non_empty(&input.access_key_id);
    let secret = non_empty_secret(&input.secret_access_key);
    if let Some(id) = &id {
        if !is_access_key_id(id) {
            out.push(issue("accessKeyId", ACCESS_KEY_RULE));
        }
    }
    match (&id, &secret) {
        (None, Some(_)) | (None, None) if adding => out.push(issue("accessKeyId", "is required")),
        (None, Some(_)) => out.push(issue(
            "accessKeyId",
            "is required when a new secret access key is given",
        )),
        _ => {}
    }
    match (&id, &secret) {
        (_, None) if adding => out.push(issue("secretAccessKey", "is required")),
        (Some(_), None) => out.push(issue(
            "secretAccessKey",
            "is required when a new access key id is given",
        )),
        _ => {}
    }
    if let Some(secret) = &secret {
        let s = secret.expose();
        if s.chars().count() < 16 || s.chars().any(char::is_whitespace) {
            out.push(issue("secretAccessKey", SECRET_KEY_RULE));
        }
    }
    if let Some(t) = non_empty_secret(&input.session_token) {
        if t.expose().chars().any(char::is_whitespace) {
            out.push(issue(
                "sessionToken",
                "must not contain spaces or line breaks",
            ));
        }
    }
    out
}

/// Checks name, region and endpoint (e.g. before asking for secrets); returns them trimmed, an
/// empty endpoint as None.
pub fn validate_fields(input: &ProfileInput) -> Result<(String, String, Option<String>)> {
    let mut found = Vec::new();
    field_issues(input, &mut found);
    if let Some(first) = found.into_iter().next() {
        return Err(first.into_error());
    }
    Ok((
        input.name.trim().to_owned(),
        input.region.trim().to_owned(),
        non_empty(&input.endpoint_url),
    ))
}

/// Checks a profile input offline: the first of [`issues`] is the error.
pub(super) fn validate(input: &ProfileInput) -> Result<Checked> {
    if let Some(first) = issues(input).into_iter().next() {
        return Err(first.into_error());
    }
    let (name, region, endpoint_url) = validate_fields(input)?;
    let keys = non_empty(&input.access_key_id).zip(non_empty_secret(&input.secret_access_key));
    Ok(Checked {
        name,
        region,
        endpoint_url,
        keys,
        session_token: non_empty_secret(&input.session_token),
    })
}
