//! Tauri commands: parse, call core, map errors to `{code, message, field}`. No logic here.

use std::sync::Arc;

use pipewright_core::app_info::AppInfo;
use pipewright_core::aws::{self, Identity};
use pipewright_core::profiles::{ProfileInput, ProfileRef, ProfileStore, ProfileSummary};
use pipewright_core::regions::{self, RegionInfo};
use pipewright_core::session::{self, Session};
use pipewright_core::{AppError, Error};
use tauri::State;

use crate::AppState;

type CmdResult<T> = Result<T, AppError>;

/// Runs blocking core work (file and keyring I/O) off the async runtime's workers.
async fn blocking<T: Send + 'static>(
    store: &Arc<ProfileStore>,
    f: impl FnOnce(&ProfileStore) -> pipewright_core::Result<T> + Send + 'static,
) -> CmdResult<T> {
    let store = store.clone();
    tauri::async_runtime::spawn_blocking(move || f(&store))
        .await
        .map_err(|e| AppError::from(Error::internal(e)))?
        .map_err(AppError::from)
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        sandbox: state.profiles.sandbox().is_some(),
        config_dir: state.profiles.dirs().config.display().to_string(),
    }
}

#[tauri::command]
pub fn regions_list() -> Vec<RegionInfo> {
    regions::list()
}

#[tauri::command]
pub async fn profiles_list(state: State<'_, AppState>) -> CmdResult<Vec<ProfileSummary>> {
    Ok(state.profiles.list_all().await?)
}

#[tauri::command]
pub async fn profile_save(
    state: State<'_, AppState>,
    input: ProfileInput,
) -> CmdResult<ProfileSummary> {
    blocking(&state.profiles, move |s| s.save(&input)).await
}

#[tauri::command]
pub async fn profile_remove(state: State<'_, AppState>, name: String) -> CmdResult<()> {
    blocking(&state.profiles, move |s| s.remove(&name)).await
}

#[tauri::command]
pub async fn profile_test(
    state: State<'_, AppState>,
    profile: ProfileRef,
    region: Option<String>,
) -> CmdResult<Identity> {
    let target = {
        let profile = profile.clone();
        blocking(&state.profiles, move |s| {
            s.target(&profile, region.as_deref(), None)
        })
        .await?
    };
    let identity = aws::whoami(&aws::load_config(&target).await?).await?;
    let account = identity.account.clone();
    blocking(&state.profiles, move |s| {
        s.record_account(&profile, &account)
    })
    .await?;
    Ok(identity)
}

#[tauri::command]
pub async fn credentials_test(
    state: State<'_, AppState>,
    input: ProfileInput,
) -> CmdResult<Identity> {
    let target = blocking(&state.profiles, move |s| s.target_for_input(&input)).await?;
    Ok(aws::whoami(&aws::load_config(&target).await?).await?)
}

#[tauri::command]
pub async fn session_get(state: State<'_, AppState>) -> CmdResult<Session> {
    blocking(&state.profiles, session::current).await
}

#[tauri::command]
pub async fn session_set(state: State<'_, AppState>, session: Session) -> CmdResult<Session> {
    blocking(&state.profiles, move |s| {
        session::save(s.dirs(), &session)?;
        Ok(session)
    })
    .await
}
