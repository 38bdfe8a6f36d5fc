//! The pipeline page's poll: an idle pipeline costs one request a poll.

use super::*;

/// Poll every 2 s while an execution runs; when idle every 30 s, and an idle poll is one request
/// (see [`ViewCache`]): 2 requests a minute per open pipeline.
pub const POLL_RUNNING_MS: u32 = 2_000;
pub const POLL_IDLE_MS: u32 = 30_000;

/// Remembers each pipeline's last view so that an idle poll costs one request (the latest
/// execution): the full view (3 requests) is fetched again only when that changed, when something
/// runs, or after 10 minutes.
#[derive(Default)]
pub struct ViewCache {
    entries: std::sync::Mutex<HashMap<String, (std::time::Instant, PipelineView)>>,
}

impl ViewCache {
    fn key(ctx: &AwsCtx, name: &str) -> String {
        format!("{}/{}/{name}", ctx.account, ctx.region)
    }

    /// Forget a pipeline's view (after release, stop or retry) so the next poll is a full one.
    pub fn invalidate(&self, ctx: &AwsCtx, name: &str) {
        self.entries.lock().unwrap().remove(&Self::key(ctx, name));
    }

    /// The view for a poll: cheap when nothing happened, full otherwise.
    pub async fn poll(&self, ctx: &AwsCtx, name: &str) -> Result<PipelineView> {
        let key = Self::key(ctx, name);
        let cached = self.entries.lock().unwrap().get(&key).cloned();
        if let Some((at, view)) = cached {
            if !view.in_progress && at.elapsed() < Duration::from_secs(600) {
                let latest = executions(ctx, name, 1).await?.into_iter().next();
                // CodePipeline's status on both sides (the view's may be the rollout's verdict).
                let same = |l: &Option<ExecutionSummary>| {
                    l.as_ref().map(|e| {
                        let status = e.pipeline_status.as_ref().unwrap_or(&e.status);
                        (e.id.clone(), status.clone())
                    })
                };
                if same(&latest) == same(&view.latest) {
                    return Ok(view);
                }
            }
        }
        let view = pipeline_view(ctx, name).await?;
        self.entries
            .lock()
            .unwrap()
            .insert(key, (std::time::Instant::now(), view.clone()));
        Ok(view)
    }
}
