//! `logs BUILD_ID [--follow]`: a build's CloudWatch log, read and followed by core's one rule
//! (`history::logs::read`), the same the app's log viewer uses.

use clap::Args;
use pipewright_core::apply::AwsCtx;
use pipewright_core::history::{BuildRecord, LogCursor, LogLine, LogNext};
use pipewright_core::{diagnosis, Pipewright, Result};

use crate::output::diagnosis_text;
use crate::Global;

#[derive(Args)]
pub struct LogsArgs {
    build_id: String,
    /// Keep printing new lines until the build ends.
    #[arg(long)]
    follow: bool,
}

/// The pace of `--follow` (the app's log viewer polls at the same pace).
const FOLLOW_POLL: std::time::Duration = std::time::Duration::from_secs(2);

pub async fn run(core: &Pipewright, g: &Global, args: LogsArgs) -> Result<()> {
    let ctx = core.connect(&g.selection()).await?;
    let id = &args.build_id;
    if g.json {
        // The build's status, its diagnosis (a failed build) and its whole log.
        let build = core.build(&ctx, id).await?;
        let mut lines = Vec::new();
        read(core, &ctx, &build, false, |l| lines.push(l.message.clone())).await?;
        let tail_start = lines.len().saturating_sub(300);
        let diagnosis = diagnosis::for_build(&build, &lines[tail_start..]);
        println!(
            "{}",
            serde_json::json!({ "buildId": id, "status": build.status, "diagnosis": diagnosis, "lines": lines })
        );
        return Ok(());
    }
    if !args.follow {
        if let Some(d) = core.build_diagnosis(&ctx, id).await? {
            eprintln!("{}", diagnosis_text(&d));
        }
    }
    let mut cursor = LogCursor::default();
    loop {
        let build = core.build(&ctx, id).await?;
        let (Some(group), Some(stream)) = (&build.log_group, &build.log_stream) else {
            // A queued build has no log stream yet.
            if build.finished() {
                no_log(&build);
                return Ok(());
            }
            if !args.follow {
                eprintln!(
                    "The build {id} has not started writing its log yet (--follow waits for it)."
                );
                return Ok(());
            }
            tokio::time::sleep(FOLLOW_POLL).await;
            continue;
        };
        let running = args.follow && !build.finished();
        let read = core.log_read(&ctx, group, stream, cursor, running).await?;
        for line in &read.lines {
            println!("{}", line.message);
        }
        if !read.stream_exists && build.finished() {
            no_log(&build);
            return Ok(());
        }
        cursor = read.cursor;
        match read.next {
            LogNext::More => {}
            LogNext::Poll => tokio::time::sleep(FOLLOW_POLL).await,
            LogNext::Done => return Ok(()),
        }
    }
}

/// Every line there is now, to `each`.
async fn read(
    core: &Pipewright,
    ctx: &AwsCtx,
    build: &BuildRecord,
    running: bool,
    mut each: impl FnMut(&LogLine),
) -> Result<()> {
    let (Some(group), Some(stream)) = (&build.log_group, &build.log_stream) else {
        return Ok(());
    };
    let mut cursor = LogCursor::default();
    loop {
        let read = core.log_read(ctx, group, stream, cursor, running).await?;
        read.lines.iter().for_each(&mut each);
        if read.next != LogNext::More {
            return Ok(());
        }
        cursor = read.cursor;
    }
}

fn no_log(build: &BuildRecord) {
    if build.started_container() {
        eprintln!(
            "The log of {} is no longer in CloudWatch (deleted, or past the log group's retention).",
            build.id
        );
    } else {
        eprintln!(
            "The build {} wrote no log: it ended before its build container started.",
            build.id
        );
    }
}
