//! A build's CloudWatch log, page by page (GetLogEvents from the head), to follow a running build.

use super::types::{LogLine, LogPage};
use crate::apply::AwsCtx;
use crate::aws::or_not_found;
use crate::Result;
use aws_sdk_cloudwatchlogs::operation::get_log_events::GetLogEventsError;

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
