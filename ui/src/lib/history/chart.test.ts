import { describe, expect, it } from "vitest";
import { durationAxis } from "./chart";

describe("durationAxis", () => {
  it("picks the smallest step that needs at most four gridlines", () => {
    expect(durationAxis(100)).toEqual({ top: 120, ticks: [30, 60, 90, 120] });
    expect(durationAxis(121)).toEqual({ top: 180, ticks: [60, 120, 180] });
    expect(durationAxis(7 * 60 + 5)).toEqual({ top: 480, ticks: [120, 240, 360, 480] });
    expect(durationAxis(55 * 60)).toEqual({ top: 3600, ticks: [900, 1800, 2700, 3600] });
  });

  it("gives an axis for no time at all and for very long builds", () => {
    expect(durationAxis(0)).toEqual({ top: 30, ticks: [30] });
    const long = durationAxis(30 * 3600);
    expect(long.ticks).toHaveLength(4);
    expect(long.top).toBeGreaterThanOrEqual(30 * 3600);
    expect(long.top % 3600).toBe(0);
  });
});
