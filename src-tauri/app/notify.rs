//! Desktop notifications that open what they are about. On Linux and the BSDs (XDG notifications
//! over D-Bus) a click on the notification (its "default" action) brings the window to the front
//! and sends the page a `notification-open` event with where to go. On macOS and Windows the
//! notification plugin shows it; a click there brings the app forward, as the OS does.

use pipewright_core::desktop::NotificationOpen;
use pipewright_core::AppError;
use tauri::AppHandle;

/// The event the page listens to, with a [`NotificationOpen`].
pub const OPEN_EVENT: &str = "notification-open";

#[cfg(all(unix, not(target_os = "macos")))]
pub use xdg::{show, Notifier};

/// The XDG notification server, spoken to directly over one session-bus connection.
///
/// Not through `notify-rust`: it asks the bus for the click signals only after the notification is
/// up, so a click that comes at once (a quick user, a loaded machine) is lost. Here the match rule
/// is in place before the first notification is sent, and one listener serves every notification.
#[cfg(all(unix, not(target_os = "macos")))]
mod xdg {
    use super::{AppError, AppHandle, NotificationOpen, OPEN_EVENT};
    use futures_lite::StreamExt;
    use pipewright_core::Error;
    use std::collections::HashMap;
    use std::sync::Arc;
    use tauri::{Emitter, Manager};
    use tokio::sync::{Mutex, OnceCell};
    use zbus::message::Type;
    use zbus::{Connection, MatchRule, MessageStream};

    const NAME: &str = "org.freedesktop.Notifications";
    const PATH: &str = "/org/freedesktop/Notifications";

    /// Notifications shown and not yet clicked or closed, by the id the server gave them.
    type Waiting = Arc<Mutex<HashMap<u32, NotificationOpen>>>;

    /// Managed state: the connection, made at the first notification.
    #[derive(Default)]
    pub struct Notifier(OnceCell<(Connection, Waiting)>);

    async fn connect(app: &AppHandle) -> zbus::Result<(Connection, Waiting)> {
        let conn = Connection::session().await?;
        let rule = MatchRule::builder()
            .msg_type(Type::Signal)
            .interface(NAME)
            .path(PATH)
            .build()?;
        // `for_match_rule` returns once the bus has the rule: no signal after this is missed.
        let signals = MessageStream::for_match_rule(rule, &conn, None).await?;
        let waiting = Waiting::default();
        tauri::async_runtime::spawn(listen(app.clone(), signals, waiting.clone()));
        Ok((conn, waiting))
    }

    /// Answers `ActionInvoked(id, "default")` (a click) and forgets `NotificationClosed(id, _)`.
    async fn listen(app: AppHandle, mut signals: MessageStream, waiting: Waiting) {
        while let Some(Ok(msg)) = signals.next().await {
            let header = msg.header();
            let member = header.member().map(|m| m.as_str().to_owned());
            let body = msg.body();
            let (id, clicked) = match member.as_deref() {
                Some("ActionInvoked") => match body.deserialize::<(u32, String)>() {
                    Ok((id, action)) => (id, action == "default"),
                    Err(_) => continue,
                },
                Some("NotificationClosed") => match body.deserialize::<(u32, u32)>() {
                    Ok((id, _reason)) => (id, false),
                    Err(_) => continue,
                },
                _ => continue,
            };
            // Waits for a `show` still between Notify's answer and recording its id.
            let Some(open) = waiting.lock().await.remove(&id) else {
                continue;
            };
            if clicked {
                if let Some(window) = app.get_webview_window("main") {
                    let _ = window.unminimize();
                    let _ = window.show();
                    let _ = window.set_focus();
                }
                if let Err(e) = app.emit_to("main", OPEN_EVENT, &open) {
                    tracing::warn!("could not tell the page a notification was clicked: {e}");
                }
            }
        }
        tracing::warn!("the desktop notification connection ended; clicks are no longer heard");
    }

    pub async fn show(
        app: &AppHandle,
        title: &str,
        body: &str,
        open: Option<NotificationOpen>,
    ) -> Result<(), AppError> {
        let failed =
            |e: zbus::Error| Error::internal(format!("could not show a desktop notification: {e}"));
        let notifier = app.state::<Notifier>();
        let (conn, waiting) = notifier
            .0
            .get_or_try_init(|| connect(app))
            .await
            .map_err(failed)?;
        let actions: Vec<&str> = if open.is_some() {
            vec!["default", "Open"]
        } else {
            Vec::new()
        };
        let hints: HashMap<&str, zbus::Variant<'_>> = HashMap::new();
        // Held across Notify, so the listener cannot see this notification's click before its id
        // is recorded.
        let mut waiting = waiting.lock().await;
        let reply = conn
            .call_method(
                Some(NAME),
                PATH,
                Some(NAME),
                "Notify",
                &("Pipewright", 0u32, "", title, body, actions, hints, -1i32),
            )
            .await
            .map_err(failed)?;
        let id: u32 = reply.body().deserialize().map_err(failed)?;
        if let Some(open) = open {
            waiting.insert(id, open);
        }
        Ok(())
    }
}

/// Managed state; nothing to keep where the notification plugin shows them.
#[cfg(not(all(unix, not(target_os = "macos"))))]
#[derive(Default)]
pub struct Notifier;

#[cfg(not(all(unix, not(target_os = "macos"))))]
pub async fn show(
    app: &AppHandle,
    title: &str,
    body: &str,
    _open: Option<NotificationOpen>,
) -> Result<(), AppError> {
    use pipewright_core::Error;
    use tauri_plugin_notification::NotificationExt;
    app.notification()
        .builder()
        .title(title)
        .body(body)
        .show()
        .map_err(|e| Error::internal(format!("could not show a desktop notification: {e}")).into())
}
