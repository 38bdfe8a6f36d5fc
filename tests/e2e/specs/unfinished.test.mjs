// A run cut off in the middle, as it happens to a user: `pipewright-cli apply` is killed (SIGKILL)
// while it creates the CodeBuild service role. The app, opened afterwards on the same data dir,
// shows the run as cut off on the New pipeline page, and Roll back deletes exactly what it made.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { aws, click, control, emulatorUrl, find, freshHome, newAccount, REGION, root, sandbox, screenshot } from "../harness.mjs";

const ACCOUNT = newAccount(4);
const home = freshHome();
const cli = process.env.PIPEWRIGHT_CLI ?? path.join(root, "target/debug/pipewright-cli");

/** The receipt the killed run left in the data dir. */
function receiptOnDisk() {
  const dir = path.join(home, "data", "receipts");
  try {
    const file = readdirSync(dir).find((f) => f.endsWith(".json"));
    return file ? JSON.parse(readFileSync(path.join(dir, file), "utf8")) : null;
  } catch {
    return null;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function connections() {
  const out = await aws(ACCOUNT, "codestar-connections", "CodeStar_connections_20191201.ListConnections", {});
  return out.Connections ?? [];
}

/** Runs the CLI's apply of the reference plan and kills it once the build role is being created. */
async function applyAndKill() {
  await control("config", { account: ACCOUNT, latencyMs: 150 });
  const plan = path.join(home, "pipewright.toml");
  writeFileSync(plan, readFileSync(path.join(root, "tests/fixtures/reference-plan.toml")));
  const child = spawn(cli, ["apply", plan, "--endpoint-url", emulatorUrl], {
    env: {
      PATH: process.env.PATH,
      HOME: home,
      PIPEWRIGHT_HOME: home,
      AWS_ACCESS_KEY_ID: ACCOUNT,
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_REGION: REGION,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_CONFIG_FILE: path.join(home, "aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: path.join(home, "aws-credentials"),
    },
    stdio: "ignore",
  });
  let exited = false;
  child.once("exit", () => (exited = true));
  let completed = false;
  const deadline = Date.now() + 60_000;
  for (;;) {
    assert.ok(Date.now() < deadline, "the run never reached the build role");
    assert.ok(!exited, "apply ended before it was killed");
    const r = receiptOnDisk();
    if (r?.resources.some((x) => x.step === "codebuild_role" && x.outcome === "running")) break;
    if (!completed) {
      const pending = (await connections()).find((c) => c.ConnectionStatus === "PENDING");
      if (pending) {
        await control("connections/complete", { connectionArn: pending.ConnectionArn, status: "AVAILABLE" });
        completed = true;
      }
    }
    await sleep(5);
  }
  child.kill("SIGKILL");
  await new Promise((r) => (exited ? r() : child.once("exit", r)));
  await control("config", { account: ACCOUNT, latencyMs: 0 });
  await sleep(500);
}

const drivers = sandbox({ account: ACCOUNT, home, seed: { only: ["ecr", "ecs"] }, setup: applyAndKill });

test("a run that was cut off is offered for roll back, and roll back removes what it made", async () => {
  assert.equal(receiptOnDisk().status, "in_progress");
  assert.equal((await connections()).length, 1, "the killed run made the connection");
  const driver = await drivers.launch();
  try {
    await find(driver, "sandbox-badge");
    await click(driver, "nav-new-pipeline");
    const notice = await find(driver, "unfinished-runs", 30_000);
    const text = await notice.getText();
    assert.match(text, /cut off/);
    assert.match(text, /cruddur-backend-fargate/);
    await screenshot(driver, "unfinished-1-offered");

    await click(driver, "unfinished-rollback");
    await find(driver, "apply-removed", 60_000);
    const receipt = await find(driver, "receipt");
    assert.match(await receipt.getText(), /Deleted/);
    await screenshot(driver, "unfinished-2-rolled-back");

    // The account is as before: no connection, no project, no pipeline, and the notice is gone.
    assert.equal((await connections()).length, 0);
    const projects = await aws(ACCOUNT, "codebuild", "CodeBuild_20161006.ListProjects", {});
    assert.deepEqual(projects.projects ?? [], []);
    const pipelines = await aws(ACCOUNT, "codepipeline", "CodePipeline_20150709.ListPipelines", {});
    assert.deepEqual(pipelines.pipelines ?? [], []);
    assert.equal(receiptOnDisk().status, "rolled_back");
    await driver.wait(
      async () => (await driver.findElements({ css: '[data-testid="unfinished-runs"]' })).length === 0,
      15_000,
      "the cut-off run is no longer offered",
    );
  } finally {
    await driver.quit();
  }
});
