import { describe, expect, it } from "vitest";
import { findMatches, segmentLine } from "./logSearch";

describe("log search", () => {
  it("finds every case-insensitive occurrence, line by line", () => {
    expect(findMatches(["Error here", "no", "error ERROR"], "error")).toEqual([
      { line: 0, start: 0, end: 5 },
      { line: 2, start: 0, end: 5 },
      { line: 2, start: 6, end: 11 },
    ]);
    expect(findMatches(["aaaa"], "aa")).toHaveLength(2);
    expect(findMatches(["x"], "")).toEqual([]);
    expect(findMatches(["a a a a"], "a", 3)).toHaveLength(3);
  });

  it("splits styled tokens at match boundaries, across tokens", () => {
    const tokens = [
      { text: "Step ", className: "" },
      { text: "FAILED", className: "ansi-fg-red" },
      { text: " here", className: "" },
    ];
    expect(segmentLine(tokens, [{ start: 3, end: 8, index: 4 }])).toEqual([
      { text: "Ste", className: "", match: null },
      { text: "p ", className: "", match: 4 },
      { text: "FAI", className: "ansi-fg-red", match: 4 },
      { text: "LED", className: "ansi-fg-red", match: null },
      { text: " here", className: "", match: null },
    ]);
    expect(segmentLine(tokens, [])).toHaveLength(3);
  });
});
