// What the webview may ask of Rust, in the real window: a script in the page (as an injection
// would run) cannot open a URL that is not an AWS console or GitHub page, cannot reach the opener
// plugin directly, nor the dialog plugin (file dialogs are opened by Rust), nor the notification
// commands the capability does not grant, nor a command that no longer exists.
import { test } from "node:test";
import assert from "node:assert/strict";
import { find, sandbox } from "../harness.mjs";

const drivers = sandbox();

/** invoke(cmd, args) from the page; resolves to {ok, value} or {ok: false, error}. */
async function invoke(driver, cmd, args) {
  return driver.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])
       .then((value) => done({ ok: true, value: value ?? null }))
       .catch((error) => done({ ok: false, error: typeof error === "string" ? error : JSON.stringify(error) }));`,
    cmd,
    args,
  );
}

test("the page can open only checked URLs and call only what it is granted", async () => {
  const driver = await drivers.launch();
  try {
    await find(driver, "sandbox-badge");
    for (const url of [
      "https://evil.example/.console.aws.amazon.com/",
      "https://github.com@evil.example/",
      "http://github.com/",
      "file:///etc/passwd",
      "javascript:alert(1)",
    ]) {
      const r = await invoke(driver, "open_external", { url });
      assert.equal(r.ok, false, url);
      assert.match(r.error, /"code":"validation"/, url);
      assert.match(r.error, /"field":"url"/, url);
    }
    for (const [cmd, args] of [
      ["plugin:opener|open_url", { url: "https://github.com/" }],
      ["plugin:opener|open_path", { path: "/etc/passwd" }],
      ["plugin:notification|cancel", {}],
      ["plugin:notification|get_active", {}],
      ["session_identity", {}],
      // File dialogs are Rust's to open: the page cannot ask the plugin for a path.
      ["plugin:dialog|open", { options: {} }],
      ["plugin:dialog|save", { options: { defaultPath: "/root/.bashrc" } }],
    ]) {
      const r = await invoke(driver, cmd, args);
      assert.equal(r.ok, false, `${cmd} should be refused`);
      assert.match(r.error, /not allowed|not found|unknown|denied/i, `${cmd}: ${r.error}`);
    }
  } finally {
    await driver.quit();
  }
});
