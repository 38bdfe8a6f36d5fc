//! The desktop app: a window, the plugins it uses, and thin commands over `pipewright-core`.

mod commands;

use std::sync::Arc;

use pipewright_core::keyring_store::OsKeyring;
use pipewright_core::paths::AppDirs;
use pipewright_core::profiles::{ProfileStore, Sandbox};

pub struct AppState {
    pub profiles: Arc<ProfileStore>,
}

impl AppState {
    pub fn from_env() -> pipewright_core::Result<Self> {
        let dirs = AppDirs::from_env()?;
        let profiles = ProfileStore::new(dirs, Arc::new(OsKeyring::default()), Sandbox::from_env());
        Ok(Self {
            profiles: Arc::new(profiles),
        })
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
        .manage(state)
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
        ])
        .run(tauri::generate_context!())
        .expect("error while running Pipewright");
}
