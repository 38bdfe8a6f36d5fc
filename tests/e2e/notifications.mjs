// A desktop notification server on the test's private D-Bus session (the XDG Desktop
// Notifications interface, `org.freedesktop.Notifications`): it records what the app shows and
// can click a notification (the "default" action), as a user would. The tests run in their own
// `dbus-run-session`, where no real notification daemon runs.
import dbus from "dbus-next";

const { Interface, method, signal } = dbus.interface;

class Notifications extends Interface {
  constructor() {
    super("org.freedesktop.Notifications");
    this.shown = [];
    this.next = 1;
    this.clickAtOnce = () => false;
  }

  // Notify(app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout) → id
  Notify(appName, replacesId, appIcon, summary, body, actions) {
    const id = replacesId || this.next++;
    const shown = { id, appName, summary, body, actions };
    this.shown.push(shown);
    // The quickest click there can be: its signal reaches the app before Notify's answer does.
    if (this.clickAtOnce(shown)) this.ActionInvoked(id, "default");
    return id;
  }

  CloseNotification(id) {
    this.NotificationClosed(id, 3);
  }

  GetCapabilities() {
    return ["actions", "body"];
  }

  GetServerInformation() {
    return ["pipewright-e2e", "pipewright", "1", "1.2"];
  }

  ActionInvoked(id, action) {
    return [id, action];
  }

  NotificationClosed(id, reason) {
    return [id, reason];
  }
}

Notifications.configureMembers({
  methods: {
    Notify: { inSignature: "susssasa{sv}i", outSignature: "u", noReply: false },
    CloseNotification: { inSignature: "u", outSignature: "" },
    GetCapabilities: { inSignature: "", outSignature: "as" },
    GetServerInformation: { inSignature: "", outSignature: "ssss" },
  },
  signals: {
    ActionInvoked: { signature: "us" },
    NotificationClosed: { signature: "uu" },
  },
});
void method;
void signal;

/** Starts the server on the session bus; `stop()` releases it. */
export async function startNotificationServer() {
  const bus = dbus.sessionBus();
  const server = new Notifications();
  await bus.requestName("org.freedesktop.Notifications", 0);
  bus.export("/org/freedesktop/Notifications", server);
  return {
    /** What the app has shown so far: `{id, summary, body, actions}`. */
    shown: () => [...server.shown],
    /** Clicks notification `id` (its default action). */
    click: (id) => server.ActionInvoked(id, "default"),
    /** Clicks, as it is shown and before the app hears its id, each notification `when` picks. */
    clickAtOnce: (when) => {
      server.clickAtOnce = when;
    },
    stop: () => bus.disconnect(),
  };
}
