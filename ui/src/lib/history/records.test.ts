import { describe, expect, it } from "vitest";
import { build, builds, NOW, wire } from "./testing";
import { buildTone, chartData, DAY_MS, filterBuilds, mergeBuilds, NO_FILTERS, projectOfBuild, sinceMs, toMs } from "./records";

const ids = (list: readonly { id: string }[]) => list.map((b) => Number(b.id.split(":")[1]?.slice(0, 8)));

describe("mergeBuilds", () => {
  it("inserts new builds in newest-first order and replaces known ones with the fresher copy", () => {
    const stored = [build(10), build(8), build(5)];
    const batch = [build(9), build(8, { status: "FAILED" }), build(11), build(1)];
    const merged = mergeBuilds(stored, batch);
    expect(ids(merged)).toEqual([11, 10, 9, 8, 5, 1]);
    expect(merged.find((b) => b.id === build(8).id)?.status).toBe("FAILED");
  });

  it("never duplicates a build that arrives twice (or twice in one batch)", () => {
    let list = mergeBuilds([], builds(1, 5));
    list = mergeBuilds(list, [build(3), build(3), build(6)]);
    list = mergeBuilds(list, builds(4, 7));
    expect(ids(list)).toEqual([7, 6, 5, 4, 3, 2, 1]);
  });

  it("returns the same array when a batch changes nothing", () => {
    const list = builds(1, 3);
    expect(mergeBuilds(list, [])).toBe(list);
    expect(mergeBuilds(list, [list[0]!])).toBe(list);
  });

  it("re-sorts when a known build's start time changed", () => {
    const list = builds(1, 3);
    const moved = build(1, { startMs: wire(toMs(build(9).startMs)) });
    expect(ids(mergeBuilds(list, [moved]))).toEqual([1, 3, 2]);
  });

  it("keeps 10,000 builds ordered when merged in batches of 100", () => {
    let list = mergeBuilds([], builds(9_901, 10_000));
    for (let top = 9_900; top > 0; top -= 100) list = mergeBuilds(list, builds(top - 99, top));
    expect(list).toHaveLength(10_000);
    for (let i = 1; i < list.length; i++) expect(toMs(list[i - 1]!.startMs) >= toMs(list[i]!.startMs)).toBe(true);
  });
});

describe("filters", () => {
  const list = [
    build(6, { status: "IN_PROGRESS", durationSeconds: null, endMs: null }),
    build(5, { status: "FAILED" }),
    build(4, { status: "TIMED_OUT" }),
    build(3, { status: "STOPPED" }),
    build(2, { status: "FAULT" }),
    build(1),
  ];

  it("groups statuses: failed covers FAILED, FAULT and TIMED_OUT", () => {
    expect(ids(filterBuilds(list, { ...NO_FILTERS, status: "failed" }))).toEqual([5, 4, 2]);
    expect(ids(filterBuilds(list, { ...NO_FILTERS, status: "succeeded" }))).toEqual([1]);
    expect(ids(filterBuilds(list, { ...NO_FILTERS, status: "stopped" }))).toEqual([3]);
    expect(ids(filterBuilds(list, { ...NO_FILTERS, status: "running" }))).toEqual([6]);
  });

  it("filters by initiator and by start date, combined", () => {
    // build(n): n % 3 → 0 pipeline, 1 webhook, 2 user.
    expect(ids(filterBuilds(list, { ...NO_FILTERS, initiator: "pipeline" }))).toEqual([6, 3]);
    const day = new Date(toMs(build(4).startMs));
    const since = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, "0")}-${String(day.getDate()).padStart(2, "0")}`;
    const from = sinceMs(since)!;
    const expected = list.filter((b) => toMs(b.startMs) >= from).map((b) => b);
    expect(filterBuilds(list, { ...NO_FILTERS, since })).toEqual(expected);
    expect(ids(filterBuilds(list, { status: "failed", since, initiator: "webhook" }))).toEqual(
      ids(expected.filter((b) => b.initiatorKind === "webhook" && buildTone(b.status) === "danger")),
    );
  });

  it("returns the list itself without filters", () => {
    expect(filterBuilds(list, NO_FILTERS)).toBe(list);
    expect(sinceMs("nonsense")).toBeNull();
  });
});

describe("chartData", () => {
  it("charts the window oldest first, capped at the newest builds, coloured by status", () => {
    const list = builds(1, 1000, (n) => ({ status: n === 1000 ? "IN_PROGRESS" : n % 10 === 0 ? "FAILED" : "SUCCEEDED" }));
    // build(n) starts (1000 − n) hours before NOW: 7 days = builds 833..1000.
    const week = chartData(list, 7, NOW);
    expect(week.inWindow).toBe(169);
    expect(week.rows).toHaveLength(169);
    expect(week.rows[0]?.label).toBe("#832");
    expect(week.rows.at(-1)?.label).toBe("#1000");
    expect(week.rows.at(-1)?.tone).toBe("running");
    expect(week.rows.find((r) => r.label === "#840")?.tone).toBe("danger");

    const capped = chartData(list, 90, NOW, 100);
    expect(capped.capped).toBe(true);
    expect(capped.rows).toHaveLength(100);
    expect(capped.rows[0]?.label).toBe("#901");
  });

  it("measures a running build up to now", () => {
    const running = build(1000, { status: "IN_PROGRESS", durationSeconds: null, endMs: null, startMs: wire(NOW - 90_000) });
    expect(chartData([running], 7, NOW).rows[0]?.seconds).toBe(90);
    expect(chartData([running], 7, NOW + 8 * DAY_MS).rows).toHaveLength(0);
  });
});

it("finds the project of a build id", () => {
  expect(projectOfBuild("my-project:1234-abcd")).toBe("my-project");
});

describe("buildTone", () => {
  it("colours statuses by Rust's rule, and a status this version does not know grey", () => {
    expect(buildTone("SUCCEEDED")).toBe("success");
    expect(buildTone("IN_PROGRESS")).toBe("running");
    for (const failed of ["FAILED", "FAULT", "TIMED_OUT"]) expect(buildTone(failed)).toBe("danger");
    expect(buildTone("STOPPED")).toBe("stopped");
    // Neither running nor failed, as `BuildStatus::Unknown` counts in Rust.
    expect(buildTone("PAUSED")).toBe("stopped");
    expect(buildTone(null)).toBe("stopped");
  });
});
