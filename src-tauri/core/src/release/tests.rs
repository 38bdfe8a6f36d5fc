//! Release request rules.

use super::*;

#[test]
fn the_request_token_follows_the_seed_and_the_content() {
    let req = |seed: &str, rev: Option<&str>, vars: &[(&str, &str)]| ReleaseRequest {
        pipeline: "p".into(),
        revision: rev.map(str::to_owned),
        variables: vars
            .iter()
            .map(|(n, v)| PipelineVariable {
                name: (*n).into(),
                value: (*v).into(),
            })
            .collect(),
        client_request_token: seed.into(),
    };
    let a = request_token(&req("dialog-1", Some("abc1234"), &[("ENV", "prod")]));
    assert_eq!(
        a,
        request_token(&req("dialog-1", Some(" abc1234 "), &[("ENV", "prod")]))
    );
    assert!(a.len() <= 128 && a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    for other in [
        req("dialog-2", Some("abc1234"), &[("ENV", "prod")]),
        req("dialog-1", Some("def5678"), &[("ENV", "prod")]),
        req("dialog-1", None, &[("ENV", "prod")]),
        req("dialog-1", Some("abc1234"), &[("ENV", "staging")]),
        req("dialog-1", Some("abc1234"), &[]),
    ] {
        assert_ne!(request_token(&other), a, "{other:?}");
    }
    // Boundaries between fields count: ("ab", "c") is not ("a", "bc").
    assert_ne!(
        request_token(&req("s", None, &[("ab", "c")])),
        request_token(&req("s", None, &[("a", "bc")]))
    );
}

#[test]
fn github_summaries_become_the_first_line_of_the_message() {
    assert_eq!(
        summary_line(r#"{"ProviderType":"GitHub","CommitMessage":"Fix login\n\nLong body"}"#),
        "Fix login"
    );
    assert_eq!(summary_line("plain text\nsecond"), "plain text");
}

#[test]
fn a_release_request_hears_every_problem_by_field_before_any_aws_call() {
    let req = ReleaseRequest {
        pipeline: "bad pipeline name!".into(),
        revision: Some("not-a-sha".into()),
        variables: vec![
            PipelineVariable {
                name: "ENV".into(),
                value: "prod".into(),
            },
            PipelineVariable {
                name: "ENV".into(),
                value: String::new(),
            },
            PipelineVariable {
                name: "has space".into(),
                value: "x".into(),
            },
        ],
        client_request_token: String::new(),
    };
    let found: Vec<String> = validate(&req).into_iter().map(|i| i.path).collect();
    assert_eq!(
        found,
        [
            "pipeline",
            "clientRequestToken",
            "revision",
            "variables.1.name",
            "variables.1.value",
            "variables.2.name"
        ]
    );
    let ok = ReleaseRequest {
        pipeline: "cruddur-backend-fargate".into(),
        revision: Some(" abc1234 ".into()),
        variables: vec![],
        client_request_token: "dialog-1".into(),
    };
    assert!(validate(&ok).is_empty());
}
