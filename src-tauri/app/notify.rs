//! Desktop notifications that open what they are about. On Linux and the BSDs (XDG notifications
//! over D-Bus) a click on the notification (its "default" action) brings the window to the front
//! and sends the page a `notification-open` event with where to go. On macOS and Windows the
//! notification plugin shows it; a click there brings the app forward, as the OS does.

use pipewright_core::desktop::NotificationOpen;
use pipewright_core::{AppError, Error};
use tauri::AppHandle;

/// The event the page listens to, with a [`NotificationOpen`].
pub const OPEN_EVENT: &str = "notification-open";

#[cfg(all(unix, not(target_os = "macos")))]
pub fn show(
    app: &AppHandle,
    title: &str,
    body: &str,
    open: Option<NotificationOpen>,
) -> Result<(), AppError> {
    use tauri::{Emitter, Manager};
    let mut n = notify_rust::Notification::new();
    n.appname("Pipewright").summary(title).body(body);
    if open.is_some() {
        n.action("default", "Open");
    }
    let handle = n
        .show()
        .map_err(|e| Error::internal(format!("could not show a desktop notification: {e}")))?;
    if let Some(open) = open {
        let app = app.clone();
        // Returns when the notification is clicked or closed (it expires by the server's rule).
        std::thread::spawn(move || {
            handle.wait_for_action(|action| {
                if action != "default" {
                    return;
                }
                if let Some(window) = app.get_webview_window("main") {
                    let _ = window.unminimize();
                    let _ = window.show();
                    let _ = window.set_focus();
                }
                if let Err(e) = app.emit_to("main", OPEN_EVENT, &open) {
                    tracing::warn!("could not tell the page a notification was clicked: {e}");
                }
            });
        });
    }
    Ok(())
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
pub fn show(
    app: &AppHandle,
    title: &str,
    body: &str,
    _open: Option<NotificationOpen>,
) -> Result<(), AppError> {
    use tauri_plugin_notification::NotificationExt;
    app.notification()
        .builder()
        .title(title)
        .body(body)
        .show()
        .map_err(|e| Error::internal(format!("could not show a desktop notification: {e}")).into())
}
