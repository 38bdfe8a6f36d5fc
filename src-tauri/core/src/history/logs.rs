//! A build's CloudWatch log, page by page (GetLogEvents from the head), to follow a running build.

use super::types::{LogCursor, LogLine, LogNext, LogPage, LogRead};
use crate::apply::AwsCtx;
use crate::aws::or_not_found;
use crate::Result;
use aws_sdk_cloudwatchlogs::operation::get_log_events::GetLogEventsError;

/// Empty pages in a row (each with a new token) after which a read stops for now: CloudWatch may
/// answer an empty page before the end, but a service that never repeats its token must not keep
/// a reader going forever.
pub const MAX_EMPTY_PAGES: u32 = 20;
/// Lines one read returns at most; the rest come with the next (`LogNext::More`).
pub const MAX_READ_LINES: usize = 10_000;

/// The one rule for reading and following a build's log, used by the app and the CLI: read the
/// pages there are from `cursor` until CloudWatch gives back the token it was sent (or no token,
/// or [`MAX_EMPTY_PAGES`] empty pages); then, while the build runs (`running`), poll; once it has
/// ended, one more read if it was seen running, then done.
pub async fn read(
    ctx: &AwsCtx,
    group: &str,
    stream: &str,
    cursor: LogCursor,
    running: bool,
) -> Result<LogRead> {
    let mut lines = Vec::new();
    let mut cursor = cursor;
    let mut empty = 0;
    loop {
        let sent = cursor.token.clone();
        let page = page(ctx, group, stream, sent.clone()).await?;
        let got = page.lines.len();
        lines.extend(page.lines);
        cursor.token = page.next_token.clone().or(sent.clone());
        empty = if got > 0 { 0 } else { empty + 1 };
        let at_end = !page.stream_exists
            || page.next_token.is_none()
            || page.next_token == sent
            || empty >= MAX_EMPTY_PAGES;
        if !at_end && lines.len() < MAX_READ_LINES {
            continue;
        }
        let next = follow_next(&mut cursor, at_end, running);
        return Ok(LogRead {
            lines,
            cursor,
            next,
            console_url: page.console_url,
            stream_exists: page.stream_exists,
        });
    }
}

/// What follows a read that reached the end (`at_end`) or stopped at the line bound.
pub fn follow_next(cursor: &mut LogCursor, at_end: bool, running: bool) -> LogNext {
    if !at_end {
        return LogNext::More;
    }
    if running {
        cursor.grace_left = 1;
        return LogNext::Poll;
    }
    if cursor.grace_left > 0 {
        cursor.grace_left -= 1;
        return LogNext::Poll;
    }
    LogNext::Done
}

pub async fn page(
    ctx: &AwsCtx,
    group: &str,
    stream: &str,
    next_token: Option<String>,
) -> Result<LogPage> {
    let result = aws_sdk_cloudwatchlogs::Client::new(&ctx.config)
        .get_log_events()
        .log_group_name(group)
        .log_stream_name(stream)
        .start_from_head(true)
        .set_next_token(next_token.clone())
        .send()
        .await;
    let console_url = Some(format!(
        "https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#logsV2:log-groups/log-group/{}/log-events/{}",
        group.replace('/', "$252F"),
        stream.replace('/', "$252F"),
        region = ctx.region
    ));
    let Some(out) = or_not_found("GetLogEvents", result, |e| {
        matches!(e, GetLogEventsError::ResourceNotFoundException(_))
    })?
    else {
        return Ok(LogPage {
            lines: Vec::new(),
            next_token,
            console_url,
            stream_exists: false,
        });
    };
    let lines = out
        .events()
        .iter()
        .map(|e| LogLine {
            timestamp_ms: e.timestamp().unwrap_or_default(),
            message: e
                .message()
                .unwrap_or_default()
                .trim_end_matches('\n')
                .to_owned(),
        })
        .collect();
    Ok(LogPage {
        lines,
        next_token: out.next_forward_token().map(str::to_owned).or(next_token),
        console_url,
        stream_exists: true,
    })
}

/// The last `limit` lines of a log stream (GetLogEvents from the tail), oldest first; empty when
/// the stream is gone.
pub async fn tail(ctx: &AwsCtx, group: &str, stream: &str, limit: i32) -> Result<Vec<String>> {
    let result = aws_sdk_cloudwatchlogs::Client::new(&ctx.config)
        .get_log_events()
        .log_group_name(group)
        .log_stream_name(stream)
        .start_from_head(false)
        .limit(limit.clamp(1, 10_000))
        .send()
        .await;
    let Some(out) = or_not_found("GetLogEvents", result, |e| {
        matches!(e, GetLogEventsError::ResourceNotFoundException(_))
    })?
    else {
        return Ok(Vec::new());
    };
    Ok(out
        .events()
        .iter()
        .map(|e| {
            e.message()
                .unwrap_or_default()
                .trim_end_matches('\n')
                .to_owned()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_build_is_read_once_and_a_running_one_is_followed_then_read_once_more() {
        let mut c = LogCursor::default();
        assert_eq!(follow_next(&mut c, false, false), LogNext::More);
        assert_eq!(
            follow_next(&mut c, true, false),
            LogNext::Done,
            "finished, never seen running"
        );

        let mut c = LogCursor::default();
        assert_eq!(follow_next(&mut c, true, true), LogNext::Poll);
        assert_eq!(follow_next(&mut c, true, true), LogNext::Poll);
        // It ended: one grace read, then done.
        assert_eq!(follow_next(&mut c, true, false), LogNext::Poll);
        assert_eq!(follow_next(&mut c, true, false), LogNext::Done);
        // Retried: it runs again and the grace read comes back.
        assert_eq!(follow_next(&mut c, true, true), LogNext::Poll);
        assert_eq!(c.grace_left, 1);
    }
}
