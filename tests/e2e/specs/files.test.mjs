// Plan and buildspec files in the real window: the file dialogs are opened by Rust (GTK's, under
// Xvfb, answered with xdotool as a user types a path), so the page never names a path. Save plan
// writes where the user said; a name without ".toml" gets it; a name with another extension is
// refused with the rule and nothing is written; Open plan loads what was saved.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { byTestId, click, find, sandbox, screenshot, type } from "../harness.mjs";

const run = promisify(execFile);
const LOOKUP = 30_000;
const drivers = sandbox();

/** Waits for a visible GTK file dialog, types `file` into it (a full path) and presses Enter. */
async function answerDialog(driver, file, opening = false) {
  let id = "";
  await driver.wait(
    async () => {
      const found = await run("xdotool", ["search", "--onlyvisible", "--name", "^(Save|Open)"]).catch(() => ({ stdout: "" }));
      id = found.stdout.trim().split("\n").filter(Boolean).pop() ?? "";
      return id !== "";
    },
    LOOKUP,
    "no file dialog showed",
  );
  // Keys go to the focused window (XTEST): GTK ignores synthetic events sent to a window id. The
  // Save dialog focuses its name field; the Open dialog's location field opens with ctrl+L.
  await run("xdotool", ["windowfocus", "--sync", id]).catch(() => {});
  if (opening) {
    await run("xdotool", ["key", "ctrl+l"]);
    await new Promise((r) => setTimeout(r, 500));
  }
  await run("xdotool", ["key", "ctrl+a"]);
  await run("xdotool", ["type", "--delay", "5", file]);
  // The location field completes what was typed: let it settle; its first Return may only
  // accept the completion, so press it again while the dialog stays.
  await new Promise((r) => setTimeout(r, 500));
  const open = async () =>
    (await run("xdotool", ["search", "--onlyvisible", "--name", "^(Save|Open)"]).catch(() => ({ stdout: "" }))).stdout.trim() !== "";
  for (let i = 0; i < 3 && (await open()); i++) {
    await run("xdotool", ["key", "Return"]);
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert.equal(await open(), false, "the file dialog stayed open");
}

/** Waits until one of the toasts on show says `text` (toasts come and go: read them afresh). */
async function waitForToast(driver, text) {
  await driver.wait(
    async () => {
      for (const el of await driver.findElements(byTestId("toast"))) {
        try {
          if ((await el.getText()).includes(text)) return true;
        } catch {
          // Gone while read.
        }
      }
      return false;
    },
    LOOKUP,
    `no toast says "${text}"`,
  );
}

test("plans are saved and opened through dialogs Rust opens, with the .toml rule", async () => {
  const driver = await drivers.launch();
  const dir = mkdtempSync(path.join(tmpdir(), "pipewright-files-"));
  try {
    await find(driver, "sandbox-badge");
    await driver.executeScript(`window.location.hash = "#/new-pipeline"`);
    await find(driver, "plan-pipeline-name", LOOKUP);
    await type(driver, "plan-pipeline-name", "saved-by-dialog");

    // A name without an extension: saved as .toml, where the user said.
    await click(driver, "wizard-plan-save");
    await answerDialog(driver, path.join(dir, "prod"));
    await waitForToast(driver, path.join(dir, "prod.toml"));
    const saved = readFileSync(path.join(dir, "prod.toml"), "utf8");
    assert.match(saved, /name = "saved-by-dialog"/);
    await screenshot(driver, "files-1-saved");

    // Another extension: refused with the rule, nothing written.
    await click(driver, "wizard-plan-save");
    await answerDialog(driver, path.join(dir, "evil.sh"));
    await waitForToast(driver, "must be a file ending in .toml");
    assert.deepEqual(readdirSync(dir).sort(), ["prod.toml"]);
    assert.ok(!existsSync(path.join(dir, "evil.sh")));

    // Open plan: the saved file comes back into the wizard.
    await type(driver, "plan-pipeline-name", "changed");
    await click(driver, "wizard-plan-open");
    await answerDialog(driver, path.join(dir, "prod.toml"), true);
    await waitForToast(driver, "Plan opened");
    await screenshot(driver, "files-2-opened");
    await click(driver, "wizard-step-1");
    await driver.wait(
      async () => (await (await find(driver, "plan-pipeline-name")).getAttribute("value")) === "saved-by-dialog",
      LOOKUP,
      "the opened plan did not load",
    );
    assert.equal((await driver.findElements(byTestId("field-error-pipeline-name"))).length, 0);
  } finally {
    await driver.quit();
  }
});
