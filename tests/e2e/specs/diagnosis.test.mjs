// A failed build explained, in the real window (sandbox mode, seeded emulator account): the next
// build fails at ECR login (the build role may not call ecr:GetAuthorizationToken on "*"); the
// pipeline page links the failed action to its build, whose page says what went wrong, shows the
// log line that proves it and what to do. Screenshots go to target/e2e-screenshots/.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { byTestId, click, control, emulatorUrl, find, freshHome, screenshot, startDriver, waitForText } from "../harness.mjs";

const ACCOUNT = `4${String(randomInt(0, 10 ** 11)).padStart(11, "0")}`;
const PIPELINE = "cruddur-backend-fargate";
const PROJECT = "cruddur-backend-flask-bake-image";
const LOOKUP = 30_000;
const RELEASE = 120_000;

let drivers;

before(async () => {
  await control("seed", { account: ACCOUNT, region: "us-east-1", builds: 5, executions: 2 });
  await control("config", { account: ACCOUNT, stepSeconds: 0.5 });
  await control("builds/next-outcome", { account: ACCOUNT, project: PROJECT, outcome: "FAILED", phase: "PRE_BUILD" });
  drivers = await startDriver({
    PIPEWRIGHT_HOME: freshHome(),
    PIPEWRIGHT_SANDBOX_ENDPOINT: emulatorUrl,
    PIPEWRIGHT_SANDBOX_ACCESS_KEY: ACCOUNT,
  });
});

after(async () => {
  await drivers?.stop();
});

test("a build that fails at ECR login says why and what to do", async () => {
  const driver = await drivers.launch();
  try {
    await find(driver, "sandbox-badge");
    await driver.executeScript(`window.location.hash = "#/pipelines/${PIPELINE}"`);
    await waitForText(driver, "pipeline-name", PIPELINE, LOOKUP);
    await click(driver, "release-button");
    await click(driver, "release-confirm");
    const why = await find(driver, "why-Build-bake", RELEASE);
    await driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", why);
    await screenshot(driver, "diagnosis-1-failed-action");
    await why.click();

    const panel = await find(driver, "build-diagnosis", LOOKUP);
    assert.equal(await panel.getAttribute("data-code"), "ecr_login_denied");
    await waitForText(driver, "build-diagnosis-lines", "ecr:GetAuthorizationToken on resource: *");
    await waitForText(driver, "build-diagnosis-fix", 'on "*"');
    // The sandbox pipeline was not made by Pipewright on this computer: no plan to review.
    await click(driver, "build-diagnosis-review-fix");
    await waitForText(driver, "build-diagnosis-no-plan", `did not create ${PROJECT}`);
    assert.equal((await driver.findElements(byTestId("build-detail"))).length, 1);
    await screenshot(driver, "diagnosis-2-build-page");
  } finally {
    await driver.quit();
  }
});
