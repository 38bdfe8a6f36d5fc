// Release to prod in the real window, in sandbox mode against a seeded emulator account: open
// Pipelines, open the seeded pipeline, release it, watch the new execution go InProgress and its
// stages turn Succeeded one by one, and find it first in Recent executions. The emulator runs this
// account's actions fast (0.5 s a step) so the run is quick but still visible. A screenshot of every
// step goes to target/e2e-screenshots/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { By } from "selenium-webdriver";
import { attr, byTestId, click, find, LOOKUP, newAccount, PIPELINE, RELEASE, sandbox, screenshot, scrollToCenter, SHORT, type, waitForExecution, waitForText } from "../harness.mjs";

// A fresh account: this test's AWS state is isolated. (RELEASE: Source 1 step, Build 2 steps,
// Deploy 1.5 steps at 0.5 s, seen through a 2 s poll, take far less.)
const ACCOUNT = newAccount(4);
const STAGES = ["Source", "Build", "Deploy"];

const drivers = sandbox({ account: ACCOUNT, seed: { builds: 20, executions: 5 }, stepSeconds: 0.5 });

/** The stage's status and execution id, or null while it is re-rendered. */
// Both attributes in one read: read one by one, a re-render between them can pair the previous
// execution's status (say a Failed deploy) with the new execution's id.
async function stageState(driver, stage) {
  try {
    return await driver.executeScript(
      `const el = document.querySelector('[data-testid="stage-' + arguments[0] + '"]');
       return el ? { status: el.dataset.status, executionId: el.dataset.executionId } : null;`,
      stage,
    );
  } catch {
    return null;
  }
}

/** The data-testid of the rows of the executions table, top to bottom. */
async function executionRows(driver) {
  try {
    const rows = await driver.findElements(By.css('[data-testid="executions-table"] tbody tr[data-testid^="execution-row-"]'));
    const ids = [];
    for (const row of rows) ids.push(await row.getAttribute("data-testid"));
    return ids;
  } catch {
    return [];
  }
}

test("release the seeded pipeline to prod and watch its stages succeed", async () => {
  const driver = await drivers.launch();
  try {
    await find(driver, "sandbox-badge");
    await click(driver, "nav-pipelines");

    // The list: the seeded pipeline with its latest (seeded) execution.
    const row = await find(driver, `pipeline-row-${PIPELINE}`, LOOKUP);
    const listed = await attr(driver, `pipeline-status-${PIPELINE}`, "data-status");
    assert.ok(listed && listed !== "none", `the seeded pipeline has no latest execution (${listed})`);
    await screenshot(driver, "release-1-pipelines");
    // WebKitWebDriver does not click table rows themselves: click the name cell.
    await row.findElement(By.css("td")).click();

    // The pipeline page: header, the stage diagram of the last seeded run, the current execution.
    await waitForText(driver, "pipeline-name", PIPELINE);
    for (const stage of STAGES) await find(driver, `stage-${stage}`, LOOKUP);
    await find(driver, "execution-banner");
    await find(driver, "executions-table", LOOKUP);
    const previousId = await attr(driver, "execution-banner", "data-execution-id");
    await screenshot(driver, "release-2-pipeline");

    // Release to prod: the dialog says what will be released.
    await click(driver, "release-button");
    await waitForText(driver, "release-what", `Pipeline ${PIPELINE} will build and deploy`);
    await waitForText(driver, "release-what", "the latest commit of");
    await screenshot(driver, "release-3-confirm");

    // A commit that is not a commit id: Rust's rule (release_validate) says so next to the field,
    // and nothing starts.
    await click(driver, "release-pin-toggle");
    await type(driver, "release-revision", "main");
    await click(driver, "release-confirm");
    await waitForText(driver, "field-error-revision", "Commit id must be a git commit id (7–40 hex characters).");
    await waitForText(driver, "release-what", "the latest commit of");
    await screenshot(driver, "release-3-bad-commit");
    assert.equal(await attr(driver, "execution-banner", "data-execution-id"), previousId, "a release started with a bad commit");
    await (await find(driver, "release-revision")).clear();
    await click(driver, "release-pin-toggle");
    await click(driver, "release-confirm");

    // The new execution shows InProgress at once.
    let newId = null;
    await driver.wait(
      async () => {
        const status = await attr(driver, "execution-banner", "data-status");
        const id = await attr(driver, "execution-banner", "data-execution-id");
        if (status === "InProgress" && id && id !== previousId) newId = id;
        return newId !== null;
      },
      SHORT,
      "the execution banner did not show the new execution InProgress",
    );
    assert.equal((await driver.findElements(byTestId("release-dialog"))).length, 0, "the release dialog stayed open");
    await screenshot(driver, "release-4-started");

    // Its stages turn Succeeded one by one, in order; none fails.
    let shotWhileRunning = false;
    for (const stage of STAGES) {
      await driver.wait(
        async () => {
          const states = await Promise.all(STAGES.map((s) => stageState(driver, s)));
          for (const [i, st] of states.entries()) {
            if (st?.executionId === newId && (st.status === "Failed" || st.status === "Stopped")) {
              throw new Error(`stage ${STAGES[i]} of the release ended ${st.status}`);
            }
          }
          if (!shotWhileRunning && states.some((st) => st?.executionId === newId)) {
            const banner = await attr(driver, "execution-banner", "data-status");
            if (banner === "InProgress") {
              shotWhileRunning = true;
              await screenshot(driver, "release-5-in-progress").catch(() => {});
            }
          }
          const st = states[STAGES.indexOf(stage)];
          return st?.executionId === newId && st.status === "Succeeded";
        },
        RELEASE,
        `stage ${stage} did not succeed for execution ${newId}`,
      );
      // Every stage before this one already succeeded for the same execution.
      for (const earlier of STAGES.slice(0, STAGES.indexOf(stage))) {
        const st = await stageState(driver, earlier);
        assert.deepEqual(st, { status: "Succeeded", executionId: newId }, `${earlier} after ${stage}`);
      }
    }

    // The execution ends Succeeded.
    await waitForExecution(driver, newId, "Succeeded", RELEASE, "the execution banner did not end Succeeded");
    for (const stage of STAGES) {
      assert.equal(await attr(driver, `action-${stage}-${await firstAction(driver, stage)}`, "data-status"), "Succeeded");
    }
    await screenshot(driver, "release-6-succeeded");

    // Recent executions lists it first, Succeeded.
    await driver.wait(
      async () => (await executionRows(driver))[0] === `execution-row-${newId}`,
      LOOKUP,
      "the new execution is not first in Recent executions",
    );
    await waitForText(driver, `execution-row-${newId}`, "Succeeded", LOOKUP);
    const table = await find(driver, "executions-table");
    await scrollToCenter(driver, table);
    await screenshot(driver, "release-7-executions");

    // Its action executions, with the CodeBuild build id.
    // WebKitWebDriver does not click table rows themselves: click a cell.
    await (await find(driver, `execution-row-${newId}`)).findElement(By.css("td")).click();
    await find(driver, `execution-detail-${newId}`, LOOKUP);
    const build = await driver.wait(
      async () => {
        const els = await driver.findElements(By.css('[data-testid^="build-id-Build-"]'));
        return els.length > 0 ? els[0] : null;
      },
      LOOKUP,
      "no CodeBuild build id in the action executions",
    );
    assert.match(await build.getText(), /^[\w.-]+:[0-9a-f-]{36}$/);
    await scrollToCenter(driver, build);
    await screenshot(driver, "release-8-actions");
  } finally {
    await driver.quit();
  }
});

/** The name of the first action of a stage, from its action-<stage>-<name> test id. */
async function firstAction(driver, stage) {
  const els = await driver.findElements(By.css(`[data-testid="stage-${stage}"] [data-testid^="action-${stage}-"]`));
  assert.ok(els.length > 0, `stage ${stage} has no actions`);
  return (await els[0].getAttribute("data-testid")).slice(`action-${stage}-`.length);
}
