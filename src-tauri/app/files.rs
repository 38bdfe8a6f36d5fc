//! Native open/save dialogs opened by Rust for the file commands: the page never names a path,
//! so it can only reach the file the user picks, and only with the kind's extension
//! (`pipewright_core::files`).

use std::path::PathBuf;

use pipewright_core::files::FileKind;
use pipewright_core::{AppError, Error};
use tauri::{AppHandle, Manager};
use tauri_plugin_dialog::DialogExt;

fn dialog(app: &AppHandle, kind: FileKind) -> tauri_plugin_dialog::FileDialogBuilder<tauri::Wry> {
    let mut d = app
        .dialog()
        .file()
        .add_filter(kind.filter_name(), kind.extensions());
    if let Some(window) = app.get_webview_window("main") {
        d = d.set_parent(&window);
    }
    d
}

fn path_of(picked: Option<tauri_plugin_dialog::FilePath>) -> Result<Option<PathBuf>, AppError> {
    picked
        .map(|p| {
            p.into_path()
                .map_err(|e| AppError::from(Error::validation("path", e.to_string())))
        })
        .transpose()
}

/// Asks for a file to open; None when the user cancels.
pub async fn pick_open(app: &AppHandle, kind: FileKind) -> Result<Option<PathBuf>, AppError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    dialog(app, kind).pick_file(move |p| {
        let _ = tx.send(p);
    });
    path_of(rx.await.unwrap_or(None))
}

/// Asks where to save, suggesting `file_name` (only its last component is used); None when the
/// user cancels.
pub async fn pick_save(
    app: &AppHandle,
    kind: FileKind,
    file_name: Option<&str>,
) -> Result<Option<PathBuf>, AppError> {
    let suggested = file_name
        .and_then(|n| std::path::Path::new(n).file_name())
        .and_then(|n| n.to_str())
        .unwrap_or(kind.default_name())
        .to_owned();
    let (tx, rx) = tokio::sync::oneshot::channel();
    dialog(app, kind)
        .set_file_name(suggested)
        .save_file(move |p| {
            let _ = tx.send(p);
        });
    path_of(rx.await.unwrap_or(None))
}

/// Asks where to save a file of `kind` (suggesting `file_name`) and writes `contents` there; the
/// path written, or None when the user cancels.
pub async fn save_as(
    app: AppHandle,
    kind: FileKind,
    contents: String,
    file_name: Option<String>,
) -> Result<Option<String>, AppError> {
    let Some(path) = pick_save(&app, kind, file_name.as_deref()).await? else {
        return Ok(None);
    };
    let written = blocking(move || pipewright_core::files::save(kind, &path, &contents)).await?;
    Ok(Some(written.display().to_string()))
}

/// Runs file I/O off the async runtime's workers.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> pipewright_core::Result<T> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::from(Error::internal(e)))?
        .map_err(AppError::from)
}
