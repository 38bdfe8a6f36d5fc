/**
 * The app and the desktop around it: app info, regions, links opened in the browser, and the
 * window title, taskbar progress and desktop notifications during a release.
 */
import { listen } from "@tauri-apps/api/event";
import { getCurrentWindow, ProgressBarStatus } from "@tauri-apps/api/window";
import { isPermissionGranted, requestPermission } from "@tauri-apps/plugin-notification";
import type { AppInfo } from "../bindings/AppInfo";
import type { NotificationOpen } from "../bindings/NotificationOpen";
import type { RegionInfo } from "../bindings/RegionInfo";
import { call } from "./core";

/** Swallow a failure of something optional (window title, taskbar progress, notifications). */
async function optional(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch {
    // Not available here (tests, a platform without it, permission missing): the page goes on.
  }
}

/** The state of the taskbar progress indicator. */
export type TaskbarProgress =
  | { status: "none" }
  | { status: "normal" | "paused" | "error"; progress: number };

const PROGRESS_STATUS = {
  none: ProgressBarStatus.None,
  normal: ProgressBarStatus.Normal,
  paused: ProgressBarStatus.Paused,
  error: ProgressBarStatus.Error,
} as const;

/** Whether desktop notifications may be shown, asking the user once when they have not decided. */
async function notificationsAllowed(): Promise<boolean> {
  if (await isPermissionGranted()) return true;
  return (await requestPermission()) === "granted";
}

export const desktopApi = {
  appInfo: () => call<AppInfo>("app_info"),
  regionsList: () => call<RegionInfo[]>("regions_list"),

  /** Open an https link in the user's browser (never inside the app window). */
  openExternal: (url: string) => call<null>("open_external", { url }).then(() => undefined),

  /**
   * The window title, taskbar progress and desktop notifications during a release. All optional:
   * these never reject, so a missing permission or platform support cannot break a page.
   */
  desktop: {
    setTitle: (title: string) => optional(() => getCurrentWindow().setTitle(title)),
    setProgress: (state: TaskbarProgress) =>
      optional(() =>
        getCurrentWindow().setProgressBar(
          state.status === "none"
            ? { status: ProgressBarStatus.None }
            : { status: PROGRESS_STATUS[state.status], progress: Math.round(Math.min(100, Math.max(0, state.progress))) },
        ),
      ),
    /** Ask for the notification permission now (call it from a click), so the end of a release can notify. */
    prepareNotifications: () => optional(notificationsAllowed),
    /** A notification; clicked, it brings the window forward and opens `open` (see onNotificationOpen). */
    notify: (title: string, body: string, open: NotificationOpen | null = null) =>
      optional(async () => {
        if (await notificationsAllowed()) await call<null>("desktop_notify", { title, body, open });
      }),
    /** Calls `handler` when a notification that names what it opens is clicked; returns the unsubscribe. */
    onNotificationOpen: (handler: (open: NotificationOpen) => void): (() => void) => {
      let stop: (() => void) | null = null;
      let stopped = false;
      listen<NotificationOpen>("notification-open", (e) => handler(e.payload))
        .then((unlisten) => (stopped ? unlisten() : (stop = unlisten)))
        .catch(() => {
          // No Tauri here (tests): nothing to listen to.
        });
      return () => {
        stopped = true;
        stop?.();
      };
    },
  },
};
