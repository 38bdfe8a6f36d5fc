// A failed build explained, in the real window (sandbox mode, seeded emulator account): the next
// build fails at ECR login (the build role may not call ecr:GetAuthorizationToken on "*"); the
// pipeline page links the failed action to its build, whose page says what went wrong, shows the
// log line that proves it and what to do. Screenshots go to target/e2e-screenshots/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { byTestId, click, control, find, LOOKUP, newAccount, openPipeline, PROJECT, RELEASE, sandbox, screenshot, scrollToCenter, waitForText } from "../harness.mjs";

const ACCOUNT = newAccount(4);

const drivers = sandbox({
  account: ACCOUNT,
  seed: { builds: 5, executions: 2 },
  stepSeconds: 0.5,
  setup: () => control("builds/next-outcome", { account: ACCOUNT, project: PROJECT, outcome: "FAILED", phase: "PRE_BUILD" }),
});

test("a build that fails at ECR login says why and what to do", async () => {
  const driver = await drivers.launch();
  try {
    await openPipeline(driver);
    await click(driver, "release-button");
    await click(driver, "release-confirm");
    const why = await find(driver, "why-Build-bake", RELEASE);
    await scrollToCenter(driver, why);
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
