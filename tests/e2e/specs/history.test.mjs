// Build history in the real window, in sandbox mode against a seeded emulator account (150 builds
// of the bake project over 90 days, 10 pipeline executions): open Build history, pick the project,
// see the figures, the duration chart and the (virtualized) table fill from the sync; open the
// newest build and see its phases and log; append hostile lines to its CloudWatch log stream and
// check they show literally, as text; then the Releases tab with the DORA figures. Then a build
// started while the window is open: its log follows live until it ends. A screenshot of every step
// goes to target/e2e-screenshots/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { By } from "selenium-webdriver";
import { aws, byTestId, click, control, find, LOOKUP, newAccount, number, PIPELINE, PROJECT, REGION, sandbox, screenshot, SHORT, textOf, type, waitForText, waitUntil } from "../harness.mjs";

// A fresh account: this test's AWS state is isolated.
const ACCOUNT = newAccount(5);
const BUILDS = 150;
const EXECUTIONS = 10;

const IMG = "<img src=x onerror=alert(1)>";
const SCRIPT = "<script>window.__xss=1</script>";

// The first sync lists and batch-gets 150 builds from the emulator; releases join 10 executions.
const SYNC = 60_000;

const drivers = sandbox({ account: ACCOUNT, seed: { builds: BUILDS, executions: EXECUTIONS } });

async function rowIds(driver) {
  return driver.executeScript(
    "return [...document.querySelectorAll('[data-testid^=\"history-row-\"]')].map((el) => el.getAttribute('data-testid').slice('history-row-'.length));",
  );
}

test("build history: figures, chart, table, build detail with its log, releases", async () => {
  const driver = await drivers.launch();
  try {
    await find(driver, "sandbox-badge");
    await click(driver, "nav-history");

    // The project picker lists the seeded CodeBuild project.
    await find(driver, `history-project-${PROJECT}`, LOOKUP);
    await screenshot(driver, "history-projects");
    await click(driver, `history-project-${PROJECT}`);

    // A fresh home has nothing stored: the sync brings the builds in, batch by batch.
    await find(driver, "history-refresh");
    await waitUntil(
      driver,
      async () => number(await textOf(driver, "history-table-count")) >= BUILDS - 5 && (await textOf(driver, "history-synced")) !== null,
      SYNC,
      "the table never showed the synced builds",
    );
    const ids = await rowIds(driver);
    assert.ok(ids.length > 0, "no history-row-* in the table");
    // Virtualized: only the rows in view are in the DOM.
    assert.ok(ids.length < BUILDS, `expected a window of rows, found ${ids.length}`);
    assert.ok(ids.every((id) => id.startsWith(`${PROJECT}:`)), `unexpected build ids: ${ids.slice(0, 3).join(", ")}`);

    // Figures for 90 days: the whole seeded history.
    await click(driver, "history-window-90");
    await waitUntil(
      driver,
      async () => (await textOf(driver, "history-stats"))?.includes("Last 90 days") && number(await textOf(driver, "history-build-count")) >= 100,
      SHORT,
      "the 90-day build count did not reach 100",
    );
    const rate = await textOf(driver, "history-success-rate");
    assert.match(rate, /^\d+(\.\d)?%$/, `success rate is ${rate}`);
    assert.match(await textOf(driver, "history-cost"), /^(\$\d|<\$0\.01)/);
    assert.match(await textOf(driver, "history-cost-detail"), /prices of \d{4}-\d\d-\d\d \(us-east-1\)/);

    // The pipeline's builds carry the commit message of their release (CodeBuild keeps none).
    const initiator = await find(driver, "history-filter-initiator");
    await initiator.findElement(By.css('option[value="pipeline"]')).click();
    await waitUntil(
      driver,
      async () => (await driver.findElements(byTestId("history-commit-message"))).length > 0,
      SYNC,
      "no commit message in the table of pipeline builds",
    );
    const message = await driver.executeScript(
      "return document.querySelector('[data-testid=history-commit-message]').textContent",
    );
    assert.ok(message.length > 3, `commit message: ${message}`);
    await driver.executeScript("document.querySelector('[data-testid=history-table]').scrollIntoView()");
    // Only the page scrolls, never the window's document (the sidebar and header stay put).
    assert.equal(await driver.executeScript("return document.scrollingElement.scrollTop"), 0, "the document scrolled");
    await screenshot(driver, "history-table-pipeline-builds");
    await click(driver, "history-filter-clear");

    // The chart: one bar per build of the window, drawn.
    const chart = await find(driver, "history-chart");
    await waitUntil(driver, async () => number(await chart.getAttribute("data-bars")) >= 100, SHORT, "the chart has no bars");
    await waitUntil(driver, async () => (await chart.findElements(By.css("canvas"))).length > 0, SHORT, "the chart was not drawn");
    assert.equal(await driver.executeScript("return document.querySelectorAll('[data-testid=history-chart-error]').length"), 0);
    await find(driver, "history-phase-BUILD");
    await screenshot(driver, "history-project");

    // Where the time goes, build by build: a stacked bar per recent finished build.
    await find(driver, "history-phase-bars");
    const bars = await driver.findElements(By.css('[data-testid^="history-phase-bar-"]'));
    assert.ok(bars.length >= 50 && bars.length <= 60, `${bars.length} phase bars`);
    const segments = await bars[bars.length - 1].findElements(By.css("span"));
    assert.ok(segments.length >= 3, `the newest bar has ${segments.length} phase segments`);
    await driver.executeScript(
      "const bars = document.querySelectorAll('[data-testid^=history-phase-bar-]'); const bar = bars[bars.length - 1]; bar.scrollIntoView({block: 'center'}); bar.focus()",
    );
    await waitUntil(
      driver,
      async () => /Build #\d+ · .*Provisioning \d/.test((await textOf(driver, "history-phase-bars-detail")) ?? ""),
      SHORT,
      "focusing a phase bar did not name its phases",
    );
    await screenshot(driver, "history-phases-per-build");
    await driver.executeScript("document.querySelector('[data-testid=history-table]').scrollIntoView()");
    await screenshot(driver, "history-table");

    // The newest build (first row): header, phases, log.
    const newest = (await rowIds(driver))[0];
    await click(driver, `history-row-${newest}`);
    await find(driver, "build-detail");
    await find(driver, "build-phase-BUILD", LOOKUP);
    await find(driver, "build-phase-PROVISIONING");
    const status = await (await find(driver, "build-status")).getAttribute("data-status");
    assert.ok(["SUCCEEDED", "FAILED", "FAULT", "TIMED_OUT", "STOPPED", "IN_PROGRESS"].includes(status), `status ${status}`);
    await waitUntil(
      driver,
      async () => (await driver.findElements(byTestId("build-log-line"))).length > 0,
      LOOKUP,
      "the build's log has no lines",
    );
    await screenshot(driver, "history-build");

    // Hostile lines in the build's own log stream, as CodeBuild would have written them.
    const group = (await textOf(driver, "build-log-group"))?.trim();
    const stream = (await textOf(driver, "build-log-stream"))?.trim();
    assert.ok(group && stream, "the detail does not show the log group and stream");
    assert.equal(group, `/aws/codebuild/${PROJECT}`);
    await control("logs/append", { account: ACCOUNT, region: REGION, group, stream, lines: [IMG, SCRIPT] });
    const before = (await driver.findElements(byTestId("build-log-line"))).length;
    await click(driver, "build-log-reload");
    await waitUntil(
      driver,
      async () => {
        const text = await textOf(driver, "build-log");
        return text?.includes(IMG) && text.includes(SCRIPT) && (await driver.findElements(byTestId("build-log-line"))).length === before + 2;
      },
      LOOKUP,
      "the appended lines did not show in the log",
    );
    const lines = await driver.executeScript(
      "return [...document.querySelectorAll('[data-testid=build-log-line]')].slice(-2).map((el) => el.textContent);",
    );
    assert.ok(lines[0].endsWith(IMG), `last-but-one line: ${lines[0]}`);
    assert.ok(lines[1].endsWith(SCRIPT), `last line: ${lines[1]}`);
    const made = await driver.executeScript(
      "const log = document.querySelector('[data-testid=build-log]'); return { img: log.querySelectorAll('img').length, script: log.querySelectorAll('script').length, xss: typeof window.__xss };",
    );
    assert.deepEqual(made, { img: 0, script: 0, xss: "undefined" });

    // Search finds the hostile line and jumps to it.
    await type(driver, "log-search", "onerror");
    await waitForText(driver, "log-search-count", "1 of 1", SHORT);
    assert.equal(
      await driver.executeScript("const m = document.querySelector('[data-testid=build-log] mark'); return m && m.textContent;"),
      "onerror",
    );
    await screenshot(driver, "history-build-log-hostile");

    // Releases: the pipeline's executions and the DORA figures.
    await click(driver, "history-tab-releases");
    await click(driver, `history-pipeline-${PIPELINE}`);
    await waitUntil(
      driver,
      async () => (await driver.findElements(By.css('[data-testid^="release-row-"]'))).length >= 1,
      SYNC,
      "no release rows",
    );
    const releases = (await driver.findElements(By.css('[data-testid^="release-row-"]'))).length;
    assert.ok(releases <= EXECUTIONS + 1, `${releases} releases`);
    await find(driver, "dora-figures");
    await click(driver, "dora-window-90");
    await waitUntil(
      driver,
      async () => /a (day|week)|None/.test((await textOf(driver, "dora-frequency")) ?? ""),
      SHORT,
      "no deployment frequency",
    );
    assert.match(await textOf(driver, "dora-figures"), /From the commit’s first build/);
    await screenshot(driver, "history-releases");

    assert.equal(await driver.executeScript("return typeof window.__xss"), "undefined");
  } finally {
    await driver.quit();
  }
});

test("a running build's log follows in the window until the build ends", async () => {
  // A live build takes two steps: 8 s each, time enough to watch it run.
  await control("config", { account: ACCOUNT, stepSeconds: 8 });
  const { build } = await aws(ACCOUNT, "codebuild", "CodeBuild_20161006.StartBuild", { projectName: PROJECT });
  const driver = await drivers.launch();
  try {
    await find(driver, "sandbox-badge");
    await click(driver, "nav-history");
    await click(driver, `history-project-${PROJECT}`);
    await click(driver, "history-refresh");
    await click(driver, `history-row-${build.id}`);
    await find(driver, "build-detail");
    await waitUntil(
      driver,
      async () => (await textOf(driver, "build-log-status"))?.includes("Following new lines"),
      LOOKUP,
      "the log of the running build is not followed",
    );
    const status = await driver.executeScript("return document.querySelector('[data-testid=build-detail]').dataset.status");
    assert.equal(status, "IN_PROGRESS");
    const lineCount = () => driver.executeScript("return document.querySelectorAll('[data-testid=build-log-line]').length");
    const early = await lineCount();
    await screenshot(driver, "history-build-following");

    // The build ends: the detail says so and the log holds every line CloudWatch has, once.
    await waitUntil(
      driver,
      async () => (await driver.executeScript("return document.querySelector('[data-testid=build-detail]').dataset.status")) === "SUCCEEDED",
      60_000,
      "the detail never showed the build's end",
    );
    const { logs } = (await aws(ACCOUNT, "codebuild", "CodeBuild_20161006.BatchGetBuilds", { ids: [build.id] })).builds[0];
    const events = [];
    let token;
    for (;;) {
      const page = await aws(ACCOUNT, "logs", "Logs_20140328.GetLogEvents", {
        logGroupName: logs.groupName,
        logStreamName: logs.streamName,
        startFromHead: true,
        ...(token ? { nextToken: token } : {}),
      });
      events.push(...page.events);
      if (!page.nextForwardToken || page.nextForwardToken === token) break;
      token = page.nextForwardToken;
    }
    await waitUntil(driver, async () => (await lineCount()) === events.length, LOOKUP, `the log did not reach its ${events.length} lines`);
    assert.ok(early < events.length, `the log had all ${events.length} lines before the build ended`);
    const shown = await driver.executeScript(
      "return [...document.querySelectorAll('[data-testid=build-log-line]')].map((el) => el.textContent)",
    );
    // Each row is its line number, then the message with its ANSI colours drawn (the codes gone).
    const plain = (message) => message.replace(/\x1b\[[0-9;]*m/g, "").trimEnd();
    events.forEach((e, i) => assert.ok(shown[i].trimEnd().endsWith(plain(e.message)), `line ${i + 1}: ${shown[i]} / ${e.message}`));
    assert.doesNotMatch((await textOf(driver, "build-log-status")) ?? "", /Following/);
    await screenshot(driver, "history-build-followed");
  } finally {
    await driver.quit();
  }
});
