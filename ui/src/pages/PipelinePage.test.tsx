import { mockWindows } from "@tauri-apps/api/mocks";
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ReleaseRequest } from "../bindings/ReleaseRequest";
import { timing } from "../lib/pipelines";
import { appError, renderWithProviders } from "../test/backend";
import {
  BUILD_ID,
  BUILD_URL,
  ECS_URL,
  NEW_ID,
  OLD_ID,
  PIPELINE,
  SESSION,
  action,
  execution,
  failedRollout,
  mockPipelinesBackend,
  runningView,
  stage,
  view,
} from "../test/pipelines";
import { deferred } from "../test/wizard";
import { PipelinesPage } from "./PipelinesPage";

function openPipelinePage() {
  window.location.hash = `#/pipelines/${PIPELINE}`;
  return renderWithProviders(<PipelinesPage />);
}

function releaseArgs(call: { args: Record<string, unknown> } | undefined) {
  return call?.args.request as ReleaseRequest;
}

const startingPollMs = timing.startingPollMs;

beforeEach(() => {
  timing.startingPollMs = 30;
});

afterEach(() => {
  timing.startingPollMs = startingPollMs;
  vi.useRealTimers();
});

describe("Pipeline page: stage diagram", () => {
  it("draws stages and actions with their statuses, links, errors, approval and disabled transitions", async () => {
    const backend = mockPipelinesBackend({
      pipeline_view: () =>
        view({
          latest: execution({ id: NEW_ID, status: "Failed", statusSummary: null }),
          stages: [
            stage({
              name: "Source",
              executionId: NEW_ID,
              actions: [action({ name: "Source", category: "Source", provider: "CodeStarSourceConnection" })],
            }),
            stage({
              name: "Build",
              status: "Failed",
              executionId: NEW_ID,
              actions: [
                action({
                  name: "bake",
                  status: "Failed",
                  externalExecutionId: BUILD_ID,
                  externalUrl: BUILD_URL,
                  error: "JobFailed: Build terminated with state: FAILED",
                }),
              ],
            }),
            stage({
              name: "Approve",
              status: "InProgress",
              executionId: OLD_ID,
              actions: [
                action({ name: "Review", category: "Approval", provider: "Manual", status: "InProgress", awaitingApproval: true }),
              ],
            }),
            stage({
              name: "Deploy",
              status: null,
              executionId: null,
              transitionEnabled: false,
              transitionDisabledReason: "Release freeze until Monday",
              actions: [action({ name: "Deploy", category: "Deploy", provider: "ECS", status: null, lastChange: null, entityUrl: ECS_URL })],
            }),
          ],
        }),
    });
    const user = userEvent.setup();
    openPipelinePage();

    const build = await screen.findByTestId("stage-Build");
    expect(screen.getByTestId("stage-Source")).toHaveAttribute("data-status", "Succeeded");
    expect(build).toHaveAttribute("data-status", "Failed");
    expect(screen.getByTestId("stage-Approve")).toHaveAttribute("data-status", "InProgress");
    expect(screen.getByTestId("stage-Deploy")).toHaveAttribute("data-status", "none");
    expect(screen.getByTestId("action-Build-bake")).toHaveAttribute("data-status", "Failed");
    expect(screen.getByTestId("action-Deploy-Deploy")).toHaveAttribute("data-status", "none");

    // The failure: error text and a Retry on the failed stage only.
    expect(screen.getByTestId("action-error-Build-bake")).toHaveTextContent("JobFailed: Build terminated with state: FAILED");
    // A failed build's diagnosis is on its page (from its log): the action links there.
    expect(screen.getByTestId("why-Build-bake")).toHaveAttribute(
      "href",
      `#/history/cruddur-backend-flask-bake-image/builds/${encodeURIComponent(BUILD_ID)}`,
    );
    expect(screen.getByTestId("retry-Build")).toBeInTheDocument();
    expect(screen.queryByTestId("retry-Source")).not.toBeInTheDocument();
    // Provider, build id and time in state.
    const bake = screen.getByTestId("action-Build-bake");
    expect(bake).toHaveTextContent("CodeBuild");
    expect(bake).toHaveTextContent(BUILD_ID);
    expect(bake).toHaveTextContent(/for \d+d/);
    // Approval and the disabled transition into Deploy.
    expect(screen.getByTestId("approval-Approve-Review")).toHaveTextContent("Waiting for approval");
    expect(screen.getByTestId("stage-Approve")).toHaveTextContent("Last run by an earlier execution");
    expect(screen.getByTestId("transition-Deploy")).toHaveTextContent("Transition disabled: Release freeze until Monday");

    expect(screen.getByTestId("execution-banner")).toHaveAttribute("data-status", "Failed");
    expect(screen.queryByTestId("stop-button")).not.toBeInTheDocument();

    // Links open in the browser: the build for CodeBuild, the service for ECS.
    await user.click(screen.getByTestId("action-link-Build-bake"));
    await user.click(screen.getByTestId("action-link-Deploy-Deploy"));
    await user.click(screen.getByTestId("pipeline-console"));
    const opened = backend.callsTo("open_external").map((c) => c.args.url);
    expect(opened).toEqual([BUILD_URL, ECS_URL, view().consoleUrl]);
  });

  it.each([
    ["Superseded", null, "a newer execution took over"],
    ["Stopped", "Stopped by alice: bad config", "Stopped by alice: bad config"],
  ])("labels a %s execution as such", async (status, statusSummary, text) => {
    mockPipelinesBackend({ pipeline_view: () => view({ latest: execution({ status, statusSummary }) }) });
    openPipelinePage();
    const banner = await screen.findByTestId("execution-banner");
    expect(banner).toHaveAttribute("data-status", status);
    expect(screen.getByTestId("execution-status")).toHaveTextContent(status);
    expect(banner).toHaveTextContent(text);
  });
});

describe("Pipeline page: release to prod", () => {
  it("says what will be released, and a double click on Confirm starts one execution", async () => {
    const start = deferred<string>();
    let released = false;
    const backend = mockPipelinesBackend({
      release_start: () => start.promise,
      // AWS lists the new execution only a moment after StartPipelineExecution returns.
      pipeline_view: () => (released ? runningView(NEW_ID) : view()),
    });
    const user = userEvent.setup();
    openPipelinePage();
    await user.click(await screen.findByTestId("release-button"));

    const dialog = await screen.findByTestId("release-dialog");
    expect(screen.getByTestId("release-what")).toHaveTextContent(
      `Pipeline ${PIPELINE} will build and deploy the latest commit of example/aws-bootcamp-cruddur-2023@prod.`,
    );
    expect(within(dialog).getByTestId("release-latest")).toHaveTextContent("3f9c2ab");
    expect(within(dialog).getByTestId("release-latest")).toHaveTextContent("Fix the login redirect");

    const confirm = screen.getByTestId("release-confirm");
    fireEvent.click(confirm);
    fireEvent.click(confirm);
    await user.dblClick(confirm);
    // Enter in a field submits too, even while the button is disabled.
    const form = dialog.querySelector("form")!;
    fireEvent.submit(form);
    fireEvent.submit(form);
    await waitFor(() => expect(backend.callsTo("release_start")).toHaveLength(1));
    expect(confirm).toBeDisabled();
    expect(backend.callsTo("release_start")[0]?.args.session).toEqual(SESSION);
    const request = releaseArgs(backend.callsTo("release_start")[0]);
    expect(request).toMatchObject({ pipeline: PIPELINE, revision: null, variables: [] });
    expect(request.clientRequestToken).toMatch(/^[0-9a-f-]{36}$/);

    // The new execution shows at once, before pipeline_view reports it.
    const viewCalls = backend.callsTo("pipeline_view").length;
    await act(async () => {
      start.resolve(NEW_ID);
      await start.promise;
    });
    const banner = screen.getByTestId("execution-banner");
    expect(banner).toHaveAttribute("data-status", "InProgress");
    expect(banner).toHaveAttribute("data-execution-id", NEW_ID);
    expect(banner).toHaveTextContent("Starting…");
    expect(screen.queryByTestId("release-dialog")).not.toBeInTheDocument();
    // …and the view is asked again right away.
    await waitFor(() => expect(backend.callsTo("pipeline_view").length).toBeGreaterThan(viewCalls));

    released = true;
    await waitFor(() => expect(screen.getByTestId("stage-Build")).toHaveAttribute("data-execution-id", NEW_ID));
    expect(screen.getByTestId("stage-Build")).toHaveAttribute("data-status", "InProgress");
    expect(screen.getByTestId("execution-banner")).not.toHaveTextContent("Starting…");
    expect(screen.getByTestId("stop-button")).toBeInTheDocument();
    expect(backend.callsTo("release_start")).toHaveLength(1);
  });

  it("sends the same clientRequestToken when Confirm is pressed again after an error, a new one per dialog", async () => {
    let attempt = 0;
    const backend = mockPipelinesBackend({
      release_start: () => {
        attempt += 1;
        if (attempt === 1) throw appError("network", "connection reset by peer");
        return NEW_ID;
      },
    });
    const user = userEvent.setup();
    openPipelinePage();
    await user.click(await screen.findByTestId("release-button"));
    await user.click(screen.getByTestId("release-confirm"));
    expect(await screen.findByTestId("release-error")).toHaveTextContent("connection reset by peer");
    await user.click(screen.getByTestId("release-confirm"));
    await waitFor(() => expect(screen.queryByTestId("release-dialog")).not.toBeInTheDocument());

    const [first, second] = backend.callsTo("release_start").map(releaseArgs);
    expect(first?.clientRequestToken).toBeTruthy();
    expect(second?.clientRequestToken).toBe(first?.clientRequestToken);

    await user.click(screen.getByTestId("release-button"));
    await user.click(await screen.findByTestId("release-confirm"));
    await waitFor(() => expect(backend.callsTo("release_start")).toHaveLength(3));
    expect(releaseArgs(backend.callsTo("release_start")[2]).clientRequestToken).not.toBe(first?.clientRequestToken);
  });

  it("asks release_validate first and shows its issues next to their fields; starts nothing until none is left", async () => {
    const backend = mockPipelinesBackend({
      release_validate: (args) => {
        const request = args.request as ReleaseRequest;
        if (request.revision === "not-a-sha") return [{ path: "revision", message: "must be a git commit id (7–40 hex characters)" }];
        if (request.variables[0]?.name === "IMAGE TAG")
          return [{ path: "variables.0.name", message: "must be 1–128 letters, digits, '@', '-' or '_'" }];
        return [];
      },
      release_start: () => {
        throw appError("validation", "must be 1–1000 characters", "variables.0.value");
      },
    });
    const user = userEvent.setup();
    openPipelinePage();
    await user.click(await screen.findByTestId("release-button"));
    await user.click(screen.getByTestId("release-pin-toggle"));
    await user.type(screen.getByTestId("release-revision"), "not-a-sha");
    await user.click(screen.getByTestId("release-confirm"));
    expect(await screen.findByTestId("field-error-revision")).toHaveTextContent(
      "Commit id must be a git commit id (7–40 hex characters).",
    );
    expect(screen.getByTestId("release-revision")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("release-what")).toHaveTextContent("the latest commit of");
    expect(backend.callsTo("release_start")).toHaveLength(0);

    await user.clear(screen.getByTestId("release-revision"));
    await user.type(screen.getByTestId("release-revision"), "3F9C2AB");
    // The summary names the commit once Rust takes it for one (not "not-a-sha" before).
    await waitFor(() =>
      expect(screen.getByTestId("release-what")).toHaveTextContent("will build and deploy commit 3F9C2AB of example/aws"),
    );
    // An empty row is ignored; the row Rust rejects is the second one on screen.
    await user.click(screen.getByTestId("release-variables-toggle"));
    await user.click(screen.getByTestId("release-variable-add"));
    await user.click(screen.getByTestId("release-variable-add"));
    await user.type(screen.getByTestId("release-variable-name-1"), "IMAGE TAG");
    await user.type(screen.getByTestId("release-variable-value-1"), "v2");
    await user.click(screen.getByTestId("release-confirm"));

    expect(await screen.findByTestId("field-error-variables-1-name")).toHaveTextContent("Name must be 1–128 letters");
    expect(screen.queryByTestId("field-error-revision")).not.toBeInTheDocument();
    expect(backend.callsTo("release_validate").at(-1)?.args.request).toMatchObject({
      revision: "3F9C2AB",
      variables: [{ name: "IMAGE TAG", value: "v2" }],
    });
    expect(backend.callsTo("release_start")).toHaveLength(0);

    // Fixed, it starts; a field error from release_start itself lands on its field too.
    await user.clear(screen.getByTestId("release-variable-name-1"));
    await user.type(screen.getByTestId("release-variable-name-1"), "IMAGE_TAG");
    await user.click(screen.getByTestId("release-confirm"));
    await waitFor(() => expect(backend.callsTo("release_start")).toHaveLength(1));
    expect(screen.queryByTestId("field-error-variables-1-name")).not.toBeInTheDocument();
    expect(await screen.findByTestId("field-error-variables-1-value")).toHaveTextContent("Value must be 1–1000 characters.");
    expect(screen.getByTestId("release-dialog")).toBeInTheDocument();
    await user.click(screen.getByTestId("release-cancel"));
    expect(screen.queryByTestId("release-dialog")).not.toBeInTheDocument();
  });
});

describe("Pipeline page: polling", () => {
  it("polls at Rust's pace and pauses on expired credentials until Try again", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let expired = false;
    const backend = mockPipelinesBackend({
      pipeline_view: () => {
        if (expired) throw appError("expired_credentials", "The security token included in the request is expired");
        return runningView();
      },
    });
    openPipelinePage();
    await screen.findByTestId("stage-Build");
    const calls = () => backend.callsTo("pipeline_view").length;
    const initial = calls();

    await act(() => vi.advanceTimersByTimeAsync(2000));
    expect(calls()).toBe(initial + 1);

    expired = true;
    await act(() => vi.advanceTimersByTimeAsync(2000));
    const banner = await screen.findByTestId("poll-error");
    expect(banner).toHaveTextContent("Credentials have expired");
    expect(banner).toHaveTextContent("The security token included in the request is expired");
    expect(banner).toHaveTextContent("Updates paused");
    const paused = calls();
    expect(paused).toBe(initial + 2);
    // The diagram stays on screen.
    expect(screen.getByTestId("stage-Build")).toHaveAttribute("data-status", "InProgress");

    // No retry storm: ten minutes later, still no new call and still one banner.
    await act(() => vi.advanceTimersByTimeAsync(10 * 60_000));
    expect(calls()).toBe(paused);
    expect(screen.getAllByTestId("poll-error")).toHaveLength(1);

    expired = false;
    fireEvent.click(screen.getByTestId("poll-retry"));
    await waitFor(() => expect(screen.queryByTestId("poll-error")).not.toBeInTheDocument());
    expect(calls()).toBe(paused + 1);
    await act(() => vi.advanceTimersByTimeAsync(2000));
    expect(calls()).toBe(paused + 2);
  });

  it("polls an idle pipeline at Rust's idle pace", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const backend = mockPipelinesBackend();
    openPipelinePage();
    await screen.findByTestId("stage-Build");
    const initial = backend.callsTo("pipeline_view").length;
    await act(() => vi.advanceTimersByTimeAsync(29_000));
    expect(backend.callsTo("pipeline_view")).toHaveLength(initial);
    await act(() => vi.advanceTimersByTimeAsync(1_000));
    expect(backend.callsTo("pipeline_view")).toHaveLength(initial + 1);
    // At most two requests a minute while idle.
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(backend.callsTo("pipeline_view")).toHaveLength(initial + 3);
  });
});

describe("Pipeline page: stop and retry", () => {
  it("stops the running execution with the chosen mode and reason", async () => {
    const backend = mockPipelinesBackend({
      pipeline_view: () => runningView(NEW_ID),
      execution_stop: () => null,
    });
    const user = userEvent.setup();
    openPipelinePage();
    await user.click(await screen.findByTestId("stop-button"));
    await user.click(screen.getByTestId("stop-mode-abandon"));
    await user.type(screen.getByTestId("stop-reason"), "wrong commit");
    const before = backend.callsTo("pipeline_view").length;
    await user.click(screen.getByTestId("stop-confirm"));

    await waitFor(() => expect(backend.callsTo("execution_stop")).toHaveLength(1));
    expect(backend.callsTo("execution_stop")[0]?.args).toEqual({
      session: SESSION,
      name: PIPELINE,
      executionId: NEW_ID,
      abandon: true,
      reason: "wrong commit",
    });
    await waitFor(() => expect(screen.queryByTestId("stop-dialog")).not.toBeInTheDocument());
    // The view is refreshed right away.
    await waitFor(() => expect(backend.callsTo("pipeline_view").length).toBeGreaterThan(before));
  });

  it("stops and waits without a reason by default", async () => {
    const backend = mockPipelinesBackend({ pipeline_view: () => runningView(NEW_ID), execution_stop: () => null });
    const user = userEvent.setup();
    openPipelinePage();
    await user.click(await screen.findByTestId("stop-button"));
    await user.click(screen.getByTestId("stop-confirm"));
    await waitFor(() => expect(backend.callsTo("execution_stop")).toHaveLength(1));
    expect(backend.callsTo("execution_stop")[0]?.args).toMatchObject({ abandon: false, reason: null });
  });

  it("retries a failed stage (failed or all actions)", async () => {
    const failed = view({
      latest: execution({ id: NEW_ID, status: "Failed" }),
      stages: [
        stage({ name: "Source", executionId: NEW_ID }),
        stage({
          name: "Build",
          status: "Failed",
          executionId: NEW_ID,
          actions: [action({ name: "bake", status: "Failed", error: "JobFailed: tests failed" })],
        }),
        stage({ name: "Deploy" }),
      ],
    });
    const backend = mockPipelinesBackend({ pipeline_view: () => failed, stage_retry: () => NEW_ID });
    const user = userEvent.setup();
    openPipelinePage();

    await user.click(await screen.findByTestId("retry-Build"));
    await user.click(screen.getByTestId("retry-mode-all"));
    await user.click(screen.getByTestId("retry-confirm"));
    await waitFor(() => expect(backend.callsTo("stage_retry")).toHaveLength(1));
    expect(backend.callsTo("stage_retry")[0]?.args).toEqual({
      session: SESSION,
      name: PIPELINE,
      stage: "Build",
      executionId: NEW_ID,
      allActions: true,
    });
    await waitFor(() => expect(screen.queryByTestId("retry-dialog")).not.toBeInTheDocument());
    // Until AWS reports the retry, the execution shows as running again.
    expect(screen.getByTestId("execution-banner")).toHaveAttribute("data-status", "InProgress");
    expect(screen.getByTestId("execution-banner")).toHaveTextContent("Retrying…");

    await user.click(screen.getByTestId("retry-Build"));
    await user.click(screen.getByTestId("retry-confirm"));
    await waitFor(() => expect(backend.callsTo("stage_retry")).toHaveLength(2));
    expect(backend.callsTo("stage_retry")[1]?.args).toMatchObject({ allActions: false });
  });
});

describe("Pipeline page: live feedback", () => {
  beforeEach(() => {
    // The plugin asks the webview's Notification for the permission; Rust shows the notification.
    class FakeNotification {
      static permission = "granted";
      static requestPermission = () => Promise.resolve("granted");
    }
    Object.defineProperty(window, "Notification", { value: FakeNotification, configurable: true, writable: true });
  });

  afterEach(() => {
    Reflect.deleteProperty(window, "Notification");
  });

  it("shows the running stage in the window title and taskbar, and notifies when the execution ends", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let done = false;
    const backend = mockPipelinesBackend({
      pipeline_view: () =>
        done
          ? view({
              latest: execution({ id: NEW_ID, status: "Succeeded" }),
              stages: view().stages.map((s) => ({ ...s, executionId: NEW_ID })),
            })
          : runningView(NEW_ID),
    });
    mockWindows("main");
    openPipelinePage();
    await screen.findByTestId("stage-Build");

    await waitFor(() =>
      expect(backend.callsTo("plugin:window|set_title").map((c) => c.args.value)).toContain(
        `Pipewright — ${PIPELINE}: Build (2/3)`,
      ),
    );
    const progress = backend.callsTo("plugin:window|set_progress_bar").map((c) => c.args.value);
    expect(progress).toContainEqual({ status: "normal", progress: 50 });

    done = true;
    await act(() => vi.advanceTimersByTimeAsync(2000));
    await waitFor(() => expect(backend.callsTo("desktop_notify")).toHaveLength(1));
    const told = backend.callsTo("desktop_notify")[0]?.args as { title: string; body: string; open: unknown };
    expect(told.title).toBe(`${PIPELINE}: Succeeded`);
    expect(told.body).toContain("every stage succeeded");
    // Clicked, it opens this pipeline's page.
    expect(told.open).toEqual({ pipeline: PIPELINE, approval: false });
    await waitFor(() => expect(backend.callsTo("plugin:window|set_title").at(-1)?.args.value).toBe("Pipewright"));
    expect(backend.callsTo("plugin:window|set_progress_bar").at(-1)?.args.value).toEqual({ status: "none" });
    expect(screen.getByTestId("execution-banner")).toHaveAttribute("data-status", "Succeeded");
  });

  it("a notification that cannot be shown never breaks the page", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    Reflect.deleteProperty(window, "Notification");
    let done = false;
    mockPipelinesBackend({
      pipeline_view: () =>
        done ? view({ latest: execution({ id: NEW_ID, status: "Failed" }) }) : runningView(NEW_ID),
    });
    openPipelinePage();
    await screen.findByTestId("stop-button");
    done = true;
    await act(() => vi.advanceTimersByTimeAsync(2000));
    await waitFor(() => expect(screen.getByTestId("execution-banner")).toHaveAttribute("data-status", "Failed"));
    expect(screen.getByTestId("stage-Build")).toBeInTheDocument();
  });
});

describe("Pipeline page: recent executions", () => {
  it("lists executions and opens one's action executions with the build", async () => {
    const backend = mockPipelinesBackend({
      pipeline_executions: () => [
        execution({ id: NEW_ID, status: "Failed", trigger: "StartPipelineExecution" }),
        execution({ id: OLD_ID, status: "Superseded" }),
      ],
      pipeline_action_executions: () => [
        {
          stage: "Source",
          action: "Source",
          status: "Succeeded",
          startedAt: "2025-01-01T10:00:00Z",
          updatedAt: "2025-01-01T10:00:05Z",
          summary: "Fix the login redirect",
          externalExecutionId: "3f9c2ab",
          externalUrl: null,
          error: null,
          buildId: null,
        },
        {
          stage: "Build",
          action: "bake",
          status: "Failed",
          startedAt: "2025-01-01T10:00:06Z",
          updatedAt: "2025-01-01T10:03:00Z",
          summary: null,
          externalExecutionId: BUILD_ID,
          externalUrl: BUILD_URL,
          error: "JobFailed: Build terminated with state: FAILED",
          buildId: BUILD_ID,
        },
      ],
    });
    const user = userEvent.setup();
    openPipelinePage();
    const table = await screen.findByTestId("executions-table");
    const rows = within(table).getAllByTestId(/^execution-row-/);
    expect(rows.map((r) => r.getAttribute("data-testid"))).toEqual([`execution-row-${NEW_ID}`, `execution-row-${OLD_ID}`]);
    expect(rows[0]).toHaveTextContent("Failed");
    expect(rows[0]).toHaveTextContent("Manual release");
    expect(rows[0]).toHaveTextContent("3f9c2ab");
    expect(rows[1]).toHaveTextContent("Superseded");
    expect(backend.callsTo("pipeline_executions")[0]?.args).toEqual({ session: SESSION, name: PIPELINE, limit: 20 });

    await user.click(rows[0]!);
    const detail = await screen.findByTestId(`execution-detail-${NEW_ID}`);
    expect(backend.callsTo("pipeline_action_executions")[0]?.args).toEqual({
      session: SESSION,
      name: PIPELINE,
      executionId: NEW_ID,
    });
    expect(within(detail).getByTestId("build-id-Build-bake")).toHaveTextContent(BUILD_ID);
    expect(within(detail).getByTestId("action-execution-Build-bake")).toHaveTextContent("JobFailed");
    await user.click(within(detail).getByTestId("action-execution-link-Build-bake"));
    expect(backend.callsTo("open_external").at(-1)?.args.url).toBe(BUILD_URL);

    await user.click(rows[0]!);
    expect(screen.queryByTestId(`execution-detail-${NEW_ID}`)).not.toBeInTheDocument();
  });
});

describe("Pipeline page: the ECS rollout and roll back", () => {
  function rolledBackView() {
    return view({
      latest: execution({
        id: NEW_ID,
        status: "Failed",
        pipelineStatus: "Succeeded",
        statusSummary: "rolled back by the circuit breaker: tasks failed to start",
      }),
      stages: [
        stage({ name: "Source", executionId: NEW_ID, actions: [action({ name: "Source", category: "Source", provider: "CodeStarSourceConnection" })] }),
        stage({ name: "Build", executionId: NEW_ID, actions: [action({ name: "bake" })] }),
        stage({
          name: "Deploy",
          executionId: NEW_ID,
          actions: [
            action({
              name: "Deploy",
              category: "Deploy",
              provider: "ECS",
              externalExecutionId: "ecs-svc/1234567890123456789",
              entityUrl: ECS_URL,
              rollout: failedRollout(),
              diagnosis: {
                code: "image_not_found",
                title: "The image the task definition names does not exist",
                fix: "The build did not push the image it wrote into imagedefinitions.json.",
                phase: "Deploy",
                lines: ["CannotPullContainerError: pull image manifest has been retried 5 time(s): not found"],
                planFix: false,
              },
            }),
          ],
        }),
      ],
    });
  }

  it("shows a release the circuit breaker rolled back as failed, with the stopped task's reason", async () => {
    mockPipelinesBackend({ pipeline_view: () => rolledBackView() });
    openPipelinePage();
    const banner = await screen.findByTestId("execution-banner");
    expect(banner).toHaveAttribute("data-status", "Failed");
    expect(within(banner).getByTestId("execution-pipeline-status")).toHaveTextContent("CodePipeline says Succeeded");
    expect(within(banner).getByTestId("execution-summary")).toHaveTextContent("rolled back by the circuit breaker");
    const rollout = screen.getByTestId("rollout-Deploy-Deploy");
    expect(rollout).toHaveAttribute("data-state", "FAILED");
    expect(within(rollout).getByTestId("rollout-Deploy-Deploy-rolled-back")).toHaveTextContent(
      "Rolled back by the circuit breaker to ecs-svc/1111111111111111111",
    );
    expect(within(rollout).getByTestId("rollout-Deploy-Deploy-tasks")).toHaveTextContent("CannotPullContainerError");
    const diagnosis = screen.getByTestId("diagnosis-Deploy-Deploy");
    expect(diagnosis).toHaveAttribute("data-code", "image_not_found");
    expect(within(diagnosis).getByTestId("diagnosis-Deploy-Deploy-fix")).toHaveTextContent("did not push the image");
    expect(within(diagnosis).queryByTestId("diagnosis-Deploy-Deploy-review-fix")).toBeNull();
  });

  it("rolls back after showing what runs now and what it goes back to", async () => {
    const plan = {
      pipeline: PIPELINE,
      stage: "Deploy",
      method: "RollbackStage",
      methodReason: "CodePipeline runs the Deploy stage again with that execution's artifacts",
      target: { cluster: "cruddur", service: "backend-flask", region: null },
      toExecutionId: OLD_ID,
      toCommit: "1111111aaaa",
      toCommitSummary: "The good one",
      toTaskDefinition: "arn:aws:ecs:us-east-1:1:task-definition/backend-flask:6",
      currentExecutionId: NEW_ID,
      currentCommit: "2222222bbbb",
      currentTaskDefinition: "arn:aws:ecs:us-east-1:1:task-definition/backend-flask:7",
      warnings: [],
    };
    const backend = mockPipelinesBackend({
      pipeline_view: () => rolledBackView(),
      rollback_plan: () => plan,
      rollback_run: () => ({ method: "RollbackStage", executionId: "33333333-aaaa-bbbb-cccc-000000000003", taskDefinition: null }),
    });
    openPipelinePage();
    await userEvent.click(await screen.findByTestId("rollback-button"));
    const dialog = await screen.findByTestId("rollback-dialog");
    await within(dialog).findByTestId("rollback-plan");
    expect(within(dialog).getByTestId("rollback-now")).toHaveTextContent("22222222");
    expect(within(dialog).getByTestId("rollback-now")).toHaveTextContent("backend-flask:7");
    expect(within(dialog).getByTestId("rollback-to")).toHaveTextContent("The good one");
    expect(within(dialog).getByTestId("rollback-to")).toHaveTextContent("backend-flask:6");
    expect(within(dialog).getByTestId("rollback-method")).toHaveTextContent("RollbackStage on Deploy");
    expect(backend.callsTo("rollback_plan")[0]?.args).toMatchObject({ pipeline: PIPELINE, to: null });
    await userEvent.click(within(dialog).getByTestId("rollback-confirm"));
    await waitFor(() => expect(screen.queryByTestId("rollback-dialog")).toBeNull());
    expect(backend.callsTo("rollback_run")[0]?.args.plan).toEqual(plan);
  });

  it("shows Rust's refusal when there is nothing to roll back to", async () => {
    mockPipelinesBackend({
      pipeline_view: () => rolledBackView(),
      rollback_plan: () => {
        throw appError("not_found", "no earlier release whose deployment completed");
      },
    });
    openPipelinePage();
    await userEvent.click(await screen.findByTestId("rollback-button"));
    expect(await screen.findByTestId("rollback-plan-error")).toHaveTextContent("no earlier release whose deployment completed");
    expect(screen.getByTestId("rollback-confirm")).toBeDisabled();
  });
});

describe("Pipeline page: manual approval", () => {
  function waitingView() {
    return view({
      latest: execution({ id: NEW_ID, status: "InProgress" }),
      stages: [
        stage({ name: "Source", executionId: NEW_ID, actions: [action({ name: "Source", category: "Source", provider: "CodeStarSourceConnection" })] }),
        stage({ name: "Build", executionId: NEW_ID, actions: [action({ name: "bake" })] }),
        stage({
          name: "Approval",
          status: "InProgress",
          executionId: NEW_ID,
          actions: [
            action({
              name: "Approve",
              category: "Approval",
              provider: "Manual",
              status: "InProgress",
              awaitingApproval: true,
              approval: {
                comments: "Check staging first",
                reviewUrl: "https://staging.example.com",
                snsTopicArn: null,
                resourceArn: "arn:aws:codepipeline:us-east-1:123456789012:cruddur-backend-fargate/Approval/Approve",
                approvers: "Anyone in account 123456789012 allowed codepipeline:PutApprovalResult on cruddur-backend-fargate/Approval/Approve",
              },
            }),
          ],
        }),
      ],
    });
  }

  it("shows who may approve, and approves with a comment; Rust's field error shows under the comment", async () => {
    let calls = 0;
    const backend = mockPipelinesBackend({
      pipeline_view: () => waitingView(),
      approval_decide: () => {
        calls += 1;
        if (calls === 1) throw appError("validation", "must be at most 512 characters (CodePipeline rule); it has 600", "comment");
        return { stage: "Approval", action: "Approve", executionId: NEW_ID, approved: true };
      },
    });
    openPipelinePage();
    const box = await screen.findByTestId("approval-box-Approval-Approve");
    expect(box).toHaveTextContent("Check staging first");
    expect(box).toHaveTextContent("codepipeline:PutApprovalResult");
    await userEvent.click(within(box).getByTestId("approve-Approval-Approve"));
    const dialog = await screen.findByTestId("approval-dialog");
    expect(within(dialog).getByTestId("approval-request")).toHaveTextContent("Check staging first");
    await userEvent.type(within(dialog).getByTestId("approval-comment"), "x".repeat(20));
    await userEvent.click(within(dialog).getByTestId("approval-confirm"));
    expect(await within(dialog).findByTestId("approval-comment-error")).toHaveTextContent("at most 512 characters");
    await userEvent.clear(within(dialog).getByTestId("approval-comment"));
    await userEvent.type(within(dialog).getByTestId("approval-comment"), "staging is fine");
    await userEvent.click(within(dialog).getByTestId("approval-confirm"));
    await waitFor(() => expect(screen.queryByTestId("approval-dialog")).toBeNull());
    expect(backend.callsTo("approval_decide")[1]?.args).toMatchObject({
      pipeline: PIPELINE,
      approve: true,
      comment: "staging is fine",
    });
  });

  it("opened from the notification (?approval), brings the approval into view with Approve focused", async () => {
    mockPipelinesBackend({ pipeline_view: () => waitingView() });
    window.location.hash = `#/pipelines/${PIPELINE}?approval`;
    renderWithProviders(<PipelinesPage />);
    const approve = await screen.findByTestId("approve-Approval-Approve");
    await waitFor(() => expect(approve).toHaveFocus());
    // Done once: the address loses its ?approval.
    await waitFor(() => expect(window.location.hash).toBe(`#/pipelines/${PIPELINE}`));
  });

  it("rejects", async () => {
    const backend = mockPipelinesBackend({
      pipeline_view: () => waitingView(),
      approval_decide: () => ({ stage: "Approval", action: "Approve", executionId: NEW_ID, approved: false }),
    });
    openPipelinePage();
    await userEvent.click(await screen.findByTestId("reject-Approval-Approve"));
    await userEvent.click(await screen.findByTestId("approval-confirm"));
    await waitFor(() => expect(backend.callsTo("approval_decide")).toHaveLength(1));
    expect(backend.callsTo("approval_decide")[0]?.args).toMatchObject({ approve: false, comment: null });
  });
});
