import { useState } from "react";
import type { BuildPhases } from "../../bindings/BuildPhases";
import type { PhaseSum } from "../../bindings/PhaseSum";
import { localDateTime, monthDay } from "../../lib/format";
import { durationAxis } from "../../lib/history/chart";
import { durationOrDash } from "../../lib/history/format";
import { buildLabel, buildStatusLabel, buildTone, phaseLabel } from "../../lib/history/records";

type Props = {
  /** The newest finished builds of the window, oldest first (`BuildStats.recent`). */
  builds: BuildPhases[];
  /** The phases in the order of each build's `seconds` (`BuildStats.phases`). */
  phases: PhaseSum[];
  onOpen: (buildId: string) => void;
};

/**
 * One stacked bar per build: its seconds in each phase, bottom to top in the order CodeBuild runs
 * them, so a phase that grows over time shows as a band that thickens. At most 60 bars (plain
 * elements: each is a button that opens the build). Hovering or focusing a bar names its phases
 * in the line under the chart.
 */
export function PhaseBars({ builds, phases, onOpen }: Props) {
  const [active, setActive] = useState<BuildPhases | null>(null);
  const totals = builds.map((b) => b.seconds.reduce((sum, s) => sum + s, 0));
  const axis = durationAxis(Math.max(0, ...totals));
  const first = builds[0];
  const last = builds[builds.length - 1];
  if (!first || !last) return null;
  return (
    <div className="history-phase-bars" data-testid="history-phase-bars" onMouseLeave={() => setActive(null)}>
      <div className="history-phase-bars-title">
        Each of the last {builds.length} finished builds
      </div>
      <div className="history-phase-bars-plot">
        <div className="history-phase-bars-axis" aria-hidden="true">
          {axis.ticks.map((t) => (
            <span key={t} style={{ bottom: `${(t / axis.top) * 100}%` }}>
              {durationOrDash(t)}
            </span>
          ))}
        </div>
        <div className="history-phase-bars-area">
          {axis.ticks.map((t) => (
            <span key={t} className="history-phase-bars-grid" style={{ bottom: `${(t / axis.top) * 100}%` }} aria-hidden="true" />
          ))}
          {builds.map((b, i) => (
            <button
              key={b.id}
              type="button"
              className={active?.id === b.id ? "history-phase-bar active" : "history-phase-bar"}
              style={{ height: `${((totals[i] ?? 0) / axis.top) * 100}%` }}
              aria-label={`Build ${buildLabel(b)}, ${buildStatusLabel(b.status)}, ${durationOrDash(totals[i])}`}
              data-testid={`history-phase-bar-${b.id}`}
              data-tone={buildTone(b.status)}
              onMouseEnter={() => setActive(b)}
              onFocus={() => setActive(b)}
              onBlur={() => setActive(null)}
              onClick={() => onOpen(b.id)}
            >
              {b.seconds.map((s, p) =>
                s > 0 ? <span key={p} className={`history-phase-color-${p}`} style={{ flexGrow: s }} /> : null,
              )}
            </button>
          ))}
        </div>
      </div>
      <div className="history-phase-bars-dates" aria-hidden="true">
        <span>{monthDay(first.startMs)}</span>
        <span>{monthDay(last.startMs)}</span>
      </div>
      <p className="history-phase-bars-detail small" data-testid="history-phase-bars-detail" aria-live="polite">
        {active ? (
          <>
            <strong>
              Build {buildLabel(active)} · {buildStatusLabel(active.status)}
            </strong>{" "}
            <span className="muted">{localDateTime(active.startMs)}</span>
            {" — "}
            {phases
              .map((p, i) => ({ label: phaseLabel(p.phase), seconds: active.seconds[i] ?? 0 }))
              .filter((p) => p.seconds > 0)
              .map((p) => `${p.label} ${durationOrDash(p.seconds)}`)
              .join(" · ")}
          </>
        ) : (
          <span className="muted">Point at a bar to see its phases; click it to open the build.</span>
        )}
      </p>
    </div>
  );
}
