/**
 * The duration chart's data for uPlot: x = position (oldest build first), y = minutes, and one
 * colour per bar from its status.
 */
import { monthDay } from "../format";
import type { BuildTone, ChartRow } from "./records";

export type Palette = Record<BuildTone, string> & { axis: string; grid: string };

/** Used when the CSS cannot be read (tests): the same values as history.css. */
export const DEFAULT_PALETTE: Palette = {
  success: "#2da44e",
  danger: "#d1242f",
  stopped: "#9aa1ad",
  running: "#2f81f7",
  axis: "#666e7b",
  grid: "#e2e5ea",
};

const TONES: BuildTone[] = ["success", "danger", "stopped", "running"];

/** The bar colours as history.css defines them on the legend swatches (`[data-tone]`). */
export function chartPalette(legend: HTMLElement | null): Palette {
  const palette = { ...DEFAULT_PALETTE };
  if (!legend) return palette;
  for (const tone of TONES) {
    const swatch = legend.querySelector(`[data-tone="${tone}"]`);
    const color = swatch ? getComputedStyle(swatch).backgroundColor : "";
    if (color && color !== "transparent" && color !== "rgba(0, 0, 0, 0)") palette[tone] = color;
  }
  return palette;
}

/** uPlot's aligned data: [x positions, minutes]. */
export function plotData(rows: readonly ChartRow[]): [number[], number[]] {
  const xs = new Array<number>(rows.length);
  const ys = new Array<number>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    xs[i] = i;
    ys[i] = (rows[i] as ChartRow).minutes;
  }
  return [xs, ys];
}

/** One colour per bar, in data order. */
export function barColors(rows: readonly ChartRow[], palette: Palette): string[] {
  return rows.map((r) => palette[r.tone]);
}

/** The x-axis label at position `v`: the day the build there started ("Jun 30"). */
export function tickLabel(rows: readonly ChartRow[], v: number): string {
  const row = rows[Math.round(v)];
  if (!row || Math.abs(v - Math.round(v)) > 0.01) return "";
  return monthDay(row.startMs);
}

/** Steps a duration axis may use, in seconds: 30 s up to 2 h. */
const DURATION_STEPS = [30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

/**
 * A duration axis from 0 to at least `maxSeconds`: the smallest step from `DURATION_STEPS` that
 * needs at most `maxTicks` gridlines above 0, and those gridlines (the last one is the top).
 */
export function durationAxis(maxSeconds: number, maxTicks = 4): { top: number; ticks: number[] } {
  const max = Math.max(maxSeconds, 1);
  const step =
    DURATION_STEPS.find((s) => Math.ceil(max / s) <= maxTicks) ??
    Math.ceil(max / maxTicks / 3600) * 3600;
  const n = Math.max(1, Math.ceil(max / step));
  const ticks = Array.from({ length: n }, (_, i) => (i + 1) * step);
  return { top: n * step, ticks };
}
