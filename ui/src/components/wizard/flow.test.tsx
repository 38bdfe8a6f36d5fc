import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Plan } from "../../bindings/Plan";
import type { Receipt } from "../../bindings/Receipt";
import { timing } from "../../lib/wizard/timing";
import { NewPipelinePage } from "../../pages/NewPipelinePage";
import { appError, renderWithProviders } from "../../test/backend";
import {
  CONNECTION_ARN,
  connection,
  deferred,
  emit,
  event,
  goToStep,
  mockWizardBackend,
  next,
  onStep,
  receipt,
  referencePlan,
  review,
  SESSION,
} from "../../test/wizard";

const saved = { ...timing };
beforeEach(() => Object.assign(timing, { connectionPollMs: 30, autoAdvanceMs: 10, debounceMs: 10 }));
afterEach(() => Object.assign(timing, saved));

const XSS = '<img src=x onerror="alert(1)">';

function expectNoMarkup(container: HTMLElement) {
  expect(container.querySelector("img")).toBeNull();
  expect(container.querySelector("script")).toBeNull();
  expect(container.querySelector("b")).toBeNull();
}

describe("source step: GitHub connection", () => {
  it("creates a connection, shows it PENDING, polls until AVAILABLE and continues by itself", async () => {
    const pending = connection({ status: "PENDING" });
    let polls = 0;
    const backend = mockWizardBackend({
      connections_list: () => [],
      connection_create: () => pending,
      connection_get: () => {
        polls += 1;
        return polls < 3 ? pending : connection({ status: "AVAILABLE" });
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<NewPipelinePage />);
    await goToStep(user, 2);

    expect(screen.getByTestId("connection-mode-create")).toBeChecked();
    expect(screen.getByTestId("connection-name")).toHaveValue("Cruddur");
    await user.click(screen.getByTestId("connection-create"));

    expect(await screen.findByTestId("connection-status")).toHaveTextContent("PENDING");
    expect(screen.getByTestId("connection-status")).toHaveTextContent("Waiting for AVAILABLE…");
    expect(screen.getByTestId("connection-arn")).toHaveTextContent(CONNECTION_ARN);
    expect(backend.callsTo("connection_create")[0]?.args).toEqual({ session: SESSION, name: "Cruddur" });

    await user.click(screen.getByTestId("connection-open-console"));
    expect(backend.callsTo("open_external")[0]?.args).toMatchObject({ url: pending.consoleUrl });

    // Polled every few seconds until AVAILABLE, then on to Build without a click.
    await onStep(3);
    expect(polls).toBeGreaterThanOrEqual(3);
    expect(backend.callsTo("connection_get")[0]?.args).toEqual({ session: SESSION, arn: CONNECTION_ARN });
    const validated = backend.callsTo("plan_validate");
    expect((validated[validated.length - 1]?.args.plan as Plan).source.connection).toEqual({
      mode: "existing",
      arn: CONNECTION_ARN,
    });
  });

  it("explains a connection in ERROR and offers to create a new one", async () => {
    mockWizardBackend({ connections_list: () => [connection({ status: "ERROR", name: "Broken" })] });
    const user = userEvent.setup();
    renderWithProviders(<NewPipelinePage />);
    await goToStep(user, 2);
    await user.click(screen.getByTestId("connection-mode-existing"));
    await user.click(await screen.findByTestId("connection-option-Broken"));
    expect(await screen.findByTestId("connection-error")).toHaveTextContent("failed or was rejected");
    await user.click(screen.getByTestId("connection-create-new"));
    expect(screen.getByTestId("connection-mode-create")).toBeChecked();
    expect(screen.getByTestId("connection-create")).toBeInTheDocument();
  });

  it("lets Create make the connection (plan keeps mode create) and blocks Next until one is chosen", async () => {
    const backend = mockWizardBackend();
    const user = userEvent.setup();
    renderWithProviders(<NewPipelinePage />);
    await goToStep(user, 2);
    // "Create now" needs the Create button first.
    await user.click(screen.getByTestId("wizard-next"));
    expect(await screen.findByTestId("field-error-source-connection-name")).toHaveTextContent("Create the connection first");

    await user.click(screen.getByTestId("connection-mode-deferred"));
    await user.clear(screen.getByTestId("connection-name"));
    await user.type(screen.getByTestId("connection-name"), "Later");
    await next(user, 3);
    const validated = backend.callsTo("plan_validate");
    expect((validated[validated.length - 1]?.args.plan as Plan).source.connection).toEqual({ mode: "create", name: "Later" });
  });
});

describe("review", () => {
  it("shows account, findings, every step and the cost; an error finding disables Create", async () => {
    mockWizardBackend({
      plan_review: () =>
        review({
          findings: [
            { severity: "error", path: "deploy.service", message: "Service backend-flask was not found in cluster cruddur." },
            { severity: "warning", path: null, message: "The connection is PENDING: Create will wait for the handshake." },
          ],
        }),
    });
    const user = userEvent.setup();
    renderWithProviders(<NewPipelinePage />);
    await goToStep(user, 7);

    const target = await screen.findByTestId("review-target");
    expect(target).toHaveTextContent("123456789012");
    expect(target).toHaveTextContent("us-east-1");
    expect(screen.getByTestId("review-finding-error")).toHaveTextContent("was not found in cluster cruddur");
    expect(screen.getByTestId("review-finding-warning")).toHaveTextContent("Create will wait");
    expect(screen.getByTestId("review-create")).toBeDisabled();

    const pipeline = screen.getByTestId("review-step-pipeline");
    expect(pipeline).toHaveTextContent("create");
    expect(within(pipeline).getByText("Request")).toBeInTheDocument();
    expect(screen.getByTestId("review-step-connection")).toHaveTextContent("reuse");
    expect(screen.getByTestId("review-cost-total")).toHaveTextContent("$0.50");
    expect(screen.getByTestId("review-cost")).toHaveTextContent("Prices as of 2025-01-01");
    expect(screen.getByTestId("review-cost")).toHaveTextContent("20 builds a month of 5 minutes");

    // The finding links to the step of its field.
    await user.click(within(screen.getByTestId("review-finding-error")).getByRole("button"));
    await onStep(6);
  });

  it("enables Create without error findings", async () => {
    mockWizardBackend({
      plan_review: () => review({ findings: [{ severity: "warning", path: null, message: "Heads up" }] }),
    });
    const user = userEvent.setup();
    renderWithProviders(<NewPipelinePage />);
    await goToStep(user, 7);
    await waitFor(() => expect(screen.getByTestId("review-create")).toBeEnabled());
  });

  it("sends the user to the field when Rust rejects the plan", async () => {
    mockWizardBackend({
      plan_review: () => {
        throw appError("validation", "build.timeoutMinutes must be between 5 and 2160 minutes", "build.timeoutMinutes");
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<NewPipelinePage />);
    await goToStep(user, 7);
    expect(await screen.findByTestId("review-error")).toHaveTextContent("between 5 and 2160");
    expect(screen.getByTestId("review-create")).toBeDisabled();
    await user.click(screen.getByTestId("review-fix"));
    await onStep(3);
  });

  it("saves the plan and opens another one through the file dialogs", async () => {
    const opened: Plan = { ...referencePlan(), pipeline: { ...referencePlan().pipeline, name: "from-file" } };
    const backend = mockWizardBackend({
      plan_save: () => "/home/me/pipewright.toml",
      plan_open: () => ({ path: "/home/me/other.toml", plan: opened }),
    });
    const user = userEvent.setup();
    renderWithProviders(<NewPipelinePage />);
    await goToStep(user, 7);
    await user.click(screen.getByTestId("review-plan-save"));
    await waitFor(() => expect(backend.callsTo("plan_save")).toHaveLength(1));
    // Rust opens the dialogs: the page names no path (a first save suggests nothing).
    expect(backend.callsTo("plan_save")[0]?.args).toMatchObject({ fileName: null });
    expect(await screen.findByTestId("toast")).toHaveTextContent("/home/me/pipewright.toml");

    await user.click(screen.getByTestId("wizard-plan-open"));
    await waitFor(() => expect(backend.callsTo("plan_open")).toHaveLength(1));
    expect(backend.callsTo("plan_open")[0]?.args ?? {}).toEqual({});
    await waitFor(() =>
      expect(backend.callsTo("plan_review").some((c) => (c.args.plan as Plan).pipeline.name === "from-file")).toBe(true),
    );
    await user.click(screen.getByTestId("wizard-step-1"));
    expect(await screen.findByTestId("plan-pipeline-name")).toHaveValue("from-file");
  });
});

describe("create", () => {
  async function startCreate(handlers: Parameters<typeof mockWizardBackend>[0]) {
    const backend = mockWizardBackend(handlers);
    const user = userEvent.setup();
    const view = renderWithProviders(<NewPipelinePage />);
    await goToStep(user, 7);
    await waitFor(() => expect(screen.getByTestId("review-create")).toBeEnabled());
    await user.click(screen.getByTestId("review-create"));
    await onStep(8);
    return { backend, user, view };
  }

  it("streams per-step progress from the channel and ends with the receipt", async () => {
    const run = deferred<Receipt>();
    let channel: unknown;
    const { backend, user } = await startCreate({
      apply_start: (args) => {
        channel = args.onEvent;
        return run.promise;
      },
      open_external: () => null,
    });
    expect(backend.callsTo("apply_start")[0]?.args).toMatchObject({ session: SESSION });
    expect((backend.callsTo("apply_start")[0]?.args.plan as Plan).pipeline.name).toBe("cruddur-backend-fargate");
    for (const id of ["connection", "pipeline"]) {
      expect(screen.getByTestId(`apply-step-${id}`)).toHaveAttribute("data-status", "pending");
    }

    emit(channel, event("connection", "waiting", { consoleUrl: "https://console.aws.amazon.com/codesuite/settings/connections" }));
    expect(screen.getByTestId("apply-step-connection")).toHaveAttribute("data-status", "waiting");
    await user.click(screen.getByTestId("apply-connection-console"));
    expect(backend.callsTo("open_external")).toHaveLength(1);

    emit(
      channel,
      event("connection", "reused", { arn: CONNECTION_ARN }),
      event("artifact_bucket", "running"),
      event("artifact_bucket", "created", { arn: "arn:aws:s3:::codepipeline-us-east-1-123456789012" }),
    );
    expect(screen.queryByTestId("apply-waiting")).not.toBeInTheDocument();
    expect(screen.getByTestId("apply-step-connection")).toHaveAttribute("data-status", "reused");
    expect(screen.getByTestId("apply-step-artifact_bucket")).toHaveAttribute("data-status", "created");
    expect(screen.getByTestId("apply-step-artifact_bucket")).toHaveTextContent("arn:aws:s3:::codepipeline-us-east-1-123456789012");
    expect(screen.queryByTestId("apply-done")).not.toBeInTheDocument();
    // The stepper is locked while Create runs.
    expect(screen.getByTestId("wizard-step-1")).toBeDisabled();

    run.resolve(receipt());
    expect(await screen.findByTestId("apply-done")).toHaveTextContent("cruddur-backend-fargate");
    expect(screen.getByTestId("receipt-resource-pipeline")).toHaveTextContent("arn:aws:test:::pipeline");
    expect(screen.getByTestId("receipt-resource-pipeline")).toHaveTextContent("Created");
  });

  it("shows a failure with Retry (apply_start again) and Roll back (receipt_teardown)", async () => {
    const message = "CodeBuild rejected the project: the role can't be assumed yet. Wait a minute and press Retry.";
    const failed = receipt({
      id: "r-failed",
      status: "failed",
      error: appError("aws", message),
      resources: receipt().resources.slice(0, 2),
    });
    let attempts = 0;
    const teardown = deferred<Receipt>();
    let teardownChannel: unknown;
    const { backend, user } = await startCreate({
      apply_start: (args) => {
        attempts += 1;
        if (attempts === 1) {
          emit(args.onEvent, event("codebuild_project", "failed", { error: appError("aws", message) }));
          return failed;
        }
        return new Promise(() => {});
      },
      receipt_teardown: (args) => {
        teardownChannel = args.onEvent;
        return teardown.promise;
      },
    });

    expect(await screen.findByTestId("apply-error")).toHaveTextContent(message);
    expect(screen.getByTestId("apply-step-codebuild_project")).toHaveAttribute("data-status", "failed");
    expect(screen.queryByTestId("apply-done")).not.toBeInTheDocument();

    await user.click(screen.getByTestId("apply-rollback"));
    await waitFor(() => expect(backend.callsTo("receipt_teardown")).toHaveLength(1));
    expect(backend.callsTo("receipt_teardown")[0]?.args).toMatchObject({ session: SESSION, receiptId: "r-failed" });
    emit(teardownChannel, event("artifact_bucket", "deleted"));
    expect(screen.getByTestId("apply-step-artifact_bucket")).toHaveAttribute("data-status", "deleted");
    teardown.resolve({ ...failed, status: "rolled_back", resources: failed.resources.map((r) => ({ ...r, outcome: "deleted" })) });
    expect(await screen.findByTestId("apply-removed")).toHaveTextContent("Rolled back");

    // Rolling back never re-applies.
    expect(backend.callsTo("apply_start")).toHaveLength(1);
  });

  it("retries a failed run with apply_start", async () => {
    let attempts = 0;
    const { backend, user } = await startCreate({
      apply_start: () => {
        attempts += 1;
        return attempts === 1 ? receipt({ status: "failed", error: appError("network", "Timed out") }) : receipt();
      },
    });
    expect(await screen.findByTestId("apply-error")).toHaveTextContent("Timed out");
    await user.click(screen.getByTestId("apply-retry"));
    expect(await screen.findByTestId("apply-done")).toBeInTheDocument();
    expect(backend.callsTo("apply_start")).toHaveLength(2);
    expect(backend.callsTo("apply_start")[1]?.args.plan).toEqual(backend.callsTo("apply_start")[0]?.args.plan);
  });

  it("tears down a finished pipeline after confirming, with live progress", async () => {
    let channel: unknown;
    const teardown = deferred<Receipt>();
    const { backend, user } = await startCreate({
      apply_start: () => receipt(),
      receipt_teardown: (args) => {
        channel = args.onEvent;
        return teardown.promise;
      },
    });
    await screen.findByTestId("apply-done");
    await user.click(screen.getByTestId("receipt-teardown"));
    expect(screen.getByTestId("confirm-dialog")).toHaveTextContent("Tear down “cruddur-backend-fargate”?");
    await user.click(screen.getByTestId("confirm-ok"));
    await waitFor(() => expect(backend.callsTo("receipt_teardown")).toHaveLength(1));
    expect(backend.callsTo("receipt_teardown")[0]?.args).toMatchObject({ receiptId: "r-1" });
    emit(channel, event("pipeline", "deleted"));
    expect(screen.getByTestId("apply-step-pipeline")).toHaveAttribute("data-status", "deleted");
    teardown.resolve(receipt({ status: "torn_down" }));
    expect(await screen.findByTestId("apply-removed")).toHaveTextContent("Torn down");
  });
});

describe("runs that were cut off", () => {
  const cutOff = () => {
    const plan = referencePlan();
    plan.pipeline.name = "cut-off-pipeline";
    return receipt({
      id: "r-cut",
      pipeline: "cut-off-pipeline",
      status: "in_progress",
      plan,
      resources: receipt().resources.slice(0, 3).map((r, i) => ({ ...r, outcome: i === 2 ? "running" : "created" })),
    });
  };

  it("resumes one: applies its plan again and shows the progress", async () => {
    const backend = mockWizardBackend({ receipts_unfinished: () => [cutOff()], apply_start: () => receipt() });
    const user = userEvent.setup();
    renderWithProviders(<NewPipelinePage />);
    const notice = await screen.findByTestId("unfinished-runs");
    expect(notice).toHaveTextContent("A run was cut off");
    expect(notice).toHaveTextContent("cut-off-pipeline");
    expect(notice).toHaveTextContent("3 resources created or being created");
    await user.click(within(notice).getByTestId("unfinished-resume"));
    expect(await screen.findByTestId("apply-done")).toBeInTheDocument();
    expect(backend.callsTo("apply_start")[0]?.args.plan).toMatchObject({ pipeline: { name: "cut-off-pipeline" } });
  });

  it("rolls one back: tears its receipt down, listing only the steps it has", async () => {
    const backend = mockWizardBackend({
      receipts_unfinished: () => [cutOff()],
      receipt_teardown: () => receipt({ id: "r-cut", status: "rolled_back" }),
    });
    const user = userEvent.setup();
    renderWithProviders(<NewPipelinePage />);
    await user.click(await screen.findByTestId("unfinished-rollback"));
    expect(await screen.findByTestId("apply-removed")).toHaveTextContent("Rolled back");
    expect(backend.callsTo("receipt_teardown")[0]?.args).toMatchObject({ receiptId: "r-cut" });
    expect(screen.getByTestId("apply-step-artifact_bucket")).toBeInTheDocument();
    expect(screen.queryByTestId("apply-step-pipeline")).toBeNull();
  });
});

describe("AWS strings are text", () => {
  it("renders hostile names, messages, findings and events as text", async () => {
    const run = deferred<Receipt>();
    let channel: unknown;
    const backend = mockWizardBackend({
      connections_list: () => [connection({ name: XSS, status: "<b>PENDING</b>" })],
      ecr_repositories: () => [{ name: "backend-flask", arn: "arn", uri: "<script>alert(1)</script>" }],
      plan_review: () =>
        review({
          account: "<b>acct</b>",
          findings: [{ severity: "warning", path: null, message: `<script>alert("x")</script>` }],
          steps: review().steps.map((s) => ({ ...s, resource: XSS, request: "<b>{}</b>" })),
        }),
      apply_start: (args) => {
        channel = args.onEvent;
        return run.promise;
      },
    });
    const user = userEvent.setup();
    const { container } = renderWithProviders(<NewPipelinePage />);
    await goToStep(user, 2);
    await user.click(screen.getByTestId("connection-mode-existing"));
    expect(await screen.findByText(XSS)).toBeInTheDocument();
    expect(screen.getByText("<b>PENDING</b>")).toBeInTheDocument();
    expectNoMarkup(container);

    await user.click(screen.getByTestId(`connection-option-${XSS}`));
    await next(user, 3);
    await next(user, 4);
    expect(await screen.findByText("<script>alert(1)</script>")).toBeInTheDocument();
    expectNoMarkup(container);
    await next(user, 5);
    await next(user, 6);
    await next(user, 7);
    expect(await screen.findByText(`<script>alert("x")</script>`)).toBeInTheDocument();
    expect(screen.getByText("<b>acct</b>")).toBeInTheDocument();
    expect(screen.getAllByText(XSS).length).toBeGreaterThan(0);
    expectNoMarkup(container);

    await user.click(screen.getByTestId("review-create"));
    await onStep(8);
    emit(channel, event("pipeline", "failed", { message: "<b>bold</b>", arn: XSS, error: appError("aws", "<i>it</i>") }));
    expect(screen.getByText("<b>bold</b>")).toBeInTheDocument();
    expect(screen.getByText("<i>it</i>")).toBeInTheDocument();
    expectNoMarkup(container);
    expect(container.querySelector("i")).toBeNull();
    expect(backend.callsTo("apply_start")).toHaveLength(1);
  });
});
