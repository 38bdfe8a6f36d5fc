// The New pipeline wizard in the real window, in sandbox mode against an empty emulator account that
// only has an ECR repository and an ECS cluster/service: keep the defaults, create the GitHub
// connection and complete its handshake while the wizard waits, review, create, and check that every
// resource was created. The Deploy step adds a manual approval and a notification rule to the team's
// SNS topic (whose policy lets CodeStar Notifications publish). A screenshot of every page goes to
// target/e2e-screenshots/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { By, until } from "selenium-webdriver";
import { awsQuery, byTestId, click, control, find, LOOKUP, newAccount, REGION, sandbox, screenshot, scrollToCenter, SHORT, type, waitForText } from "../harness.mjs";

// A fresh account: this test's AWS state is isolated (and starts empty).
const ACCOUNT = newAccount(3);
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:team`;

// Polling every 3 s, then a 1 s pause before the Source step continues.
const HANDSHAKE = 45_000;
const APPLY = 240_000;

/** The team's SNS topic, whose policy lets CodeStar Notifications publish. */
async function setup() {
  await awsQuery(ACCOUNT, "sns", { Action: "CreateTopic", Name: "team", Version: "2010-03-31" });
  const statement = {
    Sid: "AllowCodeStarNotifications",
    Effect: "Allow",
    Principal: { Service: "codestar-notifications.amazonaws.com" },
    Action: "SNS:Publish",
    Resource: TOPIC,
  };
  await awsQuery(ACCOUNT, "sns", {
    Action: "SetTopicAttributes",
    TopicArn: TOPIC,
    AttributeName: "Policy",
    AttributeValue: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }),
    Version: "2010-03-31",
  });
}

const drivers = sandbox({ account: ACCOUNT, seed: { only: ["ecr", "ecs"] }, setup });

/** The current wizard step (1-based) from the stepper, or null when there is none. */
async function currentStep(driver) {
  const items = await driver.findElements(By.css('[data-testid^="wizard-step-"][aria-current="step"]'));
  if (items.length === 0) return null;
  try {
    return Number((await items[0].getAttribute("data-testid")).replace("wizard-step-", ""));
  } catch {
    // Re-rendered while we read it: ask again on the next poll.
    return null;
  }
}

async function waitForStep(driver, n, timeout = SHORT) {
  await driver.wait(async () => (await currentStep(driver)) === n, timeout, `waiting for wizard step ${n}`);
}

async function next(driver, n, timeout = SHORT) {
  const from = await currentStep(driver);
  await click(driver, "wizard-next");
  await waitForStep(driver, n, timeout);
  assert.equal(from, n - 1);
}

async function value(driver, id) {
  return (await find(driver, id)).getAttribute("value");
}

/**
 * Waits until the select `id` lists `option` from AWS (not the "Loading…" placeholder and not a
 * "(not found)" leftover), then picks it.
 */
async function pick(driver, id, option) {
  const select = await find(driver, id);
  await driver.wait(
    async () => {
      try {
        const options = await select.findElements(By.css("option"));
        if (options.length === 0 || (await options[0].getText()) === "Loading…") return false;
        for (const o of options) {
          if ((await o.getAttribute("value")) === option && (await o.getText()) === option) return true;
        }
        return false;
      } catch {
        return false;
      }
    },
    LOOKUP,
    `waiting for ${option} in ${id}`,
  );
  await select.findElement(By.css(`option[value="${option}"]`)).click();
  await driver.wait(async () => (await select.getAttribute("value")) === option, SHORT, `${id} did not take ${option}`);
}

/** True once `id` is on screen with `text` in it; false (not an error) while it is missing or re-rendering. */
async function shows(driver, id, text) {
  try {
    const els = await driver.findElements(byTestId(id));
    return els.length > 0 && (await els[0].getText()).includes(text);
  } catch {
    return false;
  }
}

test("create a pipeline with the wizard in an empty sandbox account", async () => {
  const driver = await drivers.launch();
  try {
    await find(driver, "sandbox-badge");
    await click(driver, "nav-new-pipeline");

    // 1. Pipeline settings: the reference defaults.
    await waitForStep(driver, 1, LOOKUP);
    assert.equal(await value(driver, "plan-pipeline-name"), "cruddur-backend-fargate");
    await screenshot(driver, "wizard-1-pipeline");
    await next(driver, 2);

    // 2. Source: create the connection now; it stays PENDING until the handshake.
    await click(driver, "connection-mode-create");
    await find(driver, "connection-name");
    assert.equal(await value(driver, "connection-name"), "Cruddur");
    assert.equal(await value(driver, "plan-source-branch"), "prod");
    await screenshot(driver, "wizard-2-source");
    await click(driver, "connection-create");
    await waitForText(driver, "connection-status", "PENDING", LOOKUP);
    await find(driver, "connection-open-console");
    const arn = (await (await find(driver, "connection-arn")).getText()).trim();
    assert.match(arn, new RegExp(`^arn:aws:codestar-connections:${REGION}:${ACCOUNT}:connection/[0-9a-f-]{36}$`));
    await screenshot(driver, "wizard-2-connection-pending");

    // The handshake the user would finish in the AWS console.
    await control("connections/complete", { connectionArn: arn, status: "AVAILABLE" });

    // Polling sees AVAILABLE (green check), then the step continues to Build by itself.
    let sawAvailable = false;
    await driver.wait(
      async () => {
        if (!sawAvailable && (await shows(driver, "connection-status", "AVAILABLE"))) {
          sawAvailable = true;
          await screenshot(driver, "wizard-2-connection-available").catch(() => {});
        }
        return (await currentStep(driver)) === 3;
      },
      HANDSHAKE,
      "the Source step did not continue once the connection was AVAILABLE",
    );

    // 3. Build: defaults.
    assert.equal(await value(driver, "plan-build-project"), "cruddur-backend-flask-bake-image");
    assert.equal(await value(driver, "plan-build-timeoutMinutes"), "20");
    await screenshot(driver, "wizard-3-build");
    await next(driver, 4);

    // 4. ECR permissions: the seeded repository and its generated policy.
    await pick(driver, "plan-ecr-repository", "backend-flask");
    await waitForText(driver, "ecr-repository-uri", `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/backend-flask`, LOOKUP);
    const policy = await find(driver, "plan-ecr-policyDocument");
    await driver.wait(
      async () => (await policy.getAttribute("value")).includes("ecr:GetAuthorizationToken"),
      LOOKUP,
      "the generated ECR policy did not show",
    );
    await screenshot(driver, "wizard-4-ecr");
    await next(driver, 5);

    // 5. buildspec.yml: generated from the inputs.
    await driver.wait(
      async () => (await shows(driver, "buildspec-yaml", "phases")) || (await shows(driver, "buildspec-yaml", "version")),
      LOOKUP,
      "the generated buildspec did not show",
    );
    await screenshot(driver, "wizard-5-buildspec");
    await next(driver, 6);

    // 6. Deploy: the seeded cluster and service.
    await pick(driver, "plan-deploy-cluster", "cruddur");
    await pick(driver, "plan-deploy-service", "backend-flask");
    assert.equal(await value(driver, "plan-deploy-fileName"), "imagedefinitions.json");
    await screenshot(driver, "wizard-6-deploy");
    // A manual approval before Deploy, and a rule telling the team's topic.
    await click(driver, "plan-pipeline-approval");
    await type(driver, "plan-pipeline-approval-reviewUrl", "https://staging.example.com");
    await click(driver, "plan-pipeline-notifications");
    await type(driver, "plan-pipeline-notifications-snsTopicArn", TOPIC);
    await click(driver, "plan-notification-event-approval_needed");
    const notify = await find(driver, "plan-pipeline-notifications-snsTopicArn");
    await scrollToCenter(driver, notify);
    await screenshot(driver, "wizard-6-deploy-approval-notifications");
    await next(driver, 7);

    // 7. Review: the sandbox account, no error findings, Create enabled.
    await waitForText(driver, "review-target", ACCOUNT, LOOKUP);
    assert.equal((await driver.findElements(byTestId("review-finding-error"))).length, 0, "review found errors");
    await find(driver, "review-step-pipeline");
    const rule = await find(driver, "review-step-notifications");
    assert.match(await rule.getText(), /cruddur-backend-fargate-pipewright/);
    await scrollToCenter(driver, rule);
    await screenshot(driver, "wizard-7-review-notifications");
    const create = await find(driver, "review-create");
    await driver.wait(until.elementIsEnabled(create), LOOKUP, "Create pipeline stayed disabled");
    await screenshot(driver, "wizard-7-review");
    await create.click();

    // 8. Create: live progress, then the receipt.
    await waitForStep(driver, 8);
    await screenshot(driver, "wizard-8-creating");
    await find(driver, "apply-done", APPLY);
    const rows = await driver.findElements(By.css('[data-testid^="apply-step-"][data-status]'));
    assert.ok(rows.length >= 7, `expected every resource in the progress list, got ${rows.length}`);
    for (const row of rows) {
      const id = (await row.getAttribute("data-testid")).replace("apply-step-", "");
      const status = await row.getAttribute("data-status");
      // The connection was created in the Source step, before Create: Create may report it reused.
      const expected = id === "connection" ? ["created", "reused"] : ["created"];
      assert.ok(expected.includes(status), `${id} ended ${status}, expected ${expected.join(" or ")}`);
    }
    await find(driver, "receipt-resource-pipeline");
    await find(driver, "receipt-resource-notifications");
    await screenshot(driver, "wizard-8-created");
    const receipt = await find(driver, "receipt");
    await driver.executeScript("arguments[0].scrollIntoView()", receipt);
    await screenshot(driver, "wizard-8-receipt");
  } finally {
    await driver.quit();
  }
});
