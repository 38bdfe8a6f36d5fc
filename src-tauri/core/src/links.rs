//! External links: the only URLs Pipewright opens in the browser are https pages of the AWS
//! console and of GitHub. Every URL the webview asks to open (many come from AWS data: execution,
//! entity and revision URLs) is parsed here and checked by scheme and exact host, not by a glob
//! (where `*` can match `/`).

use crate::{Error, Result};

/// Hosts opened as they are; any `*.console.aws.amazon.com` (the regional consoles) too.
const HOSTS: &[&str] = &["github.com", "console.aws.amazon.com"];
const CONSOLE_SUFFIX: &str = ".console.aws.amazon.com";

/// The URL, normalized, when Pipewright may open it in the browser.
pub fn check_external(raw: &str) -> Result<String> {
    let refuse = |why: &str| {
        Error::validation(
            "url",
            format!("{why}: Pipewright opens only https pages of the AWS console and github.com"),
        )
    };
    let url = url::Url::parse(raw.trim()).map_err(|_| refuse("not a URL"))?;
    if url.scheme() != "https" {
        return Err(refuse("not https"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("a URL with a user name"));
    }
    if url.port().is_some() {
        return Err(refuse("a URL with a port"));
    }
    let Some(url::Host::Domain(host)) = url.host() else {
        return Err(refuse("not a named host"));
    };
    let host = host.to_ascii_lowercase();
    let regional = host.strip_suffix(CONSOLE_SUFFIX).is_some_and(|sub| {
        !sub.is_empty()
            && sub.split('.').all(|label| {
                !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
    });
    if !HOSTS.contains(&host.as_str()) && !regional {
        return Err(refuse(&format!(
            "{host} is not an AWS console or GitHub host"
        )));
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_console_and_github_pages_open() {
        for ok in [
            "https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/p/view?region=us-east-1",
            "https://console.aws.amazon.com/ecs/home?region=us-east-1#/clusters/c/services/s/deployments",
            "https://eu-west-2.console.aws.amazon.com/cloudwatch/home?region=eu-west-2#logsV2:log-groups/log-group/$252Faws$252Fcodebuild$252Fp",
            "https://github.com/example/app/commit/0123456789abcdef0123456789abcdef01234567",
            "https://GitHub.com/example/app",
        ] {
            assert!(check_external(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn hostile_urls_are_refused_naming_the_field() {
        for bad in [
            // The glob `https://*.console.aws.amazon.com/*` let this one through.
            "https://evil.example/.console.aws.amazon.com/",
            "https://evil.example/x?.console.aws.amazon.com",
            "https://console.aws.amazon.com.evil.example/",
            "https://evilconsole.aws.amazon.com/",
            "https://github.com.evil.example/",
            "https://evil.example#github.com",
            "https://github.com@evil.example/",
            "https://user:pass@github.com/",
            "https://github.com:8443/",
            "http://github.com/",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "https://127.0.0.1/",
            "https://[::1]/",
            "https://.console.aws.amazon.com/",
            "https://a..console.aws.amazon.com/",
            "not a url",
            "",
        ] {
            let e = check_external(bad).unwrap_err();
            assert_eq!(e.field(), Some("url"), "{bad}");
        }
    }
}
