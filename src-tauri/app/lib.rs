//! The desktop app: a window, the plugins it uses, and thin commands over `pipewright-core`.

mod commands;
mod files;
mod notify;
pub mod webview_env;

use std::sync::Arc;

use pipewright_core::apply::CtxCache;
use pipewright_core::history::HistoryStore;
use pipewright_core::keyring_store::OsKeyring;
use pipewright_core::paths::AppDirs;
use pipewright_core::profiles::{ProfileStore, Sandbox};
use pipewright_core::release::ViewCache;
use pipewright_core::verdict::VerdictCache;

pub struct AppState {
    pub profiles: Arc<ProfileStore>,
    /// AWS contexts (config + account) of the profiles in use.
    pub contexts: CtxCache,
    /// Last pipeline views, so idle polls cost one request.
    pub views: ViewCache,
    /// The Pipelines list's settled rollout verdicts.
    pub verdicts: VerdictCache,
    /// The local build history (SQLite in the data dir), opened on first use: once, even when
    /// several commands ask for it at the same moment.
    history: std::sync::Mutex<Option<Arc<HistoryStore>>>,
}

impl AppState {
    pub fn from_env() -> pipewright_core::Result<Self> {
        let dirs = AppDirs::from_env()?;
        let profiles = ProfileStore::new(dirs, Arc::new(OsKeyring::default()), Sandbox::from_env());
        Ok(Self {
            profiles: Arc::new(profiles),
            contexts: CtxCache::default(),
            views: ViewCache::default(),
            verdicts: VerdictCache::default(),
            history: std::sync::Mutex::new(None),
        })
    }
}

impl AppState {
    pub fn history(&self) -> Result<Arc<HistoryStore>, pipewright_core::AppError> {
        let mut slot = self.history.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(h) = slot.as_ref() {
            return Ok(h.clone());
        }
        let path = self.profiles.dirs().data.join("history.sqlite");
        let store = Arc::new(HistoryStore::open(&path)?);
        *slot = Some(store.clone());
        Ok(store)
    }
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PIPEWRIGHT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();

    // Still on the main thread with no other thread started: it may set a variable WebKit reads.
    #[cfg(target_os = "linux")]
    match webview_env::apply() {
        webview_env::Compositing::Off => tracing::info!(
            "no GPU render node (or software GL forced): WebKit draws without compositing"
        ),
        decision => tracing::debug!(?decision, "WebKit compositing"),
    }

    let state = match AppState::from_env() {
        Ok(state) => state,
        Err(e) => {
            eprintln!("pipewright: {e}");
            std::process::exit(1);
        }
    };
    if let Some(sandbox) = state.profiles.sandbox() {
        tracing::info!(endpoint = %sandbox.endpoint_url, "sandbox mode");
    }

    tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .manage(state)
        .manage(notify::Notifier::default())
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::regions_list,
            commands::profiles_list,
            commands::profile_save,
            commands::profile_remove,
            commands::profile_test,
            commands::credentials_test,
            commands::session_get,
            commands::session_set,
            commands::plan_reference,
            commands::plan_validate,
            commands::plan_open,
            commands::plan_save,
            commands::text_save,
            commands::connections_list,
            commands::connection_create,
            commands::connection_get,
            commands::ecr_repositories,
            commands::ecs_clusters,
            commands::ecs_services,
            commands::ecs_containers,
            commands::codebuild_projects,
            commands::ecr_policy_generate,
            commands::buildspec_generate,
            commands::plan_review,
            commands::apply_start,
            commands::receipt_teardown,
            commands::receipts_list,
            commands::receipts_unfinished,
            commands::pipelines_list,
            commands::pipeline_view,
            commands::pipeline_executions,
            commands::pipeline_action_executions,
            commands::release_start,
            commands::execution_stop,
            commands::stage_retry,
            commands::approval_decide,
            commands::rollback_plan,
            commands::rollback_run,
            commands::service_changes,
            commands::service_change_undo,
            commands::desktop_notify,
            commands::build_diagnosis,
            commands::open_external,
            commands::diagnosis_fix_plan,
            commands::history_builds,
            commands::history_sync,
            commands::history_stats,
            commands::history_build,
            commands::build_logs,
            commands::history_releases_sync,
            commands::history_dora,
            commands::history_commits,
            commands::history_commits_sync,
        ])
        .run(tauri::generate_context!())
        .expect("error while running Pipewright");
}
