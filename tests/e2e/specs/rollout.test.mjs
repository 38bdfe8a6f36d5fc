// A release whose ECS rollout the circuit breaker rolls back, in the real window (sandbox mode,
// seeded emulator account): CodePipeline says Succeeded, the app says Failed, with the stopped
// task's reason under the Deploy stage and in the releases timeline; then "Roll back to this
// release" from the timeline puts the service back on an earlier release's task definition, and
// Undo on the pipeline page puts it back on what it ran.
// Screenshots go to target/e2e-screenshots/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { By } from "selenium-webdriver";
import { attr, aws, byTestId, click, control, find, LOOKUP, newAccount, openPipeline, PIPELINE, RELEASE, sandbox, screenshot, scrollToCenter, SHORT, waitForExecution, waitForText, waitGone } from "../harness.mjs";

const ACCOUNT = newAccount(4);

const drivers = sandbox({
  account: ACCOUNT,
  // A fixed draw, the same releases every run: two of its four succeed, so one is left to roll back
  // to besides the one the circuit breaker goes back to (a random draw can fail more builds).
  seed: { builds: 10, executions: 4, seed: "rollout-e2e" },
  stepSeconds: 0.5,
  // The next deployment of the service fails to pull its image; the circuit breaker rolls it back
  // and CodePipeline's ECS action still says Succeeded.
  setup: () =>
    control("deployments/next-outcome", {
      account: ACCOUNT,
      service: "backend-flask",
      outcome: "rollback",
      failure: "CannotPullContainerError",
      actionResult: "Succeeded",
    }),
});

async function serviceTaskDefinition() {
  const out = await aws(ACCOUNT, "ecs", "AmazonEC2ContainerServiceV20141113.DescribeServices", {
    cluster: "cruddur",
    services: ["backend-flask"],
  });
  return out.services[0].deployments[0].taskDefinition;
}

test("a rolled-back rollout is a failed release, and the timeline rolls back to an earlier one", async () => {
  const driver = await drivers.launch();
  try {
    await openPipeline(driver);
    await find(driver, "execution-banner", LOOKUP);
    const previousId = await attr(driver, "execution-banner", "data-execution-id");

    await click(driver, "release-button");
    await click(driver, "release-confirm");
    let newId = null;
    await driver.wait(
      async () => {
        const id = await attr(driver, "execution-banner", "data-execution-id");
        if (id && id !== previousId) newId = id;
        return newId !== null;
      },
      SHORT,
      "the new execution did not show",
    );

    // CodePipeline ends Succeeded; the app says Failed, and why.
    await waitForExecution(driver, newId, "Failed", RELEASE, "the release did not end Failed");
    await waitForText(driver, "execution-pipeline-status", "CodePipeline says Succeeded");
    await waitForText(driver, "execution-summary", "rolled back by the circuit breaker");
    assert.equal(await attr(driver, "stage-Deploy", "data-status"), "Succeeded", "CodePipeline's own stage status");
    assert.equal(await attr(driver, "rollout-Deploy-Deploy", "data-state"), "FAILED");
    await waitForText(driver, "rollout-Deploy-Deploy-rolled-back", "Rolled back by the circuit breaker");
    await waitForText(driver, "rollout-Deploy-Deploy-tasks", "CannotPullContainerError");
    const panel = await find(driver, "rollout-Deploy-Deploy");
    await scrollToCenter(driver, panel);
    await screenshot(driver, "rollout-1-rolled-back");

    // The Pipelines list says the same.
    await driver.executeScript(`window.location.hash = "#/pipelines"`);
    await driver.wait(
      async () => (await attr(driver, `pipeline-status-${PIPELINE}`, "data-status")) === "Failed",
      LOOKUP,
      "the Pipelines list does not say Failed",
    );
    await screenshot(driver, "rollout-1-list");

    // The releases timeline: Failed, with the reason; roll back to the newest earlier good release.
    await driver.executeScript(`window.location.hash = "#/history/releases/${PIPELINE}"`);
    const row = await find(driver, `release-row-${newId}`, LOOKUP);
    assert.equal(await (await row.findElement(byTestId("release-status"))).getAttribute("data-status"), "Failed");
    assert.match(await (await row.findElement(byTestId("release-rollout"))).getText(), /rolled back by the circuit breaker.*CannotPullContainerError/s);
    await screenshot(driver, "rollout-2-timeline");

    // The newest good release is what the circuit breaker already went back to: take the one before.
    const buttons = await driver.findElements(byTestId("release-rollback"));
    assert.ok(buttons.length > 1, "fewer than two releases offer Roll back to this release");
    const target = buttons[1];
    const before = await serviceTaskDefinition();
    const targetRow = await target.findElement(By.xpath("ancestor::li[starts-with(@data-testid, 'release-row-')]"));
    const targetId = (await targetRow.getAttribute("data-testid")).slice("release-row-".length);
    await scrollToCenter(driver, target);
    await target.click();
    await find(driver, "rollback-plan", LOOKUP);
    await waitForText(driver, "rollback-to", targetId.slice(0, 8));
    await waitForText(driver, "rollback-method", "UpdateService backend-flask");
    const toTaskDefinition = await (await find(driver, "rollback-to")).getText();
    await screenshot(driver, "rollout-3-confirm");
    await click(driver, "rollback-confirm");
    await waitGone(driver, "rollback-dialog", LOOKUP, "the rollback dialog stayed open");
    await screenshot(driver, "rollout-4-rolled-back");

    // The service now rolls out the task definition the dialog named.
    const td = await serviceTaskDefinition();
    const revision = td.split("/").pop();
    assert.notEqual(td, before, "the service still runs what it ran");
    assert.ok(toTaskDefinition.includes(`Task definition ${revision}`), `${toTaskDefinition} vs ${td}`);

    // The pipeline page shows the rollback (a V1 pipeline: no execution does), and Undo puts the
    // service back on what it ran before.
    await driver.executeScript(`window.location.hash = "#/pipelines/${PIPELINE}"`);
    const banner = await find(driver, "service-change", LOOKUP);
    assert.equal(await banner.getAttribute("data-state"), "done");
    const said = await banner.getText();
    assert.ok(said.includes(`runs ${revision}`), said);
    await screenshot(driver, "rollout-5-service-change");
    await click(driver, "service-change-undo");
    await click(driver, "service-change-undo-confirm");
    await waitGone(driver, "service-change", LOOKUP, "the rollback banner stayed after Undo");
    assert.equal(await serviceTaskDefinition(), before, "Undo did not put the service back");
    await screenshot(driver, "rollout-6-undone");
  } finally {
    await driver.quit();
  }
});
