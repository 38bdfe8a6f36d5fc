// Profiles in the real window: add a profile pointed at the emulator, test it, see the account id;
// the secret is never shown and never written to a file; the profile survives an app restart.
import { test } from "node:test";
import assert from "node:assert/strict";
import { By } from "selenium-webdriver";
import { byTestId, click, emulatorUrl, filesContaining, find, sandbox, screenshot, type, waitForText, waitGone } from "../harness.mjs";

const KEY = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const NAME = "e2e-emulator";
// The emulator answers every non-numeric key with its default account.
const ACCOUNT = "123456789012";

const drivers = sandbox();
const home = drivers.home;

async function pageText(driver) {
  return driver.findElement(By.css("body")).getText();
}

test("add a profile pointed at the emulator, test it, and find it again after a restart", async () => {
  let driver = await drivers.launch();
  try {
    await find(driver, "sandbox-badge");
    await click(driver, "nav-profiles");
    await find(driver, "profile-row-Sandbox");
    await screenshot(driver, "profiles-sandbox");

    await click(driver, "profile-add");
    await type(driver, "profile-name", NAME);
    const region = await find(driver, "profile-region");
    await region.findElement(By.css('option[value="eu-west-2"]')).click();
    await type(driver, "profile-access-key-id", KEY);
    await type(driver, "profile-secret-access-key", SECRET);
    await click(driver, "profile-advanced");
    await type(driver, "profile-endpoint-url", emulatorUrl);
    await screenshot(driver, "profile-form-filled");

    await click(driver, "profile-test-connection");
    await waitForText(driver, "form-identity", ACCOUNT);
    await screenshot(driver, "profile-form-tested");

    await click(driver, "profile-save");
    await waitForText(driver, `profile-row-${NAME}`, "AKIA…MPLE");
    assert.ok(!(await pageText(driver)).includes(SECRET), "the secret is on screen after saving");

    await click(driver, `profile-test-${NAME}`);
    await waitForText(driver, `profile-identity-${NAME}`, ACCOUNT);
    await screenshot(driver, "profile-saved-and-tested");
    assert.ok(!(await pageText(driver)).includes(SECRET));
  } finally {
    await driver.quit();
  }

  // The secret (and the key id) are in the keyring only: no file under the app's home has them.
  assert.deepEqual(filesContaining(home, SECRET), []);
  assert.deepEqual(filesContaining(home, KEY), []);
  assert.ok(filesContaining(home, NAME).length > 0, "profiles.toml should name the profile");

  // Restart the app: the profile is still there, with the account it was tested against.
  driver = await drivers.launch();
  try {
    await click(driver, "nav-profiles");
    await waitForText(driver, `profile-row-${NAME}`, ACCOUNT);
    await screenshot(driver, "profile-after-restart");
    // It still works: the keys came back from the keyring.
    await click(driver, `profile-test-${NAME}`);
    await waitForText(driver, `profile-identity-${NAME}`, ACCOUNT);

    await click(driver, `profile-remove-${NAME}`);
    await click(driver, "confirm-ok");
    await waitGone(driver, `profile-row-${NAME}`, 10_000, "the removed profile is still listed");
    await screenshot(driver, "profile-removed");
  } finally {
    await driver.quit();
  }
});

test("bad input is shown next to its field and nothing is saved", async () => {
  const driver = await drivers.launch();
  try {
    await click(driver, "nav-profiles");
    await click(driver, "profile-add");
    await type(driver, "profile-name", "bad name with spaces");
    await type(driver, "profile-access-key-id", "not-a-key");
    await type(driver, "profile-secret-access-key", "short");
    await click(driver, "profile-save");
    // Rust says what is wrong with the name, not only the rule.
    await waitForText(driver, "field-error-name", "Spaces are not allowed");
    await find(driver, "field-error-accessKeyId");
    await find(driver, "field-error-secretAccessKey");
    await screenshot(driver, "profile-form-errors");
    await click(driver, "profile-cancel");
    assert.equal((await driver.findElements(byTestId("profile-row-bad name with spaces"))).length, 0);
  } finally {
    await driver.quit();
  }
});
