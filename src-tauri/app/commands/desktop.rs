//! The app itself: what it is, the regions, desktop notifications and external links.

use pipewright_core::app_info::AppInfo;
use pipewright_core::desktop::{self, NotificationOpen};
use pipewright_core::regions::{self, RegionInfo};
use pipewright_core::{links, AppError, Error, Pipewright};
use tauri::State;

use super::CmdResult;

#[tauri::command]
pub fn app_info(core: State<'_, Pipewright>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        sandbox: core.sandbox().is_some(),
        config_dir: core.dirs().config.display().to_string(),
    }
}

#[tauri::command]
pub fn regions_list() -> Vec<RegionInfo> {
    regions::list()
}

/// Shows a desktop notification; clicked, it opens `open` (a pipeline's page, at its approval).
#[tauri::command]
pub async fn desktop_notify(
    app: tauri::AppHandle,
    title: String,
    body: String,
    open: Option<NotificationOpen>,
) -> CmdResult<()> {
    desktop::check_text(&title, &body)?;
    if let Some(o) = &open {
        o.check()?;
    }
    crate::notify::show(&app, &title, &body, open).await
}

/// Opens an https page of the AWS console or GitHub in the browser, after Rust checked the URL
/// (`links::check_external`); nothing else is opened.
#[tauri::command]
pub async fn open_external(app: tauri::AppHandle, url: String) -> CmdResult<()> {
    use tauri_plugin_opener::OpenerExt;
    let url = links::check_external(&url)?;
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| AppError::from(Error::internal(e)))
}
