//! `history PROJECT`: brings the local store up to date, then prints the builds and the figures.

use clap::Args;
use pipewright_core::history::stats::BuildStats;
use pipewright_core::history::BuildRecord;
use pipewright_core::{Error, Pipewright, Result};

use crate::output::to_json;
use crate::Global;

#[derive(Args)]
pub struct HistoryArgs {
    project: String,
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// Only builds started on or after this date (YYYY-MM-DD).
    #[arg(long)]
    since: Option<String>,
}

pub async fn run(core: &Pipewright, g: &Global, args: HistoryArgs) -> Result<()> {
    let since_ms = args.since.as_deref().map(parse_date).transpose()?;
    let project = &args.project;
    let ctx = core.connect(&g.selection()).await?;
    let report = core.builds_sync(&ctx, project, |_| {}).await?;
    if let Some(n) = &report.notice {
        eprintln!("note: {n}");
    }
    // Commit messages come from the pipelines' executions: without access to them (or with
    // CodePipeline down) the builds still print, with the messages stored before.
    let messages = match core.commits_sync(&ctx, project).await {
        Ok(messages) => messages,
        Err(e) => {
            eprintln!("Commit messages not brought up to date: {e}");
            core.commits(&ctx, project.clone()).await?
        }
    };
    let all = core.builds(&ctx, project.clone()).await?;
    let stats = core.build_stats(&ctx, project.clone(), 30).await?;
    let shown: Vec<&BuildRecord> = all
        .iter()
        .filter(|b| since_ms.is_none_or(|s| b.start_ms >= s))
        .take(args.limit)
        .collect();
    if g.json {
        println!(
            "{}",
            to_json(
                &serde_json::json!({ "sync": report, "stats30d": stats, "builds": shown, "commitMessages": messages })
            )?
        );
        return Ok(());
    }
    println!(
        "{project}: {} builds stored ({} fetched now). {}",
        report.total_stored,
        report.fetched,
        figures(&stats)
    );
    for b in shown {
        let message = messages
            .get(&b.id)
            .map(|m| {
                // Its first line, without control characters (no terminal escapes).
                let line = m.lines().next().unwrap_or_default();
                format!(
                    "  {}",
                    line.chars().filter(|c| !c.is_control()).collect::<String>()
                )
            })
            .unwrap_or_default();
        println!(
            "#{:<6} {:<11} {:<8} {:<10} {:>7} {}{message}",
            b.build_number.map(|n| n.to_string()).unwrap_or_default(),
            b.status,
            b.commit
                .as_deref()
                .map(|c| &c[..c.len().min(7)])
                .unwrap_or("-"),
            format!("{:?}", b.initiator_kind).to_lowercase(),
            b.duration_seconds
                .map(|d| format!("{d:.0}s"))
                .unwrap_or_else(|| "-".into()),
            time::OffsetDateTime::from_unix_timestamp(b.start_ms / 1000)
                .ok()
                .and_then(|t| t
                    .format(&time::format_description::well_known::Rfc3339)
                    .ok())
                .unwrap_or_default()
        );
    }
    Ok(())
}

fn figures(stats: &BuildStats) -> String {
    format!(
        "Last 30 days: {} builds, success {}, median {}, p90 {}, ${:.2}",
        stats.builds,
        stats
            .success_rate
            .map(|r| format!("{:.0}%", r * 100.0))
            .unwrap_or_else(|| "-".into()),
        stats
            .median_seconds
            .map(|s| format!("{s:.0}s"))
            .unwrap_or_else(|| "-".into()),
        stats
            .p90_seconds
            .map(|s| format!("{s:.0}s"))
            .unwrap_or_else(|| "-".into()),
        stats.cost_usd
    )
}

fn parse_date(d: &str) -> Result<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(d, &format)
        .map_err(|_| Error::validation("since", "must be a date as YYYY-MM-DD"))?;
    Ok(date.midnight().assume_utc().unix_timestamp() * 1000)
}
