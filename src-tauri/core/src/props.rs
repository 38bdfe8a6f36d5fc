//! Property tests of the inputs users and AWS control: the plan parser and validator (and what a
//! valid plan turns into), the log colour stripping the diagnosis reads, and the store's JSON.
//! Anything they found is fixed, and the case kept as a plain test next to the fix.

use proptest::prelude::*;

use crate::apply::requests::{self, Names};
use crate::history::{BuildRecord, HistoryStore, Initiator, PhaseRecord};
use crate::plan::{self, EnvVar, NotificationEvent, NotificationSettings, Plan};
use crate::status::BuildStatus;

/// Any text, with a bias to what breaks parsers: quotes, brackets, escapes, control characters,
/// newlines, non-ASCII.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,40}",
        "[\"'\\[\\]{}=#\\\\\n\t\u{1b}\u{0}é漢🚀 a-zA-Z0-9._/@:-]{0,60}",
        "[a-z0-9-]{1,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Whatever a plan file holds, reading it answers a plan or an error that names a field.
    #[test]
    fn any_text_is_a_plan_or_a_field_error(s in ".{0,400}") {
        if let Err(e) = Plan::from_toml(&s) {
            prop_assert!(e.field().is_some(), "{e:?}");
        }
    }

    /// The reference plan with one key's value replaced by any TOML value.
    #[test]
    fn a_plan_with_a_strange_value_is_a_plan_or_a_field_error(key in prop::sample::select(vec![
        "name", "repository", "branch", "project", "timeoutMinutes", "image", "computeType",
        "repository", "policyName", "containerName", "imageTag", "cluster", "service",
    ]), value in prop_oneof![
        text().prop_map(|s| toml::Value::String(s).to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        Just("true".to_owned()),
    ]) {
        let reference = Plan::reference().to_toml().unwrap();
        let edited: String = reference
            .lines()
            .map(|l| if l.starts_with(&format!("{key} = ")) { format!("{key} = {value}") } else { l.to_owned() })
            .collect::<Vec<_>>()
            .join("\n");
        if let Err(e) = Plan::from_toml(&edited) {
            prop_assert!(e.field().is_some(), "{e:?}");
        }
    }

    /// Any values in the fields a user types: validation answers (never panics), and a plan it
    /// accepts makes its requests and buildspec, and comes back the same from its TOML.
    #[test]
    fn validated_plans_make_their_requests_and_round_trip(
        name in text(), repository in text(), branch in text(), project in text(),
        ecr in text(), container in text(), tag in text(), path in text(),
        env_name in text(), env_value in text(), topic in text(), rule in text(),
    ) {
        let mut p = Plan::reference();
        p.pipeline.name = name;
        p.source.repository = repository;
        p.source.branch = branch;
        p.build.project = project;
        p.build.buildspec_path = path;
        p.build.environment_variables = vec![EnvVar { name: env_name, value: env_value, kind: None }];
        p.ecr.repository = ecr;
        p.buildspec.container_name = container;
        p.buildspec.image_tag = tag;
        p.pipeline.notifications = Some(NotificationSettings {
            sns_topic_arn: topic,
            events: vec![NotificationEvent::ExecutionFailed],
            detail: Default::default(),
            rule_name: Some(rule),
        });
        let issues = plan::validate(&p);
        for i in &issues {
            prop_assert!(!i.path.is_empty() && !i.message.is_empty());
        }
        let back = Plan::from_toml(&p.to_toml().unwrap()).unwrap();
        prop_assert_eq!(&back, &p);
        if issues.is_empty() {
            let n = Names::new(&p, "123456789012", "us-east-1");
            let conn = "arn:aws:codestar-connections:us-east-1:123456789012:connection/x";
            let _ = requests::pipeline(&p, &n, conn);
            let _ = requests::project(&p, &n, conn);
            let _ = crate::apply::resources::notifications::request(&p, &n);
            let yaml = crate::buildspec::generate(&p, "123456789012", "us-east-1").unwrap();
            let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&yaml).unwrap();
            prop_assert!(doc.get("phases").is_some());
        }
    }

    /// Whatever the plan holds (valid or not), the buildspec keeps its shape and says the values
    /// as they are: a value cannot add a key, a phase or a command.
    #[test]
    fn the_buildspec_keeps_its_shape_whatever_the_values(
        container in text(), tag in text(), repo in text(), project in text(), path in text(),
        dir in text(), dockerfile in text(),
    ) {
        let mut p = Plan::reference();
        p.buildspec.container_name = container.clone();
        p.buildspec.image_tag = tag.clone();
        p.buildspec.service_dir = dir;
        p.buildspec.dockerfile = dockerfile;
        p.ecr.repository = repo.clone();
        p.build.project = project;
        p.build.buildspec_path = path;
        let yaml = crate::buildspec::generate(&p, "123456789012", "us-east-1").unwrap();
        let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&yaml).unwrap();
        let keys: Vec<&str> = doc.as_mapping().unwrap().keys().filter_map(|k| k.as_str()).collect();
        prop_assert_eq!(keys, vec!["version", "env", "phases", "artifacts"]);
        let vars = &doc["env"]["variables"];
        prop_assert_eq!(vars.as_mapping().unwrap().len(), 6);
        prop_assert_eq!(vars["CONTAINER_NAME"].as_str(), Some(container.as_str()));
        prop_assert_eq!(vars["IMAGE_TAG"].as_str(), Some(tag.as_str()));
        prop_assert_eq!(vars["REPO_NAME"].as_str(), Some(repo.as_str()));
        let phases = doc["phases"].as_mapping().unwrap();
        prop_assert_eq!(phases.len(), 3);
        prop_assert_eq!(doc["phases"]["post_build"]["commands"].as_sequence().unwrap().len(), 4);
    }

    /// A log line's colours go, whatever the line holds, and only its colours.
    #[test]
    fn colours_are_stripped_from_any_line(line in "[\u{1b}\\[0-9;mK a-z\n]{0,80}") {
        let plain = crate::diagnosis::plain(&line);
        prop_assert!(!plain.contains("\u{1b}["), "{plain:?}");
        let d = crate::diagnosis::diagnose(Some("BUILD"), std::slice::from_ref(&line));
        for l in &d.lines {
            prop_assert!(!l.contains("\u{1b}["), "{l:?}");
        }
    }
}

fn record(id: String, project: String, strings: Vec<String>, start_ms: i64) -> BuildRecord {
    let s = |i: usize| strings.get(i).cloned();
    BuildRecord {
        id,
        project,
        build_number: Some(start_ms),
        status: BuildStatus::parse(&s(0).unwrap_or_default()),
        start_ms,
        end_ms: Some(start_ms.saturating_add(1000)),
        duration_seconds: Some(1.0),
        initiator: s(1).unwrap_or_default(),
        initiator_kind: Initiator::User,
        source_version: s(2),
        commit: s(3),
        compute_type: s(4),
        environment_type: s(5),
        phases: vec![PhaseRecord {
            phase: s(6).unwrap_or_default(),
            status: s(7).as_deref().map(BuildStatus::parse),
            start_ms: Some(start_ms),
            end_ms: None,
            duration_seconds: None,
            messages: strings.iter().skip(12).cloned().collect(),
        }],
        log_group: s(8),
        log_stream: s(9),
        log_url: s(10),
        console_url: s(11).unwrap_or_default(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever strings AWS sends in a build, the store gives the same build back, and its list
    /// JSON is an array of every build.
    #[test]
    fn the_store_gives_back_what_aws_sent(
        builds in prop::collection::vec((text(), prop::collection::vec(text(), 12..14), 0i64..4_000_000_000_000), 1..6),
        project in text(),
    ) {
        let store = HistoryStore::in_memory().unwrap();
        let records: Vec<BuildRecord> = builds
            .into_iter()
            .enumerate()
            .map(|(i, (id, strings, start))| record(format!("{i}-{id}"), project.clone(), strings, start))
            .collect();
        store.upsert_builds("scope", &records).unwrap();
        let mut back = store.builds("scope", &project, None).unwrap();
        let mut sent = records.clone();
        back.sort_by(|a, b| a.id.cmp(&b.id));
        sent.sort_by(|a, b| a.id.cmp(&b.id));
        prop_assert_eq!(back, sent);
        let list: Vec<serde_json::Value> =
            serde_json::from_str(&store.summaries_json("scope", &project, None).unwrap()).unwrap();
        prop_assert_eq!(list.len(), records.len());
        prop_assert_eq!(store.take_notice(), None);
    }
}

/// Found by `colours_are_stripped_from_any_line`: stripping `ESC[a` out of `ESC ESC[a [` left
/// an `ESC [` behind.
#[test]
fn a_colour_code_inside_another_escape_leaves_none() {
    assert_eq!(crate::diagnosis::plain("\u{1b}\u{1b}[a["), "");
    assert_eq!(crate::diagnosis::plain("x\u{1b}\u{1b}[31m[0mdone"), "xdone");
}
