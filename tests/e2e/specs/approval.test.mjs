// A manual approval before Deploy, answered from the app (sandbox mode, seeded emulator account
// whose pipeline gets an Approval stage): the release waits at it, the desktop notification says
// so and, clicked, opens the approval with Approve focused; the stage shows what it asks and who
// may approve, Approve with a comment lets it through to Deploy. A notification server on the
// test's private D-Bus session stands in for the desktop's. Screenshots go to
// target/e2e-screenshots/.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { attr, aws, click, find, LOOKUP, newAccount, openPipeline, PIPELINE, RELEASE, sandbox, screenshot, scrollToCenter, type, waitForExecution, waitGone } from "../harness.mjs";
import { startNotificationServer } from "../notifications.mjs";

const ACCOUNT = newAccount(4);

let notifications;

async function setup() {
  // The seeded pipeline gets a manual approval before Deploy.
  const { pipeline } = await aws(ACCOUNT, "codepipeline", "CodePipeline_20150709.GetPipeline", { name: PIPELINE });
  pipeline.stages.splice(2, 0, {
    name: "Approval",
    actions: [
      {
        name: "Approve",
        actionTypeId: { category: "Approval", owner: "AWS", provider: "Manual", version: "1" },
        runOrder: 1,
        configuration: { CustomData: "Check staging first", ExternalEntityLink: "https://staging.example.com" },
        inputArtifacts: [],
        outputArtifacts: [],
      },
    ],
  });
  await aws(ACCOUNT, "codepipeline", "CodePipeline_20150709.UpdatePipeline", { pipeline });
  notifications = await startNotificationServer();
}

const drivers = sandbox({ account: ACCOUNT, seed: { builds: 5, executions: 2 }, stepSeconds: 0.5, setup });

after(() => {
  notifications?.stop();
});

test("a release waits at the approval and goes on when approved from the app", async () => {
  const driver = await drivers.launch();
  try {
    await openPipeline(driver);
    await find(driver, "stage-Approval", LOOKUP);
    const previousId = await attr(driver, "execution-banner", "data-execution-id");
    // The notification of the waiting approval is clicked the instant it is shown: the click's
    // signal reaches the app before the id of the notification it is about. The app must still
    // hear it (it listens before it asks; a listener set up after the notification misses it).
    notifications.clickAtOnce((n) => n.summary === `${PIPELINE}: approval waiting`);
    await click(driver, "release-button");
    await click(driver, "release-confirm");
    // The user goes elsewhere while it runs.
    await driver.executeScript(`window.location.hash = "#/profiles"`);

    // The desktop is told when the approval waits; a click on the notification opens it.
    let told;
    await driver.wait(
      async () => {
        told = notifications.shown().find((n) => n.summary === `${PIPELINE}: approval waiting`);
        return told !== undefined;
      },
      RELEASE,
      "no desktop notification of the waiting approval",
    );
    assert.equal(told.appName, "Pipewright");
    assert.match(told.body, /Check staging first/);
    assert.ok(told.actions.includes("default"), `the notification cannot be clicked: ${told.actions}`);
    await driver.wait(
      async () => (await driver.executeScript("return window.location.hash")) === `#/pipelines/${PIPELINE}`,
      LOOKUP,
      "the clicked notification did not open the pipeline",
    );
    await driver.wait(
      async () => (await driver.executeScript("return document.activeElement?.dataset.testid")) === "approve-Approval-Approve",
      LOOKUP,
      "the clicked notification did not bring the approval's Approve into focus",
    );
    await screenshot(driver, "approval-0-from-notification");

    // It waits at the approval, which says what it asks and who may approve.
    const box = await find(driver, "approval-box-Approval-Approve", RELEASE);
    const newId = await attr(driver, "execution-banner", "data-execution-id");
    assert.notEqual(newId, previousId);
    assert.match(await box.getText(), /Check staging first/);
    assert.match(await box.getText(), /codepipeline:PutApprovalResult/);
    assert.equal(await attr(driver, "execution-banner", "data-status"), "InProgress");
    await scrollToCenter(driver, box);
    await screenshot(driver, "approval-1-waiting");

    await click(driver, "approve-Approval-Approve");
    await find(driver, "approval-dialog");
    await type(driver, "approval-comment", "staging looks good");
    await screenshot(driver, "approval-2-confirm");
    await click(driver, "approval-confirm");
    await waitGone(driver, "approval-dialog", LOOKUP, "the approval dialog stayed open");

    // The release goes on through Deploy and succeeds.
    await waitForExecution(driver, newId, "Succeeded", RELEASE, "the release did not succeed after the approval");
    assert.equal(await attr(driver, "action-Approval-Approve", "data-status"), "Succeeded");
    await screenshot(driver, "approval-3-succeeded");
  } finally {
    await driver.quit();
  }
});
