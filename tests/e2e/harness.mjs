// The e2e harness: starts tauri-driver (which starts WebKitWebDriver, which starts the real app),
// opens a WebDriver session on the Pipewright window, and saves a screenshot of each step.
//
// Environment (scripts/test.sh sets it): PIPEWRIGHT_EMULATOR_URL, DISPLAY, DBUS_SESSION_BUS_ADDRESS.
// The app inherits this process's environment through the drivers.
import { execFileSync, spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import net from "node:net";
import path from "node:path";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { Builder, By, until } from "selenium-webdriver";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "../..");
export const appBinary = process.env.PIPEWRIGHT_APP ?? path.join(root, "target/debug/pipewright");
const driverBinary = process.env.TAURI_DRIVER ?? path.join(root, "target/tools/bin/tauri-driver");
export const screenshotDir = path.join(root, "target/e2e-screenshots");
export const emulatorUrl = process.env.PIPEWRIGHT_EMULATOR_URL;

/** The emulator's region, and the demo seed's pipeline and CodeBuild project. */
export const REGION = "us-east-1";
export const PIPELINE = "cruddur-backend-fargate";
export const PROJECT = "cruddur-backend-flask-bake-image";

/** How long to wait: for the page to change, for a lookup through AWS, for a whole release. */
export const SHORT = 15_000;
export const LOOKUP = 30_000;
export const RELEASE = 120_000;

/**
 * A fresh 12-digit account id starting with `first`: the emulator treats a numeric access key as
 * the account, so a test's AWS state is isolated.
 */
export function newAccount(first) {
  return `${first}${String(randomInt(0, 10 ** 11)).padStart(11, "0")}`;
}

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

/**
 * Starts tauri-driver for the app in sandbox mode against the emulator, with `home` as its
 * Pipewright home and, when given, `account` as the sandbox's access key.
 */
export function startSandbox({ account, home = freshHome() } = {}) {
  return startDriver({
    PIPEWRIGHT_HOME: home,
    PIPEWRIGHT_SANDBOX_ENDPOINT: emulatorUrl,
    ...(account ? { PIPEWRIGHT_SANDBOX_ACCESS_KEY: account } : {}),
  });
}

/**
 * The app of one test file, in sandbox mode: registers the file's `before` (the demo seed for
 * `account` with `seed`'s options, `stepSeconds` a step of its executions and builds, then
 * `setup`, then tauri-driver) and `after` (stops it). Returns `{ home, launch() }`.
 */
export function sandbox({ account, seed, stepSeconds, setup, home = freshHome() } = {}) {
  let drivers;
  before(async () => {
    if (seed) await control("seed", { account, region: REGION, ...seed });
    if (stepSeconds !== undefined) await control("config", { account, stepSeconds });
    await setup?.();
    drivers = await startSandbox({ account, home });
  });
  after(async () => {
    await drivers?.stop();
  });
  return { home, launch: () => drivers.launch() };
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
  await scrollToCenter(driver, el);
  await el.click();
  return el;
}

export async function type(driver, id, text) {
  const el = await find(driver, id);
  await el.clear();
  await el.sendKeys(text);
  return el;
}

/** An attribute of the element `id`, or null while it is missing or being re-rendered. */
export async function attr(driver, id, name) {
  try {
    const els = await driver.findElements(byTestId(id));
    return els.length > 0 ? await els[0].getAttribute(name) : null;
  } catch {
    return null;
  }
}

/** Waits until no element `id` is on screen. */
export async function waitGone(driver, id, timeout, message) {
  await driver.wait(async () => (await driver.findElements(byTestId(id))).length === 0, timeout, message);
}

/** Scrolls `el` to the middle of the view. */
export async function scrollToCenter(driver, el) {
  await driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", el);
}

/** Opens the page of `pipeline` (from the sandbox's window) and waits for its header. */
export async function openPipeline(driver, pipeline = PIPELINE, timeout = LOOKUP) {
  await find(driver, "sandbox-badge");
  await driver.executeScript(`window.location.hash = "#/pipelines/${pipeline}"`);
  await waitForText(driver, "pipeline-name", pipeline, timeout);
}

/** Waits until the execution banner shows execution `id` with `status`. */
export async function waitForExecution(driver, id, status, timeout, message) {
  await driver.wait(
    async () =>
      (await attr(driver, "execution-banner", "data-execution-id")) === id &&
      (await attr(driver, "execution-banner", "data-status")) === status,
    timeout,
    message,
  );
}

/** Waits until `check` returns a truthy value (re-rendered elements count as "not yet"). */
export async function waitUntil(driver, check, timeout, message) {
  return driver.wait(
    async () => {
      try {
        return await check();
      } catch {
        return false;
      }
    },
    timeout,
    message,
  );
}

/** The text of `id` read from the DOM (not the layout), or null while it is missing. */
export async function textOf(driver, id) {
  return driver.executeScript(`const el = document.querySelector('[data-testid="${id}"]'); return el ? el.textContent : null;`);
}

/** "1,234" → 1234; NaN for "—". */
export function number(text) {
  return Number(String(text ?? "").replace(/[^0-9.]/g, "") || NaN);
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
