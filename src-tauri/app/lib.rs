//! The desktop app: a window, the plugins it uses, and thin commands (one module per feature in
//! `commands/`) over the core service, [`Pipewright`], which it manages as Tauri state.

mod commands;
mod files;
mod notify;
pub mod webview_env;

use pipewright_core::Pipewright;

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

    let core = match Pipewright::from_env() {
        Ok(core) => core,
        Err(e) => {
            eprintln!("pipewright: {e}");
            std::process::exit(1);
        }
    };
    if let Some(sandbox) = core.sandbox() {
        tracing::info!(endpoint = %sandbox.endpoint_url, "sandbox mode");
    }

    tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .manage(core)
        .manage(notify::Notifier::default())
        .invoke_handler(tauri::generate_handler![
            commands::profiles::profiles_list,
            commands::profiles::profile_validate,
            commands::profiles::profile_save,
            commands::profiles::profile_remove,
            commands::profiles::profile_test,
            commands::profiles::credentials_test,
            commands::profiles::session_get,
            commands::profiles::session_set,
            commands::desktop::app_info,
            commands::desktop::regions_list,
            commands::desktop::desktop_notify,
            commands::desktop::open_external,
            commands::plans::plan_reference,
            commands::plans::plan_validate,
            commands::plans::plan_open,
            commands::plans::plan_save,
            commands::plans::text_save,
            commands::plans::connections_list,
            commands::plans::connection_create,
            commands::plans::connection_get,
            commands::plans::ecr_repositories,
            commands::plans::ecs_clusters,
            commands::plans::ecs_services,
            commands::plans::ecs_containers,
            commands::plans::codebuild_projects,
            commands::plans::ecr_policy_generate,
            commands::plans::buildspec_generate,
            commands::plans::plan_review,
            commands::plans::apply_start,
            commands::plans::receipt_teardown,
            commands::plans::receipts_list,
            commands::plans::receipts_unfinished,
            commands::plans::diagnosis_fix_plan,
            commands::pipelines::pipelines_list,
            commands::pipelines::pipeline_view,
            commands::pipelines::pipeline_executions,
            commands::pipelines::pipeline_action_executions,
            commands::pipelines::release_validate,
            commands::pipelines::release_start,
            commands::pipelines::execution_stop,
            commands::pipelines::stage_retry,
            commands::pipelines::approval_decide,
            commands::pipelines::rollback_plan,
            commands::pipelines::rollback_run,
            commands::pipelines::service_changes,
            commands::pipelines::service_change_undo,
            commands::pipelines::build_diagnosis,
            commands::history::history_builds,
            commands::history::history_sync,
            commands::history::history_stats,
            commands::history::history_build,
            commands::history::build_log_read,
            commands::history::history_releases_sync,
            commands::history::history_dora,
            commands::history::history_commits,
            commands::history::history_commits_sync,
        ])
        .run(tauri::generate_context!())
        .expect("error while running Pipewright");
}
