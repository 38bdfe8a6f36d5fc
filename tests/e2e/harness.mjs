// The e2e harness: starts tauri-driver (which starts WebKitWebDriver, which starts the real app),
// opens a WebDriver session on the Pipewright window, and saves a screenshot of each step.
//
// Environment (scripts/test.sh sets it): PIPEWRIGHT_EMULATOR_URL, DISPLAY, DBUS_SESSION_BUS_ADDRESS.
// The app inherits this process's environment through the drivers.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Builder, By, until } from "selenium-webdriver";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "../..");
export const appBinary = process.env.PIPEWRIGHT_APP ?? path.join(root, "target/debug/pipewright");
const driverBinary = process.env.TAURI_DRIVER ?? path.join(root, "target/tools/bin/tauri-driver");
export const screenshotDir = path.join(root, "target/e2e-screenshots");
export const emulatorUrl = process.env.PIPEWRIGHT_EMULATOR_URL;

function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.end();
        resolve();
      });
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on ${port}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/** A fresh Pipewright home (config dir) for one test file. */
export function freshHome() {
  return mkdtempSync(path.join(tmpdir(), "pipewright-e2e-"));
}

/**
 * Starts tauri-driver with the given extra environment for the app, and returns a function that
 * opens a WebDriver session (= launches the app) and a `stop`.
 */
export async function startDriver(appEnv) {
  if (!emulatorUrl) throw new Error("PIPEWRIGHT_EMULATOR_URL is not set: run scripts/test.sh");
  const child = spawn(driverBinary, ["--port", "4444", "--native-port", "4445", "--native-driver", "/usr/bin/WebKitWebDriver"], {
    env: { ...process.env, ...appEnv },
    stdio: ["ignore", "inherit", "inherit"],
  });
  await waitForPort(4444, 20_000);
  return {
    async launch() {
      const driver = await new Builder()
        .usingServer("http://127.0.0.1:4444/")
        .withCapabilities({ browserName: "wry", "tauri:options": { application: appBinary } })
        .build();
      await driver.manage().setTimeouts({ implicit: 0 });
      await driver.wait(until.elementLocated(By.css("[data-testid=nav-profiles]")), 30_000);
      return driver;
    },
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

let shot = 0;
/**
 * Saves a PNG of the display, as a user sees the window, under target/e2e-screenshots/: taken by
 * the X server (imagemagick's `import`), once the page has painted its last change. Not WebDriver's
 * screenshot: WebKitGTK's snapshot of a page drawn without compositing (the app's mode on a machine
 * without a GPU, such as Xvfb) never answers.
 */
export async function screenshot(driver, name) {
  mkdirSync(screenshotDir, { recursive: true });
  shot += 1;
  const file = path.join(screenshotDir, `${String(shot).padStart(2, "0")}-${name}.png`);
  // The frame after the next one: whatever the page last changed has been painted.
  await driver.executeAsyncScript(
    "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));",
  );
  execFileSync("import", ["-window", "root", file]);
  return file;
}

export const byTestId = (id) => By.css(`[data-testid="${id}"]`);

export async function find(driver, id, timeout = 15_000) {
  const el = await driver.wait(until.elementLocated(byTestId(id)), timeout, `waiting for ${id}`);
  await driver.wait(until.elementIsVisible(el), timeout, `waiting for ${id} to show`);
  return el;
}

export async function click(driver, id) {
  const el = await find(driver, id);
  // To the middle of the view: WebDriver scrolls it only to an edge, where a sticky footer may cover it.
  await driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", el);
  await el.click();
  return el;
}

export async function type(driver, id, text) {
  const el = await find(driver, id);
  await el.clear();
  await el.sendKeys(text);
  return el;
}

/** Waits until the element's text contains `text`, returning the text. */
export async function waitForText(driver, id, text, timeout = 20_000) {
  const el = await find(driver, id, timeout);
  await driver.wait(async () => (await el.getText()).includes(text), timeout, `waiting for "${text}" in ${id}`);
  return el.getText();
}

/** Files under `dir` (recursively) whose bytes contain `needle`. */
export function filesContaining(dir, needle) {
  const hits = [];
  const walk = (d) => {
    let entries;
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const name of entries) {
      const p = path.join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

/** POST to one of the emulator's control endpoints (`/_pipewright/<path>`), failing on an error. */
export async function control(path, body) {
  const response = await fetch(`${emulatorUrl}/_pipewright/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST /_pipewright/${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/**
 * One AWS JSON-protocol call to the emulator as `account` (which it takes from the access key of
 * the credential; it checks no signature), e.g. `aws(acct, "codebuild", "CodeBuild_20161006.StartBuild", {...})`.
 */
export async function aws(account, service, target, body, region = "us-east-1") {
  const response = await fetch(`${emulatorUrl}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": target,
      authorization: `AWS4-HMAC-SHA256 Credential=${account}/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${target} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/**
 * One AWS query-protocol call (SNS, IAM, STS) to the emulator as `account`, e.g.
 * `awsQuery(acct, "sns", { Action: "CreateTopic", Name: "team", Version: "2010-03-31" })`; the
 * answer is AWS's XML, as text.
 */
export async function awsQuery(account, service, params, region = "us-east-1") {
  const response = await fetch(`${emulatorUrl}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      authorization: `AWS4-HMAC-SHA256 Credential=${account}/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams(params).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${params.Action} answered ${response.status}: ${text}`);
  return text;
}
