import type { AppError } from "../../bindings/AppError";
import type { BuildStats } from "../../bindings/BuildStats";
import { count, durationOrDash, percent, usd } from "../../lib/history/format";
import { phaseLabel, type WindowDays } from "../../lib/history/records";
import { ErrorNotice } from "../ErrorNotice";
import { Spinner } from "../Spinner";
import { Figure, WindowToggle } from "./parts";
import { PhaseBars } from "./PhaseBars";
import { Card } from "../Card";

type Props = {
  stats: BuildStats | undefined;
  days: WindowDays;
  onDays: (days: WindowDays) => void;
  fetching: boolean;
  error: AppError | null;
};

/** Success rate, durations, count, minutes and cost for the last 7/30/90 days (computed in Rust). */
export function StatsPanel({ stats, days, onDays, fetching, error }: Props) {
  const shown = stats;
  // While another window is fetched the previous figures stay, dimmed.
  const stale = stats !== undefined && stats.windowDays !== days;
  return (
    <Card
      titleId="history-stats-title"
      title={
        <>
          Last {days} days
        </>
      }
      subtitle="From the builds stored on this computer, updated after each sync."
      aside={
        <>
          {fetching && <Spinner size={13} />}
          <WindowToggle value={days} onChange={onDays} testIdPrefix="history-window" label="Time window" />
        </>
      }
      className="history-stats"
      testId="history-stats"
    >
      {error && (
        <div className="history-card-body">
          <ErrorNotice error={error} testId="history-stats-error" />
        </div>
      )}
      <div className={stale ? "history-figures history-stale" : "history-figures"}>
        <Figure
          label="Success rate"
          value={percent(shown?.successRate)}
          detail={shown ? `${count(shown.succeeded)} succeeded, ${count(shown.failed)} failed` : undefined}
          valueTestId="history-success-rate"
        />
        <Figure
          label="Builds"
          value={shown ? count(shown.builds) : "—"}
          detail={shown && shown.builds > 0 ? `${(shown.builds / days).toFixed(1)} a day` : undefined}
          valueTestId="history-build-count"
        />
        <Figure label="Median duration" value={durationOrDash(shown?.medianSeconds)} valueTestId="history-median" />
        <Figure
          label="p90 duration"
          value={durationOrDash(shown?.p90Seconds)}
          detail="9 in 10 builds are faster"
          valueTestId="history-p90"
        />
        <Figure
          label="Build minutes"
          value={shown ? count(shown.buildMinutes) : "—"}
          detail="Billed in whole minutes per build"
          valueTestId="history-build-minutes"
        />
        <Figure
          label="Cost so far"
          value={shown ? usd(shown.costUsd) : "—"}
          detail={shown ? costDetail(shown) : undefined}
          valueTestId="history-cost"
          detailTestId="history-cost-detail"
        />
      </div>
    </Card>
  );
}

/** Which prices the cost is at, and the minutes they do not cover. */
function costDetail(stats: BuildStats): string {
  const prices = `At CodeBuild on-demand prices of ${stats.pricesAsOf} (${stats.pricesRegion})`;
  return stats.unpricedMinutes > 0
    ? `${prices}; ${count(stats.unpricedMinutes)} minutes of ARM, GPU, Lambda or Windows builds not priced`
    : prices;
}

/**
 * Where the time goes: the window's time per phase as one stacked bar with a legend, then the
 * newest builds phase by phase.
 */
export function PhaseBreakdown({ stats, onOpen }: { stats: BuildStats | undefined; onOpen: (buildId: string) => void }) {
  const phases = stats?.phases ?? [];
  const total = phases.reduce((sum, p) => sum + p.seconds, 0);
  return (
    <Card
      titleId="history-phases-title"
      title="Where the time goes"
      subtitle="Time spent in each phase by all builds of the window, per build on average, and build by build."
      testId="history-phases"
    >
      {total === 0 ? (
        <div className="card-empty">No phase timings in this window yet.</div>
      ) : (
        <div className="history-card-body">
          <div className="history-phase-stack" role="img" aria-label="Share of time per phase">
            {phases.map((p, i) =>
              p.seconds > 0 ? (
                <span
                  key={p.phase}
                  className={`history-phase-segment history-phase-color-${i}`}
                  style={{ flexGrow: p.seconds }}
                  title={`${phaseLabel(p.phase)}: ${percent(p.seconds / total)}`}
                  data-testid={`history-phase-${p.phase}`}
                />
              ) : null,
            )}
          </div>
          <ul className="history-phase-legend">
            {phases.map((p, i) => (
              <li key={p.phase} className={p.seconds === 0 ? "muted" : undefined}>
                <span className={`history-phase-swatch history-phase-color-${i}`} aria-hidden="true" />
                <span className="history-phase-name">{phaseLabel(p.phase)}</span>
                <span className="history-phase-share">{percent(p.seconds / total)}</span>
                <span className="history-phase-time muted">
                  {durationOrDash(p.seconds)}
                  {stats && stats.builds > 0 && p.seconds > 0 && ` · ${durationOrDash(p.seconds / stats.builds)} a build`}
                </span>
              </li>
            ))}
          </ul>
          {stats && stats.recent.length > 0 && <PhaseBars builds={stats.recent} phases={phases} onOpen={onOpen} />}
        </div>
      )}
    </Card>
  );
}
