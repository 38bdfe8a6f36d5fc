//! Changing a pipeline's run: release (with its idempotency token and offline checks), stop, retry.

use super::*;

/// The idempotency token CodePipeline gets: the caller's seed (one per release dialog, per CLI
/// run, or the CLI's `--client-request-token`) joined with what the request asks (pipeline,
/// commit, variables). The same request sent again (a double click, a retry after a dropped
/// connection) starts one execution; a changed request (another commit, other variables) starts
/// its own even from the same dialog.
pub fn request_token(req: &ReleaseRequest) -> String {
    let mut content = Vec::new();
    for part in [
        req.client_request_token.as_str(),
        req.pipeline.as_str(),
        req.revision.as_deref().map(str::trim).unwrap_or_default(),
    ] {
        content.extend_from_slice(part.as_bytes());
        content.push(0);
    }
    for v in &req.variables {
        content.extend_from_slice(v.name.as_bytes());
        content.push(b'=');
        content.extend_from_slice(v.value.as_bytes());
        content.push(0);
    }
    // Two 64-bit FNV-1a over the content (stable across versions and platforms).
    let fnv = |offset: u64| {
        content.iter().fold(offset, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    format!(
        "pw-{:016x}{:016x}",
        fnv(0xcbf2_9ce4_8422_2325),
        fnv(0x6c62_272e_07bb_0142)
    )
}

/// Every problem with a release request, each naming its field and the rule, offline: the one
/// statement of these rules (the release dialog asks through `release_validate`).
pub fn validate(req: &ReleaseRequest) -> Vec<Issue> {
    let mut out = Vec::new();
    let mut issue = |path: String, message: &str| {
        out.push(Issue {
            path,
            message: message.to_owned(),
        })
    };
    if !crate::plan::validate::is_pipeline_name(&req.pipeline) {
        issue("pipeline".into(), "is not a pipeline name");
    }
    if req.client_request_token.is_empty() || req.client_request_token.len() > 128 {
        issue("clientRequestToken".into(), "must be 1–128 characters");
    }
    if let Some(rev) = req
        .revision
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        if !(7..=40).contains(&rev.len()) || !rev.chars().all(|c| c.is_ascii_hexdigit()) {
            issue(
                "revision".into(),
                "must be a git commit id (7–40 hex characters)",
            );
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (i, v) in req.variables.iter().enumerate() {
        if v.name.is_empty()
            || v.name.len() > 128
            || !v
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "@-_".contains(c))
        {
            issue(
                format!("variables.{i}.name"),
                "must be 1–128 letters, digits, '@', '-' or '_'",
            );
        } else if !seen.insert(v.name.as_str()) {
            issue(format!("variables.{i}.name"), "is given twice");
        }
        if v.value.is_empty() || v.value.len() > 1000 {
            issue(format!("variables.{i}.value"), "must be 1–1000 characters");
        }
    }
    if req.variables.len() > 50 {
        issue("variables".into(), "at most 50 variables");
    }
    out
}

/// Starts a release. Offline checks first (names, commit id), then one StartPipelineExecution.
pub async fn release(ctx: &AwsCtx, req: &ReleaseRequest) -> Result<String> {
    if let Some(first) = validate(req).into_iter().next() {
        return Err(first.into_error());
    }
    let revision = req
        .revision
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let client = ctx.codepipeline();
    let mut start = client
        .start_pipeline_execution()
        .name(&req.pipeline)
        .client_request_token(request_token(req));
    if let Some(rev) = revision {
        // The override names the source action: read it from the pipeline.
        let declaration = client
            .get_pipeline()
            .name(&req.pipeline)
            .send()
            .await
            .map_err(|e| map_sdk_error("GetPipeline", e))?;
        let source = declaration
            .pipeline()
            .and_then(|p| p.stages().first())
            .and_then(|s| s.actions().first())
            .map(|a| a.name().to_owned())
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "the pipeline {} has no source action",
                    req.pipeline
                ))
            })?;
        start = start.source_revisions(
            cp::SourceRevisionOverride::builder()
                .action_name(source)
                .revision_type(cp::SourceRevisionType::CommitId)
                .revision_value(rev)
                .build()
                .map_err(Error::internal)?,
        );
    }
    for v in &req.variables {
        start = start.variables(
            cp::PipelineVariable::builder()
                .name(&v.name)
                .value(&v.value)
                .build()
                .map_err(Error::internal)?,
        );
    }
    let out = start
        .send()
        .await
        .map_err(|e| map_sdk_error("StartPipelineExecution", e))?;
    Ok(out.pipeline_execution_id().unwrap_or_default().to_owned())
}

pub async fn stop(
    ctx: &AwsCtx,
    pipeline: &str,
    execution_id: &str,
    abandon: bool,
    reason: Option<&str>,
) -> Result<()> {
    ctx.codepipeline()
        .stop_pipeline_execution()
        .pipeline_name(pipeline)
        .pipeline_execution_id(execution_id)
        .abandon(abandon)
        .set_reason(reason.map(str::to_owned))
        .send()
        .await
        .map_err(|e| map_sdk_error("StopPipelineExecution", e))?;
    Ok(())
}

/// Retries a failed stage of `execution_id` (the stage's latest execution when None).
pub async fn retry(
    ctx: &AwsCtx,
    pipeline: &str,
    stage: &str,
    execution_id: Option<&str>,
    all_actions: bool,
) -> Result<String> {
    let execution_id = match execution_id {
        Some(id) => id.to_owned(),
        None => {
            let state = ctx
                .codepipeline()
                .get_pipeline_state()
                .name(pipeline)
                .send()
                .await
                .map_err(|e| map_sdk_error("GetPipelineState", e))?;
            state
                .stage_states()
                .iter()
                .find(|s| s.stage_name() == Some(stage))
                .and_then(|s| s.latest_execution())
                .map(|e| e.pipeline_execution_id().to_owned())
                .ok_or_else(|| {
                    Error::NotFound(format!("the stage {stage} of {pipeline} has not run"))
                })?
        }
    };
    let out = ctx
        .codepipeline()
        .retry_stage_execution()
        .pipeline_name(pipeline)
        .stage_name(stage)
        .pipeline_execution_id(&execution_id)
        .retry_mode(if all_actions {
            cp::StageRetryMode::AllActions
        } else {
            cp::StageRetryMode::FailedActions
        })
        .send()
        .await
        .map_err(|e| map_sdk_error("RetryStageExecution", e))?;
    Ok(out
        .pipeline_execution_id()
        .unwrap_or(&execution_id)
        .to_owned())
}
