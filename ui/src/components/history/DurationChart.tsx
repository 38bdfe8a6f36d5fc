import { memo, useEffect, useRef, useState } from "react";
// Before uplot: it needs a valid navigator.language when its module loads.
import "../../lib/history/locale";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatDuration, localDateTime, shortSha } from "../../lib/format";
import { barColors, chartPalette, plotData, tickLabel, type Palette } from "../../lib/history/chart";
import { count, minutesLabel } from "../../lib/history/format";
import { buildStatusLabel, INITIATOR_LABELS, type BuildTone, type ChartData, type ChartRow } from "../../lib/history/records";

/** The bar colours, as the legend names them. */
const LEGEND: [BuildTone, string][] = [
  ["success", "Succeeded"],
  ["danger", "Failed"],
  ["stopped", "Stopped"],
  ["running", "In progress"],
];

type Props = {
  data: ChartData;
  days: number;
  /** Older builds of the window may still be on their way from the store. */
  partial?: boolean;
  onOpen: (buildId: string) => void;
};

const HEIGHT = 260;
const MIN_WIDTH = 320;

type Hover = { row: ChartRow; left: number; top: number; flip: boolean };

/**
 * Duration of each build in the window, one bar per build (oldest on the left), coloured by status.
 * Drawn by uPlot on a canvas: 1,000 bars cost one draw call per colour. (recharts cannot be used
 * here: its decimal.js-light dependency assigns `toString` on a plain object, which throws under
 * Tauri's `freezePrototype`; d3-color, under visx, assigns `constructor` the same way.)
 *
 * The colours come from the legend swatches' CSS classes (`history-bar-*`), so styles.css stays the
 * one place they are defined. `data` is memoized by the caller; hovering re-renders only the tooltip.
 */
export const DurationChart = memo(function DurationChart({ data, days, partial = false, onOpen }: Props) {
  const { rows, inWindow, capped } = data;
  const boxRef = useRef<HTMLDivElement>(null);
  const legendRef = useRef<HTMLUListElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const rowsRef = useRef(rows);
  const openRef = useRef(onOpen);
  const [hover, setHover] = useState<Hover | null>(null);

  useEffect(() => {
    rowsRef.current = rows;
    openRef.current = onOpen;
  });

  // One uPlot for the life of the component; data changes go through setData.
  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const palette: Palette = chartPalette(legendRef.current);
    const width = () => Math.max(MIN_WIDTH, box.clientWidth || 800);
    const opts: uPlot.Options = {
      width: width(),
      height: HEIGHT,
      legend: { show: false },
      cursor: { y: false, points: { show: false }, drag: { x: false, y: false, setScale: false } },
      scales: {
        x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] },
      },
      axes: [
        {
          stroke: palette.axis,
          grid: { show: false },
          ticks: { show: false },
          space: 72,
          values: (_u, splits) => splits.map((v) => tickLabel(rowsRef.current, v)),
        },
        {
          stroke: palette.axis,
          grid: { stroke: palette.grid, width: 1 },
          ticks: { show: false },
          size: 66,
          values: (_u, splits) => splits.map((v) => minutesLabel(v)),
        },
      ],
      series: [
        {},
        {
          label: "Duration",
          width: 0,
          fill: palette.success,
          points: { show: false },
          paths: uPlot.paths.bars?.({
            size: [0.85, 18, 1],
            disp: { fill: { unit: 3, values: () => barColors(rowsRef.current, palette) } },
          }),
        },
      ],
      hooks: {
        setCursor: [
          (u) => {
            const idx = u.cursor.idx;
            const row = idx === null || idx === undefined ? undefined : rowsRef.current[idx];
            if (!row || u.cursor.left === undefined || u.cursor.left < 0) {
              setHover(null);
              return;
            }
            const over = u.over.getBoundingClientRect();
            const outer = box.getBoundingClientRect();
            const left = over.left - outer.left + (u.valToPos(idx ?? 0, "x") || u.cursor.left);
            const top = over.top - outer.top + (u.cursor.top ?? 0);
            setHover({ row, left, top, flip: left > outer.width - 280 });
          },
        ],
      },
    };
    const plot = new uPlot(opts, plotData(rowsRef.current), box);
    plotRef.current = plot;
    const onClick = () => {
      const idx = plot.cursor.idx;
      const row = idx === null || idx === undefined ? undefined : rowsRef.current[idx];
      if (row) openRef.current(row.id);
    };
    plot.over.addEventListener("click", onClick);
    const resize = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => plot.setSize({ width: width(), height: HEIGHT }));
    resize?.observe(box);
    return () => {
      resize?.disconnect();
      plot.over.removeEventListener("click", onClick);
      plot.destroy();
      plotRef.current = null;
    };
  }, []);

  useEffect(() => {
    plotRef.current?.setData(plotData(rows));
  }, [rows]);

  return (
    <section className="card" aria-labelledby="history-chart-title">
      <div className="card-header">
        <div>
          <h2 className="card-title" id="history-chart-title">
            Duration of each build
          </h2>
          <p className="card-subtitle" data-testid="history-chart-note">
            {partial
              ? `The newest ${count(rows.length)} builds of the last ${days} days (reading older builds…).`
              : capped
                ? `The newest ${count(rows.length)} of ${count(inWindow)} builds in the last ${days} days.`
                : `${count(rows.length)} builds in the last ${days} days.`}{" "}
            Click a bar to open the build.
          </p>
        </div>
        <span className="spacer" />
        <ul className="history-chart-legend" aria-label="Colours" ref={legendRef}>
          {LEGEND.map(([tone, label]) => (
            <li key={tone}>
              <span className={`history-swatch history-bar-${tone}`} data-tone={tone} aria-hidden="true" />
              {label}
            </li>
          ))}
        </ul>
      </div>
      <div
        className="history-chart"
        data-testid="history-chart"
        data-bars={rows.length}
        role="img"
        aria-label={`Bar chart of the duration of ${rows.length} builds`}
        onMouseLeave={() => setHover(null)}
      >
        <div ref={boxRef} className="history-chart-plot" />
        {rows.length === 0 && <div className="history-chart-empty">No builds in the last {days} days.</div>}
        {hover && <ChartTooltip hover={hover} />}
      </div>
    </section>
  );
});

function ChartTooltip({ hover }: { hover: Hover }) {
  const { row } = hover;
  return (
    <div
      className={hover.flip ? "history-tooltip history-tooltip-flip" : "history-tooltip"}
      style={{ left: hover.left, top: hover.top }}
      data-testid="history-tooltip"
    >
      <div className="history-tooltip-title">
        Build {row.label} ·{" "}
        <span className={`history-tooltip-status history-text-${row.tone}`}>{buildStatusLabel(row.status)}</span>
      </div>
      <dl>
        <dt>Duration</dt>
        <dd>{formatDuration(row.seconds)}</dd>
        <dt>Started</dt>
        <dd>{localDateTime(row.startMs)}</dd>
        <dt>Commit</dt>
        <dd className="mono">{row.commit ? shortSha(row.commit) : "—"}</dd>
        <dt>Started by</dt>
        <dd>
          {INITIATOR_LABELS[row.initiatorKind]} <span className="muted">({row.initiator})</span>
        </dd>
      </dl>
    </div>
  );
}
