//! Profiles and the session.

use pipewright_core::aws::Identity;
use pipewright_core::plan::Issue;
use pipewright_core::profiles::{ProfileInput, ProfileRef, ProfileSummary};
use pipewright_core::session::Session;
use pipewright_core::Pipewright;
use tauri::State;

use super::CmdResult;

#[tauri::command]
pub async fn profiles_list(core: State<'_, Pipewright>) -> CmdResult<Vec<ProfileSummary>> {
    Ok(core.profiles_list().await?)
}

/// Every problem with a profile form, by field (the form asks before Save and Test).
#[tauri::command]
pub fn profile_validate(core: State<'_, Pipewright>, input: ProfileInput) -> Vec<Issue> {
    core.profile_validate(&input)
}

#[tauri::command]
pub async fn profile_save(
    core: State<'_, Pipewright>,
    input: ProfileInput,
) -> CmdResult<ProfileSummary> {
    Ok(core.profile_save(input).await?)
}

#[tauri::command]
pub async fn profile_remove(core: State<'_, Pipewright>, name: String) -> CmdResult<()> {
    Ok(core.profile_remove(name).await?)
}

#[tauri::command]
pub async fn profile_test(
    core: State<'_, Pipewright>,
    profile: ProfileRef,
    region: Option<String>,
) -> CmdResult<Identity> {
    Ok(core.profile_test(profile, region).await?)
}

#[tauri::command]
pub async fn credentials_test(
    core: State<'_, Pipewright>,
    input: ProfileInput,
) -> CmdResult<Identity> {
    Ok(core.credentials_test(input).await?)
}

#[tauri::command]
pub async fn session_get(core: State<'_, Pipewright>) -> CmdResult<Session> {
    Ok(core.session_get().await?)
}

#[tauri::command]
pub async fn session_set(core: State<'_, Pipewright>, session: Session) -> CmdResult<Session> {
    Ok(core.session_set(session).await?)
}
