import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "../../App";
import type { BuildRecord } from "../../bindings/BuildRecord";
import type { BuildStats } from "../../bindings/BuildStats";
import type { DoraStats } from "../../bindings/DoraStats";
import type { LogCursor } from "../../bindings/LogCursor";
import type { LogRead } from "../../bindings/LogRead";
import type uPlot from "uplot";
import { DEFAULT_PALETTE } from "../../lib/history/chart";
import { FIRST_SCREEN, historyTiming } from "../../lib/history/queries";
import {
  build,
  builds,
  emitBatch,
  logRead,
  phase,
  PIPELINE,
  PROJECT,
  release,
  summary,
  wire,
} from "../../lib/history/testing";
import { appError, mockBackend, profile, renderWithProviders } from "../../test/backend";
import { deferred, referencePlan, review, SESSION } from "../../test/wizard";

type Handler = (args: Record<string, unknown>) => unknown;

/** A stand-in for uPlot (jsdom has no canvas): records the options and data, and fakes the cursor. */
type FakePlot = {
  opts: uPlot.Options;
  data: [number[], number[]];
  over: HTMLDivElement;
  cursor: { idx: number | null; left: number; top: number };
  colors: () => string[];
  hover: (idx: number) => void;
};
const plots: FakePlot[] = [];

vi.mock("uplot", () => {
  class Plot {
    opts: uPlot.Options;
    data: [number[], number[]];
    over = document.createElement("div");
    cursor: { idx: number | null; left: number; top: number } = { idx: null, left: -10, top: -10 };
    constructor(opts: uPlot.Options, data: [number[], number[]], target: HTMLElement) {
      this.opts = opts;
      this.data = data;
      target.appendChild(this.over);
      plots.push(this);
    }
    setData(data: [number[], number[]]) {
      this.data = data;
    }
    setSize() {}
    destroy() {}
    valToPos(v: number) {
      return v * 10;
    }
    colors(): string[] {
      const paths = this.opts.series[1]?.paths as unknown as { disp: { fill: { values: () => string[] } } };
      return paths.disp.fill.values();
    }
    hover(idx: number) {
      this.cursor = { idx, left: idx * 10, top: 50 };
      const hooks = this.opts.hooks?.setCursor as ((u: uPlot) => void)[] | undefined;
      act(() => hooks?.forEach((hook) => hook(this as unknown as uPlot)));
    }
    static paths = { bars: (opts: unknown) => opts };
  }
  return { default: Plot };
});

/** The cursor token a `build_log_read` call sent. */
function token(call: { args: Record<string, unknown> } | Record<string, unknown>): string | null {
  const args = ("args" in call ? call.args : call) as { cursor?: LogCursor };
  return args.cursor?.token ?? null;
}

function stats(overrides: Partial<BuildStats> = {}): BuildStats {
  return {
    windowDays: 30,
    builds: 48,
    succeeded: 42,
    failed: 6,
    successRate: 0.875,
    medianSeconds: 214,
    p90Seconds: 402,
    phases: [
      { phase: "QUEUED", seconds: 48 },
      { phase: "PROVISIONING", seconds: 576 },
      { phase: "DOWNLOAD_SOURCE", seconds: 144 },
      { phase: "INSTALL", seconds: 96 },
      { phase: "PRE_BUILD", seconds: 288 },
      { phase: "BUILD", seconds: 7680 },
      { phase: "POST_BUILD", seconds: 1200 },
      { phase: "UPLOAD_ARTIFACTS", seconds: 48 },
    ],
    recent: [],
    buildMinutes: 192,
    costUsd: 0.96,
    unpricedMinutes: 0,
    pricesAsOf: "2026-11-01",
    pricesRegion: "us-east-1",
    ...overrides,
  };
}

/** The mocked Rust side of the history pages; `history_sync` answers an empty report unless replaced. */
function mockHistory(handlers: Record<string, Handler> = {}) {
  return mockBackend({
    profiles: [profile({ name: "prod", region: "us-east-1" })],
    session: SESSION,
    handlers: {
      codebuild_projects: () => [PROJECT, "other-project"],
      history_sync: () => ({ listRequests: 1, batchRequests: 0, fetched: 0, totalStored: 0 }),
      history_stats: (args) => stats({ windowDays: args.windowDays as number }),
      history_build: (args) => build(1, { id: args.buildId as string }),
      build_log_read: () => logRead([], "done", null),
      build_diagnosis: () => null,
      history_commits: () => ({}),
      history_commits_sync: () => ({}),
      open_external: () => null,
      ...handlers,
      // As Rust answers: the list gets summaries; the detail asks history_build for the whole record.
      history_builds: async (args) => {
        const all = (await (handlers.history_builds ?? (() => []))(args)) as BuildRecord[];
        return (typeof args.limit === "number" ? all.slice(0, args.limit) : all).map(summary);
      },
    },
  });
}

function rowIds(): string[] {
  return screen.queryAllByTestId(/^history-row-/).map((el) => el.getAttribute("data-testid")!.replace("history-row-", ""));
}

const SCROLL_HEIGHT = 400;

beforeEach(() => {
  // jsdom has no layout: give the virtualized table's scroll area a height.
  vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockImplementation(function (this: HTMLElement) {
    return this.classList.contains("history-table-scroll") ? SCROLL_HEIGHT : 0;
  });
  vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(900);
});

afterEach(() => {
  plots.length = 0;
  historyTiming.runningSyncMs = 30_000;
  historyTiming.logPollMs = 2000;
  historyTiming.buildPollMs = 5000;
});

describe("Build history: a project", () => {
  it("lists the CodeBuild projects and opens one", async () => {
    mockHistory();
    window.location.hash = "#/history";
    const user = userEvent.setup();
    renderWithProviders(<App />);
    await user.click(await screen.findByTestId(`history-project-${PROJECT}`));
    expect(window.location.hash).toBe(`#/history/${PROJECT}`);
    expect(await screen.findByTestId("history-project-select")).toHaveValue(PROJECT);
  });

  it("says so when the region has no CodeBuild project", async () => {
    mockHistory({ codebuild_projects: () => [] });
    window.location.hash = "#/history";
    renderWithProviders(<App />);
    expect(await screen.findByTestId("history-no-projects")).toHaveTextContent("No CodeBuild projects in us-east-1");
  });

  it("says so when a project has no builds yet", async () => {
    mockHistory();
    window.location.hash = `#/history/${PROJECT}`;
    renderWithProviders(<App />);
    expect(await screen.findByTestId("history-no-builds")).toHaveTextContent(`No builds of ${PROJECT} yet`);
  });

  it("shows stored builds at once, then merges streamed batches in order without duplicates", async () => {
    const sync = deferred<unknown>();
    let channel: unknown = null;
    const backend = mockHistory({
      history_builds: () => builds(1, 3),
      history_sync: (args) => {
        channel = args.onBatch;
        return sync.promise;
      },
    });
    window.location.hash = `#/history/${PROJECT}`;
    renderWithProviders(<App />);

    // The stored builds, before AWS answered anything.
    await waitFor(() => expect(rowIds()).toEqual([build(3).id, build(2).id, build(1).id]));
    expect(backend.callsTo("history_builds")[0]?.args).toMatchObject({ project: PROJECT, limit: FIRST_SCREEN + 1 });
    await waitFor(() => expect(channel).not.toBeNull());
    expect(screen.getByTestId("history-refresh")).toBeDisabled();

    // The newest first, with a fresher copy of a stored one…
    emitBatch(channel, [build(5), build(4), build(3, { status: "FAILED" })]);
    await waitFor(() => expect(rowIds()).toEqual([5, 4, 3, 2, 1].map((n) => build(n).id)));
    expect(within(screen.getByTestId(`history-row-${build(3).id}`)).getByText("Failed")).toBeInTheDocument();

    // …then older ones, and repeats.
    emitBatch(channel, [build(4), build(0)], [build(2), build(-1)]);
    await waitFor(() => expect(rowIds()).toEqual([5, 4, 3, 2, 1, 0, -1].map((n) => build(n).id)));
    expect(screen.getByTestId("history-table-count")).toHaveTextContent("7 builds");

    // The figures are asked again once the sync is done.
    const before = backend.callsTo("history_stats").length;
    await act(async () => {
      sync.resolve({ listRequests: 1, batchRequests: 2, fetched: 6, totalStored: 7 });
      await sync.promise;
    });
    await waitFor(() => expect(backend.callsTo("history_stats").length).toBeGreaterThan(before));
    await waitFor(() => expect(screen.getByTestId("history-refresh")).toBeEnabled());
  });

  it("shows the newest stored builds first, then reads the older ones from the store", async () => {
    const older = deferred<unknown>();
    const figures = deferred<unknown>();
    const backend = mockHistory({
      history_builds: (args) => (args.limit === null ? older.promise.then(() => builds(1, 2500)) : builds(1, 2500)),
      history_stats: (args) => figures.promise.then(() => stats({ windowDays: args.windowDays as number })),
    });
    window.location.hash = `#/history/${PROJECT}`;
    renderWithProviders(<App />);
    await waitFor(() => expect(rowIds()[0]).toBe(build(2500).id));
    expect(screen.getByTestId("history-table-count")).toHaveTextContent("1,001 builds");
    expect(screen.getByTestId("history-chart-note")).toHaveTextContent("reading older builds");
    // The older builds are read once the figures (the rest of the first screen) are in.
    expect(backend.callsTo("history_builds").map((c) => c.args.limit)).toEqual([FIRST_SCREEN + 1]);
    await act(async () => {
      figures.resolve(null);
      await figures.promise;
    });
    await waitFor(() => expect(backend.callsTo("history_builds")).toHaveLength(2));
    expect(screen.getByTestId("history-loading-older")).toBeInTheDocument();
    expect(backend.callsTo("history_builds").map((c) => c.args.limit)).toEqual([FIRST_SCREEN + 1, null]);
    older.resolve(null);
    await waitFor(() => expect(screen.getByTestId("history-table-count")).toHaveTextContent("2,500 builds"));
    expect(screen.queryByTestId("history-loading-older")).toBeNull();
    expect(rowIds()[0]).toBe(build(2500).id);
  });

  it("does not read the store again when the first screen holds every build (exactly 1,000)", async () => {
    const backend = mockHistory({ history_builds: () => builds(1, FIRST_SCREEN) });
    window.location.hash = `#/history/${PROJECT}`;
    renderWithProviders(<App />);
    await waitFor(() => expect(screen.getByTestId("history-table-count")).toHaveTextContent("1,000 builds"));
    await waitFor(() => expect(backend.callsTo("history_stats").length).toBeGreaterThan(0));
    expect(screen.queryByTestId("history-loading-older")).toBeNull();
    expect(backend.callsTo("history_builds")).toHaveLength(1);
  });

  it("retries a failed read of the older builds on Refresh", async () => {
    let fail = true;
    const backend = mockHistory({
      history_builds: (args) => {
        if (args.limit === null && fail) throw appError("internal", "history store: disk I/O error");
        return builds(1, 1500);
      },
    });
    window.location.hash = `#/history/${PROJECT}`;
    renderWithProviders(<App />);
    const banner = await screen.findByTestId("history-error");
    expect(banner).toHaveTextContent("disk I/O error");
    fail = false;
    await userEvent.setup().click(screen.getByTestId("history-refresh"));
    await waitFor(() => expect(screen.getByTestId("history-table-count")).toHaveTextContent("1,500 builds"));
    expect(screen.queryByTestId("history-error")).toBeNull();
    expect(backend.callsTo("history_builds").filter((c) => c.args.limit === null)).toHaveLength(2);
  });

  it("shows the figures for 7/30/90 days from history_stats", async () => {
    const backend = mockHistory({ history_builds: () => builds(1, 3) });
    window.location.hash = `#/history/${PROJECT}`;
    const user = userEvent.setup();
    renderWithProviders(<App />);
    await waitFor(() => expect(screen.getByTestId("history-success-rate")).toHaveTextContent("87.5%"));
    const panel = screen.getByTestId("history-stats");
    expect(screen.getByTestId("history-build-count")).toHaveTextContent("48");
    expect(screen.getByTestId("history-median")).toHaveTextContent("3m 34s");
    expect(screen.getByTestId("history-p90")).toHaveTextContent("6m 42s");
    expect(screen.getByTestId("history-build-minutes")).toHaveTextContent("192");
    expect(screen.getByTestId("history-cost")).toHaveTextContent("$0.96");
    expect(screen.getByTestId("history-cost-detail")).toHaveTextContent("At CodeBuild on-demand prices of 2026-11-01 (us-east-1)");
    expect(panel).not.toHaveTextContent("not priced");
    expect(screen.getByTestId("history-phase-BUILD")).toBeInTheDocument();
    expect(screen.getByTestId("history-phases")).toHaveTextContent("Provisioning");

    await user.click(screen.getByTestId("history-window-90"));
    await waitFor(() => expect(backend.callsTo("history_stats").some((c) => c.args.windowDays === 90)).toBe(true));
    expect(screen.getByTestId("history-stats")).toHaveTextContent("Last 90 days");
  });

  it("says which build minutes the cost leaves out", async () => {
    mockHistory({ history_builds: () => builds(1, 3), history_stats: () => stats({ unpricedMinutes: 42 }) });
    window.location.hash = `#/history/${PROJECT}`;
    renderWithProviders(<App />);
    await waitFor(() =>
      expect(screen.getByTestId("history-cost-detail")).toHaveTextContent(
        "At CodeBuild on-demand prices of 2026-11-01 (us-east-1); 42 minutes of ARM, GPU, Lambda or Windows builds not priced",
      ),
    );
  });

  it("charts one bar per build of the window, coloured by status, with a tooltip and click-through", async () => {
    const now = Date.now();
    const recent = (n: number, status: string, minutesAgo: number): BuildRecord =>
      build(n, { status, startMs: wire(now - minutesAgo * 60_000), ...(status === "IN_PROGRESS" ? { durationSeconds: null, endMs: null } : {}) });
    mockHistory({
      history_builds: () => [
        recent(5, "IN_PROGRESS", 1),
        recent(4, "FAILED", 10),
        recent(3, "STOPPED", 20),
        recent(2, "SUCCEEDED", 30),
        // 40 days ago: outside the default 30-day window.
        recent(1, "SUCCEEDED", 40 * 24 * 60),
      ],
    });
    window.location.hash = `#/history/${PROJECT}`;
    renderWithProviders(<App />);
    const chart = await screen.findByTestId("history-chart");
    await waitFor(() => expect(plots).toHaveLength(1));
    const plot = plots[0]!;
    expect(chart).toHaveAttribute("data-bars", "4");
    // Oldest on the left; minutes on y.
    expect(plot.data[0]).toEqual([0, 1, 2, 3]);
    expect(plot.data[1].slice(0, 3)).toEqual([214 / 60, 214 / 60, 214 / 60]);
    expect(plot.colors()).toEqual([
      DEFAULT_PALETTE.success,
      DEFAULT_PALETTE.stopped,
      DEFAULT_PALETTE.danger,
      DEFAULT_PALETTE.running,
    ]);

    // Hover: the tooltip says which build, as text.
    plot.hover(2);
    const tooltip = await screen.findByTestId("history-tooltip");
    expect(tooltip).toHaveTextContent("Build #4 · Failed");
    expect(tooltip).toHaveTextContent("3m 34s");
    expect(tooltip).toHaveTextContent(build(4).commit!.slice(0, 7));
    expect(tooltip).toHaveTextContent("Webhook (GitHub-Hookshot/abc123)");

    // Click: the build opens.
    act(() => {
      plot.over.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    });
    await waitFor(() => expect(window.location.hash).toBe(`#/history/${PROJECT}/builds/${encodeURIComponent(build(4).id)}`));
  });

  it("stacks each recent build's phases in a bar of its own, names them on hover and opens the build on click", async () => {
    const seconds = (queued: number, build: number) => [queued, 30, 5, 0, 10, build, 20, 1];
    const recent = [
      { id: `${PROJECT}:a`, buildNumber: 7, status: "SUCCEEDED", startMs: Date.now() - 3_600_000, seconds: seconds(2, 120) },
      { id: `${PROJECT}:b`, buildNumber: 8, status: "FAILED", startMs: Date.now() - 1_800_000, seconds: seconds(4, 300) },
    ];
    mockHistory({ history_builds: () => builds(1, 3), history_stats: () => stats({ recent }) });
    window.location.hash = `#/history/${PROJECT}`;
    const user = userEvent.setup();
    renderWithProviders(<App />);
    const chart = await screen.findByTestId("history-phase-bars");
    expect(chart).toHaveTextContent("Each of the last 2 finished builds");
    const [first, second] = recent.map((b) => screen.getByTestId(`history-phase-bar-${b.id}`));
    // Heights against an axis of 8 minutes (the longer build: 370 s); one segment per timed phase.
    expect(second).toHaveStyle({ height: `${(370 / 480) * 100}%` });
    expect(first).toHaveStyle({ height: `${(188 / 480) * 100}%` });
    expect(second!.querySelectorAll("span")).toHaveLength(7);
    expect(second).toHaveAttribute("data-tone", "danger");
    expect(second).toHaveAccessibleName("Build #8, Failed, 6m 10s");

    await user.hover(second!);
    const detail = screen.getByTestId("history-phase-bars-detail");
    expect(detail).toHaveTextContent("Build #8 · Failed");
    expect(detail).toHaveTextContent("Queued 4s · Provisioning 30s · Download source 5s · Pre build 10s · Build 5m · Post build 20s");
    expect(detail).not.toHaveTextContent("Install");

    await user.click(first!);
    await waitFor(() => expect(window.location.hash).toBe(`#/history/${PROJECT}/builds/${encodeURIComponent(recent[0]!.id)}`));
  });

  it("caps the chart at the newest 1,000 builds of the window and says so", async () => {
    const now = Date.now();
    mockHistory({ history_builds: () => builds(1, 1500).map((b, i) => ({ ...b, startMs: wire(now - i * 60_000) })) });
    window.location.hash = `#/history/${PROJECT}`;
    renderWithProviders(<App />);
    await waitFor(() => expect(plots).toHaveLength(1));
    expect(plots[0]!.data[0]).toHaveLength(1000);
    expect(screen.getByTestId("history-chart-note")).toHaveTextContent("The newest 1,000 of 1,500 builds in the last 30 days.");
  });

  it("filters the table by status, date and initiator", async () => {
    // One build a day, each at local noon, so a date picks whole days in any time zone.
    const base = new Date(2025, 4, 1, 12, 0, 0).getTime();
    const day = (n: number) => ({ startMs: base + n * 86_400_000, endMs: base + n * 86_400_000 + 214_000 });
    mockHistory({
      history_builds: () => [
        build(6, { status: "FAILED", ...day(6) }),
        build(5, { status: "TIMED_OUT", ...day(5) }),
        build(4, { status: "STOPPED", ...day(4) }),
        build(3, day(3)),
        build(2, { status: "FAULT", ...day(2) }),
        build(1, day(1)),
      ],
    });
    window.location.hash = `#/history/${PROJECT}`;
    const user = userEvent.setup();
    renderWithProviders(<App />);
    await waitFor(() => expect(rowIds()).toHaveLength(6));

    await user.selectOptions(screen.getByTestId("history-filter-status"), "failed");
    await waitFor(() => expect(rowIds()).toEqual([6, 5, 2].map((n) => build(n).id)));
    expect(screen.getByTestId("history-table-count")).toHaveTextContent("3 of 6 builds");

    // build(n) % 3: 0 pipeline, 1 webhook, 2 user.
    await user.selectOptions(screen.getByTestId("history-filter-initiator"), "user");
    await waitFor(() => expect(rowIds()).toEqual([5, 2].map((n) => build(n).id)));

    // Since the day of build 4: build 5 (the day after) stays, build 2 (two days before) goes.
    const d = new Date(base + 4 * 86_400_000);
    const since = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
    fireEvent.change(screen.getByTestId("history-filter-since"), { target: { value: since } });
    await waitFor(() => expect(rowIds()).toEqual([build(5).id]));
    expect(screen.getByTestId("history-table-count")).toHaveTextContent("1 of 6 builds");
    // The date alone: builds 6, 5 and 4 (that day counts).
    await user.selectOptions(screen.getByTestId("history-filter-status"), "");
    await user.selectOptions(screen.getByTestId("history-filter-initiator"), "");
    await waitFor(() => expect(rowIds()).toEqual([6, 5, 4].map((n) => build(n).id)));

    await user.click(screen.getByTestId("history-filter-clear"));
    await waitFor(() => expect(rowIds()).toHaveLength(6));
  });

  it("shows the commit message of builds a release told it, as text", async () => {
    const backend = mockHistory({
      history_builds: () => builds(1, 3),
      history_commits: () => ({ [build(3).id]: "Stored message" }),
      history_commits_sync: () => ({ [build(3).id]: "<b>Fix</b> login\n\nThe long body", [build(2).id]: "From the release" }),
    });
    window.location.hash = `#/history/${PROJECT}`;
    renderWithProviders(<App />);
    const row = (n: number) => screen.getByTestId(`history-row-${build(n).id}`);
    // The stored messages at once, those of the synced releases after the sync.
    await waitFor(() => expect(row(2)).toHaveTextContent("From the release"));
    expect(row(3)).toHaveTextContent("<b>Fix</b> login");
    expect(row(3)).not.toHaveTextContent("The long body");
    expect(row(3).querySelector("b")).toBeNull();
    expect(within(row(1)).queryByTestId("history-commit-message")).toBeNull();
    expect(backend.callsTo("history_commits")).toHaveLength(1);
    expect(backend.callsTo("history_commits_sync")).toHaveLength(1);
  });

  it("keeps only a window of 10,000 rows in the DOM and follows the scroll", async () => {
    mockHistory({ history_builds: () => builds(1, 10_000) });
    window.location.hash = `#/history/${PROJECT}`;
    renderWithProviders(<App />);
    await waitFor(() => expect(rowIds().length).toBeGreaterThan(0));
    expect(screen.getByTestId("history-table-count")).toHaveTextContent("10,000 builds");
    const first = rowIds();
    expect(first.length).toBeLessThan(60);
    expect(first[0]).toBe(build(10_000).id);

    const scroller = screen.getByTestId("history-table-scroll");
    scroller.scrollTop = 40 * 5000;
    fireEvent.scroll(scroller);
    await waitFor(() => expect(rowIds()).toContain(build(5000).id));
    expect(rowIds().length).toBeLessThan(60);
    expect(rowIds()).not.toContain(build(10_000).id);
  });

  it("shows a banner when the sync fails and retries on Refresh", async () => {
    let fail = true;
    const backend = mockHistory({
      history_builds: () => builds(1, 2),
      history_sync: () => {
        if (fail) throw appError("expired_credentials", "The security token included in the request is expired");
        return { listRequests: 1, batchRequests: 0, fetched: 0, totalStored: 2 };
      },
    });
    window.location.hash = `#/history/${PROJECT}`;
    const user = userEvent.setup();
    renderWithProviders(<App />);
    const banner = await screen.findByTestId("history-error");
    expect(banner).toHaveTextContent("Credentials have expired");
    expect(banner).toHaveTextContent("The security token included in the request is expired");
    // The stored builds stay on screen.
    await waitFor(() => expect(rowIds()).toHaveLength(2));

    fail = false;
    await user.click(screen.getByTestId("history-refresh"));
    await waitFor(() => expect(screen.queryByTestId("history-error")).not.toBeInTheDocument());
    expect(backend.callsTo("history_sync")).toHaveLength(2);
  });

  it("syncs again on a timer while a build is in progress", async () => {
    historyTiming.runningSyncMs = 40;
    const backend = mockHistory({
      history_builds: () => [build(2, { status: "IN_PROGRESS", durationSeconds: null, endMs: null }), build(1)],
    });
    window.location.hash = `#/history/${PROJECT}`;
    renderWithProviders(<App />);
    await waitFor(() => expect(backend.callsTo("history_sync").length).toBeGreaterThanOrEqual(3), { timeout: 2000 });
  });

  it("does not poll when every build has finished", async () => {
    historyTiming.runningSyncMs = 20;
    const backend = mockHistory({ history_builds: () => builds(1, 2) });
    window.location.hash = `#/history/${PROJECT}`;
    renderWithProviders(<App />);
    await waitFor(() => expect(backend.callsTo("history_sync")).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 150));
    expect(backend.callsTo("history_sync")).toHaveLength(1);
  });
});

describe("Build history: a build", () => {
  const E = "\x1b";
  const FAILED = build(7, {
    status: "FAILED",
    phases: [
      phase("QUEUED", 2),
      phase("PROVISIONING", 14),
      phase("BUILD", 61, { status: "FAILED", messages: ["COMMAND_EXECUTION_ERROR: Error while executing command: docker build. Reason: exit status 1"] }),
      phase("POST_BUILD", 1, { status: "SKIPPED" }),
      phase("COMPLETED", 0, { status: null, durationSeconds: null }),
    ],
  });

  function detail(handlers: Record<string, Handler> = {}, record: BuildRecord = FAILED) {
    const backend = mockHistory({ history_builds: () => [record], history_build: () => record, ...handlers });
    window.location.hash = `#/history/${PROJECT}/builds/${encodeURIComponent(record.id)}`;
    renderWithProviders(<App />);
    return backend;
  }

  it("opens from a table row", async () => {
    mockHistory({ history_builds: () => builds(1, 3), history_build: () => build(2) });
    window.location.hash = `#/history/${PROJECT}`;
    const user = userEvent.setup();
    renderWithProviders(<App />);
    await user.click(await screen.findByTestId(`history-row-${build(2).id}`));
    const page = await screen.findByTestId("build-detail");
    expect(window.location.hash).toBe(`#/history/${PROJECT}/builds/${encodeURIComponent(build(2).id)}`);
    expect(within(page).getByTestId("build-number")).toHaveTextContent("#2");
  });

  it("shows the header, a proportional phase timeline and the failed phase's messages", async () => {
    const backend = detail();
    const page = await screen.findByTestId("build-detail");
    expect(await within(page).findByTestId("build-status")).toHaveTextContent("Failed");
    expect(within(page).getByTestId("build-commit")).toHaveTextContent(FAILED.commit!.slice(0, 7));
    expect(within(page).getByTestId("build-initiator")).toHaveTextContent("Webhook GitHub-Hookshot/abc123");
    expect(within(page).getByTestId("build-duration")).toHaveTextContent("3m 34s");

    const buildPhase = screen.getByTestId("build-phase-BUILD");
    expect(buildPhase).toHaveClass("history-timeline-danger");
    expect(buildPhase.style.flexGrow).toBe("61");
    expect(screen.getByTestId("build-phase-PROVISIONING").style.flexGrow).toBe("14");
    expect(screen.queryByTestId("build-phase-COMPLETED")).not.toBeInTheDocument();
    expect(screen.getByTestId("build-phase-messages")).toHaveTextContent("COMMAND_EXECUTION_ERROR");

    await userEvent.setup().click(screen.getByTestId("build-console"));
    await waitFor(() => expect(backend.callsTo("open_external")[0]?.args).toMatchObject({ url: FAILED.consoleUrl }));
  });

  it("explains the failure at the top, from Rust, and opens the plan's review to fix it", async () => {
    const diagnosis = {
      code: "ecr_login_denied",
      title: "The build may not log in to ECR",
      fix: 'Grant ecr:GetAuthorizationToken on "*" in the build role\'s policy.',
      phase: "PRE_BUILD",
      lines: ["User: arn:aws:sts::1:assumed-role/r/AWSCodeBuild-1 is not authorized to perform: ecr:GetAuthorizationToken on resource: *"],
      planFix: true,
    };
    const backend = detail({
      build_diagnosis: () => diagnosis,
      diagnosis_fix_plan: () => referencePlan(),
      plan_validate: () => [],
      plan_review: () => review(),
    });
    const panel = await screen.findByTestId("build-diagnosis");
    expect(panel).toHaveAttribute("data-code", "ecr_login_denied");
    expect(within(panel).getByTestId("build-diagnosis-lines")).toHaveTextContent("ecr:GetAuthorizationToken on resource: *");
    expect(within(panel).getByTestId("build-diagnosis-fix")).toHaveTextContent('on "*"');
    expect(backend.callsTo("build_diagnosis")[0]?.args).toMatchObject({ buildId: FAILED.id });
    await userEvent.setup().click(within(panel).getByTestId("build-diagnosis-review-fix"));
    await waitFor(() => expect(window.location.hash).toBe("#/new-pipeline"));
    expect(backend.callsTo("diagnosis_fix_plan")[0]?.args).toMatchObject({ project: PROJECT });
  });

  it("says when the plan that would fix it was not made on this computer", async () => {
    detail({
      build_diagnosis: () => ({
        code: "docker_daemon_unavailable",
        title: "Docker is not running in the build container",
        fix: "Turn on privileged mode.",
        phase: "BUILD",
        lines: [],
        planFix: true,
      }),
      diagnosis_fix_plan: () => null,
    });
    await userEvent.setup().click(await screen.findByTestId("build-diagnosis-review-fix"));
    expect(await screen.findByTestId("build-diagnosis-no-plan")).toHaveTextContent(`did not create ${PROJECT}`);
  });

  it("shows the commit message of its release in full, as text", async () => {
    detail({ history_commits: () => ({ [FAILED.id]: "<img src=x onerror=alert(1)> Fix login\n\nBody line" }) });
    const message = await screen.findByTestId("build-commit-message");
    expect(message.textContent).toBe("<img src=x onerror=alert(1)> Fix login\n\nBody line");
    expect(message.querySelector("img")).toBeNull();
  });

  it("reads while Rust says more, sends back its cursor, renders ANSI colours as classes, and hostile lines as text", async () => {
    const reads: Record<string, LogRead> = {
      start: logRead([`${E}[32m[Container] Entering phase BUILD${E}[0m`, `${E}[1;31mERROR${E}[0m failed`], "more", "t1"),
      t1: logRead(["<img src=x onerror=alert(1)>", "<script>window.__xss=1</script>", `${E}[4munder${E}[24m`], "done", "t2"),
    };
    const backend = detail({ build_log_read: (args) => reads[token(args) ?? "start"] });
    const log = await screen.findByTestId("build-log");
    await waitFor(() => expect(within(log).getAllByTestId("build-log-line")).toHaveLength(5));
    // Read on at once with the cursor Rust returned, then stopped when it said done.
    expect(backend.callsTo("build_log_read").map(token)).toEqual([null, "t1"]);
    expect(backend.callsTo("build_log_read")[0]?.args).toMatchObject({ group: FAILED.logGroup, stream: FAILED.logStream, running: false });

    const lines = within(log).getAllByTestId("build-log-line");
    expect(lines[0]).toHaveTextContent("[Container] Entering phase BUILD");
    expect(within(lines[0]!).getByText("[Container] Entering phase BUILD")).toHaveClass("ansi-fg-green");
    expect(within(lines[1]!).getByText("ERROR")).toHaveClass("ansi-fg-red", "ansi-bold");
    expect(within(lines[1]!).getByText("ERROR").textContent).toBe("ERROR");
    expect(lines[1]!.textContent).not.toContain("\x1b");
    expect(within(lines[4]!).getByText("under")).toHaveClass("ansi-underline");

    // Literally, as text: no element was made from them.
    expect(lines[2]).toHaveTextContent("<img src=x onerror=alert(1)>");
    expect(lines[3]).toHaveTextContent("<script>window.__xss=1</script>");
    expect(log.querySelector("img")).toBeNull();
    expect(log.querySelector("script")).toBeNull();
    expect((window as unknown as { __xss?: number }).__xss).toBeUndefined();
    expect(screen.getByTestId("build-log-console")).toBeInTheDocument();
  });

  it("asks again after a pause when Rust says poll, and stops when it says done", async () => {
    historyTiming.logPollMs = 20;
    const reads: Record<string, LogRead> = {
      start: logRead(["one"], "poll", "t1"),
      // One last look after the build ended (CloudWatch can lag): Rust's rule, not the page's.
      t1: logRead(["two"], "done", "t1"),
    };
    const backend = detail({ build_log_read: (args) => reads[token(args) ?? "start"] });
    const log = await screen.findByTestId("build-log");
    await waitFor(() => expect(within(log).getAllByTestId("build-log-line")).toHaveLength(2));
    await new Promise((r) => setTimeout(r, 100));
    expect(backend.callsTo("build_log_read").map(token)).toEqual([null, "t1"]);
  });

  it("searches the log, highlights matches and jumps between them", async () => {
    detail({
      build_log_read: (args) =>
        token(args)
          ? logRead([], "done", "t1")
          : logRead(["docker build .", `${E}[31mError${E}[0m: step failed`, "ok", "error again, ERROR twice"], "more", "t1"),
    });
    const log = await screen.findByTestId("build-log");
    await waitFor(() => expect(within(log).getAllByTestId("build-log-line")).toHaveLength(4));
    const user = userEvent.setup();
    await user.type(screen.getByTestId("log-search"), "error");
    await waitFor(() => expect(screen.getByTestId("log-search-count")).toHaveTextContent("1 of 3"));
    const marks = () => [...log.querySelectorAll("mark")];
    expect(marks().map((m) => m.textContent)).toEqual(["Error", "error", "ERROR"]);
    // The coloured match keeps its colour.
    expect(marks()[0]).toHaveClass("history-log-match-current", "ansi-fg-red");

    await user.click(screen.getByTestId("log-search-next"));
    expect(screen.getByTestId("log-search-count")).toHaveTextContent("2 of 3");
    expect(marks()[1]).toHaveClass("history-log-match-current");
    expect(marks()[0]).not.toHaveClass("history-log-match-current");

    await user.type(screen.getByTestId("log-search"), "{Enter}");
    expect(screen.getByTestId("log-search-count")).toHaveTextContent("3 of 3");
    await user.type(screen.getByTestId("log-search"), "{Enter}");
    expect(screen.getByTestId("log-search-count")).toHaveTextContent("1 of 3");
    await user.click(screen.getByTestId("log-search-prev"));
    expect(screen.getByTestId("log-search-count")).toHaveTextContent("3 of 3");

    await user.clear(screen.getByTestId("log-search"));
    await user.type(screen.getByTestId("log-search"), "nowhere");
    await waitFor(() => expect(screen.getByTestId("log-search-count")).toHaveTextContent("No matches"));
    expect(marks()).toHaveLength(0);
  });

  it("follows a running build's log with the last cursor until Rust says done", async () => {
    historyTiming.logPollMs = 20;
    historyTiming.buildPollMs = 30;
    let running = true;
    const record = () =>
      build(9, running ? { status: "IN_PROGRESS", durationSeconds: null, endMs: null } : { status: "SUCCEEDED" });
    let polls = 0;
    const backend = mockBackend({
      profiles: [profile({ name: "prod", region: "us-east-1" })],
      session: SESSION,
      handlers: {
        codebuild_projects: () => [PROJECT],
        history_builds: () => [record()],
        history_sync: () => ({ listRequests: 1, batchRequests: 0, fetched: 0, totalStored: 1 }),
        history_stats: () => stats(),
        history_build: () => record(),
        build_log_read: (args) => {
          // Rust's rule, as the mock plays it: poll while the page says the build runs.
          const next = args.running ? "poll" : "done";
          if (token(args) === null) return logRead(["line 1"], next, "a");
          if (token(args) === "a") {
            polls += 1;
            // Two empty polls, then a new line.
            return polls < 3 ? logRead([], next, "a") : logRead(["line 2"], next, "b");
          }
          if (token(args) === "b") {
            running = false;
            return logRead([], next, "b");
          }
          throw appError("internal", `unexpected token ${JSON.stringify(token(args))}`);
        },
      },
    });
    window.location.hash = `#/history/${PROJECT}/builds/${encodeURIComponent(build(9).id)}`;
    renderWithProviders(<App />);
    const log = await screen.findByTestId("build-log");
    await waitFor(() => expect(within(log).getAllByTestId("build-log-line")).toHaveLength(1));
    await waitFor(() => expect(screen.getByTestId("build-log-status")).toHaveTextContent("Following new lines"));
    await waitFor(() => expect(within(log).getAllByTestId("build-log-line")).toHaveLength(2), { timeout: 2000 });
    expect(log).toHaveTextContent("line 2");
    // The build ends: the detail says so and the log stops polling (after one last look).
    await waitFor(() => expect(screen.getByTestId("build-status")).toHaveTextContent("Succeeded"), { timeout: 2000 });
    await waitFor(() => expect(screen.getByTestId("build-log-status")).not.toHaveTextContent("Following"));
    await new Promise((r) => setTimeout(r, 100));
    const calls = backend.callsTo("build_log_read").length;
    await new Promise((r) => setTimeout(r, 150));
    expect(backend.callsTo("build_log_read")).toHaveLength(calls);
    // It said it was following while the build ran, and not once it had ended.
    expect(backend.callsTo("build_log_read").some((c) => c.args.running === true)).toBe(true);
    expect(backend.callsTo("build_log_read").at(-1)?.args.running).toBe(false);
  });

  it("shows a log error as a banner with Try again", async () => {
    let fail = true;
    detail({
      build_log_read: () => {
        if (fail) throw appError("access_denied", "not authorized to perform: logs:GetLogEvents");
        return logRead(["back"], "done", null);
      },
    });
    const notice = await screen.findByTestId("build-log-error");
    expect(notice).toHaveTextContent("Access denied");
    expect(notice).toHaveTextContent("logs:GetLogEvents");
    fail = false;
    await userEvent.setup().click(within(notice).getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(screen.getByTestId("build-log")).toHaveTextContent("back"));
  });

  it("says the build wrote no log when it failed before its container started", async () => {
    const failedEarly = build(8, {
      status: "FAILED",
      phases: [phase("QUEUED", 2), phase("PROVISIONING", 30, { status: "FAILED", messages: ["ACCESS_DENIED: logs:CreateLogStream"] })],
    });
    const backend = detail({ build_log_read: () => ({ ...logRead([], "done", null), streamExists: false }) }, failedEarly);
    await waitFor(() => expect(screen.getByTestId("build-log")).toHaveTextContent("ended before its build container started"));
    expect(screen.queryByTestId("build-log-error")).toBeNull();
    expect(backend.callsTo("build_log_read")).toHaveLength(1);
  });

  it("says the log is no longer in CloudWatch when a build that ran has no stream", async () => {
    detail({ build_log_read: () => ({ ...logRead([], "done", null), streamExists: false }) });
    await waitFor(() => expect(screen.getByTestId("build-log")).toHaveTextContent("no longer in CloudWatch"));
  });
});

describe("Build history: releases", () => {
  const dora = (days: number): DoraStats => ({
    windowDays: days,
    deployments: days === 7 ? 3 : 12,
    deploymentsPerDay: days === 7 ? 3 / 7 : 0.4,
    leadTimeMedianSeconds: 1260,
    changeFailureRate: 0.2,
    timeToRestoreMedianSeconds: 5400,
  });

  function mockReleases() {
    return mockHistory({
      pipelines_list: () => [
        { name: PIPELINE, pipelineType: "V2", executionMode: "SUPERSEDED", updatedAt: null, latest: null, consoleUrl: "https://x" },
      ],
      history_releases_sync: () => [
        release("bbbbbbbb", 5, { status: "Failed", buildStatus: "Succeeded", deployStatus: "Failed", commitSummary: "<b>Fix</b> login" }),
        release("cccccccc", 1, { status: "InProgress", endMs: null, deployStatus: null, buildStatus: "InProgress" }),
        release("aaaaaaaa", 30),
      ],
      history_dora: (args) => dora(args.windowDays as number),
    });
  }

  it("picks a pipeline in the Releases tab", async () => {
    mockReleases();
    window.location.hash = `#/history/${PROJECT}`;
    const user = userEvent.setup();
    renderWithProviders(<App />);
    await user.click(await screen.findByTestId("history-tab-releases"));
    await user.click(await screen.findByTestId(`history-pipeline-${PIPELINE}`));
    expect(window.location.hash).toBe(`#/history/releases/${PIPELINE}`);
    expect(await screen.findByTestId("release-row-aaaaaaaa")).toBeInTheDocument();
  });

  it("shows the executions newest first (commit → build → deploy) and the DORA figures", async () => {
    const backend = mockReleases();
    window.location.hash = `#/history/releases/${PIPELINE}`;
    const user = userEvent.setup();
    renderWithProviders(<App />);
    await screen.findByTestId("release-row-aaaaaaaa");
    const order = screen.getAllByTestId(/^release-row-/).map((el) => el.getAttribute("data-testid"));
    expect(order).toEqual(["release-row-cccccccc", "release-row-bbbbbbbb", "release-row-aaaaaaaa"]);

    const failed = screen.getByTestId("release-row-bbbbbbbb");
    expect(failed).toHaveTextContent("bbbbbbb");
    // The summary is text, not markup.
    expect(failed).toHaveTextContent("<b>Fix</b> login");
    expect(failed.querySelector("b")).toBeNull();
    expect(within(failed).getByTestId("release-deploy")).toHaveTextContent("Failed");
    expect(within(failed).getByTestId("release-build")).toHaveAttribute(
      "href",
      `#/history/${PROJECT}/builds/${encodeURIComponent(`${PROJECT}:bbbbbbbb-uuid`)}`,
    );
    expect(within(screen.getByTestId("release-row-cccccccc")).getByTestId("release-status")).toHaveTextContent("In progress");

    const figures = screen.getByTestId("dora-figures");
    await waitFor(() => expect(screen.getByTestId("dora-frequency")).toHaveTextContent("2.8 a week"));
    expect(screen.getByTestId("dora-lead-time")).toHaveTextContent("21m");
    expect(screen.getByTestId("dora-failure-rate")).toHaveTextContent("20%");
    expect(screen.getByTestId("dora-restore")).toHaveTextContent("1h 30m");
    expect(figures).toHaveTextContent("From the commit’s first build (or its execution’s start) to the end of its successful deploy.");
    expect(figures).toHaveTextContent("From a failed deploy to the end of the next successful one.");
    // The deploy's own time (the fixture's deploy ran 5 minutes).
    expect(within(screen.getByTestId("release-row-aaaaaaaa")).getByTestId("release-deploy-time")).toHaveTextContent("5m");

    await user.click(screen.getByTestId("dora-window-7"));
    await waitFor(() => expect(screen.getByTestId("dora-frequency")).toHaveTextContent("3 a week"));
    expect(backend.callsTo("history_dora").map((c) => c.args.windowDays)).toContain(7);
    expect(backend.callsTo("history_dora")[0]?.args).toMatchObject({ pipeline: PIPELINE });
  });
});
