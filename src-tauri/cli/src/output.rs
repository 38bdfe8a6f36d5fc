//! What the CLI prints: every table, line and JSON document, in one place. Progress goes to
//! stderr, results to stdout (JSON with `--json`).

use pipewright_core::apply::{ApplyEvent, Receipt, Review, StepStatus};
use pipewright_core::diagnosis::Diagnosis;
use pipewright_core::profiles::ProfileSummary;
use pipewright_core::release::PipelineView;
use pipewright_core::rollback::RollbackPlan;
use pipewright_core::rollout::{self, Rollout};
use pipewright_core::{Error, Result};

pub fn print_stages(view: &PipelineView, execution: Option<&str>) {
    let mut line = String::new();
    for stage in &view.stages {
        let status = match execution {
            Some(id) if stage.execution_id.as_deref() != Some(id) => "-",
            _ => stage.status.as_ref().map_or("-", |s| s.as_str()),
        };
        line.push_str(&format!("{}: {}  ", stage.name, status));
    }
    eprintln!("{}", line.trim_end());
    if let Some(id) = execution {
        for stage in view
            .stages
            .iter()
            .filter(|s| s.execution_id.as_deref() == Some(id))
        {
            if stage.actions.iter().any(|a| a.awaiting_approval) {
                eprintln!(
                    "{} waits for approval: `pipewright-cli approve {}` (or --reject)",
                    stage.name, view.name
                );
            }
        }
    }
    if execution.is_none() {
        if let Some(l) = &view.latest {
            println!(
                "latest release {}: {}{}",
                l.id,
                l.status,
                l.pipeline_status
                    .as_ref()
                    .map(|p| format!(" (CodePipeline says {p})"))
                    .unwrap_or_default()
            );
        }
        for stage in &view.stages {
            for a in &stage.actions {
                println!(
                    "{:<10} {:<20} {:<12} {}",
                    stage.name,
                    a.name,
                    a.status.as_ref().map_or("-", |s| s.as_str()),
                    a.error.as_deref().or(a.summary.as_deref()).unwrap_or("")
                );
                if let Some(r) = &a.rollout {
                    print_rollout(r);
                }
                if let Some(d) = &a.diagnosis {
                    print_diagnosis(d);
                }
            }
        }
    }
}

/// The rollout under its deploy action: state and reason, tasks, and each stopped task's cause.
pub fn print_rollout(r: &Rollout) {
    println!(
        "  rollout {} {}: {}",
        r.deployment_id,
        r.state.as_str(),
        rollout::headline(r)
    );
    if let Some(reason) = &r.reason {
        println!("    reason: {reason}");
    }
    if let Some(to) = &r.rolled_back_to {
        println!("    rolled back to {to}");
    }
    for line in rollout::task_reasons(r) {
        println!("    {line}");
    }
}

/// What went wrong and what to do, with the lines that show it (under its action in `status`).
pub fn print_diagnosis(d: &Diagnosis) {
    for line in diagnosis_text(d).lines() {
        println!("  {line}");
    }
}

/// A diagnosis as a block of text (at the top of `logs`).
pub fn diagnosis_text(d: &Diagnosis) -> String {
    let mut out = format!(
        "diagnosis: {}{}\n",
        d.title,
        d.phase
            .as_deref()
            .map(|p| format!(" (in {p})"))
            .unwrap_or_default()
    );
    for line in &d.lines {
        out.push_str(&format!("  | {line}\n"));
    }
    out.push_str(&format!("fix: {}\n", d.fix));
    if d.plan_fix {
        out.push_str("Pipewright's plan sets this: apply the plan again (review it first with `pipewright-cli apply FILE --dry-run`).\n");
    }
    out
}

pub fn print_rollback_plan(p: &RollbackPlan) {
    let commit = |c: &Option<String>, s: &Option<String>| {
        format!(
            "{}{}",
            c.as_deref().map(|c| &c[..c.len().min(8)]).unwrap_or("-"),
            s.as_deref().map(|s| format!(" {s}")).unwrap_or_default()
        )
    };
    eprintln!(
        "Roll back {} ({}/{}):",
        p.pipeline, p.target.cluster, p.target.service
    );
    eprintln!(
        "  now:     execution {}  commit {}  task definition {}",
        p.current_execution_id.as_deref().unwrap_or("-"),
        commit(&p.current_commit, &None),
        p.current_task_definition.as_deref().unwrap_or("-")
    );
    eprintln!(
        "  back to: execution {}  commit {}  task definition {}",
        p.to_execution_id,
        commit(&p.to_commit, &p.to_commit_summary),
        p.to_task_definition.as_deref().unwrap_or("-")
    );
    eprintln!("  how:     {:?}: {}", p.method, p.method_reason);
    for w in &p.warnings {
        eprintln!("  note:    {w}");
    }
}

pub fn status_word(s: StepStatus) -> &'static str {
    match s {
        StepStatus::Pending => "pending",
        StepStatus::Running => "running",
        StepStatus::Waiting => "WAITING",
        StepStatus::Created => "created",
        StepStatus::Reused => "reused",
        StepStatus::Updated => "updated",
        StepStatus::Skipped => "skipped",
        StepStatus::Failed => "FAILED",
        StepStatus::Restored => "restored",
        StepStatus::Deleted => "deleted",
    }
}

pub fn print_event(e: &ApplyEvent) {
    if e.status == StepStatus::Pending {
        return;
    }
    let mut line = format!("{:<26} {:<8}", e.step.title(), status_word(e.status));
    if let Some(arn) = &e.arn {
        line.push_str(&format!(" {arn}"));
    }
    if !e.message.is_empty() {
        line.push_str(&format!("  {}", e.message));
    }
    if e.status == StepStatus::Waiting {
        if let Some(url) = &e.console_url {
            line.push_str(&format!("\n    finish the handshake here: {url}"));
        }
    }
    eprintln!("{line}");
}

pub fn print_review(r: &Review) {
    println!("Account {} in {}", r.account, r.region);
    for s in &r.steps {
        println!(
            "  {:<26} {:<7} {}",
            s.title,
            format!("{:?}", s.action).to_lowercase(),
            s.resource
        );
    }
    for f in &r.findings {
        println!("  {:?}: {}", f.severity, f.message);
    }
    println!(
        "Estimated cost: ${:.2}/month (prices as of {})",
        r.cost.total_monthly_usd, r.cost.prices_as_of
    );
}

pub fn print_receipt(r: &Receipt, json: bool) -> Result<()> {
    if json {
        println!("{}", to_json(r)?);
        return Ok(());
    }
    println!(
        "{} {} in account {} ({})",
        r.pipeline,
        format!("{:?}", r.status).to_lowercase(),
        r.account,
        r.region
    );
    for res in &r.resources {
        println!(
            "  {:<26} {:<8} {}",
            res.step.title(),
            status_word(res.outcome),
            res.arn.as_deref().unwrap_or(&res.name)
        );
    }
    if let Some(e) = &r.error {
        println!("error: {}", e.message);
    }
    Ok(())
}

pub fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string_pretty(value).map_err(Error::internal)
}

pub fn print_profiles(all: &[ProfileSummary]) {
    if all.is_empty() {
        println!("No profiles. Add one with: pipewright-cli profiles add NAME --region REGION");
        return;
    }
    println!(
        "{:<24} {:<12} {:<16} {:<12} {:<14} DETAIL",
        "NAME", "SOURCE", "REGION", "KEY", "ACCOUNT"
    );
    for p in all {
        let source = serde_json::to_value(p.source)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let mut detail = p.detail.clone().unwrap_or_default();
        if p.is_default {
            detail.push_str(" (default)");
        }
        if let Some(url) = &p.endpoint_url {
            detail.push_str(&format!(" endpoint {url}"));
        }
        println!(
            "{:<24} {:<12} {:<16} {:<12} {:<14} {}",
            p.name,
            source,
            p.region.as_deref().unwrap_or("-"),
            p.access_key_hint.as_deref().unwrap_or("-"),
            p.last_account_id.as_deref().unwrap_or("-"),
            detail.trim()
        );
    }
}
