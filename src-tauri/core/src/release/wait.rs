//! Following one execution to its end.

use super::*;

/// Polls an execution until it ends and its ECS rollouts with it, calling `on_change` with the
/// view whenever a stage or action status (or a rollout's) changes. Returns the release's final
/// status ([`rollout::release_status`]: Failed when a deployment failed or was rolled back,
/// whatever CodePipeline said) and the last view.
pub async fn wait(
    ctx: &AwsCtx,
    pipeline: &str,
    execution_id: &str,
    interval: Duration,
    mut on_change: impl FnMut(&PipelineView),
) -> Result<(ExecutionStatus, PipelineView)> {
    let mut last: Option<Vec<(String, Option<String>)>> = None;
    loop {
        let view = pipeline_view(ctx, pipeline).await?;
        let mine = |view: &PipelineView| -> Vec<(String, Option<String>)> {
            view.stages
                .iter()
                .filter(|s| s.execution_id.as_deref() == Some(execution_id))
                .flat_map(|s| {
                    s.actions.iter().map(move |a| {
                        let rollout = a
                            .rollout
                            .as_ref()
                            .map(|r| format!("{} {}/{}", r.state.as_str(), r.running, r.desired));
                        (
                            format!("{}/{}", s.name, a.name),
                            a.status.as_ref().map(|st| match rollout {
                                Some(r) => format!("{st} {r}"),
                                None => st.to_string(),
                            }),
                        )
                    })
                })
                .collect()
        };
        let now = mine(&view);
        if last.as_ref() != Some(&now) {
            on_change(&view);
            last = Some(now);
        }
        let status = execution(ctx, pipeline, execution_id).await?.status;
        if !status.running() {
            // The view as of the end (the one above may be a poll older).
            let view = pipeline_view(ctx, pipeline).await?;
            if last.as_ref() != Some(&mine(&view)) {
                on_change(&view);
            }
            let rollout = deploy_rollout(&view, execution_id).map(|r| r.state);
            let verdict = rollout::release_status(&status, rollout);
            if verdict != ExecutionStatus::InProgress {
                return Ok((verdict, view));
            }
        }
        tokio::time::sleep(interval).await;
    }
}

/// The rollout of an execution's last ECS deploy, when the view shows it.
pub fn deploy_rollout<'a>(view: &'a PipelineView, execution_id: &str) -> Option<&'a Rollout> {
    view.stages
        .iter()
        .filter(|s| s.execution_id.as_deref() == Some(execution_id))
        .flat_map(|s| s.actions.iter())
        .filter_map(|a| a.rollout.as_ref())
        .next_back()
}
