import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { App } from "../App";
import { appError, renderWithProviders } from "../test/backend";
import { PIPELINE, SESSION, execution, mockPipelinesBackend, summary, view } from "../test/pipelines";
import { PipelinesPage } from "./PipelinesPage";

const XSS = "<img src=x onerror=alert(1)>";

function manyPipelines() {
  return [
    summary("api-prod"),
    summary("api-staging", { latest: execution({ status: "Failed", trigger: "StartPipelineExecution" }) }),
    summary("frontend-prod", { latest: execution({ status: "InProgress", durationSeconds: null }) }),
    summary("worker", { latest: null }),
  ];
}

describe("Pipelines page", () => {
  it("lists every pipeline with its latest execution", async () => {
    const backend = mockPipelinesBackend({ pipelines_list: () => manyPipelines() });
    renderWithProviders(<PipelinesPage />);

    const row = await screen.findByTestId("pipeline-row-api-prod");
    expect(row).toHaveTextContent("3f9c2ab");
    expect(row).not.toHaveTextContent("3f9c2ab8"); // 7 characters of the sha
    expect(row).toHaveTextContent("Fix the login redirect");
    expect(row).toHaveTextContent("Webhook");
    expect(row).toHaveTextContent("4m 10s");
    expect(screen.getByTestId("pipeline-status-api-prod")).toHaveTextContent("Succeeded");
    expect(screen.getByTestId("pipeline-status-api-staging")).toHaveTextContent("Failed");
    expect(screen.getByTestId("pipeline-status-frontend-prod")).toHaveTextContent("In progress");
    expect(screen.getByTestId("pipeline-status-worker")).toHaveTextContent("Never run");
    expect(screen.getByTestId("pipeline-row-api-staging")).toHaveTextContent("Manual release");
    expect(backend.callsTo("pipelines_list")[0]?.args).toEqual({ session: SESSION });
  });

  it("filters by name and by latest status", async () => {
    mockPipelinesBackend({ pipelines_list: () => manyPipelines() });
    const user = userEvent.setup();
    renderWithProviders(<PipelinesPage />);
    await screen.findByTestId("pipeline-row-api-prod");
    expect(screen.getAllByTestId(/^pipeline-row-/)).toHaveLength(4);

    await user.type(screen.getByTestId("pipelines-search"), "PROD");
    await waitFor(() => expect(screen.getAllByTestId(/^pipeline-row-/)).toHaveLength(2));
    expect(screen.getByTestId("pipeline-row-api-prod")).toBeInTheDocument();
    expect(screen.getByTestId("pipeline-row-frontend-prod")).toBeInTheDocument();

    await user.selectOptions(screen.getByTestId("pipelines-status-filter"), "InProgress");
    await waitFor(() => expect(screen.getAllByTestId(/^pipeline-row-/)).toHaveLength(1));
    expect(screen.getByTestId("pipeline-row-frontend-prod")).toBeInTheDocument();

    await user.clear(screen.getByTestId("pipelines-search"));
    await user.selectOptions(screen.getByTestId("pipelines-status-filter"), "-");
    await waitFor(() => expect(screen.getAllByTestId(/^pipeline-row-/)).toHaveLength(1));
    expect(screen.getByTestId("pipeline-row-worker")).toBeInTheDocument();

    await user.selectOptions(screen.getByTestId("pipelines-status-filter"), "");
    await user.type(screen.getByTestId("pipelines-search"), "nothing-like-this");
    expect(await screen.findByTestId("pipelines-no-match")).toBeInTheDocument();
  });

  it("says how to create the first pipeline when the region has none", async () => {
    mockPipelinesBackend({ pipelines_list: () => [] });
    const user = userEvent.setup();
    renderWithProviders(<PipelinesPage />);
    const empty = await screen.findByTestId("pipelines-none");
    expect(empty).toHaveTextContent("No pipelines in us-east-1 yet");
    await user.click(within(empty).getByRole("button", { name: /New pipeline/ }));
    expect(window.location.hash).toBe("#/new-pipeline");
  });

  it("opens a pipeline's page from its row", async () => {
    const backend = mockPipelinesBackend();
    const user = userEvent.setup();
    window.location.hash = "#/pipelines";
    renderWithProviders(<App />);
    await user.click(await screen.findByTestId(`pipeline-row-${PIPELINE}`));
    expect(window.location.hash).toBe(`#/pipelines/${PIPELINE}`);
    expect(await screen.findByTestId("stage-Build")).toBeInTheDocument();
    expect(screen.getByTestId("pipeline-name")).toHaveTextContent(PIPELINE);
    expect(screen.getByTestId("pipeline-source")).toHaveTextContent("example/aws-bootcamp-cruddur-2023@prod");
    expect(backend.callsTo("pipeline_view")[0]?.args).toEqual({ session: SESSION, name: PIPELINE });

    await user.click(screen.getByTestId("pipelines-back"));
    expect(await screen.findByTestId(`pipeline-row-${PIPELINE}`)).toBeInTheDocument();
  });

  it("renders commit messages from AWS as text, never as HTML", async () => {
    const latest = execution({ revisions: [{ action: "Source", revisionId: "abcdef1234567", summary: XSS, url: null }] });
    mockPipelinesBackend({
      pipelines_list: () => [summary(PIPELINE, { latest })],
      pipeline_view: () => view({ latest }),
      pipeline_executions: () => [latest],
    });
    const user = userEvent.setup();
    renderWithProviders(<PipelinesPage />);
    const row = await screen.findByTestId(`pipeline-row-${PIPELINE}`);
    expect(row).toHaveTextContent(XSS);
    expect(document.querySelector("img")).toBeNull();

    await user.click(row);
    expect(await screen.findByTestId("execution-revision")).toHaveTextContent(XSS);
    expect(await screen.findByTestId("executions-table")).toHaveTextContent(XSS);
    await user.click(screen.getByTestId("release-button"));
    expect(await screen.findByTestId("release-latest-revision")).toHaveTextContent(XSS);
    expect(document.querySelector("img")).toBeNull();
  });

  it("refreshes every 30 s; a failed refresh keeps the table, shows one banner and pauses until Try again", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      let fail = false;
      const backend = mockPipelinesBackend({
        pipelines_list: () => {
          if (fail) throw appError("network", "dns error: failed to lookup address");
          return [summary(PIPELINE)];
        },
      });
      renderWithProviders(<PipelinesPage />);
      await screen.findByTestId(`pipeline-row-${PIPELINE}`);
      expect(backend.callsTo("pipelines_list")).toHaveLength(1);

      await act(() => vi.advanceTimersByTimeAsync(30_000));
      expect(backend.callsTo("pipelines_list")).toHaveLength(2);

      fail = true;
      await act(() => vi.advanceTimersByTimeAsync(30_000));
      const banner = await screen.findByTestId("poll-error");
      expect(banner).toHaveTextContent("Can’t reach AWS");
      expect(banner).toHaveTextContent("dns error");
      expect(screen.getByTestId(`pipeline-row-${PIPELINE}`)).toBeInTheDocument();
      expect(backend.callsTo("pipelines_list")).toHaveLength(3);

      // Paused: five more minutes, no more calls.
      await act(() => vi.advanceTimersByTimeAsync(5 * 60_000));
      expect(backend.callsTo("pipelines_list")).toHaveLength(3);
      expect(screen.getAllByTestId("poll-error")).toHaveLength(1);

      fail = false;
      fireEvent.click(screen.getByTestId("poll-retry"));
      await waitFor(() => expect(screen.queryByTestId("poll-error")).not.toBeInTheDocument());
      expect(backend.callsTo("pipelines_list")).toHaveLength(4);
      await act(() => vi.advanceTimersByTimeAsync(30_000));
      expect(backend.callsTo("pipelines_list")).toHaveLength(5);
    } finally {
      vi.useRealTimers();
    }
  });
});
